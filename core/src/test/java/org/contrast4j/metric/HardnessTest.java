package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HardnessTest {

    /** Blocks of 1 row, blocks that do not divide N, one block larger than N; N = 2 and N − 1 below/above 10. */
    @ParameterizedTest(name = "N={0} D={1} block={2} tau={3} normalize={4}")
    @CsvSource({
            "2, 4, 256, 0.1, true", "2, 4, 1, 1.0, false", "5, 6, 2, 0.1, true", "11, 6, 4, 0.5, true",
            "12, 6, 5, 0.07, true", "17, 8, 3, 0.1, false", "40, 16, 7, 0.1, true", "40, 16, 1, 0.05, true",
            "40, 16, 256, 1.0, false", "300, 12, 64, 0.1, true", "300, 12, 256, 0.2, false", "257, 8, 256, 0.1, true"})
    void matchesTheFullMatrixReference(int n, int d, int block, double tau, boolean normalize) {
        Matrix x = Reference.gaussian(n, d, normalize ? 2.0 : 0.5, 7L * n + d);
        Matrix y = Reference.noisy(x, normalize ? 2.0 : 0.4, 9L * n + d);
        HardnessReport r = Hardness.of(x, y, tau, normalize, block);
        Reference.AnchorStats ref = Reference.hardness(x, y, tau, normalize);
        assertEquals(tau, r.temperature(), 0.0);
        assertEquals(n - 1, r.negatives());
        // logits carry the float32 error of the products: δ = γ_{D+2}/τ (cosine) or γ_D·max‖x‖·max‖y‖/τ (dot)
        double delta = logitError(x, y, tau, normalize);
        double tol = relative(delta, n);
        assertSummary(ref.effective(), r.effectiveNegatives(), tol, "effective negatives");
        assertSummary(ref.top1(), r.top1Share(), tol, "top-1 share");
        assertSummary(ref.top10(), r.top10Share(), tol, "top-10 share");
        assertSummary(ref.positive(), r.positiveProbability(), tol, "positive probability");
        assertEquals(ref.loss(), r.infoNceLoss(), FloatBounds.softmaxRow(delta, maxLogit(x, y, tau, normalize), 0),
                "loss");
    }

    @Test
    void defaultBlockOverloadAgrees() {
        Matrix x = Reference.gaussian(600, 10, 1.0, 1);
        Matrix y = Reference.noisy(x, 1.0, 2);
        // Blocks of 13 rows against the default block. The Java kernels give the same bits however a product is
        // split, but OpenBLAS (the default kernel where it is installed) picks its micro-kernel by shape: a 1-row or
        // 13-row product may take another path than a 256-row one and differ in the last bits (measured: at k = 300,
        // 1-row blocks change most entries by up to 1.5e-5). At this k = 10 it happens to agree exactly, but that is
        // not promised, so the two reports are compared within twice the float32 bounds (δ = γ_{D+2}/τ each).
        HardnessReport blocked = Hardness.of(x, y, 0.1, true, 13);
        HardnessReport whole = Hardness.of(x, y, 0.1, true);
        double delta = logitError(x, y, 0.1, true);
        double tol = 2 * relative(delta, 600);
        assertEquals(blocked.temperature(), whole.temperature(), 0.0);
        assertEquals(blocked.negatives(), whole.negatives());
        assertSameSummary(blocked.effectiveNegatives(), whole.effectiveNegatives(), tol, "effective negatives");
        assertSameSummary(blocked.top1Share(), whole.top1Share(), tol, "top-1 share");
        assertSameSummary(blocked.top10Share(), whole.top10Share(), tol, "top-10 share");
        assertSameSummary(blocked.positiveProbability(), whole.positiveProbability(), tol, "positive probability");
        double lossTol = FloatBounds.softmaxRow(delta, 10, 0);
        assertEquals(blocked.infoNceLoss(), whole.infoNceLoss(), 2 * lossTol, "loss");
        Reference.AnchorStats ref = Reference.hardness(x, y, 0.1, true);
        assertEquals(ref.loss(), Hardness.of(x, y, 0.1, true).infoNceLoss(), lossTol);
    }

    @Test
    void veryLargeTemperatureSpreadsTheWeightEvenly() {
        // τ = 1e6: every logit is within 1e-6 of 0, so the negative softmax is uniform over N − 1 negatives and the
        // positive gets 1/N: effective negatives N − 1, top-1 share 1/(N − 1), top-10 share min(10, N − 1)/(N − 1),
        // loss log N.
        for (int n : new int[] {2, 5, 11, 40}) {
            Matrix x = Reference.gaussian(n, 6, 1.0, n);
            Matrix y = Reference.gaussian(n, 6, 1.0, n + 100);
            HardnessReport r = Hardness.of(x, y, 1e6, true);
            // every logit is within L = (1 + γ_8)/τ of 0: each statistic within relative(L) of the uniform value
            double l = (1 + FloatBounds.cosine(6)) / 1e6;
            double rel = relative(l, n);
            assertEquals(n - 1, r.effectiveNegatives().p10(), rel * (n - 1), "N=" + n);
            assertEquals(n - 1, r.effectiveNegatives().mean(), rel * (n - 1), "N=" + n);
            assertEquals(1.0 / (n - 1), r.top1Share().p90(), rel / (n - 1), "N=" + n);
            assertEquals(Math.min(10, n - 1) / (double) (n - 1), r.top10Share().p50(), rel, "N=" + n);
            assertEquals(1.0 / n, r.positiveProbability().mean(), rel / n, "N=" + n);
            assertEquals(Math.log(n), r.infoNceLoss(), FloatBounds.softmaxRow(l, l, 0), "N=" + n);
        }
    }

    @Test
    void tinyTemperaturePutsAllNegativeWeightOnTheHardestOne() {
        // D = 2: every anchor is e_1, candidate j sits at angle 0.2·j. The hardest negative of anchor i is the
        // candidate j ≠ i with the smallest angle; the next one is at least 0.2 rad further, so its cosine is lower
        // by at least cos(0) − cos(0.2) ≈ 0.0199, i.e. ≥ 19.9 logits at τ = 1e-3: its weight is below e^{−19.9}.
        int n = 15;
        Matrix x = Matrix.zeros(n, 2);
        Matrix y = Matrix.zeros(n, 2);
        for (int j = 0; j < n; j++) {
            x.set(j, 0, 1f);
            y.set(j, 0, (float) Math.cos(0.2 * j));
            y.set(j, 1, (float) Math.sin(0.2 * j));
        }
        HardnessReport r = Hardness.of(x, y, 1e-3, true);
        double bound = (n - 2) * Math.exp(-19.9);
        assertEquals(1.0, r.top1Share().p10(), bound);
        assertEquals(1.0, r.top1Share().mean(), bound);
        // the other negatives hold weight b ≤ bound: the entropy is at most h₂(b) + b·log N, so exp(H) − 1 is at
        // most e^{h₂(b) + b·log N} − 1
        double h2 = -bound * Math.log(bound) - (1 - bound) * Math.log1p(-bound);
        assertEquals(1.0, r.effectiveNegatives().p90(), Math.expm1(h2 + bound * Math.log(n)));
        assertTrue(Double.isFinite(r.infoNceLoss()));
        // and random data: the median anchor's hardest negative takes nearly all of the weight at τ = 1e-3
        Matrix a = Reference.gaussian(32, 16, 1.0, 3);
        Matrix b = Reference.noisy(a, 1.0, 4);
        HardnessReport random = Hardness.of(a, b, 1e-3, true);
        assertTrue(random.top1Share().p50() > 0.99, random.toString());
        assertTrue(Hardness.of(a, b, 0.1, true).top1Share().mean() < random.top1Share().mean());
    }

    @Test
    void identicalRowsAtTinyTemperatureStayFinite() {
        // every logit is 1/τ = 1000: without subtracting the maximum exp(1000) overflows. All candidates tie, so the
        // results are those of a uniform softmax: N − 1 effective negatives, p_pos = 1/N, loss log N.
        int n = 9;
        float[] a = new float[n * 3];
        for (int i = 0; i < n; i++) {
            a[i * 3] = 0.6f;
            a[i * 3 + 1] = -0.8f;
        }
        Matrix x = Matrix.of(n, 3, a);
        HardnessReport r = Hardness.of(x, x.copy(), 1e-3, true);
        // every logit is 1000·⟨x̂, x̂⟩ with ⟨x̂, x̂⟩ within γ_5 of 1, all computed from the same rows
        double delta = 1e3 * FloatBounds.cosine(3);
        double rel = relative(delta, n);
        assertEquals(n - 1, r.effectiveNegatives().mean(), rel * (n - 1));
        assertEquals(1.0 / (n - 1), r.top1Share().mean(), rel / (n - 1));
        // exact up to double rounding: the top 10 hold every one of the 8 negatives
        assertEquals(1.0, r.top10Share().mean(), FloatBounds.gamma64(4L * n));
        assertEquals(1.0 / n, r.positiveProbability().p50(), rel / n);
        assertEquals(Math.log(n), r.infoNceLoss(), FloatBounds.softmaxRow(delta, 1e3, 0));
    }

    @Test
    void rawDotProductsOfHugeRowsDoNotOverflow() {
        // entries of 1e20: the float32 products (1e40·D) overflow; the metric redoes them in double
        Matrix small = Reference.gaussian(6, 3, 1.0, 8);
        float[] big = small.data().clone();
        for (int i = 0; i < big.length; i++) {
            big[i] *= 1e20f;
        }
        Matrix x = Matrix.of(6, 3, big);
        HardnessReport r = Hardness.of(x, x.copy(), 1e38, false);
        Reference.AnchorStats ref = Reference.hardness(x, x.copy(), 1e38, false);
        // every float32 product overflowed and was redone in double: double rounding of logits of size L only
        double l = maxLogit(x, x, 1e38, false);
        assertEquals(ref.loss(), r.infoNceLoss(), FloatBounds.gamma64(4L * 3 * 6) * (l + 1) * 4);
        assertSummary(ref.effective(), r.effectiveNegatives(), relative(FloatBounds.gamma64(4L * 3) * l, 6),
                "effective negatives");
    }

    @Test
    void summaryUsesLinearInterpolationBetweenOrderStatistics() {
        // NumPy: np.percentile([1, 2, 3, 4, 5], [10, 50, 90]) = [1.4, 3.0, 4.6] (positions 0.4, 2, 3.6)
        HardnessReport.Summary s = Hardness.summary(new double[] {5, 3, 1, 4, 2});
        // exact: the mean of small integers in double
        assertEquals(3.0, s.mean(), 0.0);
        // one interpolation in double between values ≤ 5
        double tol = FloatBounds.gamma64(4) * 5;
        assertEquals(1.4, s.p10(), tol);
        assertEquals(3.0, s.p50(), tol);
        assertEquals(4.6, s.p90(), tol);
        HardnessReport.Summary one = Hardness.summary(new double[] {7});
        assertEquals(new HardnessReport.Summary(7, 7, 7, 7), one);
    }

    /**
     * The relative bound on a softmax statistic (effective negatives exp(H), a share or a probability) when every
     * logit of the row moves by at most δ: each probability moves by a factor within e^{±2δ}, log p by 2δ, so the
     * entropy by at most 2δ·(2 + log N) and exp(H), any share or probability by at most e^{2δ(2 + log N)} − 1.
     */
    static double relative(double delta, int n) {
        return Math.expm1(2 * delta * (2 + Math.log(n)));
    }

    /** δ = γ_{D+2}/τ for cosine, γ_D·max‖x‖·max‖y‖/τ for dot. */
    static double logitError(Matrix x, Matrix y, double tau, boolean normalize) {
        int d = x.cols();
        return normalize ? FloatBounds.cosine(d) / tau : FloatBounds.dotByNorms(d,
                FloatBounds.maxRowNorm(x.data(), d), FloatBounds.maxRowNorm(y.data(), d)) / tau;
    }

    /** The largest |logit|: (1 + γ)/τ for cosine, max‖x‖·max‖y‖/τ for dot. */
    static double maxLogit(Matrix x, Matrix y, double tau, boolean normalize) {
        int d = x.cols();
        return normalize ? (1 + FloatBounds.cosine(d)) / tau
                : FloatBounds.maxRowNorm(x.data(), d) * FloatBounds.maxRowNorm(y.data(), d) / tau;
    }

    private static void assertSameSummary(HardnessReport.Summary expected, HardnessReport.Summary actual, double tol,
                                          String what) {
        // tol is relative: each statistic within tol of its own size (≤ the largest of the four)
        double scale = Math.max(Math.max(Math.abs(expected.mean()), Math.abs(expected.p90())),
                Math.max(Math.abs(expected.p10()), Math.abs(expected.p50())));
        assertEquals(expected.mean(), actual.mean(), tol * scale, what + " mean");
        assertEquals(expected.p10(), actual.p10(), tol * scale, what + " p10");
        assertEquals(expected.p50(), actual.p50(), tol * scale, what + " p50");
        assertEquals(expected.p90(), actual.p90(), tol * scale, what + " p90");
    }

    private static void assertSummary(double[] perAnchor, HardnessReport.Summary actual, double tol, String what) {
        // tol is relative: each statistic within tol of its own size (≤ the largest per-anchor value)
        double scale = 0;
        for (double v : perAnchor) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertEquals(Reference.mean(perAnchor), actual.mean(), tol * scale, what + " mean");
        assertEquals(Reference.percentile(perAnchor, 10), actual.p10(), tol * scale, what + " p10");
        assertEquals(Reference.percentile(perAnchor, 50), actual.p50(), tol * scale, what + " p50");
        assertEquals(Reference.percentile(perAnchor, 90), actual.p90(), tol * scale, what + " p90");
    }
}
