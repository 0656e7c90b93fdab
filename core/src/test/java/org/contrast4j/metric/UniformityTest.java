package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UniformityTest {

    /** Block sizes around N: a single tile, tiles that do not divide N, 1-row tiles. */
    @ParameterizedTest(name = "N={0} D={1} block={2} t={3} normalize={4}")
    @CsvSource({
            "2, 3, 256, 2.0, true", "2, 3, 1, 2.0, false", "5, 4, 2, 2.0, true", "7, 6, 3, 2.0, true",
            "8, 6, 4, 2.0, false", "20, 8, 7, 2.0, true", "20, 8, 7, 0.5, false", "20, 8, 1, 2.0, true",
            "31, 5, 256, 1.0, true", "300, 12, 64, 2.0, true", "300, 12, 256, 2.0, false", "300, 12, 97, 3.0, true"})
    void exactMatchesTheFullPairwiseReference(int n, int d, int block, double t, boolean normalize) {
        // raw rows scaled down so that exp(−t d²) is not all underflow for the un-normalised case
        Matrix x = Reference.gaussian(n, d, normalize ? 1.0 : 0.3, 1000L * n + d);
        double expected = Reference.uniformity(x, t, normalize);
        double actual = Uniformity.exact(x, t, normalize, block);
        double r2 = normalize ? 1 : maxSquaredNorm(x);
        assertEquals(expected, actual, FloatBounds.uniformity(d, t, n, r2, expected));
    }

    @Test
    void defaultsAreTTwoOnNormalisedRowsWithTheDefaultBlock() {
        Matrix x = Reference.gaussian(600, 10, 5.0, 3); // more rows than one 256-row tile
        double expected = Reference.uniformity(x, 2.0, true);
        double tol = FloatBounds.uniformity(10, 2.0, 600, 1, expected);
        assertEquals(expected, Uniformity.of(x), tol);
        assertEquals(expected, Uniformity.of(x, 2.0, true), tol);
    }

    @Test
    void rawRowsFarApartStayFiniteThanksToTheRunningMaximum() {
        // raw distances² of order 2·D·100² make every exp(−t d²) underflow to 0 if not max-subtracted
        Matrix x = Reference.gaussian(40, 8, 100.0, 4);
        double expected = Reference.uniformityLogSpace(x, 2.0);
        double actual = Uniformity.of(x, 2.0, false);
        assertTrue(Double.isFinite(actual));
        assertEquals(expected, actual, FloatBounds.uniformity(8, 2.0, 40, maxSquaredNorm(x), expected));
    }

    @Test
    void totalCollapseGivesZero() {
        float[] row = {0.3f, -1.2f, 2.5f, 0.7f};
        int n = 50;
        float[] a = new float[n * row.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(row, 0, a, i * row.length, row.length);
        }
        Matrix x = Matrix.of(n, row.length, a);
        // every distance is 0 up to the rounding of ‖a‖² + ‖b‖² − 2⟨a, b⟩
        assertEquals(0.0, Uniformity.of(x), FloatBounds.uniformity(4, 2.0, n, 1, 0));
        assertEquals(0.0, Uniformity.exact(x, 2.0, false, 7), FloatBounds.uniformity(4, 2.0, n, maxSquaredNorm(x), 0));
        // exact by design: the sampled pairs' differences are computed in double from equal rows, so they are 0
        assertEquals(0.0, Uniformity.sampled(x, 2.0, true, 1000, 1), 0.0);
    }

    @Test
    void orthonormalBasisGivesMinusTwoT() {
        // x = I_D: every pair of distinct rows is at squared distance 2, so the mean is exp(−2t) exactly
        for (int d : new int[] {2, 3, 16, 300}) {
            Matrix x = identity(d);
            for (double t : new double[] {2.0, 0.5, 3.0}) {
                // 0/1 rows: every product is exact, double arithmetic only
                double tol = FloatBounds.gamma64((long) d * d + 8) * (2 * t + 1);
                assertEquals(-2 * t, Uniformity.of(x, t, true), tol, "D=" + d + " t=" + t);
                assertEquals(-2 * t, Uniformity.exact(x, t, false, 3), tol, "D=" + d + " t=" + t);
                assertEquals(-2 * t, Uniformity.sampled(x, t, true, 500, 9), tol, "D=" + d + " t=" + t);
            }
        }
    }

    @Test
    void twoRowsHaveOnePairAndTheSampledEstimateIsExact() {
        Matrix x = Reference.gaussian(2, 5, 1.0, 6);
        double exact = Reference.uniformity(x, 2.0, true);
        double tol = FloatBounds.uniformity(5, 2.0, 2, 1, exact);
        assertEquals(exact, Uniformity.of(x), tol);
        // the sampled pair's distance is taken in double from the normalised float32 rows: the same bound
        assertEquals(exact, Uniformity.sampled(x, 2.0, true, 7, 123), tol);
    }

    @Test
    void sampledIsCloseToExactWithManyPairs() {
        // 400 rows, 200 000 sampled pairs. The per-pair values exp(−2 d²) have a relative standard deviation below
        // about 3 here, so the log-mean has a standard error near 3/√200000 ≈ 0.007; 0.03 is over four of them.
        Matrix x = Reference.gaussian(400, 6, 1.0, 7);
        double exact = Uniformity.of(x);
        assertEquals(Reference.uniformity(x, 2.0, true), exact, FloatBounds.uniformity(6, 2.0, 400, 1, exact));
        for (long seed = 1; seed <= 3; seed++) {
            double estimate = Uniformity.sampled(x, 2.0, true, 200_000, seed);
            assertEquals(exact, estimate, 0.03, "seed " + seed);
        }
    }

    @Test
    void sampledIsReproducibleForASeedAndVariesAcrossSeeds() {
        Matrix x = Reference.gaussian(100, 6, 1.0, 8);
        double a = Uniformity.sampled(x, 2.0, true, 1000, 42);
        // exact by design: the same code path with the same seed
        assertEquals(a, Uniformity.sampled(x, 2.0, true, 1000, 42), 0.0);
        assertNotEquals(a, Uniformity.sampled(x, 2.0, true, 1000, 43));
    }

    @Test
    void sampledDrawsDistinctPairsUniformly() {
        // Three rows at known distinct distances: pairs (0,1), (0,2), (1,2) at squared distances 1, 4, 9 (on a line,
        // raw). With many draws each unordered pair should appear 1/3 of the time, so the sampled mean of
        // exp(−t d²) approaches (e^{−t} + e^{−4t} + e^{−9t}) / 3; a sampler that drew i = j would add exp(0) = 1.
        Matrix x = Matrix.fromRows(new float[][] {{0f}, {1f}, {-2f}});
        // distances²: (0,1) = 1, (0,2) = 4, (1,2) = 9
        double t = 0.2;
        double expected = Math.log((Math.exp(-t) + Math.exp(-4 * t) + Math.exp(-9 * t)) / 3);
        // small integers: exact products, double arithmetic only
        assertEquals(expected, Uniformity.of(x, t, false), FloatBounds.gamma64(16) * 10);
        assertEquals(expected, Uniformity.sampled(x, t, false, 300_000, 5), 0.01);
    }

    static Matrix identity(int d) {
        Matrix x = Matrix.zeros(d, d);
        for (int i = 0; i < d; i++) {
            x.set(i, i, 1f);
        }
        return x;
    }

    static double maxSquaredNorm(Matrix x) {
        double r = FloatBounds.maxRowNorm(x.data(), x.cols());
        return r * r;
    }
}
