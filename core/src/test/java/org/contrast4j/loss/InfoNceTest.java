package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.assertWithin;
import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.logSumExp;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.contrast4j.loss.LossTesting.sim;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InfoNceTest {

    /** InfoNCE straight from the formula, in double. negKind: 0 none, 1 shared, 2 paired. */
    static LossTesting.Ref reference(LossTesting.Vars v, boolean cosine, boolean symmetric, long[] labels,
                                     int negKind, int perAnchor, double maxScale, Reduction reduction) {
        double scale = Math.min(1 / v.tau(), maxScale);
        int n = v.n;
        double[] fwd = new double[n];
        double[] rev = new double[n];
        for (int i = 0; i < n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            List<Double> logits = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j != i && labels != null && labels[j] == labels[i]) {
                    continue;
                }
                logits.add(scale * sim(a, v.row(Input.POSITIVES, j), cosine));
            }
            if (negKind == 1) {
                for (int m = 0; m < v.rows(Input.NEGATIVES); m++) {
                    logits.add(scale * sim(a, v.row(Input.NEGATIVES, m), cosine));
                }
            } else if (negKind == 2) {
                for (int m = 0; m < perAnchor; m++) {
                    logits.add(scale * sim(a, v.row(Input.NEGATIVES, i * perAnchor + m), cosine));
                }
            }
            fwd[i] = -scale * sim(a, v.row(Input.POSITIVES, i), cosine)
                    + logSumExp(logits.stream().mapToDouble(Double::doubleValue).toArray());
            if (symmetric) {
                double[] p = v.row(Input.POSITIVES, i);
                List<Double> back = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (j != i && labels != null && labels[j] == labels[i]) {
                        continue;
                    }
                    back.add(scale * sim(p, v.row(Input.ANCHORS, j), cosine));
                }
                rev[i] = -scale * sim(p, a, cosine)
                        + logSumExp(back.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            perRow[i] = symmetric ? 0.5 * (fwd[i] + rev[i]) : fwd[i];
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (boolean symmetric : new boolean[] {false, true}) {
                    for (boolean labels : new boolean[] {false, true}) {
                        for (int negKind = 0; negKind < 3; negKind++) {
                            out.add(Arguments.of(s, r, symmetric, labels, negKind));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} symmetric={2} labels={3} negatives={4}")
    @MethodSource("configurations")
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean symmetric, boolean withLabels,
                                              int negKind) {
        SplittableRandom rnd = new SplittableRandom(7 + negKind * 31 + (symmetric ? 3 : 0));
        int n = 6;
        int d = 5;
        int m = 3;
        Batch.Builder b = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d));
        long[] labels = withLabels ? new long[] {0, 1, 0, 2, 1, 3} : null;
        if (withLabels) {
            b.labels(labels);
        }
        if (negKind == 1) {
            b.sharedNegatives(gaussian(rnd, 4, d));
        } else if (negKind == 2) {
            b.pairedNegatives(gaussian(rnd, n * m, d), m);
        }
        double tau = 0.5;
        InfoNce loss = InfoNce.builder().temperature(tau).learnableTemperature(true).symmetric(symmetric)
                .similarity(s).reduction(r).build();
        checkAgainstReference(loss, b.build(), tau, 0,
                v -> reference(v, s == Similarity.COSINE, symmetric, labels, negKind, m, Double.POSITIVE_INFINITY, r),
                Scalar.LOG_TEMPERATURE);
    }

    @Test
    void fixedTemperatureReportsNoScalarGradient() {
        SplittableRandom rnd = new SplittableRandom(3);
        Batch batch = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        checkAgainstReference(InfoNce.builder().temperature(0.2).build(), batch, 0.2, 0,
                v -> reference(v, true, false, null, 0, 0, Double.POSITIVE_INFINITY, Reduction.MEAN));
    }

    @Test
    void logitScaleClampFreezesTheTemperature() {
        SplittableRandom rnd = new SplittableRandom(11);
        Batch batch = Batch.of(gaussian(rnd, 6, 4), gaussian(rnd, 6, 4));
        InfoNce clip = InfoNce.clip().temperature(0.005).build();
        // the reference uses scale = min(1/τ, 100) = 100, whose derivative in log τ is 0: FD gives 0 too
        LossResult r = checkAgainstReference(clip, batch, 0.005, 0,
                v -> reference(v, true, true, null, 0, 0, 100, Reduction.MEAN), Scalar.LOG_TEMPERATURE);
        assertEquals(0.0, r.scalarGradients().get(Scalar.LOG_TEMPERATURE));
        InfoNce unclamped = InfoNce.clip().temperature(0.05).build();
        checkAgainstReference(unclamped, batch, 0.05, 0,
                v -> reference(v, true, true, null, 0, 0, 100, Reduction.MEAN), Scalar.LOG_TEMPERATURE);
    }

    @Test
    void clipPresetConfiguration() {
        assertEquals("InfoNce{temperature=0.07, learnableTemperature=true, maxLogitScale=100.0, symmetric=true, "
                + "similarity=COSINE, reduction=MEAN}", InfoNce.clip().build().toString());
        assertEquals("InfoNce{temperature=0.1, learnableTemperature=false, symmetric=false, similarity=COSINE, "
                + "reduction=MEAN}", InfoNce.builder().build().toString());
        assertEquals(InfoNce.clip().temperature(0.3).build().toString(),
                InfoNce.clip().build().withTemperature(0.3).toString());
        assertEquals(NtXent.builder().temperature(0.3).similarity(Similarity.DOT).build().toString(),
                NtXent.builder().similarity(Similarity.DOT).build().withTemperature(0.3).toString());
        assertEquals(SupCon.builder().temperature(0.3).baseTemperature(0.07).build().toString(),
                SupCon.builder().baseTemperature(0.07).build().withTemperature(0.3).toString());
        assertEquals(Dcl.builder().temperature(0.3).weighted(true).sigma(0.2).build().toString(),
                Dcl.builder().weighted(true).sigma(0.2).build().withTemperature(0.3).toString());
    }

    @Test
    void symmetricTermsAreBothDirections() {
        SplittableRandom rnd = new SplittableRandom(5);
        Matrix a = gaussian(rnd, 7, 3);
        Matrix p = gaussian(rnd, 7, 3);
        LossResult sym = InfoNce.builder().symmetric(true).build().compute(Batch.of(a, p));
        double forward = InfoNce.builder().build().compute(Batch.of(a, p)).value();
        double backward = InfoNce.builder().build().compute(Batch.of(p, a)).value();
        // each direction once from A·Pᵀ, once from P·Aᵀ (another float32 product): twice the row bound
        double tol = 2 * LossTesting.softmaxRowBound(3, InfoNce.builder().build().temperature());
        assertWithin("a→p", forward, sym.terms().get("anchor_to_positive"), tol);
        assertWithin("p→a", backward, sym.terms().get("positive_to_anchor"), tol);
        assertWithin("value", 0.5 * (forward + backward), sym.value(), tol);
        // swapping the roles leaves a symmetric loss unchanged
        assertWithin("swap", sym.value(),
                InfoNce.builder().symmetric(true).build().compute(Batch.of(p, a)).value(), tol);
    }

    @Test
    void perfectAlignmentGivesTheClosedFormMinimum() {
        int n = 4;
        float[] eye = new float[n * n];
        for (int i = 0; i < n; i++) {
            eye[i * n + i] = 1f;
        }
        double tau = 0.2;
        Matrix e = Matrix.of(n, n, eye);
        LossResult r = InfoNce.builder().temperature(tau).build().compute(Batch.of(e, e.copy()));
        // cos(a_i, p_i) = 1, cos(a_i, p_j) = 0: ℓ = −1/τ + log(e^{1/τ} + (N−1)) = log(1 + (N−1)e^{−1/τ})
        double expected = Math.log(1 + (n - 1) * Math.exp(-1 / tau));
        // 0/1 rows: every similarity is exact in float32, only double arithmetic on logits of size 1/τ remains
        assertWithin("minimum", expected, r.value(), LossTesting.doubleBound(4 * n, 1 / tau + 1));
    }

    @Test
    void isNonNegativeAndBoundedMutualInformation() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + trial;
            LossResult r = InfoNce.builder().temperature(0.05 + trial * 0.1).build()
                    .compute(Batch.of(gaussian(rnd, n, 3), gaussian(rnd, n, 3)));
            assertTrue(r.value() >= 0, "InfoNCE >= 0, was " + r.value());
            for (double v : r.perRow()) {
                assertTrue(v >= 0);
            }
            assertTrue(Math.log(n) - r.value() <= Math.log(n));
        }
    }

    @Test
    void rowPermutationPermutesPerRowLossesAndGradients() {
        SplittableRandom rnd = new SplittableRandom(13);
        int n = 6;
        int d = 4;
        Matrix a = gaussian(rnd, n, d);
        Matrix p = gaussian(rnd, n, d);
        int[] perm = {3, 0, 5, 1, 4, 2};
        Matrix ap = Matrix.zeros(n, d);
        Matrix pp = Matrix.zeros(n, d);
        for (int i = 0; i < n; i++) {
            System.arraycopy(a.data(), perm[i] * d, ap.data(), i * d, d);
            System.arraycopy(p.data(), perm[i] * d, pp.data(), i * d, d);
        }
        InfoNce loss = InfoNce.builder().symmetric(true).build();
        LossResult r = loss.compute(Batch.of(a, p));
        LossResult rp = loss.compute(Batch.of(ap, pp));
        // the permuted batch is another float32 computation of the same numbers: twice the bounds
        double tol = 2 * LossTesting.softmaxRowBound(d, loss.temperature());
        double gradTol = 2 * LossTesting.Bounds.of(loss, Batch.of(a, p), loss.temperature()).gradientRelative()
                * FloatBounds.maxAbs(r.gradient(Input.ANCHORS).data());
        assertWithin("value", r.value(), rp.value(), tol);
        for (int i = 0; i < n; i++) {
            assertWithin("row " + i, r.perRow()[perm[i]], rp.perRow()[i], tol);
            for (int k = 0; k < d; k++) {
                assertWithin("grad", r.gradient(Input.ANCHORS).get(perm[i], k), rp.gradient(Input.ANCHORS).get(i, k),
                        gradTol);
            }
        }
    }

    @Test
    void finiteAtExtremeTemperaturesAndLogits() {
        SplittableRandom rnd = new SplittableRandom(17);
        Matrix x = gaussian(rnd, 8, 6);
        for (double tau : new double[] {1e-3, 1e-2, 1, 10}) {
            for (Similarity s : Similarity.values()) {
                LossResult r = InfoNce.builder().temperature(tau).learnableTemperature(true).symmetric(true)
                        .similarity(s).build().compute(Batch.of(x, x.copy()));
                assertAllFinite(r);
            }
        }
        // identical inputs at τ = 1e-3: logits 1000 on the diagonal — the reference agrees within float precision
        checkAgainstReference(InfoNce.builder().temperature(1e-3).build(), Batch.of(x, x.copy()), 1e-3, 0,
                v -> reference(v, true, false, null, 0, 0, Double.POSITIVE_INFINITY, Reduction.MEAN));
        // dot logits of order 1e4
        Matrix big = Matrix.zeros(4, 2);
        float[] values = {3, 1, -2, 3, 1, -3, -3, -1};
        for (int i = 0; i < values.length; i++) {
            big.data()[i] = values[i] * 3f;
        }
        LossResult r = InfoNce.builder().temperature(1e-2).similarity(Similarity.DOT).learnableTemperature(true)
                .build().compute(Batch.of(big, big.copy()));
        assertAllFinite(r);
    }

    @Test
    void zeroVectorsUnderCosineStayFinite() {
        Matrix a = Matrix.zeros(3, 4);
        a.data()[0] = 1f;
        LossResult r = InfoNce.builder().symmetric(true).learnableTemperature(true).build()
                .compute(Batch.of(a, a.copy()));
        assertAllFinite(r);
        // a zero anchor has similarity 0 to every candidate: loss log N
        // its similarities are exactly 0, so only double arithmetic remains
        assertWithin("zero row", Math.log(3), r.perRow()[1], LossTesting.doubleBound(8, Math.log(3) + 1));
    }

    @Test
    void badInputIsRejectedWithPreciseMessages() {
        SplittableRandom rnd = new SplittableRandom(1);
        Matrix one = gaussian(rnd, 1, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().build().compute(Batch.of(one, one.copy())));
        assertEquals("InfoNCE needs a negative for every anchor: the batch has N = 1 and no explicit negatives",
                e.getMessage());
        // N = 1 with explicit negatives is fine
        assertAllFinite(InfoNce.builder().build().compute(
                Batch.builder(one).positives(one.copy()).sharedNegatives(gaussian(rnd, 2, 3)).build()));

        Matrix a = gaussian(rnd, 3, 3);
        Batch sameLabels = Batch.builder(a).positives(a.copy()).labels(new long[] {4, 4, 4}).build();
        e = assertThrows(IllegalArgumentException.class, () -> InfoNce.builder().build().compute(sameLabels));
        assertEquals("InfoNCE: anchor 0 has no negative: every in-batch candidate shares its label 4 and no "
                + "explicit negatives were given", e.getMessage());
        Batch sameWithNegatives = Batch.builder(a).positives(a.copy()).labels(new long[] {4, 4, 4})
                .sharedNegatives(gaussian(rnd, 2, 3)).build();
        assertAllFinite(InfoNce.builder().build().compute(sameWithNegatives));
        e = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().symmetric(true).build().compute(sameWithNegatives));
        assertTrue(e.getMessage().contains("positive 0 has no negative in the reverse"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().build().compute(Batch.builder(a).build()));
        assertEquals("InfoNCE needs positives (N×D, row i the positive of anchor i)", e.getMessage());
        for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> InfoNce.builder().temperature(bad));
            assertEquals("temperature must be > 0 and finite, was " + bad, e.getMessage());
        }
        assertEquals("similarity must not be null",
                assertThrows(NullPointerException.class, () -> InfoNce.builder().similarity(null)).getMessage());
    }
}
