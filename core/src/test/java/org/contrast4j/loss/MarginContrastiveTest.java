package org.contrast4j.loss;

import static org.contrast4j.loss.LossReferences2.check;
import static org.contrast4j.loss.LossReferences2.distance;
import static org.contrast4j.loss.LossReferences2.plus;
import static org.contrast4j.loss.LossReferences2.rowScaled;
import static org.contrast4j.loss.LossReferences2.scaled;
import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.assertClose;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MarginContrastiveTest {

    /**
     * The Hadsell–Chopra–LeCun loss straight from the formula, in double: ℓ_i = ½·max(0, d(a_i, p_i) − m⁺)² +
     * ½·mean over the negatives of row i of max(0, m⁻ − d)²; negatives are the other positives of a different
     * label (all others without labels) and the explicit ones. negKind: 0 none, 1 shared, 2 paired (perAnchor each).
     */
    static LossTesting.Ref reference(LossTesting.Vars v, boolean cosine, double mPos, double mNeg, long[] labels,
                                     int negKind, int perAnchor, Reduction reduction) {
        int n = v.n;
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            double pos = Math.max(0, distance(a, v.row(Input.POSITIVES, i), cosine) - mPos);
            List<double[]> negatives = negatives(v, i, labels, negKind, perAnchor);
            double neg = 0;
            for (double[] x : negatives) {
                double shortfall = Math.max(0, mNeg - distance(a, x, cosine));
                neg += shortfall * shortfall;
            }
            perRow[i] = 0.5 * pos * pos + 0.5 * neg / negatives.size();
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    static List<double[]> negatives(LossTesting.Vars v, int i, long[] labels, int negKind, int perAnchor) {
        List<double[]> out = new ArrayList<>();
        for (int j = 0; j < v.n; j++) {
            if (j != i && (labels == null || labels[j] != labels[i])) {
                out.add(v.row(Input.POSITIVES, j));
            }
        }
        if (negKind == 1) {
            for (int k = 0; k < v.rows(Input.NEGATIVES); k++) {
                out.add(v.row(Input.NEGATIVES, k));
            }
        } else if (negKind == 2) {
            for (int k = 0; k < perAnchor; k++) {
                out.add(v.row(Input.NEGATIVES, i * perAnchor + k));
            }
        }
        return out;
    }

    /** How many negative pairs are inside the margin (active) and outside it, to be sure both branches run. */
    static int[] activeAndInactive(LossTesting.Vars v, boolean cosine, double mPos, double mNeg, long[] labels,
                                   int negKind, int perAnchor) {
        int[] counts = new int[4]; // negatives active, inactive; positives active, inactive
        for (int i = 0; i < v.n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            for (double[] x : negatives(v, i, labels, negKind, perAnchor)) {
                counts[distance(a, x, cosine) < mNeg ? 0 : 1]++;
            }
            counts[distance(a, v.row(Input.POSITIVES, i), cosine) > mPos ? 2 : 3]++;
        }
        return counts;
    }

    @AfterAll
    static void printDisagreement() {
        System.out.print("MarginContrastiveTest " + LossReferences2.report("MarginContrastive"));
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (boolean labels : new boolean[] {false, true}) {
                    for (int negKind = 0; negKind < 3; negKind++) {
                        out.add(Arguments.of(s, r, labels, negKind));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} labels={2} negatives={3}")
    @MethodSource("configurations")
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean withLabels, int negKind) {
        SplittableRandom rnd = new SplittableRandom(41 + negKind * 17 + (withLabels ? 5 : 0) + s.ordinal() * 3);
        int n = 6;
        int d = 5;
        int m = 3;
        boolean cosine = s == Similarity.COSINE;
        // cosine: positives near their anchors, distances of unit vectors spread over [0, 2];
        // dot: raw vectors scaled so that pair distances straddle the margins
        float f = cosine ? 1f : 0.3f;
        Matrix a = scaled(gaussian(rnd, n, d), f);
        Matrix p = plus(a, rowScaled(gaussian(rnd, n, d)), cosine ? 0.6f : 0.15f);
        Batch.Builder b = Batch.builder(a).positives(p);
        long[] labels = withLabels ? new long[] {0, 1, 0, 2, 1, 3} : null;
        if (withLabels) {
            b.labels(labels);
        }
        if (negKind == 1) {
            b.sharedNegatives(scaled(gaussian(rnd, 4, d), f));
        } else if (negKind == 2) {
            b.pairedNegatives(scaled(gaussian(rnd, n * m, d), f), m);
        }
        double mPos = cosine ? 0.3 : 0.15;
        double mNeg = cosine ? 1.2 : 1.0;
        MarginContrastive loss = MarginContrastive.builder().positiveMargin(mPos).negativeMargin(mNeg).similarity(s)
                .reduction(r).build();
        Batch batch = b.build();
        int[] counts = activeAndInactive(new LossTesting.Vars(batch, 1, 0), cosine, mPos, mNeg, labels, negKind, m);
        for (int c : counts) {
            assertTrue(c > 0, "the data should exercise every hinge branch: " + java.util.Arrays.toString(counts));
        }
        LossResult result = check("MarginContrastive", loss, batch, 1, 0,
                v -> reference(v, cosine, mPos, mNeg, labels, negKind, m, r));
        assertTrue(result.scalarGradients().isEmpty());
        assertEquals(negKind > 0, result.gradients().containsKey(Input.NEGATIVES));
        // the same per-row terms summed in another order in double
        assertClose("terms add up", result.value(),
                result.terms().get("positive") + result.terms().get("negative"),
                LossTesting.doubleBound(4 * batch.size(), 1));
    }

    @Test
    void defaultMarginsAgainstTheReference() {
        SplittableRandom rnd = new SplittableRandom(4);
        Matrix a = gaussian(rnd, 8, 4);
        Batch batch = Batch.of(a, plus(a, gaussian(rnd, 8, 4), 0.5f));
        check("MarginContrastive", MarginContrastive.builder().build(), batch, 1, 0,
                v -> reference(v, true, 0, 1, null, 0, 0, Reduction.MEAN));
    }

    @Test
    void nearAndIdenticalNegativesUseExactDistances() {
        // a negative equal to its anchor (d = 0: subgradient 0, and central differences of ‖·‖ at 0 are 0 too) and
        // one at distance ~1e-2: the Gram form would cancel, the exact path must agree with the reference
        SplittableRandom rnd = new SplittableRandom(6);
        int n = 5;
        int d = 4;
        for (Similarity s : Similarity.values()) {
            Matrix a = gaussian(rnd, n, d);
            Matrix p = plus(a, gaussian(rnd, n, d), 0.5f);
            System.arraycopy(a.data(), 0, p.data(), 2 * d, d); // in-batch: p_2 = a_0
            Matrix neg = gaussian(rnd, 3, d);
            System.arraycopy(a.data(), d, neg.data(), 0, d); // shared: n_0 = a_1
            for (int k = 0; k < d; k++) {
                neg.data()[d + k] = a.data()[3 * d + k] + 0.01f * (float) LossTesting.gauss(rnd); // n_1 ≈ a_3
            }
            Batch batch = Batch.builder(a).positives(p).sharedNegatives(neg).build();
            boolean cosine = s == Similarity.COSINE;
            double mNeg = cosine ? 1 : 2;
            check("MarginContrastive near pairs", MarginContrastive.builder().negativeMargin(mNeg).similarity(s)
                    .build(), batch, 1, 0, v -> reference(v, cosine, 0, mNeg, null, 1, 0, Reduction.MEAN));
        }
    }

    @Test
    void zeroAtPerfectAlignmentWithFarNegatives() {
        int n = 4;
        float[] eye = new float[n * n];
        for (int i = 0; i < n; i++) {
            eye[i * n + i] = 3f;
        }
        Matrix e = Matrix.of(n, n, eye);
        // cosine: d(a_i, p_i) = 0 and d(a_i, p_j) = √2 > m⁻ = 1
        LossResult r = MarginContrastive.builder().build().compute(Batch.of(e, e.copy()));
        // exact by design: every hinge is max(0, ·) of a clearly negative number
        assertEquals(0.0, r.value());
        for (Matrix g : r.gradients().values()) {
            for (float v : g.data()) {
                assertEquals(0f, v);
            }
        }
        // m⁻ = 2: every in-batch negative is √2 away, short by 2 − √2: ℓ_i = ½(2 − √2)² (derived by hand)
        LossResult r2 = MarginContrastive.builder().negativeMargin(2).build().compute(Batch.of(e, e.copy()));
        double expected = 0.5 * (2 - Math.sqrt(2)) * (2 - Math.sqrt(2));
        // 0/1 rows: the Gram entries and norms are exact, d = √2 rounds once in double
        assertClose("closed form", expected, r2.value(), LossTesting.doubleBound(16, 4));
        assertClose("negative term", expected, r2.terms().get("negative"), LossTesting.doubleBound(16, 4));
        assertEquals(0.0, r2.terms().get("positive"));
        // DOT on raw rows 3·e_i: d(a_i, p_j) = 3√2; with m⁺ = 0.5 and a positive moved by 1 along another axis,
        // d(a_0, p_0) = 1: ℓ_0 = ½(1 − 0.5)², the others 0
        Matrix moved = e.copy();
        moved.set(0, 1, 1f);
        LossResult r3 = MarginContrastive.builder().positiveMargin(0.5).negativeMargin(1).similarity(Similarity.DOT)
                .reduction(Reduction.SUM).build().compute(Batch.of(e, moved));
        // small integers: exact in float32, double rounding only
        assertClose("dot", 0.125, r3.value(), LossTesting.doubleBound(16, 4));
        assertClose("row 0", 0.125, r3.perRow()[0], LossTesting.doubleBound(16, 4));
    }

    @Test
    void labelsTurnSameClassCandidatesIntoNonNegatives() {
        // rows 0 and 1 share a label: their mutual closeness costs nothing once labels are given
        Matrix a = Matrix.fromRows(new float[][] {{1, 0, 0}, {0.9f, 0.1f, 0}, {0, 0, 1}});
        LossResult without = MarginContrastive.builder().build().compute(Batch.of(a, a.copy()));
        LossResult with = MarginContrastive.builder().build().compute(
                Batch.builder(a).positives(a.copy()).labels(new long[] {7, 7, 8}).build());
        assertTrue(without.perRow()[0] > 0.1, "close candidate of row 0 counts as a negative without labels");
        assertEquals(0.0, with.perRow()[0]);
        assertEquals(0.0, with.value());
    }

    @Test
    void rowPermutationPermutesPerRowLossesAndGradients() {
        SplittableRandom rnd = new SplittableRandom(13);
        int n = 6;
        int d = 4;
        Matrix a = gaussian(rnd, n, d);
        Matrix p = plus(a, gaussian(rnd, n, d), 0.5f);
        MarginContrastive loss = MarginContrastive.builder().positiveMargin(0.1).negativeMargin(1.3).build();
        int[] perm = {3, 0, 5, 1, 4, 2};
        long[] labels = {0, 1, 0, 2, 1, 3};
        LossReferences2.assertPermutationEquivariant(loss, a, p, null, 0, labels, perm, null);
        LossReferences2.assertPermutationEquivariant(loss, a, p, gaussian(rnd, 4, d), 0, labels, perm,
                new int[] {2, 0, 3, 1});
        LossReferences2.assertPermutationEquivariant(loss, a, p, gaussian(rnd, n * 2, d), 2, null, perm, null);
    }

    @Test
    void gradientStepLowersTheLoss() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (Similarity s : Similarity.values()) {
            Matrix a = scaled(gaussian(rnd, 6, 4), 0.4f);
            Batch batch = Batch.builder(a).positives(plus(a, gaussian(rnd, 6, 4), 0.5f))
                    .sharedNegatives(scaled(gaussian(rnd, 3, 4), 0.4f)).build();
            LossReferences2.assertGradientStepDescends(
                    MarginContrastive.builder().positiveMargin(0.1).negativeMargin(1.2).similarity(s).build(), batch);
        }
    }

    @Test
    void zeroVectorsAndLargeInputsStayFinite() {
        Matrix a = Matrix.zeros(3, 4);
        a.data()[0] = 1f;
        assertAllFinite(MarginContrastive.builder().build().compute(Batch.of(a, a.copy())));
        SplittableRandom rnd = new SplittableRandom(2);
        Matrix big = scaled(gaussian(rnd, 5, 3), 1e4f);
        assertAllFinite(MarginContrastive.builder().negativeMargin(1e5).similarity(Similarity.DOT).build()
                .compute(Batch.of(big, plus(big, gaussian(rnd, 5, 3), 10f))));
    }

    @Test
    void defaultsAndConfigurationAreReported() {
        assertEquals("MarginContrastive{positiveMargin=0.0, negativeMargin=1.0, similarity=COSINE, reduction=MEAN}",
                MarginContrastive.builder().build().toString());
        assertEquals("MarginContrastive{positiveMargin=0.25, negativeMargin=2.5, similarity=DOT, reduction=SUM}",
                MarginContrastive.builder().positiveMargin(0.25).negativeMargin(2.5).similarity(Similarity.DOT)
                        .reduction(Reduction.SUM).build().toString());
    }

    @Test
    void badInputIsRejectedWithPreciseMessages() {
        SplittableRandom rnd = new SplittableRandom(1);
        MarginContrastive loss = MarginContrastive.builder().build();
        Matrix one = gaussian(rnd, 1, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(Batch.of(one, one.copy())));
        assertEquals("MarginContrastive needs a negative for every anchor: the batch has N = 1 and no explicit "
                + "negatives", e.getMessage());
        // N = 1 with explicit negatives is fine
        assertAllFinite(loss.compute(Batch.builder(one).positives(one.copy()).sharedNegatives(gaussian(rnd, 2, 3))
                .build()));

        Matrix a = gaussian(rnd, 3, 3);
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(
                Batch.builder(a).positives(a.copy()).labels(new long[] {4, 4, 4}).build()));
        assertEquals("MarginContrastive: anchor 0 has no negative: every in-batch candidate shares its label 4 and "
                + "no explicit negatives were given", e.getMessage());
        assertAllFinite(loss.compute(Batch.builder(a).positives(a.copy()).labels(new long[] {4, 4, 4})
                .pairedNegatives(gaussian(rnd, 3, 3), 1).build()));

        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(Batch.builder(a).build()));
        assertEquals("MarginContrastive needs positives (N×D, row i the positive of anchor i)", e.getMessage());

        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> MarginContrastive.builder().positiveMargin(bad));
            assertEquals("positiveMargin must be finite and >= 0, was " + bad, e.getMessage());
        }
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> MarginContrastive.builder().negativeMargin(bad));
            assertEquals("negativeMargin must be finite and > 0, was " + bad, e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class,
                () -> MarginContrastive.builder().positiveMargin(0.5).negativeMargin(0.5).build());
        assertEquals("negativeMargin (0.5) must be greater than positiveMargin (0.5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MarginContrastive.builder().positiveMargin(1.5).build());
        assertEquals("negativeMargin (1.0) must be greater than positiveMargin (1.5)", e.getMessage());
        assertEquals("similarity must not be null",
                assertThrows(NullPointerException.class, () -> MarginContrastive.builder().similarity(null)).getMessage());
    }
}
