package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.assertClose;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.contrast4j.loss.LossTesting.sim;
import static org.contrast4j.loss.LossReferences2.check;
import static org.contrast4j.loss.LossReferences2.softplus;
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

class SigLipTest {

    /**
     * SigLIP straight from the paper, in double: s_ij = sim(a_i, p_j)/τ + b, z_ij = ±1, ℓ_i = −Σ_j log σ(z_ij s_ij),
     * with −log σ(x) = softplus(−x).
     */
    static LossTesting.Ref reference(LossTesting.Vars v, boolean cosine, Reduction reduction) {
        int n = v.n;
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = sim(v.row(Input.ANCHORS, i), v.row(Input.POSITIVES, j), cosine) / v.tau() + v.bias;
                double z = i == j ? 1 : -1;
                perRow[i] += softplus(-z * s);
            }
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    @AfterAll
    static void printDisagreement() {
        System.out.print("SigLipTest " + LossReferences2.report("SigLip"));
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        double[][] scalars = {{0.1, -10}, {0.5, 0.3}, {1, -2}, {10, 1}};
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (double[] tb : scalars) {
                    for (int n : new int[] {1, 6}) {
                        out.add(Arguments.of(s, r, tb[0], tb[1], n));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} tau={2} bias={3} N={4}")
    @MethodSource("configurations")
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, double tau, double bias, int n) {
        SplittableRandom rnd = new SplittableRandom(101 + n * 7 + (long) (tau * 100) + s.ordinal() * 13);
        int d = 5;
        Batch batch = Batch.of(gaussian(rnd, n, d), gaussian(rnd, n, d));
        SigLip loss = SigLip.builder().temperature(tau).bias(bias).learnableTemperature(true).learnableBias(true)
                .similarity(s).reduction(r).build();
        LossResult result = check("SigLip", loss, batch, tau, bias, v -> reference(v, s == Similarity.COSINE, r),
                Scalar.LOG_TEMPERATURE, Scalar.BIAS);
        assertEquals(0, result.skippedRows());
        // the same per-row terms summed in another order in double
        assertClose("terms add up", result.value(), result.terms().get("positive") + result.terms().get("negative"),
                LossTesting.doubleBound(4 * n, Math.abs(result.value()) + 1));
    }

    @Test
    void reportsOnlyTheLearnableScalars() {
        SplittableRandom rnd = new SplittableRandom(3);
        Batch batch = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        check("SigLip", SigLip.builder().build(), batch, 0.1, -10,
                v -> reference(v, true, Reduction.MEAN));
        check("SigLip", SigLip.builder().learnableBias(true).build(), batch, 0.1, -10,
                v -> reference(v, true, Reduction.MEAN), Scalar.BIAS);
        check("SigLip", SigLip.builder().learnableTemperature(true).build(), batch, 0.1, -10,
                v -> reference(v, true, Reduction.MEAN), Scalar.LOG_TEMPERATURE);
    }

    @Test
    void defaultsAndConfigurationAreReported() {
        assertEquals("SigLip{temperature=0.1, learnableTemperature=false, bias=-10.0, learnableBias=false, "
                + "similarity=COSINE, reduction=MEAN}", SigLip.builder().build().toString());
        assertEquals("SigLip{temperature=0.5, learnableTemperature=true, bias=0.25, learnableBias=true, "
                + "similarity=DOT, reduction=NONE}", SigLip.builder().temperature(0.5).learnableTemperature(true)
                .bias(0.25).learnableBias(true).similarity(Similarity.DOT).reduction(Reduction.NONE).build()
                .toString());
        SigLip custom = SigLip.builder().learnableTemperature(true).bias(-3).learnableBias(true)
                .similarity(Similarity.DOT).reduction(Reduction.SUM).build();
        assertEquals(SigLip.builder().temperature(0.3).learnableTemperature(true).bias(-3).learnableBias(true)
                .similarity(Similarity.DOT).reduction(Reduction.SUM).build().toString(),
                custom.withTemperature(0.3).toString());
        assertEquals(0.3, custom.withTemperature(0.3).temperature());
        assertEquals(0.1, custom.temperature());
    }

    @Test
    void orthonormalPairsGiveTheClosedForm() {
        int n = 4;
        float[] eye = new float[n * n];
        for (int i = 0; i < n; i++) {
            eye[i * n + i] = 2f; // cosine normalises the scale away
        }
        Matrix e = Matrix.of(n, n, eye);
        double tau = 0.2;
        double b = -3;
        LossResult r = SigLip.builder().temperature(tau).bias(b).build().compute(Batch.of(e, e.copy()));
        // cos(a_i, p_i) = 1, cos(a_i, p_j) = 0: ℓ_i = log(1 + e^{−(1/τ + b)}) + (N − 1)·log(1 + e^{b})
        double expected = Math.log(1 + Math.exp(-(1 / tau + b))) + (n - 1) * Math.log(1 + Math.exp(b));
        // 0/1 rows: exact similarities, double arithmetic on N terms of size 1/τ + |b| only
        double tol = LossTesting.doubleBound(8 * n, n * (1 / tau + Math.abs(b) + 1));
        assertClose("closed form", expected, r.value(), tol);
        assertClose("positive term", Math.log(1 + Math.exp(-(1 / tau + b))), r.terms().get("positive"), tol);
        for (double v : r.perRow()) {
            assertClose("row", expected, v, tol);
        }
    }

    @Test
    void singlePairIsTheBinaryLossOfThePositive() {
        SplittableRandom rnd = new SplittableRandom(21);
        Matrix a = gaussian(rnd, 1, 6);
        Matrix p = gaussian(rnd, 1, 6);
        double s = sim(LossTesting.toDouble(a), LossTesting.toDouble(p), true) / 0.1 - 10;
        LossResult r = SigLip.builder().build().compute(Batch.of(a, p));
        // one float32 cosine (γ_{D+2}) over τ = 0.1 inside a 1-Lipschitz softplus
        assertClose("N = 1", Math.log(1 + Math.exp(-s)), r.value(),
                FloatBounds.cosine(6) / 0.1 + LossTesting.doubleBound(8, Math.abs(s) + 1));
        // exact by design: there are no negatives, the term is an empty sum
        assertEquals(0.0, r.terms().get("negative"));
    }

    @Test
    void lossFallsAsPositivesAlign() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 8;
        Matrix a = gaussian(rnd, n, 6);
        Matrix p = gaussian(rnd, n, 6);
        SigLip loss = SigLip.builder().build();
        double previousPositive = Double.POSITIVE_INFINITY;
        double first = 0;
        double last = 0;
        for (int step = 0; step <= 4; step++) {
            float t = step / 4f;
            // p_t = (1 − t)·p + t·a moves each positive straight towards its anchor: cos(a_i, p_t,i) rises with t
            Matrix pt = LossReferences2.plus(LossReferences2.scaled(p, 1 - t), a, t);
            LossResult r = loss.compute(Batch.of(a, pt));
            double positive = r.terms().get("positive");
            assertTrue(positive < previousPositive, "positive term should fall: " + previousPositive + " -> "
                    + positive + " at t = " + t);
            previousPositive = positive;
            if (step == 0) {
                first = r.value();
            }
            last = r.value();
        }
        assertTrue(last < first, "aligned positives should lower the loss: " + first + " -> " + last);
    }

    @Test
    void swappingAnchorsAndPositivesKeepsTheValue() {
        // z and the logit matrix transpose together, so Σ_ij is unchanged
        SplittableRandom rnd = new SplittableRandom(8);
        Matrix a = gaussian(rnd, 7, 4);
        Matrix p = gaussian(rnd, 7, 4);
        SigLip loss = SigLip.builder().temperature(0.3).bias(-1).build();
        LossResult forward = loss.compute(Batch.of(a, p));
        LossResult backward = loss.compute(Batch.of(p, a));
        // A·Pᵀ and P·Aᵀ are two float32 computations: twice the bounds
        LossTesting.Bounds bounds = LossTesting.Bounds.of(loss, Batch.of(a, p), 0.3);
        assertClose("swap", forward.value(), backward.value(), 2 * bounds.perRow());
        double[] fg = LossTesting.toDouble(forward.gradient(Input.ANCHORS));
        LossTesting.assertGradient("swapped gradients", fg, fg,
                LossTesting.toDouble(backward.gradient(Input.POSITIVES)), 2 * bounds.gradientRelative(), 0);
    }

    @Test
    void rowPermutationPermutesPerRowLossesAndGradients() {
        SplittableRandom rnd = new SplittableRandom(13);
        LossReferences2.assertPermutationEquivariant(
                SigLip.builder().temperature(0.3).bias(-2).build(), gaussian(rnd, 6, 4), gaussian(rnd, 6, 4),
                null, 0, null, new int[] {3, 0, 5, 1, 4, 2}, null);
    }

    @Test
    void gradientStepLowersTheLoss() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (Similarity s : Similarity.values()) {
            LossReferences2.assertGradientStepDescends(SigLip.builder().temperature(0.5).bias(-1).similarity(s)
                    .build(), Batch.of(gaussian(rnd, 6, 4), gaussian(rnd, 6, 4)));
        }
    }

    @Test
    void finiteAtExtremeTemperatures() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 5;
        // every row the same vector: all similarities 1, logits 1/τ − 10
        Matrix same = Matrix.zeros(n, 3);
        for (int i = 0; i < n; i++) {
            same.data()[i * 3] = 0.6f;
            same.data()[i * 3 + 1] = -0.8f;
        }
        for (double tau : new double[] {1e-3, 1e-2, 1, 10}) {
            for (Similarity s : Similarity.values()) {
                LossResult r = SigLip.builder().temperature(tau).learnableTemperature(true).learnableBias(true)
                        .similarity(s).build().compute(Batch.of(same, same.copy()));
                assertAllFinite(r);
            }
        }
        // τ = 1e-3, cosine: s = 990 everywhere; ℓ_i = softplus(−990) + (N − 1)·softplus(990) = (N − 1)·990 to
        // within e^{−990}; only the off-diagonal terms have a gradient, σ(990) = 1: ∂L/∂b = (N − 1)
        LossResult r = SigLip.builder().temperature(1e-3).learnableBias(true).build()
                .compute(Batch.of(same, same.copy()));
        // each of the N − 1 logits 1000·⟨x̂, x̂⟩ is within 1000·γ_{D+2} of 1000 (softplus is 1-Lipschitz)
        assertClose("identical rows at τ = 1e-3", (n - 1) * 990.0, r.value(),
                (n - 1) * 1e3 * FloatBounds.cosine(3) + LossTesting.doubleBound(8 * n, n * 1e3));
        // σ(990 ± 1e-3) is 1 in double: a sum of n(n − 1) weights 1/n
        assertClose("bias gradient", n - 1, r.scalarGradients().get(Scalar.BIAS),
                LossTesting.doubleBound(n * n, n));
        // and random a = p at both extremes against the reference
        Matrix x = gaussian(rnd, 6, 5);
        check("SigLip at tau=1e-3, a = p",
                SigLip.builder().temperature(1e-3).learnableTemperature(true).learnableBias(true).build(),
                Batch.of(x, x.copy()), 1e-3, -10, v -> reference(v, true, Reduction.MEAN),
                Scalar.LOG_TEMPERATURE, Scalar.BIAS);
        // (with a = p the diagonal's gradient, ~0.1·â_i, is cancelled by the cosine projection; in float32 that
        // leaves an absolute error of ~1e-9 on gradients of at most ~6e-7, inside the gradient bound)
        check("SigLip at tau=10, a = p",
                SigLip.builder().temperature(10).learnableTemperature(true).learnableBias(true).build(),
                Batch.of(x, x.copy()), 10, -10, v -> reference(v, true, Reduction.MEAN),
                Scalar.LOG_TEMPERATURE, Scalar.BIAS);
        // dot logits of order 1e4
        Matrix big = LossReferences2.scaled(gaussian(rnd, 4, 3), 30f);
        assertAllFinite(SigLip.builder().temperature(0.1).similarity(Similarity.DOT).learnableTemperature(true)
                .learnableBias(true).build().compute(Batch.of(big, big.copy())));
    }

    @Test
    void zeroVectorsUnderCosineStayFinite() {
        Matrix a = Matrix.zeros(3, 4);
        a.data()[0] = 1f;
        LossResult r = SigLip.builder().learnableTemperature(true).learnableBias(true).build()
                .compute(Batch.of(a, a.copy()));
        assertAllFinite(r);
        // the zero row has similarity 0 to everything, so s = b = −10 for each of its pairs:
        // ℓ_1 = softplus(−b) (its positive) + 2·softplus(b) (its two negatives)
        // exact similarities 0: double arithmetic only
        assertClose("zero row", Math.log(1 + Math.exp(10)) + 2 * Math.log(1 + Math.exp(-10)), r.perRow()[1],
                LossTesting.doubleBound(16, 12));
    }

    @Test
    void badInputIsRejectedWithPreciseMessages() {
        SplittableRandom rnd = new SplittableRandom(1);
        Matrix a = gaussian(rnd, 3, 3);
        SigLip loss = SigLip.builder().build();
        var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(Batch.builder(a).build()));
        assertEquals("SigLIP needs positives (N×D, row i the positive of anchor i)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(
                Batch.builder(a).positives(a.copy()).labels(new long[] {1, 2, 3}).build()));
        assertEquals("SigLIP does not use labels; the batch has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(
                Batch.builder(a).positives(a.copy()).sharedNegatives(gaussian(rnd, 2, 3)).build()));
        assertEquals("SigLIP does not use explicit negatives; the batch has 2×3", e.getMessage());
        for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> SigLip.builder().temperature(bad));
            assertEquals("temperature must be > 0 and finite, was " + bad, e.getMessage());
        }
        for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> SigLip.builder().bias(bad));
            assertEquals("bias must be finite, was " + bad, e.getMessage());
        }
        assertEquals("similarity must not be null",
                assertThrows(NullPointerException.class, () -> SigLip.builder().similarity(null)).getMessage());
        assertEquals("reduction must not be null",
                assertThrows(NullPointerException.class, () -> SigLip.builder().reduction(null)).getMessage());
    }
}
