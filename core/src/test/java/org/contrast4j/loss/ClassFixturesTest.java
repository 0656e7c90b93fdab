package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the class-scoring losses against the golden PyTorch fixtures in {@code src/test/resources/fixtures-class}
 * (written by {@code scripts/make_class_fixtures.py}: each objective written in torch from its formula, float64,
 * autograd gradients with respect to the queries, the whole class table, the bias and log Z). One dynamic test per
 * file. Each builds the batch and the loss from the fixture through the public API and compares the value, every
 * per-row loss, the terms, ∂/∂h, ∂/∂W (the sparse rows expanded to V×D: torch's dense gradient is exactly zero off the
 * touched rows, so ours must be too), ∂/∂b, ∂/∂log Z, and the sparse ids against the fixture's touched ids.
 *
 * <p>Every number and every gradient entry is compared within an absolute error bound derived from the fixture's
 * sizes and magnitudes ({@link Bound}); the fixtures are float64 (each fixture's float32_check only documents what a
 * plain float32 torch run would cost), so the bound is that of our float32 data. The largest fraction of the bound
 * used is printed.
 */
class ClassFixturesTest {
    static final String DIRECTORY = "/fixtures-class";
    static final Set<String> LOSS_NAMES = Set.of("softmax", "nce", "neg", "sampled-softmax");
    private static final Map<String, Double> WORST = new TreeMap<>();
    private static final Map<String, String> WORST_AT = new TreeMap<>();
    private static int checked;

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        List<Path> files = Fixture.files(DIRECTORY);
        assertFalse(files.isEmpty(), "no fixtures found");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    @Test
    void everyObjectiveAndOptionIsCovered() {
        Set<String> seen = new TreeSet<>();
        Set<String> options = new TreeSet<>();
        for (Path f : Fixture.files(DIRECTORY)) {
            JsonNode root = Fixture.json(f);
            String loss = root.required("loss").asText();
            assertTrue(LOSS_NAMES.contains(loss), f + ": loss " + loss);
            assertEquals(root.required("name").asText() + ".json", f.getFileName().toString());
            seen.add(loss);
            JsonNode in = root.required("inputs");
            JsonNode cfg = root.required("config");
            options.add(loss + (in.has("class_bias") ? " bias" : " no-bias"));
            if (!loss.equals("softmax")) {
                JsonNode shape = in.required("samples").required("shape");
                options.add(loss + (shape.size() == 1 ? " shared" : " paired"));
                options.add(loss + " k=" + (shape.get(shape.size() - 1).asInt() == 1 ? "1" : ">1"));
                options.add(loss + " hits " + (cfg.required("remove_accidental_hits").asBoolean() ? "removed" : "kept")
                        + (root.required("expected").required("accidental_hits").asInt() > 0 ? " present" : ""));
            }
            if (loss.equals("nce")) {
                options.add("nce learnable " + cfg.required("learnable_log_normaliser").asBoolean());
            }
            if (in.has("expected_counts")) {
                options.add(loss + " expected counts");
            }
        }
        assertEquals(LOSS_NAMES, seen);
        for (String loss : List.of("nce", "neg", "sampled-softmax")) {
            for (String o : List.of(" bias", " no-bias", " shared", " paired", " k=1", " k=>1", " hits removed present",
                    " hits kept present")) {
                assertTrue(options.contains(loss + o), "no fixture for " + loss + o + "; have " + options);
            }
        }
        assertTrue(options.containsAll(List.of("nce learnable true", "nce learnable false", "nce expected counts",
                "sampled-softmax expected counts", "softmax bias", "softmax no-bias")), options.toString());
    }

    private static void check(Path file) {
        JsonNode root = Fixture.json(file);
        String name = root.required("name").asText();
        String lossName = root.required("loss").asText();
        JsonNode in = root.required("inputs");
        ClassBatch batch = batch(in);
        Config cfg = new Config(root.required("config"));
        ClassScoringLoss loss = build(lossName, cfg);
        cfg.requireAllUsed(lossName);
        ClassLossResult r = loss.compute(batch);
        JsonNode ex = root.required("expected");
        Bound bound = Bound.of(lossName, root.required("config"), in, batch, ex.required("per_row").size());
        List<String> problems = new ArrayList<>();

        compare(problems, name, "value", bound.value(), r.value(), ex.required("value").doubleValue());
        double[] perRow = r.perRow();
        JsonNode exRows = ex.required("per_row");
        assertEquals(exRows.size(), perRow.length, "per-row length");
        for (int i = 0; i < perRow.length; i++) {
            compare(problems, name, "per_row", bound.perRow(), perRow[i], exRows.get(i).doubleValue());
        }
        JsonNode terms = ex.required("terms");
        Set<String> termNames = new TreeSet<>();
        terms.fieldNames().forEachRemaining(termNames::add);
        if (!termNames.equals(new TreeSet<>(r.terms().keySet()))) {
            problems.add("terms " + r.terms().keySet() + ", torch " + termNames);
        }
        for (String t : termNames) {
            Double ours = r.terms().get(t);
            if (ours != null) {
                compare(problems, name, "terms", bound.value(), ours, terms.get(t).doubleValue());
            }
        }

        JsonNode grads = ex.required("gradients");
        gradient(problems, name, "queries", bound.queries(), toDouble(r.queryGradient()),
                doubles(grads.required("queries")));
        int[] ids = ints(ex.required("touched_ids"));
        if (!Arrays.equals(ids, r.classGradient().ids())) {
            problems.add("class gradient ids " + Arrays.toString(r.classGradient().ids()) + ", touched "
                    + Arrays.toString(ids));
        }
        gradient(problems, name, "classes", bound.classes(), toDouble(r.classGradient().toDense()),
                doubles(grads.required("classes")));
        if (grads.has("class_bias")) {
            if (r.biasGradient().isEmpty()) {
                problems.add("no bias gradient");
            } else {
                SparseVector gb = r.biasGradient().get();
                if (!Arrays.equals(ids, gb.ids())) {
                    problems.add("bias gradient ids " + Arrays.toString(gb.ids()));
                }
                gradient(problems, name, "class_bias", bound.bias(), gb.toDense(),
                        doubles(grads.get("class_bias")));
            }
        } else if (r.biasGradient().isPresent()) {
            problems.add("a bias gradient without a bias");
        }
        JsonNode scalars = ex.required("scalar_gradients");
        if (scalars.has("log_normaliser")) {
            Double ours = r.scalarGradients().get(Scalar.LOG_NORMALISER);
            if (ours == null) {
                problems.add("no log_normaliser gradient");
            } else {
                compare(problems, name, "scalar gradients", bound.scalar(), ours,
                        scalars.get("log_normaliser").doubleValue());
            }
        }
        if (r.scalarGradients().size() != scalars.size()) {
            problems.add("scalar gradients " + r.scalarGradients().keySet() + ", torch " + scalars);
        }
        synchronized (WORST) {
            checked++;
        }
        if (!problems.isEmpty()) {
            fail(name + " (" + loss + "):\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(12, problems.size()))));
        }
    }

    static ClassBatch batch(JsonNode in) {
        Matrix h = matrix(in.required("queries"));
        Matrix w = matrix(in.required("classes"));
        ClassBatch.Builder b = ClassBatch.builder(h, w).targets(ints(in.required("targets")));
        if (in.has("class_bias")) {
            b.bias(matrix(in.get("class_bias")).data());
        }
        if (in.has("samples")) {
            JsonNode s = in.get("samples");
            int[] ids = ints(s.required("data"));
            JsonNode shape = s.required("shape");
            if (shape.size() == 1) {
                b.sharedSamples(ids);
            } else {
                b.pairedSamples(ids, shape.get(1).asInt());
            }
        }
        b.noise(doubles(in.required("noise")));
        if (in.has("expected_counts")) {
            JsonNode e = in.get("expected_counts");
            b.expectedCounts(doubles(e.required("targets")), doubles(e.required("samples")));
        }
        return b.build();
    }

    static ClassScoringLoss build(String loss, Config c) {
        Reduction reduction = Reduction.valueOf(c.take("reduction").asText().toUpperCase(Locale.ROOT));
        return switch (loss) {
            case "softmax" -> FullSoftmax.builder().reduction(reduction).build();
            case "nce" -> Nce.builder().reduction(reduction)
                    .removeAccidentalHits(c.take("remove_accidental_hits").asBoolean())
                    .logNormaliser(c.take("log_normaliser").doubleValue())
                    .learnableLogNormaliser(c.take("learnable_log_normaliser").asBoolean()).build();
            case "neg" -> NegativeSampling.builder().reduction(reduction)
                    .removeAccidentalHits(c.take("remove_accidental_hits").asBoolean()).build();
            case "sampled-softmax" -> SampledSoftmax.builder().reduction(reduction)
                    .removeAccidentalHits(c.take("remove_accidental_hits").asBoolean()).build();
            default -> throw new IllegalArgumentException("unknown loss " + loss);
        };
    }

    /** Reads config keys and remembers which were used, so an option the script sets is never silently dropped. */
    static final class Config {
        private final JsonNode node;
        private final Set<String> used = new LinkedHashSet<>();

        Config(JsonNode node) {
            this.node = node;
        }

        JsonNode take(String key) {
            used.add(key);
            return node.required(key);
        }

        void requireAllUsed(String loss) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!used.contains(k)) {
                    throw new IllegalArgumentException(loss + " fixture option " + k + " is not applied");
                }
            }
        }
    }

    private static void compare(List<String> problems, String fixture, String kind, double bound, double ours,
                                double torch) {
        double err = Double.isFinite(ours) ? Math.abs(ours - torch) : Double.POSITIVE_INFINITY;
        bound += 1e-14 * Math.abs(torch);
        record(fixture, kind, err / bound);
        if (!(err <= bound)) {
            problems.add(String.format(Locale.ROOT, "%s: ours %.12g, torch %.12g (|difference| %.3g > bound %.3g)",
                    kind, ours, torch, err, bound));
        }
    }

    /** Every entry within the bound (absolute), plus the fixture's 15 significant digits. */
    private static void gradient(List<String> problems, String fixture, String what, double bound, double[] ours,
                                 double[] torch) {
        if (ours.length != torch.length) {
            problems.add("gradient " + what + " has " + ours.length + " entries, torch " + torch.length);
            return;
        }
        double used = 0;
        int at = 0;
        for (int k = 0; k < torch.length; k++) {
            double b = bound + 1e-14 * Math.abs(torch[k]) + Float.MIN_VALUE;
            double e = Double.isFinite(ours[k]) ? Math.abs(ours[k] - torch[k]) / b : Double.POSITIVE_INFINITY;
            if (e > used) {
                used = e;
                at = k;
            }
        }
        record(fixture, "gradient " + what, used);
        if (!(used <= 1)) {
            problems.add(String.format(Locale.ROOT, "gradient %s: entry %d ours %.9g, torch %.9g, %.3g of the bound"
                    + " %.3g", what, at, ours[at], torch[at], used, bound));
        }
    }

    /**
     * The float32 error bound of one fixture (torch is float64, so only ours counts, {@link FloatBounds}): a score
     * h·w + b of inner size D is within δ = γ_{D+2}·(R_h·R_w + max|b|) (R_h, R_w the largest query and class row
     * norms); L = R_h·R_w + max|b| + |log Z| + max|log E| bounds |score| (E the expected counts, taken in double).
     * A per-row loss is K-Lipschitz in the max norm of its scores (K = 2 for softmax and sampled softmax, a
     * log-sum-exp minus a score; K = 1 + k for NCE and negative sampling, 1 + k softplus terms), so within
     * K·δ + K·{@link FloatBounds#logSumExpArithmetic}(L); value and terms that (mean) or B× that (sum, none). The
     * score gradients g = ∂L/∂s have Σ|g| ≤ K per row and each moves by ε = (e^{2δ} − 1) + the arithmetic relatively,
     * so ∂/∂h_r = Σ_c g_rc·w_c is within K·(ε + γ_{V+1})·max|w| per entry, ∂/∂w_c = Σ_r g_rc·h_r within
     * K·(ε + γ_{B+1})·max|h| (both ×B for sum and none), ∂/∂b_c within K·(ε + γ_{B+1}) (×B), ∂/∂log Z within
     * K·(δ + arithmetic) (×B).
     */
    record Bound(double perRow, double value, double queries, double classes, double bias, double scalar) {
        static Bound of(String loss, JsonNode config, JsonNode in, ClassBatch batch, int rows) {
            Matrix h = matrix(in.required("queries"));
            Matrix w = matrix(in.required("classes"));
            int d = batch.dimension();
            double maxBias = in.has("class_bias") ? FloatBounds.maxAbs(matrix(in.get("class_bias")).data()) : 0;
            double hw = FloatBounds.maxRowNorm(h.data(), d) * FloatBounds.maxRowNorm(w.data(), d);
            int k = in.has("samples") ? in.get("samples").required("shape").get(in.get("samples").required("shape")
                    .size() - 1).asInt() : 0;
            double logE = 0;
            if (loss.equals("nce") || loss.equals("sampled-softmax")) {
                double[] q = doubles(in.required("noise"));
                for (double v : q) {
                    if (v > 0) {
                        logE = Math.max(logE, Math.abs(Math.log(k * v)));
                    }
                }
                if (in.has("expected_counts")) {
                    JsonNode e = in.get("expected_counts");
                    for (double v : doubles(e.required("targets"))) {
                        logE = Math.max(logE, Math.abs(Math.log(v)));
                    }
                    for (double v : doubles(e.required("samples"))) {
                        logE = Math.max(logE, Math.abs(Math.log(v)));
                    }
                }
            }
            double logZ = config.has("log_normaliser") ? Math.abs(config.get("log_normaliser").doubleValue()) : 0;
            double delta = FloatBounds.gamma(d + 2L) * (hw + maxBias);
            double maxLogit = hw + maxBias + logZ + logE;
            double kk = loss.equals("nce") || loss.equals("neg") ? 1 + k : 2;
            double arithmetic = FloatBounds.logSumExpArithmetic(maxLogit, 3);
            double perRow = kk * (delta + arithmetic);
            boolean mean = config.required("reduction").asText().equals("mean");
            double times = mean ? 1 : Math.max(1, rows);
            double eps = FloatBounds.softmaxRelative(delta) + arithmetic;
            int b = batch.size();
            int v = batch.classCount();
            double maxH = FloatBounds.maxAbs(h.data());
            double maxW = FloatBounds.maxAbs(w.data());
            return new Bound(perRow, times * perRow,
                    times * kk * (eps + FloatBounds.gamma(v + 1L)) * maxW,
                    times * kk * (eps + FloatBounds.gamma(b + 1L)) * maxH,
                    times * kk * (eps + FloatBounds.gamma(b + 1L)),
                    times * kk * (delta + arithmetic));
        }
    }

    private static void record(String fixture, String kind, double err) {
        synchronized (WORST) {
            if (!WORST.containsKey(kind) || err > WORST.get(kind)) {
                WORST.put(kind, err);
                WORST_AT.put(kind, fixture);
            }
        }
    }

    @AfterAll
    static void printLargestDisagreement() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "PyTorch class-scoring fixtures: %d checked"
                + " (kernel %s); largest fraction of the derived error bound used:%n", checked, Kernels.kind().id()));
        WORST.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-22s %.3g  at %s%n", k, v, WORST_AT.get(k))));
        System.out.print(sb);
    }

    static Matrix matrix(JsonNode node) {
        JsonNode shape = node.required("shape");
        int cols = shape.get(shape.size() - 1).asInt();
        int rows = shape.size() == 1 ? 1 : shape.get(0).asInt();
        double[] d = doubles(node.required("data"));
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
            if (f[i] != d[i]) {
                throw new IllegalArgumentException("input entry " + i + " = " + d[i] + " is not a float32 value");
            }
        }
        return Matrix.of(rows, cols, f);
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static double[] toDouble(Matrix m) {
        return LossTesting.toDouble(m);
    }
}
