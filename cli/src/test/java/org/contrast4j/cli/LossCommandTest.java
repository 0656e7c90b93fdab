package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.matrix;
import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.contrast4j.cli.CliTesting.writeLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.MarginContrastive;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SigLip;
import org.contrast4j.loss.SupCon;
import org.contrast4j.loss.Triplet;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code contrast4j loss} in-process on small seeded inputs: what it writes equals the library's {@link LossResult} on
 * the same inputs (bit for bit, after the JSON and .npy round trips), and for InfoNCE an independent double-precision
 * reference with finite-difference gradients.
 */
class LossCommandTest {
    static final int N = 6;
    static final int D = 5;
    static final int M = 3;
    static final long[] LABELS = {0, 1, 0, 1, 2, 2};

    @TempDir
    Path dir;
    Matrix a;
    Matrix p;
    Matrix shared;
    Matrix paired;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(20240611);
        a = matrix(N, D, write(dir, "a.npy", rnd, N, D));
        p = matrix(N, D, write(dir, "p.npy", rnd, N, D));
        shared = matrix(4, D, write(dir, "shared.npy", rnd, 4, D));
        paired = matrix(N * M, D, write(dir, "paired.npy", rnd, N, M, D));
        writeLabels(dir.resolve("labels.npy"), LABELS);
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    /** Runs the command with {@code args} and checks everything it wrote against {@code loss.compute(batch)}. */
    JsonNode check(String key, ContrastiveLoss loss, Batch batch, Map<Input, int[]> shapes, String... args)
            throws IOException {
        Path out = dir.resolve("out-" + key);
        List<String> all = new ArrayList<>(List.of("loss", "--loss", key, "--out", out.toString()));
        all.addAll(List.of(args));
        CliTesting.Run r = run(all.toArray(String[]::new));
        r.assertOk();
        LossResult want = loss.compute(batch);

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
        assertEquals(want.skippedRows(), j.get("skipped_rows").asInt());
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
            list.forEach(q -> files.add(q.getFileName().toString()));
        }
        Set<String> wantFiles = new TreeSet<>(Set.of("result.json"));
        for (Map.Entry<Input, int[]> e : shapes.entrySet()) {
            String name = "grad_" + e.getKey().key() + ".npy";
            wantFiles.add(name);
            NpyArray g = Npy.read(out.resolve(name));
            assertEquals(NpyArray.DType.FLOAT32, g.dtype());
            assertArrayEquals(e.getValue(), g.shape(), name + " shape");
            assertArrayEquals(want.gradient(e.getKey()).data(), g.toFloats(), name);
        }
        assertEquals(wantFiles, files, "exactly result.json and one gradient per input, no temporary files");

        assertTrue(r.out().contains("value"), r.out());
        assertTrue(r.out().contains(Output.number(want.value())), r.out());
        assertTrue(r.out().contains("rows  ") || r.out().contains("rows "), r.out());
        return j;
    }

    static Map<Input, int[]> shapes(Object... pairs) {
        Map<Input, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Input) pairs[i], (int[]) pairs[i + 1]);
        }
        return m;
    }

    static final int[] ND = {N, D};

    @Test
    void infoNceWithSharedNegativesLabelsSymmetricLearnable() throws IOException {
        ContrastiveLoss loss = InfoNce.builder().temperature(0.2).learnableTemperature(true).symmetric(true)
                .maxLogitScale(50).build();
        Batch batch = Batch.builder(a).positives(p).sharedNegatives(shared).labels(LABELS).build();
        JsonNode j = check("infonce", loss, batch,
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND, Input.NEGATIVES, new int[] {4, D}),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("shared.npy"),
                "--labels", f("labels.npy"), "--symmetric", "--temperature", "0.2", "--learnable-temperature",
                "--max-logit-scale", "50");
        assertTrue(j.get("scalar_gradients").has("log_temperature"));
        assertEquals(2, j.get("terms").size(), "both directions");
    }

    @Test
    void infoNceIdsGuideAndLogQ() throws IOException {
        long[] ids = {40, 41, 40, 42, 43, 41};
        writeLabels(dir.resolve("ids.npy"), ids);
        Random rnd = new Random(77);
        Matrix ga = matrix(N, 3, write(dir, "ga.npy", rnd, N, 3));
        Matrix gp = matrix(N, 3, write(dir, "gp.npy", rnd, N, 3));
        double[] lq = {-1.0, -2.5, -0.7, -4.0, -3.2, -1.9};
        double[] lqn = {-2.0, -5.0, -1.1, -0.9};
        ClassLossCommandTest.writeDoubles(dir.resolve("lq.npy"), lq);
        ClassLossCommandTest.writeDoubles(dir.resolve("lqn.npy"), lqn);
        // ids are labels: the same batch and result as --labels with the ids
        ContrastiveLoss sym = InfoNce.builder().symmetric(true).guideMargin(0.2).build();
        JsonNode j = check("infonce", sym, Batch.builder(a).positives(p).labels(ids).guide(ga, gp).build(),
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--ids", f("ids.npy"), "--symmetric",
                "--guide-anchors", f("ga.npy"), "--guide-positives", f("gp.npy"), "--guide-margin", "0.2");
        assertTrue(j.get("inputs").has("guide_anchors"), j.toString());
        ContrastiveLoss oneWay = InfoNce.builder().temperature(0.3).learnableTemperature(true).build();
        check("infonce", oneWay, Batch.builder(a).positives(p).sharedNegatives(shared).logQ(lq).negativeLogQ(lqn)
                        .build(), shapes(Input.ANCHORS, ND, Input.POSITIVES, ND, Input.NEGATIVES, new int[] {4, D}),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("shared.npy"),
                "--log-q", f("lq.npy"), "--negatives-log-q", f("lqn.npy"), "--temperature", "0.3",
                "--learnable-temperature");
    }

    /** --guide-anchors / --guide-positives / --guide-margin on NT-Xent, DCL, DCLW and SupCon (GISTEmbed's mask). */
    @Test
    void guideOnTheSelfSimilarityLosses() throws IOException {
        Random rnd = new Random(78);
        Matrix ga = matrix(N, 3, write(dir, "ga.npy", rnd, N, 3));
        Matrix gp = matrix(N, 3, write(dir, "gp.npy", rnd, N, 3));
        Batch guided = Batch.builder(a).positives(p).guide(ga, gp).build();
        Map<Input, int[]> ap = shapes(Input.ANCHORS, ND, Input.POSITIVES, ND);
        String[] files = {"--anchors", f("a.npy"), "--positives", f("p.npy"), "--guide-anchors", f("ga.npy"),
                "--guide-positives", f("gp.npy")};
        JsonNode j = check("ntxent", NtXent.builder().guideMargin(0.1).build(), guided, ap,
                concat(files, "--guide-margin", "0.1"));
        assertTrue(j.get("inputs").has("guide_anchors"), j.toString());
        check("dcl", Dcl.builder().temperature(0.3).build(), guided, ap, concat(files, "--temperature", "0.3"));
        // a margin that leaves some rows without negatives: skipped and counted
        JsonNode w = check("dclw", Dcl.builder().weighted(true).guideMargin(1.2).build(), guided, ap,
                concat(files, "--guide-margin", "1.2"));
        assertTrue(w.get("skipped_rows").asInt() > 0, w.toString());
        check("supcon", SupCon.builder().guideMargin(0.2).build(),
                Batch.builder(a).positives(p).labels(LABELS).guide(ga, gp).build(), ap,
                concat(files, "--labels", f("labels.npy"), "--guide-margin", "0.2"));
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void clipWithPairedNegativesAndSum() throws IOException {
        ContrastiveLoss loss = InfoNce.clip().reduction(Reduction.SUM).build();
        Batch batch = Batch.builder(a).positives(p).pairedNegatives(paired, M).build();
        JsonNode j = check("clip", loss, batch,
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND, Input.NEGATIVES, new int[] {N, M, D}),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("paired.npy"),
                "--reduction", "sum");
        assertTrue(j.get("config").asText().contains("0.07"), "clip's preset temperature");
        assertTrue(j.get("scalar_gradients").has("log_temperature"), "clip learns τ");
    }

    @Test
    void clipTemperatureGivenAndLearningOff() throws IOException {
        ContrastiveLoss loss = InfoNce.clip().temperature(0.05).learnableTemperature(false).build();
        JsonNode j = check("clip", loss, Batch.of(a, p), shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--temperature", "0.05",
                "--no-learnable-temperature");
        assertEquals(0, j.get("scalar_gradients").size());
    }

    @Test
    void ntXentDot() throws IOException {
        ContrastiveLoss loss = NtXent.builder().similarity(Similarity.DOT).temperature(0.5).learnableTemperature(true)
                .build();
        JsonNode j = check("ntxent", loss, Batch.of(a, p), shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--similarity", "dot", "--temperature", "0.5",
                "--learnable-temperature");
        assertEquals(2 * N, j.get("per_row").size(), "NT-Xent has a row per view");
    }

    @Test
    void supConWithPositivesAndBaseTemperature() throws IOException {
        ContrastiveLoss loss = SupCon.builder().temperature(0.1).baseTemperature(0.07).build();
        Batch batch = Batch.builder(a).positives(p).labels(LABELS).build();
        check("supcon", loss, batch, shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--labels", f("labels.npy"),
                "--base-temperature", "0.07");
    }

    @Test
    void supConAnchorsOnlySkipsSingletons() throws IOException {
        long[] labels = {0, 1, 0, 1, 2, 3};       // classes 2 and 3 have one member: two rows skipped
        CliTesting.writeLabelsInt32(dir.resolve("l32.npy"), 0, 1, 0, 1, 2, 3);
        ContrastiveLoss loss = SupCon.builder().build();
        JsonNode j = check("supcon", loss, Batch.builder(a).labels(labels).build(), shapes(Input.ANCHORS, ND),
                "--anchors", f("a.npy"), "--labels", f("l32.npy"));
        assertEquals(2, j.get("skipped_rows").asInt());
    }

    @Test
    void sigLipLearnableTemperatureAndBias() throws IOException {
        ContrastiveLoss loss = SigLip.builder().temperature(0.3).bias(-5).learnableTemperature(true)
                .learnableBias(true).build();
        JsonNode j = check("siglip", loss, Batch.of(a, p), shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--temperature", "0.3", "--bias", "-5",
                "--learnable-temperature", "--learnable-bias");
        assertEquals(Set.of(Scalar.LOG_TEMPERATURE.key(), Scalar.BIAS.key()), fieldNames(j.get("scalar_gradients")));
    }

    @Test
    void dclAndDclw() throws IOException {
        check("dcl", Dcl.builder().build(), Batch.of(a, p), shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"));
        check("dclw", Dcl.builder().weighted(true).sigma(0.7).reduction(Reduction.NONE).build(), Batch.of(a, p),
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--sigma", "0.7", "--reduction", "none");
    }

    @Test
    void selfSimilarityLossesTakeTheEngine() throws IOException {
        check("ntxent", NtXent.builder().engine(Engine.TILED).build(), Batch.of(a, p),
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--engine", "tiled");
        check("dclw", Dcl.builder().weighted(true).engine(Engine.TILED).build(), Batch.of(a, p),
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--engine", "tiled");
        check("supcon", SupCon.builder().engine(Engine.DENSE).build(), Batch.builder(a).labels(LABELS).build(),
                shapes(Input.ANCHORS, ND), "--anchors", f("a.npy"), "--labels", f("labels.npy"), "--engine", "dense");
    }

    @Test
    void marginWithPairedNegativesAndLabels() throws IOException {
        ContrastiveLoss loss = MarginContrastive.builder().positiveMargin(0.1).negativeMargin(0.8).build();
        Batch batch = Batch.builder(a).positives(p).pairedNegatives(paired, M).labels(LABELS).build();
        check("margin", loss, batch,
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND, Input.NEGATIVES, new int[] {N, M, D}),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("paired.npy"),
                "--labels", f("labels.npy"), "--positive-margin", "0.1", "--negative-margin", "0.8");
    }

    @Test
    void tripletSharedAndPaired() throws IOException {
        check("triplet", Triplet.builder().margin(0.3).softplus(true).build(),
                Batch.builder(a).positives(p).pairedNegatives(paired, M).build(),
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND, Input.NEGATIVES, new int[] {N, M, D}),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("paired.npy"),
                "--margin", "0.3", "--softplus");
        check("triplet", Triplet.builder().similarity(Similarity.DOT).build(),
                Batch.builder(a).positives(p).sharedNegatives(shared).build(),
                shapes(Input.ANCHORS, ND, Input.POSITIVES, ND, Input.NEGATIVES, new int[] {4, D}),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("shared.npy"),
                "--similarity", "dot");
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            s.add(it.next());
        }
        return s;
    }

    // ------------------------------------------------------------ independent InfoNCE reference

    /** One-way in-batch InfoNCE with cosine similarity, in double, straight from the formula; mean over rows. */
    static double referenceInfoNce(double[][] x, double[][] y, double logTau) {
        double tau = Math.exp(logTau);
        int n = x.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] logits = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                logits[j] = cosine(x[i], y[j]) / tau;
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(logits[j] - max);
            }
            total += max + Math.log(sum) - logits[i];
        }
        return total / n;
    }

    static double cosine(double[] u, double[] v) {
        double uv = 0;
        double uu = 0;
        double vv = 0;
        for (int k = 0; k < u.length; k++) {
            uv += u[k] * v[k];
            uu += u[k] * u[k];
            vv += v[k] * v[k];
        }
        return uv / (Math.sqrt(uu) * Math.sqrt(vv));
    }

    static double[][] rows(Matrix m) {
        double[][] r = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int k = 0; k < m.cols(); k++) {
                r[i][k] = m.get(i, k);
            }
        }
        return r;
    }

    @Test
    void infoNceAgreesWithAnIndependentDoubleLoopReference() throws IOException {
        double tau = 0.2;
        Path out = dir.resolve("ref");
        run("loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--temperature",
                "0.2", "--learnable-temperature", "--out", out.toString()).assertOk();
        JsonNode j = json(out.resolve("result.json"));
        float[] ga = Npy.read(out.resolve("grad_anchors.npy")).toFloats();
        float[] gp = Npy.read(out.resolve("grad_positives.npy")).toFloats();

        double[][] x = rows(a);
        double[][] y = rows(p);
        double logTau = Math.log(tau);
        double ref = referenceInfoNce(x, y, logTau);
        // float32 cosines within γ_{D+2}, over τ: a row loss within 2δ plus the float32 arithmetic of the logits
        double rowTol = FloatBounds.softmaxRow(FloatBounds.cosine(D) / tau, 1 / tau, 3);
        assertEquals(ref, j.get("value").asDouble(), rowTol);
        // per-row: the mean of per_row is the value
        double mean = 0;
        for (JsonNode v : j.get("per_row")) {
            mean += v.asDouble() / N;
        }
        assertEquals(ref, mean, rowTol + FloatBounds.gamma64(2L * N) * (Math.abs(ref) + 1));

        // gradients by central differences on the double reference (h = 1e-6: truncation ~h², rounding ~1e-10):
        // within (D + 2N + 8)·u·(1 + 1/τ)·4·(1 + √D) of the gradient's size (the core tests' bound) plus the
        // finite differences' rounding 64·u64·(|L| + 1)/h
        double h = 1e-6;
        double rel = (D + 2.0 * N + 8) * FloatBounds.U * (1 + 1 / tau) * 4 * (1 + Math.sqrt(D));
        double fdError = 64 * FloatBounds.U64 * (Math.abs(ref) + 1) / h;
        for (int which = 0; which < 2; which++) {
            double[][] z = which == 0 ? x : y;
            float[] got = which == 0 ? ga : gp;
            for (int i = 0; i < N; i++) {
                for (int k = 0; k < D; k++) {
                    double keep = z[i][k];
                    z[i][k] = keep + h;
                    double up = referenceInfoNce(x, y, logTau);
                    z[i][k] = keep - h;
                    double down = referenceInfoNce(x, y, logTau);
                    z[i][k] = keep;
                    double fd = (up - down) / (2 * h);
                    assertEquals(fd, got[i * D + k], rel * Math.max(1, Math.abs(fd)) + fdError,
                            (which == 0 ? "anchors" : "positives") + "[" + i + ", " + k + "]");
                }
            }
        }
        double fdTau = (referenceInfoNce(x, y, logTau + h) - referenceInfoNce(x, y, logTau - h)) / (2 * h);
        // ∂L/∂log τ = −(1/N)·Σ g·l: 2N·N terms of size 1/τ that cancel, each within (e^{2δ} − 1)·(1/τ) + δ
        double delta = FloatBounds.cosine(D) / tau + FloatBounds.logSumExpArithmetic(1 / tau, 3);
        assertEquals(fdTau, j.get("scalar_gradients").get("log_temperature").asDouble(),
                2 * (2 * FloatBounds.softmaxRelative(delta) / tau + 4 * delta) + fdError);
    }

    // ------------------------------------------------------------ output handling

    @Test
    void createsNestedOutputDirectoryAndOverwritesAtomically() throws IOException {
        Path out = dir.resolve("x/y/z");
        String[] args = {"loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--out",
            out.toString()};
        run(args).assertOk();
        run(args).assertOk();
        try (var list = Files.list(out)) {
            assertEquals(3, list.count(), "result.json, grad_anchors.npy, grad_positives.npy and nothing else");
        }
    }

    @Test
    void tableOnStdout() {
        CliTesting.Run r = run("loss", "--loss", "siglip", "--anchors", f("a.npy"), "--positives", f("p.npy"),
                "--learnable-bias", "--out", f("t"));
        r.assertOk();
        for (String s : List.of("loss", "siglip", "settings", "temperature 0.1", "value", "rows", "skipped rows", "∂L/∂bias",
            "wrote")) {
            assertTrue(r.out().contains(s), () -> s + " in\n" + r.out());
        }
        assertFalse(r.out().contains("log_temperature"), "τ is not learnable here");
    }

    /**
     * The heap estimate an out-of-memory answer quotes follows the path core runs: the dense engine's N×N matrices,
     * the stored-logits path's N×(N + 16) floats, nothing N×N on the tiled paths; only explicit negatives and a
     * symmetric guide force the dense InfoNCE path (logQ and a one-way guide do not).
     */
    @Test
    void theMemoryEstimateFollowsTheEnginePath() {
        int n = Engine.AUTO_STORED_FROM + 100;
        String stored = "(" + n + "×" + (n + 16) + " stored logits)";
        String dense = "(" + n + "×" + n + " similarity matrices)";
        LossCommand.MemoryEstimate e = LossCommand.memoryEstimate(LossKind.INFONCE, Engine.DENSE, n, 0, false, true, 0);
        assertTrue(e.what().contains(dense), e.what());
        assertEquals(3L * 8 * n * n, e.bytes());
        e = LossCommand.memoryEstimate(LossKind.INFONCE, Engine.AUTO, n, 0, true, false, 10);
        assertTrue(e.what().contains(stored) && !e.what().contains("matrices"), e.what());
        assertEquals(3L * 4 * 10 + 4L * n * (n + 16), e.bytes());
        e = LossCommand.memoryEstimate(LossKind.CLIP, Engine.TILED, n, 0, false, true, 0);
        assertEquals(0, e.bytes(), e.what());
        e = LossCommand.memoryEstimate(LossKind.CLIP, Engine.TILED, n, 0, true, true, 0);
        assertTrue(e.what().contains(dense), "a symmetric guide runs dense: " + e.what());
        e = LossCommand.memoryEstimate(LossKind.INFONCE, Engine.AUTO, n, 3, false, false, 0);
        assertTrue(e.what().contains("(" + n + "×" + (n + 3) + " similarity matrices)"), e.what());
        int big = Engine.AUTO_TILED_FROM;
        assertEquals(0, LossCommand.memoryEstimate(LossKind.NTXENT, Engine.AUTO, big, 0, false, false, 0).bytes());
        e = LossCommand.memoryEstimate(LossKind.NTXENT, Engine.AUTO, big, 0, true, false, 0);
        assertTrue(e.what().contains("(" + 2 * big + "×" + 2 * big + " similarity matrices)"), e.what());
    }

    @Test
    void help() {
        CliTesting.Run r = run("loss", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--loss=NAME"));
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("infonce, clip, ntxent, supcon, siglip, dcl, dclw, margin, triplet"), flat);
        CliTesting.Run top = run("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("loss") && top.out().contains("metrics"));
    }
}
