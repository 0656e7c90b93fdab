package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.logSumExp;
import static org.contrast4j.loss.LossTesting.sim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GISTEmbed's guide mask on NT-Xent, DCL/DCLW and SupCon against a reference written in double from the rule — with
 * z = [a; p] and g = [ga; gp], negative l of row k is dropped when cos(g_k, g_l) &gt; cos(g_k, g_k') − m — and
 * central finite differences of that reference for every gradient and ∂L/∂log τ.
 */
class GuidedSelfSimilarityTest {
    enum Kind { NTXENT, DCL, DCLW, SUPCON }

    private static final long[] LABELS = {0, 1, 0, 2, 3, 1};

    /** What the reference found besides the loss: skipped rows and the smallest |H_kl − threshold_k| it compared. */
    record Extra(int skipped, double closest, int masked) {
    }

    /**
     * The reference in double. DCLW's pair weights {@code w} are constants computed beforehand (the loss treats them
     * as such); {@code factor} multiplies SupCon's rows (τ/τ_base, recomputed from v's τ when {@code baseTau} > 0).
     */
    static Object[] reference(LossTesting.Vars v, Batch batch, Kind kind, double margin, boolean cosine,
                              Reduction reduction, double[] w, double baseTau) {
        int n = v.n;
        int rows = 2 * n;
        double scale = 1 / v.tau();
        double[][] z = new double[rows][];
        double[][] g = new double[rows][];
        Matrix ga = batch.guideAnchors().orElseThrow();
        Matrix gp = batch.guidePositives().orElseThrow();
        for (int i = 0; i < n; i++) {
            z[i] = v.row(Input.ANCHORS, i);
            z[i + n] = v.row(Input.POSITIVES, i);
            g[i] = LossTesting.toDouble(Matrix.of(1, ga.cols(), ga.row(i)));
            g[i + n] = LossTesting.toDouble(Matrix.of(1, gp.cols(), gp.row(i)));
        }
        long[] y = null;
        if (kind == Kind.SUPCON) {
            y = new long[rows];
            for (int k = 0; k < rows; k++) {
                y[k] = LABELS[k % n];
            }
        }
        double[] perRow = new double[rows];
        boolean[] skip = new boolean[rows];
        double closest = Double.POSITIVE_INFINITY;
        int masked = 0;
        for (int k = 0; k < rows; k++) {
            int partner = (k + n) % rows;
            double threshold = sim(g[k], g[partner], true) - margin;
            List<Integer> positives = new ArrayList<>();
            List<Integer> kept = new ArrayList<>();
            int negatives = 0;
            for (int l = 0; l < rows; l++) {
                if (l == k) {
                    continue;
                }
                boolean positive = kind == Kind.SUPCON ? y[l] == y[k] : l == partner;
                if (positive) {
                    positives.add(l);
                    continue;
                }
                negatives++;
                double h = sim(g[k], g[l], true);
                closest = Math.min(closest, Math.abs(h - threshold));
                if (h > threshold) {
                    masked++;
                } else {
                    kept.add(l);
                }
            }
            boolean emptied = negatives > 0 && kept.isEmpty();
            skip[k] = emptied || positives.isEmpty();
            if (skip[k]) {
                continue;
            }
            switch (kind) {
                case NTXENT -> {
                    double[] logits = new double[kept.size() + 1];
                    logits[0] = scale * sim(z[k], z[partner], cosine);
                    for (int c = 0; c < kept.size(); c++) {
                        logits[c + 1] = scale * sim(z[k], z[kept.get(c)], cosine);
                    }
                    perRow[k] = -logits[0] + logSumExp(logits);
                }
                case DCL, DCLW -> {
                    double[] logits = new double[kept.size()];
                    for (int c = 0; c < kept.size(); c++) {
                        logits[c] = scale * sim(z[k], z[kept.get(c)], cosine);
                    }
                    double weight = kind == Kind.DCLW ? w[k % n] : 1;
                    perRow[k] = -weight * scale * sim(z[k], z[partner], cosine) + logSumExp(logits);
                }
                case SUPCON -> {
                    double[] logits = new double[positives.size() + kept.size()];
                    int c = 0;
                    for (int l : positives) {
                        logits[c++] = scale * sim(z[k], z[l], cosine);
                    }
                    for (int l : kept) {
                        logits[c++] = scale * sim(z[k], z[l], cosine);
                    }
                    double lse = logSumExp(logits);
                    double sum = 0;
                    for (int q = 0; q < positives.size(); q++) {
                        sum += logits[q] - lse;
                    }
                    perRow[k] = -sum / positives.size() * (baseTau > 0 ? v.tau() / baseTau : 1);
                }
                default -> throw new IllegalStateException();
            }
        }
        int skipped = 0;
        for (boolean s : skip) {
            skipped += s ? 1 : 0;
        }
        return new Object[] {new LossTesting.Ref(LossTesting.reduce(reduction, perRow, skip), perRow),
                new Extra(skipped, closest, masked)};
    }

    static ContrastiveLoss loss(Kind kind, double tau, Similarity s, Reduction r, double margin, Engine engine,
                                double baseTau) {
        return switch (kind) {
            case NTXENT -> NtXent.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r)
                    .guideMargin(margin).engine(engine).build();
            case DCL, DCLW -> Dcl.builder().weighted(kind == Kind.DCLW).temperature(tau).learnableTemperature(true)
                    .similarity(s).reduction(r).guideMargin(margin).engine(engine).build();
            case SUPCON -> {
                SupCon.Builder b = SupCon.builder().temperature(tau).learnableTemperature(true).similarity(s)
                        .reduction(r).guideMargin(margin).engine(engine);
                yield (baseTau > 0 ? b.baseTemperature(baseTau) : b).build();
            }
        };
    }

    static Batch batch(long seed, Kind kind, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Matrix a = gaussian(rnd, n, 4);
        Matrix p = gaussian(rnd, n, 4);
        Matrix ga = gaussian(rnd, n, 3);
        Matrix noise = gaussian(rnd, n, 3);
        Matrix gp = ga.copy();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                gp.set(i, c, ga.get(i, c) + 0.8f * noise.get(i, c)); // a guide that sees the pairs as related
            }
        }
        Batch.Builder b = Batch.builder(a).positives(p).guide(ga, gp);
        if (kind == Kind.SUPCON) {
            b.labels(LABELS);
        }
        return b.build();
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        int c = 0;
        for (Kind kind : Kind.values()) {
            for (Similarity s : Similarity.values()) {
                for (Reduction r : Reduction.values()) {
                    for (double margin : new double[] {0.0, 0.25, 1.6}) {
                        Engine e = c % 3 == 0 ? Engine.TILED : Engine.AUTO; // TILED runs dense with a guide
                        double baseTau = kind == Kind.SUPCON && c % 2 == 0 ? 0.07 : 0;
                        out.add(Arguments.of(kind, s, r, margin, e, baseTau, 100L + c++));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} margin={3} {4} baseTau={5}")
    @MethodSource("configurations")
    void guideMaskMatchesReferenceAndFiniteDifferences(Kind kind, Similarity s, Reduction r, double margin,
                                                       Engine engine, double baseTau, long seed) {
        int n = 6;
        double tau = 0.5;
        // the first seed from `seed` on whose data is well-conditioned for the test: the loss computes the guide
        // cosines in float32, so none may sit within 1e-4 of its threshold (rounding could flip the mask); with the
        // large margin some rows, not all, must be skipped
        Batch batch;
        Extra extra;
        long s0 = seed;
        do {
            batch = batch(s0++, kind, n);
            extra = (Extra) reference(new LossTesting.Vars(batch, tau, 0), batch, kind, margin, true, r, new double[n],
                    baseTau)[1];
        } while (!(extra.closest() > 1e-4) || (margin == 1.6 && (extra.skipped() == 0 || extra.skipped() == 2 * n)));
        Batch b = batch;
        double[] w = kind == Kind.DCLW ? DclTest.weights(b, s == Similarity.COSINE, 0.5) : null;
        ContrastiveLoss loss = loss(kind, tau, s, r, margin, engine, baseTau);
        LossResult result = checkAgainstReference(loss, b, tau, 0,
                v -> (LossTesting.Ref) reference(v, b, kind, margin, s == Similarity.COSINE, r, w, baseTau)[0],
                Scalar.LOG_TEMPERATURE);
        assertEquals(extra.skipped(), result.skippedRows(), "skipped rows");
        if (margin > 0) {
            assertTrue(extra.masked() > 0, "the case masks something");
        }
        LossTesting.assertAllFinite(result);
    }

    @Test
    void everyRowSkippedWhenTheMarginMasksEverythingWithoutNaN() {
        int n = 6;
        for (Kind kind : Kind.values()) {
            Batch batch = batch(7, kind, n);
            for (Reduction r : Reduction.values()) {
                // margin 2.5 > the widest cosine gap 2: every negative of every row is masked
                LossResult result = loss(kind, 0.2, Similarity.COSINE, r, 2.5, Engine.AUTO, 0).compute(batch);
                assertEquals(2 * n, result.skippedRows(), kind + " " + r);
                assertEquals(0.0, result.value(), 0.0, kind + " " + r);
                for (Matrix g : result.gradients().values()) {
                    for (float x : g.data()) {
                        assertEquals(0.0, x, 0.0, kind + " " + r);
                    }
                }
                assertEquals(0.0, result.scalarGradients().get(Scalar.LOG_TEMPERATURE), 0.0, kind + " " + r);
            }
        }
    }

    @Test
    void aGuideThatSeesEveryPairAsIdenticalMasksNothing() {
        // ga = gp: each row's own pair has guide cosine 1, which no other (distinct) guide row exceeds at m = 0
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 6;
        Matrix a = gaussian(rnd, n, 4);
        Matrix p = gaussian(rnd, n, 4);
        Matrix same = gaussian(rnd, n, 3);
        for (Kind kind : Kind.values()) {
            Batch.Builder guided = Batch.builder(a).positives(p).guide(same, same);
            Batch.Builder plain = Batch.builder(a).positives(p);
            if (kind == Kind.SUPCON) {
                guided.labels(LABELS);
                plain.labels(LABELS);
            }
            ContrastiveLoss loss = loss(kind, 0.3, Similarity.COSINE, Reduction.MEAN, 0, Engine.DENSE, 0);
            LossResult g = loss.compute(guided.build());
            LossResult u = loss.compute(plain.build());
            assertEquals(0, g.skippedRows());
            // the same dense computation with the same (all-true) mask: the same bits
            assertEquals(u.value(), g.value(), kind.toString());
        }
    }

    @Test
    void settingsAndBadInput() {
        assertEquals(0.3, NtXent.builder().guideMargin(0.3).build().withTemperature(0.2).guideMargin());
        assertEquals(0.3, Dcl.builder().guideMargin(0.3).build().withTemperature(0.2).guideMargin());
        assertEquals(0.3, SupCon.builder().guideMargin(0.3).build().withTemperature(0.2).guideMargin());
        assertTrue(NtXent.builder().guideMargin(0.3).build().toString().contains("guideMargin=0.3"));
        assertEquals("guideMargin must be >= 0 and finite, was -0.1",
                assertThrows(IllegalArgumentException.class, () -> Dcl.builder().guideMargin(-0.1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SupCon.builder().guideMargin(Double.NaN));
        SplittableRandom rnd = new SplittableRandom(2);
        Matrix a = gaussian(rnd, 4, 3);
        Batch withLogQ = Batch.builder(a).positives(gaussian(rnd, 4, 3)).logQ(new double[4]).build();
        String msg = assertThrows(IllegalArgumentException.class, () -> NtXent.builder().build().compute(withLogQ))
                .getMessage();
        assertTrue(msg.contains("NT-Xent does not use logQ"), msg);
        // SupCon's guide needs the positives' rows (the threshold is each pair's guide cosine)
        msg = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).labels(new long[] {0, 0, 1, 1})
                .guide(gaussian(rnd, 4, 2), gaussian(rnd, 4, 2)).build()).getMessage();
        assertTrue(msg.contains("a guide needs positives"), msg);
    }
}
