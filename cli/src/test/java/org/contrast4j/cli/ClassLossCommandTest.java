package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.matrix;
import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.contrast4j.NpyBytes;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassLossResult;
import org.contrast4j.loss.ClassScoringLoss;
import org.contrast4j.loss.FullSoftmax;
import org.contrast4j.loss.Nce;
import org.contrast4j.loss.NegativeSampling;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.SampledSoftmax;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code contrast4j loss --loss softmax|nce|neg|sampled-softmax} in-process on small seeded inputs: what it writes
 * equals the library's {@link ClassLossResult} on the same inputs (bit for bit, after the JSON and .npy round trips,
 * the class gradient expanded to V×D), the defaults of {@code --remove-accidental-hits} are TF's, and for the full
 * softmax the value matches an independent double-precision computation.
 */
class ClassLossCommandTest {
    static final int B = 5;
    static final int D = 4;
    static final int V = 9;
    static final int K = 3;
    static final int[] TARGETS = {0, 3, 3, 8, 5};
    static final int[] SHARED = {3, 1, 7};                       // 3 is an accidental hit for rows 1 and 2
    static final int[] PAIRED = {0, 2, 4, 1, 1, 6, 3, 5, 2, 8, 8, 0, 7, 5, 6}; // hits: rows 0, 3 (twice), 4

    @TempDir
    Path dir;
    Matrix h;
    Matrix w;
    float[] bias;
    double[] q;

    static void writeInts(Path file, int[] shape, int... v) throws IOException {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        String shp = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + shape[0] + ", " + shape[1] + ")";
        Files.write(file, NpyBytes.npy(1, 0, NpyBytes.dict("<i8", false, shp), NpyBytes.i8(l)));
    }

    static void writeDoubles(Path file, double... v) throws IOException {
        Files.write(file, NpyBytes.npy(1, 0, NpyBytes.dict("<f8", false, "(" + v.length + ",)"), NpyBytes.f8(v)));
    }

    static double[] noise() {
        double[] q = new double[V];
        double sum = 0;
        for (int c = 0; c < V; c++) {
            q[c] = 1.0 / (c + 1);
            sum += q[c];
        }
        for (int c = 0; c < V; c++) {
            q[c] /= sum;
        }
        return q;
    }

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(77);
        h = matrix(B, D, write(dir, "h.npy", rnd, B, D));
        w = matrix(V, D, write(dir, "w.npy", rnd, V, D));
        bias = write(dir, "b.npy", rnd, V);
        q = noise();
        writeDoubles(dir.resolve("q.npy"), q);
        writeInts(dir.resolve("t.npy"), new int[] {B}, TARGETS);
        writeInts(dir.resolve("s.npy"), new int[] {K}, SHARED);
        writeInts(dir.resolve("sp.npy"), new int[] {B, K}, PAIRED);
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    ClassBatch.Builder batch(boolean withBias) {
        ClassBatch.Builder b = ClassBatch.builder(h, w).targets(TARGETS);
        if (withBias) {
            b.bias(bias);
        }
        return b;
    }

    /** Runs the command and checks everything it wrote against {@code loss.compute(batch)}. */
    JsonNode check(String key, ClassScoringLoss loss, ClassBatch batch, String... args) throws IOException {
        Path out = dir.resolve("out-" + key + "-" + args.length);
        List<String> all = new ArrayList<>(List.of("loss", "--loss", key, "--out", out.toString(), "--queries",
                f("h.npy"), "--classes", f("w.npy"), "--targets", f("t.npy")));
        all.addAll(List.of(args));
        CliTesting.Run r = run(all.toArray(String[]::new));
        r.assertOk();
        ClassLossResult want = loss.compute(batch);

        JsonNode j = json(out.resolve("result.json"));
        for (String k : List.of("loss", "config", "value", "per_row", "skipped_rows", "scalar_gradients", "terms")) {
            assertTrue(j.has(k), "result.json has " + k);
        }
        assertEquals(key, j.get("loss").asText());
        assertEquals(loss.toString(), j.get("config").asText());
        assertEquals(want.value(), j.get("value").asDouble());
        double[] perRow = new double[j.get("per_row").size()];
        for (int i = 0; i < perRow.length; i++) {
            perRow[i] = j.get("per_row").get(i).asDouble();
        }
        assertArrayEquals(want.perRow(), perRow);
        assertEquals(0, j.get("skipped_rows").asInt());
        assertEquals(want.classGradient().size(), j.get("touched_classes").asInt());
        Map<String, Double> scalars = new LinkedHashMap<>();
        j.get("scalar_gradients").properties().forEach(e -> scalars.put(e.getKey(), e.getValue().asDouble()));
        Map<String, Double> wantScalars = new LinkedHashMap<>();
        want.scalarGradients().forEach((s, v) -> wantScalars.put(s.key(), v));
        assertEquals(wantScalars, scalars);
        Map<String, Double> terms = new LinkedHashMap<>();
        j.get("terms").properties().forEach(e -> terms.put(e.getKey(), e.getValue().asDouble()));
        assertEquals(want.terms(), terms);

        Set<String> files = new TreeSet<>();
        try (var list = Files.list(out)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        Set<String> wantFiles = new TreeSet<>(Set.of("result.json", "grad_queries.npy", "grad_classes.npy"));
        NpyArray gq = Npy.read(out.resolve("grad_queries.npy"));
        assertArrayEquals(new int[] {B, D}, gq.shape());
        assertArrayEquals(want.queryGradient().data(), gq.toFloats());
        NpyArray gw = Npy.read(out.resolve("grad_classes.npy"));
        assertArrayEquals(new int[] {V, D}, gw.shape());
        assertArrayEquals(want.classGradient().toDense().data(), gw.toFloats());
        if (want.biasGradient().isPresent()) {
            wantFiles.add("grad_class_bias.npy");
            NpyArray gb = Npy.read(out.resolve("grad_class_bias.npy"));
            assertArrayEquals(new int[] {V}, gb.shape());
            double[] dense = want.biasGradient().get().toDense();
            for (int c = 0; c < V; c++) {
                assertEquals((float) dense[c], gb.toFloats()[c], "bias gradient " + c);
            }
        }
        assertEquals(wantFiles, files, "exactly result.json and the gradients, no temporary files");
        assertTrue(r.out().contains(Output.number(want.value())), r.out());
        assertTrue(r.out().contains("touched classes"), r.out());
        return j;
    }

    @Test
    void fullSoftmaxMatchesAnIndependentComputation() throws IOException {
        JsonNode j = check("softmax", FullSoftmax.builder().build(), batch(true).build(), "--class-bias", f("b.npy"));
        assertEquals(V, j.get("touched_classes").asInt(), "the full softmax touches every class");
        // ℓ_i = log Σ_c e^{h_i·W_c + b_c} − (h_i·W_t + b_t), in double here
        double total = 0;
        for (int i = 0; i < B; i++) {
            double[] s = new double[V];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < V; c++) {
                for (int k = 0; k < D; k++) {
                    s[c] += (double) h.get(i, k) * w.get(c, k);
                }
                s[c] += bias[c];
                max = Math.max(max, s[c]);
            }
            double sum = 0;
            for (double v : s) {
                sum += Math.exp(v - max);
            }
            double row = max + Math.log(sum) - s[TARGETS[i]];
            // float32 scores within γ_D·Σ|h·w| (+ the bias, exact in double): a softmax row within twice that
            assertEquals(row, j.get("per_row").get(i).asDouble(),
                    rowBound(i) + FloatBounds.gamma64(4L * V) * (max + 1));
            total += row;
        }
        double maxBound = 0;
        for (int i = 0; i < B; i++) {
            maxBound = Math.max(maxBound, rowBound(i));
        }
        assertEquals(total / B, j.get("value").asDouble(), maxBound + FloatBounds.gamma64(8L * V * B) * (total + 10));
        JsonNode inputs = j.get("inputs");
        assertEquals(Set.of("queries", "classes", "class_bias", "targets"), fieldNames(inputs));
        assertEquals(V, inputs.get("class_bias").get("shape").get(0).asInt());
    }

    @Test
    void nceWithSharedSamplesAndDefaults() throws IOException {
        ClassBatch batch = batch(false).sharedSamples(SHARED).noise(q).build();
        JsonNode j = check("nce", Nce.builder().build(), batch, "--samples", f("s.npy"), "--noise", f("q.npy"));
        assertEquals(Set.of("data", "noise"), fieldNames(j.get("terms")));
        assertTrue(j.get("config").asText().contains("removeAccidentalHits=false"), "TF's nce default");
        assertEquals(6, j.get("touched_classes").asInt(), "targets {0, 3, 5, 8} ∪ samples {1, 3, 7}");
    }

    @Test
    void nceWithPairedSamplesLearnedNormaliserHitsRemovedSum() throws IOException {
        ClassBatch batch = batch(true).pairedSamples(PAIRED, K).noise(q).build();
        Nce loss = Nce.builder().removeAccidentalHits(true).logNormaliser(0.5).learnableLogNormaliser(true)
                .reduction(Reduction.SUM).build();
        JsonNode j = check("nce", loss, batch, "--class-bias", f("b.npy"), "--samples", f("sp.npy"), "--noise",
                f("q.npy"), "--remove-accidental-hits", "true", "--log-normaliser", "0.5",
                "--learnable-log-normaliser", "--reduction", "sum");
        assertTrue(j.get("scalar_gradients").has("log_normaliser"));
    }

    @Test
    void negativeSampling() throws IOException {
        check("neg", NegativeSampling.builder().build(), batch(true).sharedSamples(SHARED).build(),
                "--class-bias", f("b.npy"), "--samples", f("s.npy"));
        check("neg", NegativeSampling.builder().removeAccidentalHits(true).reduction(Reduction.NONE).build(),
                batch(false).pairedSamples(PAIRED, K).build(), "--samples", f("sp.npy"),
                "--remove-accidental-hits", "true", "--reduction", "none");
    }

    @Test
    void sampledSoftmaxRemovesAccidentalHitsByDefault() throws IOException {
        ClassBatch batch = batch(false).pairedSamples(PAIRED, K).noise(q).build();
        JsonNode on = check("sampled-softmax", SampledSoftmax.builder().build(), batch, "--samples", f("sp.npy"),
                "--noise", f("q.npy"));
        JsonNode off = check("sampled-softmax", SampledSoftmax.builder().removeAccidentalHits(false).build(), batch,
                "--samples", f("sp.npy"), "--noise", f("q.npy"), "--remove-accidental-hits", "false");
        assertTrue(on.get("value").asDouble() != off.get("value").asDouble(), "the planted hits matter");
        assertEquals(0, off.get("terms").size());
    }

    @Test
    void float32NoiseIsAcceptedToo() throws IOException {
        float[] q32 = new float[V];
        for (int c = 0; c < V; c++) {
            q32[c] = (float) q[c];
        }
        Npy.write(dir.resolve("q32.npy"), new int[] {V}, q32);
        double[] widened = new double[V];
        for (int c = 0; c < V; c++) {
            widened[c] = q32[c];
        }
        check("sampled-softmax", SampledSoftmax.builder().build(),
                batch(false).sharedSamples(SHARED).noise(widened).build(), "--samples", f("s.npy"), "--noise",
                f("q32.npy"));
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> s = new TreeSet<>();
        node.fieldNames().forEachRemaining(s::add);
        return s;
    }

    /** 2·γ_D·max_c Σ_k |h_ik·w_ck|: twice the float32 error of query i's largest score (a softmax row). */
    private double rowBound(int i) {
        double max = 0;
        for (int c = 0; c < V; c++) {
            double abs = 0;
            for (int k = 0; k < D; k++) {
                abs += Math.abs((double) h.get(i, k) * w.get(c, k));
            }
            max = Math.max(max, abs);
        }
        return 2 * FloatBounds.dot(D, max);
    }
}
