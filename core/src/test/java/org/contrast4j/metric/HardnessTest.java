package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // logits carry the float32 error of the products (~1e-6) divided by τ
        double tol = 2e-6 / tau;
        assertSummary(ref.effective(), r.effectiveNegatives(), tol, "effective negatives");
        assertSummary(ref.top1(), r.top1Share(), tol, "top-1 share");
        assertSummary(ref.top10(), r.top10Share(), tol, "top-10 share");
        assertSummary(ref.positive(), r.positiveProbability(), tol, "positive probability");
        assertEquals(ref.loss(), r.infoNceLoss(), tol * Math.max(1, ref.loss()), "loss");
    }

    @Test
    void defaultBlockOverloadAgrees() {
        Matrix x = Reference.gaussian(600, 10, 1.0, 1);
        Matrix y = Reference.noisy(x, 1.0, 2);
        // Blocks of 13 rows against the default block. The Java kernels give the same bits however a product is
        // split, but OpenBLAS (the default kernel where it is installed) picks its micro-kernel by shape: a 1-row or
        // 13-row product may take another path than a 256-row one and differ in the last bits (measured: at k = 300,
        // 1-row blocks change most entries by up to 1.5e-5). At this k = 10 it happens to agree exactly, but that is
        // not promised, so the two reports are compared within twice the float32 error of a logit (2e-6 / τ each).
        HardnessReport blocked = Hardness.of(x, y, 0.1, true, 13);
        HardnessReport whole = Hardness.of(x, y, 0.1, true);
        double tol = 2 * 2e-6 / 0.1;
        assertEquals(blocked.temperature(), whole.temperature(), 0.0);
        assertEquals(blocked.negatives(), whole.negatives());
        assertSameSummary(blocked.effectiveNegatives(), whole.effectiveNegatives(), tol, "effective negatives");
        assertSameSummary(blocked.top1Share(), whole.top1Share(), tol, "top-1 share");
        assertSameSummary(blocked.top10Share(), whole.top10Share(), tol, "top-10 share");
        assertSameSummary(blocked.positiveProbability(), whole.positiveProbability(), tol, "positive probability");
        assertEquals(blocked.infoNceLoss(), whole.infoNceLoss(), tol * Math.max(1, whole.infoNceLoss()), "loss");
        Reference.AnchorStats ref = Reference.hardness(x, y, 0.1, true);
        assertEquals(ref.loss(), Hardness.of(x, y, 0.1, true).infoNceLoss(), 1e-4);
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
            assertEquals(n - 1, r.effectiveNegatives().p10(), 1e-4 * n, "N=" + n);
            assertEquals(n - 1, r.effectiveNegatives().mean(), 1e-4 * n, "N=" + n);
            assertEquals(1.0 / (n - 1), r.top1Share().p90(), 1e-5, "N=" + n);
            assertEquals(Math.min(10, n - 1) / (double) (n - 1), r.top10Share().p50(), 1e-5, "N=" + n);
            assertEquals(1.0 / n, r.positiveProbability().mean(), 1e-5, "N=" + n);
            assertEquals(Math.log(n), r.infoNceLoss(), 1e-5, "N=" + n);
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
        assertEquals(1.0, r.effectiveNegatives().p90(), 1e-6);
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
        assertEquals(n - 1, r.effectiveNegatives().mean(), 1e-9);
        assertEquals(1.0 / (n - 1), r.top1Share().mean(), 1e-12);
        assertEquals(1.0, r.top10Share().mean(), 1e-12);
        assertEquals(1.0 / n, r.positiveProbability().p50(), 1e-12);
        assertEquals(Math.log(n), r.infoNceLoss(), 1e-12);
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
        assertEquals(ref.loss(), r.infoNceLoss(), 1e-9 * Math.max(1, ref.loss()));
        assertSummary(ref.effective(), r.effectiveNegatives(), 1e-9, "effective negatives");
    }

    @Test
    void summaryUsesLinearInterpolationBetweenOrderStatistics() {
        // NumPy: np.percentile([1, 2, 3, 4, 5], [10, 50, 90]) = [1.4, 3.0, 4.6] (positions 0.4, 2, 3.6)
        HardnessReport.Summary s = Hardness.summary(new double[] {5, 3, 1, 4, 2});
        assertEquals(3.0, s.mean(), 0.0);
        assertEquals(1.4, s.p10(), 1e-12);
        assertEquals(3.0, s.p50(), 1e-12);
        assertEquals(4.6, s.p90(), 1e-12);
        HardnessReport.Summary one = Hardness.summary(new double[] {7});
        assertEquals(new HardnessReport.Summary(7, 7, 7, 7), one);
    }

    private static void assertSameSummary(HardnessReport.Summary expected, HardnessReport.Summary actual, double tol,
                                          String what) {
        double scale = Math.max(1, Math.abs(expected.mean()));
        assertEquals(expected.mean(), actual.mean(), tol * scale, what + " mean");
        assertEquals(expected.p10(), actual.p10(), tol * scale, what + " p10");
        assertEquals(expected.p50(), actual.p50(), tol * scale, what + " p50");
        assertEquals(expected.p90(), actual.p90(), tol * scale, what + " p90");
    }

    private static void assertSummary(double[] perAnchor, HardnessReport.Summary actual, double tol, String what) {
        double scale = Math.max(1, Math.abs(Reference.mean(perAnchor)));
        assertEquals(Reference.mean(perAnchor), actual.mean(), tol * scale, what + " mean");
        assertEquals(Reference.percentile(perAnchor, 10), actual.p10(), tol * scale, what + " p10");
        assertEquals(Reference.percentile(perAnchor, 50), actual.p50(), tol * scale, what + " p50");
        assertEquals(Reference.percentile(perAnchor, 90), actual.p90(), tol * scale, what + " p90");
    }
}
