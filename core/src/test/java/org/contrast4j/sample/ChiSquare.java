package org.contrast4j.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pearson's chi-square goodness-of-fit test at a false-failure probability of at most 1e-6 per call.
 *
 * <p>The critical value is the Wilson–Hilferty (1931) approximation of the chi-square quantile,
 * χ²_{1−p}(ν) ≈ ν·(1 − 2/(9ν) + z·√(2/(9ν)))³ with z = 4.753424308822899 the upper 1e-6 quantile of the standard
 * normal (0.5·erfc(z/√2) = 1.000e-6). At this tail the approximation errs on the safe side: the exact upper tail
 * Q(ν/2, x/2) (regularised incomplete gamma, evaluated with {@code torch.special.gammaincc} in float64) at the
 * approximated x is 1.6e-7 for ν = 1, 4.7e-7 for ν = 5, 8.8e-7 for ν = 49, 9.9e-7 for ν = 999 — never above 1e-6.
 * So a correct sampler fails one such check with probability below 1e-6 (the seeds are fixed, so a run is
 * deterministic: this is the chance that a given seed is unlucky). The statistic is only compared with cells whose
 * expected count is ≥ 5 (the usual validity condition), which the callers guarantee by their number of draws;
 * cells with q = 0 must have count 0.
 */
final class ChiSquare {
    static final double Z_1E6 = 4.753424308822899;

    private ChiSquare() {
    }

    /** Wilson–Hilferty approximation of the upper 1e-6 quantile of χ²(ν). */
    static double critical(int dof) {
        double a = 2.0 / (9.0 * dof);
        double c = 1 - a + Z_1E6 * Math.sqrt(a);
        return dof * c * c * c;
    }

    /** Pearson's statistic of the observed counts against n·q over the cells with q &gt; 0. */
    static double statistic(long[] observed, double[] q, long n) {
        double x = 0;
        for (int c = 0; c < q.length; c++) {
            if (q[c] > 0) {
                double e = n * q[c];
                double d = observed[c] - e;
                x += d * d / e;
            }
        }
        return x;
    }

    /** Asserts the counts fit q (summing to 1): cells with q = 0 empty, the statistic below the critical value. */
    static void assertFits(String what, long[] observed, double[] q) {
        long n = 0;
        for (long o : observed) {
            n += o;
        }
        int cells = 0;
        for (int c = 0; c < q.length; c++) {
            if (q[c] > 0) {
                cells++;
                assertTrue(n * q[c] >= 5, what + ": expected count of cell " + c + " is " + n * q[c]
                        + " < 5, draw more");
            } else {
                assertEquals(0, observed[c], what + ": class " + c + " has q = 0 but was drawn");
            }
        }
        if (cells < 2) {
            return; // one cell: every draw must be it, which the zero-cell check above already proved
        }
        double x = statistic(observed, q, n);
        double crit = critical(cells - 1);
        assertTrue(x < crit, what + ": chi-square " + x + " >= " + crit + " (dof " + (cells - 1) + ", p = 1e-6)");
    }

    /** Counts of each id in [0, v). */
    static long[] histogram(int[] ids, int v) {
        long[] h = new long[v];
        for (int id : ids) {
            h[id]++;
        }
        return h;
    }
}
