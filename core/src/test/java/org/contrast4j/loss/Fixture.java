package org.contrast4j.loss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;

/**
 * One golden PyTorch fixture written by {@code scripts/make_fixtures.py}: the loss name, its configuration, the
 * float32 inputs and what torch computed for them in float64 (value, per-row losses, skipped rows, gradients with
 * respect to every raw input and learnable scalar, named terms).
 */
record Fixture(String file, String name, String loss, JsonNode config, Batch batch, Expected expected) {

    /** The resource directory the script writes to. */
    static final String DIRECTORY = "/fixtures";

    /** What torch computed; gradients are flat row-major arrays with the row width of their input. */
    record Expected(double value, double[] perRow, int skippedRows, Map<Input, double[]> gradients,
                    Map<Input, Integer> gradientCols, Map<Scalar, Double> scalarGradients, Map<String, Double> terms) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every fixture file in the resource directory, sorted by file name. */
    static List<Path> files() {
        return files(DIRECTORY);
    }

    /** Every .json file in a resource directory of the test class path, sorted by file name. */
    static List<Path> files(String directory) {
        URL url = Fixture.class.getResource(directory);
        if (url == null) {
            throw new IllegalStateException("no " + directory + " directory on the test class path");
        }
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fixture file's JSON tree. */
    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
    }

    static Fixture read(Path file) {
        JsonNode root = json(file);
        JsonNode in = root.required("inputs");
        Matrix anchors = matrix(in.required("anchors"));
        Batch.Builder b = Batch.builder(anchors);
        if (in.has("positives")) {
            b.positives(matrix(in.get("positives")));
        }
        if (in.has("negatives")) {
            JsonNode neg = in.get("negatives");
            String kind = in.required("negatives_kind").asText();
            switch (kind) {
                case "shared" -> b.sharedNegatives(matrix(neg),
                        in.has("negative_labels") ? longs(in.get("negative_labels")) : null);
                case "paired" -> b.pairedNegatives(matrix(neg), neg.required("shape").get(1).asInt());
                default -> throw new IllegalArgumentException(file + ": unknown negatives_kind " + kind);
            }
        }
        if (in.has("labels")) {
            JsonNode l = in.get("labels");
            long[] labels = new long[l.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = l.get(i).asLong();
            }
            b.labels(labels);
        }
        if (in.has("guide_anchors")) {
            b.guide(matrix(in.get("guide_anchors")), matrix(in.required("guide_positives")));
        }
        if (in.has("log_q")) {
            b.logQ(doubles(in.get("log_q")));
        }
        if (in.has("negative_log_q")) {
            b.negativeLogQ(doubles(in.get("negative_log_q")));
        }

        JsonNode ex = root.required("expected");
        Map<Input, double[]> grads = new LinkedHashMap<>();
        Map<Input, Integer> cols = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ex.required("gradients").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Input input = input(e.getKey());
            grads.put(input, doubles(e.getValue()));
            JsonNode shape = in.required(e.getKey()).required("shape");
            cols.put(input, shape.get(shape.size() - 1).asInt());
        }
        Map<Scalar, Double> scalars = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ex.required("scalar_gradients").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            scalars.put(scalar(e.getKey()), e.getValue().doubleValue());
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ex.required("terms").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            terms.put(e.getKey(), e.getValue().doubleValue());
        }
        Expected expected = new Expected(ex.required("value").doubleValue(), doubles(ex.required("per_row")),
                ex.required("skipped_rows").asInt(), grads, cols, scalars, terms);
        return new Fixture(file.getFileName().toString(), root.required("name").asText(),
                root.required("loss").asText(), root.required("config"), b.build(), expected);
    }

    /** An input written as {"shape": [..], "data": [..]}: 2-D as is, 3-D N×M×D as an (N·M)×D matrix. */
    private static Matrix matrix(JsonNode node) {
        JsonNode shape = node.required("shape");
        int cols = shape.get(shape.size() - 1).asInt();
        int rows = 1;
        for (int i = 0; i < shape.size() - 1; i++) {
            rows *= shape.get(i).asInt();
        }
        double[] d = doubles(node.required("data"));
        if (d.length != (long) rows * cols) {
            throw new IllegalArgumentException("data has " + d.length + " entries, shape " + shape + " needs "
                    + (long) rows * cols);
        }
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            // the script writes the exact float32 values as doubles, so this cast is exact
            f[i] = (float) d[i];
            if (f[i] != d[i]) {
                throw new IllegalArgumentException("input entry " + i + " = " + d[i] + " is not a float32 value");
            }
        }
        return Matrix.of(rows, cols, f);
    }

    private static double[] doubles(JsonNode array) {
        List<Double> out = new ArrayList<>(array.size());
        array.forEach(v -> out.add(v.doubleValue()));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static long[] longs(JsonNode l) {
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i).asLong();
        }
        return out;
    }

    private static Input input(String key) {
        for (Input i : Input.values()) {
            if (i.key().equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown input " + key);
    }

    private static Scalar scalar(String key) {
        for (Scalar s : Scalar.values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scalar " + key);
    }

    @Override
    public String toString() {
        return name;
    }
}
