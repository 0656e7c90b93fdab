package org.contrast4j.loss;

import static org.contrast4j.loss.LossReferences2.check;
import static org.contrast4j.loss.LossReferences2.distance;
import static org.contrast4j.loss.LossReferences2.plus;
import static org.contrast4j.loss.LossReferences2.rowScaled;
import static org.contrast4j.loss.LossReferences2.scaled;
import static org.contrast4j.loss.LossReferences2.softplus;
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
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TripletTest {

    /**
     * The triplet loss straight from the formula, in double: ℓ_i = mean over the negatives n of row i of
     * h(d(a_i, p_i) − d(a_i, n) + margin), h = max(0, ·) or softplus. perAnchor 0 = shared negatives.
     */
    static LossTesting.Ref reference(LossTesting.Vars v, boolean cosine, double margin, boolean soft, int perAnchor,
                                     Reduction reduction) {
        int n = v.n;
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            double dPos = distance(a, v.row(Input.POSITIVES, i), cosine);
            List<double[]> negatives = negatives(v, i, perAnchor);
            double sum = 0;
            for (double[] x : negatives) {
                double violation = dPos - distance(a, x, cosine) + margin;
                sum += soft ? softplus(violation) : Math.max(0, violation);
            }
            perRow[i] = sum / negatives.size();
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    static List<double[]> negatives(LossTesting.Vars v, int i, int perAnchor) {
        List<double[]> out = new ArrayList<>();
        if (perAnchor == 0) {
            for (int k = 0; k < v.rows(Input.NEGATIVES); k++) {
                out.add(v.row(Input.NEGATIVES, k));
            }
        } else {
            for (int k = 0; k < perAnchor; k++) {
                out.add(v.row(Input.NEGATIVES, i * perAnchor + k));
            }
        }
        return out;
    }

    /** Triplets that violate the margin (hinge active) and those that do not. */
    static int[] activeAndInactive(LossTesting.Vars v, boolean cosine, double margin, int perAnchor) {
        int[] counts = new int[2];
        for (int i = 0; i < v.n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            double dPos = distance(a, v.row(Input.POSITIVES, i), cosine);
            for (double[] x : negatives(v, i, perAnchor)) {
                counts[dPos - distance(a, x, cosine) + margin > 0 ? 0 : 1]++;
            }
        }
        return counts;
    }

    @AfterAll
    static void printDisagreement() {
        System.out.print("TripletTest " + LossReferences2.report("Triplet"));
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (boolean soft : new boolean[] {false, true}) {
                    for (int perAnchor : new int[] {0, 1, 3}) {
                        out.add(Arguments.of(s, r, soft, perAnchor));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} softplus={2} perAnchor={3} (0 = shared)")
    @MethodSource("configurations")
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean soft, int perAnchor) {
        SplittableRandom rnd = new SplittableRandom(71 + perAnchor * 11 + (soft ? 2 : 0) + s.ordinal() * 5);
        int n = 6;
        int d = 5;
        boolean cosine = s == Similarity.COSINE;
        float f = cosine ? 1f : 0.3f;
        Matrix a = scaled(gaussian(rnd, n, d), f);
        Matrix p = plus(a, rowScaled(gaussian(rnd, n, d)), cosine ? 3f : 0.45f);
        Matrix neg = scaled(gaussian(rnd, perAnchor == 0 ? 4 : n * perAnchor, d), f);
        Batch.Builder b = Batch.builder(a).positives(p);
        if (perAnchor == 0) {
            b.sharedNegatives(neg);
        } else {
            b.pairedNegatives(neg, perAnchor);
        }
        double margin = cosine ? 0.5 : 0.1;
        Batch batch = b.build();
        int[] counts = activeAndInactive(new LossTesting.Vars(batch, 1, 0), cosine, margin, perAnchor);
        if (!soft) {
            assertTrue(counts[0] > 0 && counts[1] > 0,
                    "the data should hold violating and satisfied triplets: " + java.util.Arrays.toString(counts));
        }
        Triplet loss = Triplet.builder().margin(margin).softplus(soft).similarity(s).reduction(r).build();
        LossResult result = check("Triplet", loss, batch, 1, 0,
                v -> reference(v, cosine, margin, soft, perAnchor, r));
        assertTrue(result.scalarGradients().isEmpty());
        assertTrue(result.terms().isEmpty());
        assertEquals(3, result.gradients().size());
    }

    @Test
    void defaultMarginAgainstTheReference() {
        SplittableRandom rnd = new SplittableRandom(4);
        Matrix a = gaussian(rnd, 8, 4);
        Batch batch = Batch.builder(a).positives(plus(a, gaussian(rnd, 8, 4), 1f))
                .pairedNegatives(gaussian(rnd, 16, 4), 2).build();
        check("Triplet", Triplet.builder().build(), batch, 1, 0,
                v -> reference(v, true, 0.2, false, 2, Reduction.MEAN));
    }

    @Test
    void nearAndIdenticalNegativesUseExactDistances() {
        // shared negatives holding a copy of anchor 1 (d = 0: subgradient 0) and a point 1e-2 from anchor 3
        SplittableRandom rnd = new SplittableRandom(6);
        int n = 5;
        int d = 4;
        for (Similarity s : Similarity.values()) {
            Matrix a = gaussian(rnd, n, d);
            Matrix p = plus(a, gaussian(rnd, n, d), 0.5f);
            Matrix neg = gaussian(rnd, 3, d);
            System.arraycopy(a.data(), d, neg.data(), 0, d);
            for (int k = 0; k < d; k++) {
                neg.data()[d + k] = a.data()[3 * d + k] + 0.01f * (float) LossTesting.gauss(rnd);
            }
            Batch batch = Batch.builder(a).positives(p).sharedNegatives(neg).build();
            boolean cosine = s == Similarity.COSINE;
            check("Triplet near pairs", Triplet.builder().similarity(s).build(), batch, 1, 0,
                    v -> reference(v, cosine, 0.2, false, 0, Reduction.MEAN));
        }
    }

    @Test
    void zeroWhenEveryNegativeIsFartherThanThePositivePlusTheMargin() {
        // cosine: a_i = p_i = e_i (d = 0), negatives −e_i (d = 2) and e_j (d = √2): 0 − √2 + 0.2 < 0
        int n = 3;
        Matrix e = Matrix.zeros(n, n);
        Matrix neg = Matrix.zeros(n * 2, n);
        for (int i = 0; i < n; i++) {
            e.set(i, i, 1f);
            neg.set(2 * i, i, -1f);
            neg.set(2 * i + 1, (i + 1) % n, 2f);
        }
        for (Similarity s : Similarity.values()) {
            LossResult r = Triplet.builder().similarity(s).build()
                    .compute(Batch.builder(e).positives(e.copy()).pairedNegatives(neg, 2).build());
            assertEquals(0.0, r.value(), s.toString());
            for (Matrix g : r.gradients().values()) {
                for (float v : g.data()) {
                    assertEquals(0f, v);
                }
            }
        }
        // the soft margin never reaches 0: ℓ_i = ½(softplus(0.2 − 2) + softplus(0.2 − √2)) under cosine
        LossResult soft = Triplet.builder().softplus(true).build()
                .compute(Batch.builder(e).positives(e.copy()).pairedNegatives(neg, 2).build());
        double expected = 0.5 * (Math.log(1 + Math.exp(0.2 - 2)) + Math.log(1 + Math.exp(0.2 - Math.sqrt(2))));
        // 0/1 rows: exact distances up to one double square root, double arithmetic only
        assertClose("soft margin", expected, soft.value(), LossTesting.doubleBound(16, 4));
    }

    @Test
    void violatedTripletHasTheHandDerivedValueAndGradient() {
        // DOT on raw rows, D = 2: a = (0, 0), p = (3, 0), n = (0, 1): d_ap = 3, d_an = 1, margin 0.5:
        // ℓ = 3 − 1 + 0.5 = 2.5; ∂ℓ/∂p = (p − a)/3 = (1, 0); ∂ℓ/∂n = −(n − a)/1 = (0, −1);
        // ∂ℓ/∂a = (a − p)/3 − (a − n)/1 = (−1, 0) + (0, 1) = (−1, 1)
        Matrix a = Matrix.fromRows(new float[][] {{0, 0}});
        Matrix p = Matrix.fromRows(new float[][] {{3, 0}});
        Matrix n = Matrix.fromRows(new float[][] {{0, 1}});
        LossResult r = Triplet.builder().margin(0.5).similarity(Similarity.DOT).build()
                .compute(Batch.builder(a).positives(p).pairedNegatives(n, 1).build());
        // small integers: the distances are exact, the gradients round once to float32 (u of 1)
        assertClose("value", 2.5, r.value(), LossTesting.doubleBound(8, 4));
        LossTesting.assertVectorClose("anchor", new double[] {-1, 1}, LossTesting.toDouble(r.gradient(Input.ANCHORS)),
                2 * FloatBounds.U);
        LossTesting.assertVectorClose("positive", new double[] {1, 0},
                LossTesting.toDouble(r.gradient(Input.POSITIVES)), 2 * FloatBounds.U);
        LossTesting.assertVectorClose("negative", new double[] {0, -1},
                LossTesting.toDouble(r.gradient(Input.NEGATIVES)), 2 * FloatBounds.U);
    }

    @Test
    void rowAlignedNegativesArePairedWithOnePerAnchor() {
        // PyTorch's TripletMarginLoss(a, p, n) on N×D triplets: the same as averaging the N per-triplet hinges
        SplittableRandom rnd = new SplittableRandom(9);
        Matrix a = gaussian(rnd, 5, 3);
        Matrix p = gaussian(rnd, 5, 3);
        Matrix n = gaussian(rnd, 5, 3);
        LossResult r = Triplet.builder().margin(1).similarity(Similarity.DOT).build()
                .compute(Batch.builder(a).positives(p).pairedNegatives(n, 1).build());
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            double[] ai = LossTesting.toDouble(Matrix.of(1, 3, a.row(i)));
            sum += Math.max(0, distance(ai, LossTesting.toDouble(Matrix.of(1, 3, p.row(i))), false)
                    - distance(ai, LossTesting.toDouble(Matrix.of(1, 3, n.row(i))), false) + 1);
        }
        // row-aligned pairs are computed from their differences in double: double rounding only
        assertClose("row-aligned", sum / 5, r.value(), LossTesting.doubleBound(4 * 5 * 3, sum + 1));
    }

    @Test
    void rowPermutationPermutesPerRowLossesAndGradients() {
        SplittableRandom rnd = new SplittableRandom(13);
        int n = 6;
        int d = 4;
        Matrix a = gaussian(rnd, n, d);
        Matrix p = plus(a, gaussian(rnd, n, d), 0.8f);
        Triplet loss = Triplet.builder().margin(0.4).build();
        int[] perm = {3, 0, 5, 1, 4, 2};
        LossReferences2.assertPermutationEquivariant(loss, a, p, gaussian(rnd, 4, d), 0, null, perm,
                new int[] {2, 0, 3, 1});
        LossReferences2.assertPermutationEquivariant(loss, a, p, gaussian(rnd, n * 2, d), 2, null, perm, null);
    }

    @Test
    void gradientStepLowersTheLoss() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (Similarity s : Similarity.values()) {
            for (boolean soft : new boolean[] {false, true}) {
                Matrix a = gaussian(rnd, 6, 4);
                Batch batch = Batch.builder(a).positives(plus(a, gaussian(rnd, 6, 4), 1f))
                        .sharedNegatives(gaussian(rnd, 3, 4)).build();
                LossReferences2.assertGradientStepDescends(
                        Triplet.builder().margin(0.5).softplus(soft).similarity(s).build(), batch);
            }
        }
    }

    @Test
    void zeroVectorsAndLargeInputsStayFinite() {
        Matrix a = Matrix.zeros(3, 4);
        a.data()[0] = 1f;
        assertAllFinite(Triplet.builder().softplus(true).build()
                .compute(Batch.builder(a).positives(a.copy()).sharedNegatives(a.copy()).build()));
        SplittableRandom rnd = new SplittableRandom(2);
        Matrix big = scaled(gaussian(rnd, 5, 3), 1e4f);
        for (boolean soft : new boolean[] {false, true}) {
            assertAllFinite(Triplet.builder().softplus(soft).similarity(Similarity.DOT).build().compute(
                    Batch.builder(big).positives(scaled(gaussian(rnd, 5, 3), 1e4f))
                            .sharedNegatives(scaled(gaussian(rnd, 2, 3), 1e4f)).build()));
        }
    }

    @Test
    void defaultsAndConfigurationAreReported() {
        assertEquals("Triplet{margin=0.2, softplus=false, similarity=COSINE, reduction=MEAN}",
                Triplet.builder().build().toString());
        assertEquals("Triplet{margin=0.0, softplus=true, similarity=DOT, reduction=NONE}",
                Triplet.builder().margin(0).softplus(true).similarity(Similarity.DOT).reduction(Reduction.NONE)
                        .build().toString());
    }

    @Test
    void badInputIsRejectedWithPreciseMessages() {
        SplittableRandom rnd = new SplittableRandom(1);
        Triplet loss = Triplet.builder().build();
        Matrix a = gaussian(rnd, 3, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(Batch.of(a, a.copy())));
        assertEquals("Triplet needs explicit negatives (M×D shared or N×M×D paired)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(Batch.builder(a).sharedNegatives(a.copy()).build()));
        assertEquals("Triplet needs positives (N×D, row i the positive of anchor i)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(Batch.builder(a).positives(a.copy())
                .sharedNegatives(a.copy()).labels(new long[] {1, 2, 3}).build()));
        assertEquals("Triplet does not use labels; the batch has 3", e.getMessage());
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> Triplet.builder().margin(bad));
            assertEquals("margin must be finite and >= 0, was " + bad, e.getMessage());
        }
        assertEquals("reduction must not be null",
                assertThrows(NullPointerException.class, () -> Triplet.builder().reduction(null)).getMessage());
    }
}
