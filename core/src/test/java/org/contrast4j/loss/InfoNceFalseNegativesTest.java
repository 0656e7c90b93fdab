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
 * InfoNCE's false-negative controls (by id through labels, by a guide model as GISTEmbed) and the logQ sampling-bias
 * correction (Yi et al. 2019) against a reference written in double straight from the formulas, with finite
 * differences of that reference for every gradient.
 */
class InfoNceFalseNegativesTest {

    /** cos(x, y) in double. */
    private static double cos(double[] x, double[] y) {
        return sim(x, y, true);
    }

    private static double[] row(Matrix m, int i) {
        double[] r = new double[m.cols()];
        for (int k = 0; k < r.length; k++) {
            r[k] = m.get(i, k);
        }
        return r;
    }

    /**
     * The reference: guide G_ij = cos(ga_i, gp_j) in double; forward row i drops p_j (j ≠ i) when same label or
     * G_ij > G_ii − m; reverse row j drops a_i when same label or G_ij > G_jj − m; logits s/τ − log q of the column
     * (in-batch and shared negatives); a direction with no negative is skipped (0, left out of its mean).
     * negKind: 0 none, 1 shared, 2 paired.
     */
    static Object[] reference(LossTesting.Vars v, Batch batch, double margin, boolean cosine, boolean symmetric,
                              int negKind, int perAnchor, Reduction reduction) {
        double scale = 1 / v.tau();
        int n = v.n;
        long[] labels = batch.labels().orElse(null);
        double[] lq = batch.logQ().orElse(null);
        double[] nlq = batch.negativeLogQ().orElse(null);
        Matrix ga = batch.guideAnchors().orElse(null);
        Matrix gp = batch.guidePositives().orElse(null);
        double[][] g = new double[n][n];
        for (int i = 0; ga != null && i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = cos(row(ga, i), row(gp, j));
            }
        }
        double[] fwd = new double[n];
        double[] rev = new double[n];
        boolean[] skipF = new boolean[n];
        boolean[] skipR = new boolean[n];
        for (int i = 0; i < n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            List<Double> logits = new ArrayList<>();
            double positive = 0;
            for (int j = 0; j < n; j++) {
                double l = scale * sim(a, v.row(Input.POSITIVES, j), cosine) - (lq == null ? 0 : lq[j]);
                if (j == i) {
                    positive = l;
                    logits.add(l);
                    continue;
                }
                if (labels != null && labels[j] == labels[i]) {
                    continue;
                }
                if (ga != null && g[i][j] > g[i][i] - margin) {
                    continue;
                }
                logits.add(l);
            }
            if (negKind == 1) {
                for (int m = 0; m < v.rows(Input.NEGATIVES); m++) {
                    logits.add(scale * sim(a, v.row(Input.NEGATIVES, m), cosine) - (nlq == null ? 0 : nlq[m]));
                }
            } else if (negKind == 2) {
                for (int m = 0; m < perAnchor; m++) {
                    logits.add(scale * sim(a, v.row(Input.NEGATIVES, i * perAnchor + m), cosine));
                }
            }
            skipF[i] = logits.size() == 1;
            fwd[i] = skipF[i] ? 0 : -positive + logSumExp(logits.stream().mapToDouble(Double::doubleValue).toArray());
            if (symmetric) {
                double[] p = v.row(Input.POSITIVES, i);
                List<Double> back = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (j != i && labels != null && labels[j] == labels[i]) {
                        continue;
                    }
                    if (j != i && ga != null && g[j][i] > g[i][i] - margin) {
                        continue;
                    }
                    back.add(scale * sim(p, v.row(Input.ANCHORS, j), cosine));
                }
                skipR[i] = back.size() == 1;
                rev[i] = skipR[i] ? 0 : -scale * sim(p, a, cosine)
                        + logSumExp(back.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            perRow[i] = symmetric ? 0.5 * (fwd[i] + rev[i]) : fwd[i];
        }
        double value = symmetric
                ? 0.5 * (LossTesting.reduce(reduction, fwd, skipF) + LossTesting.reduce(reduction, rev, skipR))
                : LossTesting.reduce(reduction, fwd, skipF);
        int skipped = 0;
        for (int i = 0; i < n; i++) {
            skipped += (skipF[i] ? 1 : 0) + (symmetric && skipR[i] ? 1 : 0);
        }
        return new Object[] {new LossTesting.Ref(value, perRow), skipped};
    }

    static Stream<Arguments> guideConfigurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (boolean symmetric : new boolean[] {false, true}) {
                    for (double margin : new double[] {0.0, 0.3, 1.2}) {
                        for (int negKind = 0; negKind < 3; negKind++) {
                            out.add(Arguments.of(s, r, symmetric, margin, negKind, negKind == 1));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} symmetric={2} margin={3} negatives={4} labels={5}")
    @MethodSource("guideConfigurations")
    void guideMaskMatchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean symmetric, double margin,
                                                       int negKind, boolean withLabels) {
        SplittableRandom rnd = new SplittableRandom(11 + negKind * 7 + (symmetric ? 5 : 0) + (long) (margin * 10));
        int n = 6;
        int d = 5;
        int m = 3;
        Matrix ga = gaussian(rnd, n, 3);
        Matrix gp = gaussian(rnd, n, 3);
        Batch.Builder b = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d)).guide(ga, gp);
        if (withLabels) {
            b.labels(new long[] {0, 1, 0, 2, 3, 4});
        }
        if (negKind == 1) {
            b.sharedNegatives(gaussian(rnd, 4, d));
        } else if (negKind == 2) {
            b.pairedNegatives(gaussian(rnd, n * m, d), m);
        }
        Batch batch = b.build();
        double tau = 0.5;
        InfoNce loss = InfoNce.builder().temperature(tau).learnableTemperature(true).symmetric(symmetric)
                .similarity(s).reduction(r).guideMargin(margin).build();
        LossResult result = checkAgainstReference(loss, batch, tau, 0,
                v -> (LossTesting.Ref) reference(v, batch, margin, s == Similarity.COSINE, symmetric, negKind, m, r)[0],
                Scalar.LOG_TEMPERATURE);
        int skipped = (int) reference(new LossTesting.Vars(batch, tau, 0), batch, margin, s == Similarity.COSINE,
                symmetric, negKind, m, r)[1];
        assertEquals(skipped, result.skippedRows(), "skipped rows");
    }

    /** The one-way guided loss on the tiled engine (the symmetric one runs dense) against the same reference. */
    @ParameterizedTest(name = "tiled {0} {1} margin={2}")
    @MethodSource("tiledConfigurations")
    void oneWayGuideOnTheTiledEngine(Similarity s, Reduction r, double margin) {
        SplittableRandom rnd = new SplittableRandom(23 + (long) (margin * 10));
        int n = 7;
        int d = 4;
        Batch batch = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d))
                .guide(gaussian(rnd, n, 3), gaussian(rnd, n, 3)).labels(new long[] {0, 1, 2, 0, 3, 4, 5}).build();
        double tau = 0.4;
        InfoNce loss = InfoNce.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r)
                .guideMargin(margin).engine(Engine.TILED).threads(2).build();
        LossResult result = checkAgainstReference(loss, batch, tau, 0,
                v -> (LossTesting.Ref) reference(v, batch, margin, s == Similarity.COSINE, false, 0, 0, r)[0],
                Scalar.LOG_TEMPERATURE);
        int skipped = (int) reference(new LossTesting.Vars(batch, tau, 0), batch, margin, s == Similarity.COSINE,
                false, 0, 0, r)[1];
        assertEquals(skipped, result.skippedRows(), "skipped rows");
    }

    static Stream<Arguments> tiledConfigurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (double margin : new double[] {0.0, 0.3, 1.2}) {
                    out.add(Arguments.of(s, r, margin));
                }
            }
        }
        return out.stream();
    }

    @Test
    void aLargeMarginSkipsRowsAndCountsThemWithoutNaN() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 6;
        Batch batch = Batch.builder(gaussian(rnd, n, 4)).positives(gaussian(rnd, n, 4))
                .guide(gaussian(rnd, n, 3), gaussian(rnd, n, 3)).build();
        // margin 2 ≥ any cosine gap: every candidate of every row is masked
        LossResult all = InfoNce.builder().guideMargin(2).symmetric(true).engine(Engine.DENSE).build().compute(batch);
        assertEquals(2 * n, all.skippedRows());
        assertEquals(0.0, all.value());
        for (float x : all.gradient(Input.ANCHORS).data()) {
            assertEquals(0f, x);
        }
        // a guide equal to identical pairs (ga = gp) with margin 0 masks nothing above the diagonal's own cosine 1
        Matrix same = gaussian(rnd, n, 3);
        Batch unmasked = Batch.builder(batch.anchors()).positives(batch.positives().orElseThrow()).guide(same, same)
                .build();
        LossResult r = InfoNce.builder().build().compute(unmasked);
        LossResult plain = InfoNce.builder().build().compute(Batch.of(batch.anchors(), batch.positives().orElseThrow()));
        assertEquals(0, r.skippedRows());
        LossTesting.assertWithin("value", plain.value(), r.value(), 1e-12 * (1 + Math.abs(plain.value())));
    }

    static Stream<Arguments> logQConfigurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (int negKind = 0; negKind < 2; negKind++) {
                    for (boolean guide : new boolean[] {false, true}) {
                        out.add(Arguments.of(s, r, negKind, guide));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} negatives={2} guide={3}")
    @MethodSource("logQConfigurations")
    void logQCorrectionMatchesReferenceAndFiniteDifferences(Similarity s, Reduction r, int negKind, boolean guide) {
        SplittableRandom rnd = new SplittableRandom(31 + negKind * 3 + (guide ? 1 : 0));
        int n = 7;
        int d = 5;
        double[] lq = new double[n];
        for (int i = 0; i < n; i++) {
            lq[i] = Math.log(0.5) - 8 * rnd.nextDouble();
        }
        Batch.Builder b = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d)).logQ(lq);
        if (negKind == 1) {
            double[] nlq = {-1.0, -6.5, -3.25, -0.8};
            b.sharedNegatives(gaussian(rnd, 4, d)).negativeLogQ(nlq);
        }
        if (guide) {
            b.guide(gaussian(rnd, n, 4), gaussian(rnd, n, 4));
        }
        Batch batch = b.build();
        double tau = 0.3;
        InfoNce loss = InfoNce.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r)
                .guideMargin(0.1).build();
        checkAgainstReference(loss, batch, tau, 0,
                v -> (LossTesting.Ref) reference(v, batch, 0.1, s == Similarity.COSINE, false, negKind, 0, r)[0],
                Scalar.LOG_TEMPERATURE);
    }

    @Test
    void aConstantLogQChangesNothing() {
        SplittableRandom rnd = new SplittableRandom(3);
        Batch plain = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        double[] lq = {-2.5, -2.5, -2.5, -2.5, -2.5};
        Batch corrected = Batch.builder(plain.anchors()).positives(plain.positives().orElseThrow()).logQ(lq).build();
        InfoNce loss = InfoNce.builder().build();
        double a = loss.compute(plain).value();
        double c = loss.compute(corrected).value();
        LossTesting.assertWithin("value", a, c, 64 * 1.1e-16 * (1 + Math.abs(a)) * 10);
    }

    /**
     * Duplicates by id: the ids of the positives given as labels mask rows with the same positive on both engines, as
     * the labelled reference of {@link InfoNceTest} does.
     */
    @Test
    void positiveIdsAsLabelsMaskDuplicatesOnBothEngines() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 8;
        int d = 6;
        Matrix a = gaussian(rnd, n, d);
        Matrix p = gaussian(rnd, n, d);
        long[] ids = {10, 11, 12, 10, 13, 14, 12, 15};
        for (int k = 0; k < d; k++) {  // rows 3 and 6 repeat the positives (same document) of rows 0 and 2
            p.set(3, k, p.get(0, k));
            p.set(6, k, p.get(2, k));
        }
        Batch batch = Batch.builder(a).positives(p).labels(ids).build();
        for (Engine e : new Engine[] {Engine.DENSE, Engine.TILED}) {
            for (boolean symmetric : new boolean[] {false, true}) {
                InfoNce loss = InfoNce.builder().temperature(0.2).learnableTemperature(true).symmetric(symmetric)
                        .engine(e).threads(2).build();
                checkAgainstReference(loss, batch, 0.2, 0,
                        v -> InfoNceTest.reference(v, true, symmetric, ids, 0, 0, Double.POSITIVE_INFINITY,
                                Reduction.MEAN), Scalar.LOG_TEMPERATURE);
            }
        }
    }

    @Test
    void badInputIsRejectedWithPreciseMessages() {
        SplittableRandom rnd = new SplittableRandom(1);
        Matrix a = gaussian(rnd, 4, 3);
        Matrix p = gaussian(rnd, 4, 3);
        String msg = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).positives(p)
                .guide(gaussian(rnd, 3, 2), gaussian(rnd, 4, 2)).build()).getMessage();
        assertTrue(msg.contains("N = 4") && msg.contains("3×2"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> Batch.builder(a).positives(p).logQ(new double[3]).build()).getMessage();
        assertTrue(msg.contains("3 entries") && msg.contains("4"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> Batch.builder(a).positives(p).logQ(new double[] {0, Double.NaN, 0, 0}).build()).getMessage();
        assertTrue(msg.contains("logQ[1]"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).positives(p).logQ(new double[4])
                .sharedNegatives(gaussian(rnd, 2, 3)).build()).getMessage();
        assertTrue(msg.contains("negativeLogQ"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).positives(p)
                .sharedNegatives(gaussian(rnd, 2, 3)).negativeLogQ(new double[2]).build()).getMessage();
        assertTrue(msg.contains("needs logQ"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).positives(p).logQ(new double[4])
                .pairedNegatives(gaussian(rnd, 8, 3), 2).build()).getMessage();
        assertTrue(msg.contains("paired"), msg);
        Batch withLogQ = Batch.builder(a).positives(p).logQ(new double[4]).build();
        msg = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().symmetric(true).build().compute(withLogQ)).getMessage();
        assertTrue(msg.contains("one-way"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> InfoNce.builder().guideMargin(-0.1)).getMessage();
        assertTrue(msg.contains("guideMargin") && msg.contains("-0.1"), msg);
        assertThrows(NullPointerException.class, () -> Batch.builder(a).guide(null, p));
        Batch guided = Batch.builder(a).positives(p).guide(gaussian(rnd, 4, 2), gaussian(rnd, 4, 2)).build();
        msg = assertThrows(IllegalArgumentException.class, () -> SigLip.builder().build().compute(guided))
                .getMessage();
        assertTrue(msg.contains("does not use a guide"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Dcl.builder().build().compute(withLogQ)).getMessage();
        assertTrue(msg.contains("does not use logQ"), msg);
    }
}
