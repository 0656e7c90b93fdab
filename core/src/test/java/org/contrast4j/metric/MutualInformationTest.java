package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MutualInformationTest {

    @ParameterizedTest(name = "N={0} D={1} block={2} tau={3}")
    @CsvSource({"2, 4, 256, 0.1", "2, 4, 1, 1.0", "7, 5, 3, 0.1", "40, 16, 7, 0.07", "300, 12, 256, 0.2",
            "300, 12, 41, 0.05"})
    void isLogNMinusTheReferenceLoss(int n, int d, int block, double tau) {
        Matrix x = Reference.gaussian(n, d, 1.0, 3L * n + d);
        Matrix y = Reference.noisy(x, 0.8, 5L * n + d);
        double expected = Math.log(n) - Reference.hardness(x, y, tau, true).loss();
        double bound = MutualInformation.infoNceBound(x, y, tau, block);
        // the logits are float32 cosines (|Δ| ≤ γ_{D+2}) over τ; the mean row loss is within 2δ, the rest is double
        double tol = FloatBounds.softmaxRow(FloatBounds.cosine(d) / tau, 1 / tau, 0);
        assertEquals(expected, bound, tol);
        // another block size is another float32 computation (OpenBLAS picks kernels by shape): twice the bound,
        // never exact equality
        assertEquals(bound, MutualInformation.infoNceBound(x, y, tau), 2 * tol);
        assertTrue(bound <= Math.log(n));
    }

    @Test
    void neverExceedsLogN() {
        for (long seed = 0; seed < 5; seed++) {
            Matrix x = Reference.gaussian(64, 8, 1.0, seed);
            for (double noise : new double[] {0.0, 0.1, 1.0, 10.0}) {
                Matrix y = Reference.noisy(x, noise, seed + 50);
                for (double tau : new double[] {1e-3, 0.05, 1.0, 100.0}) {
                    double bound = MutualInformation.infoNceBound(x, y, tau);
                    // exact: each row loss max + log Σ e^{l − max} − l_pos ≥ 0 in floating point (log of a sum ≥ 1
                    // is ≥ 0, rounding is monotone), so log N − mean ≤ log N holds bit for bit
                    assertTrue(bound <= Math.log(64), "seed " + seed + " noise " + noise + " tau " + tau);
                    assertTrue(Double.isFinite(bound));
                }
            }
        }
    }

    @Test
    void orthonormalPairsHaveTheClosedForm() {
        // x = y = I_N: the positive logit is 1/τ, the N − 1 negatives 0, so L = log(1 + (N − 1)·e^{−1/τ}) and the
        // bound is log N − L, which tends to log N as τ → 0.
        int n = 12;
        Matrix x = UniformityTest.identity(n);
        for (double tau : new double[] {1e-3, 0.1, 0.5, 2.0}) {
            double expected = Math.log(n) - Math.log1p((n - 1) * Math.exp(-1 / tau));
            // the rows are 0/1: every float32 product and sum is exact, only double rounding of values of size 1/τ
            // and log N remains
            assertEquals(expected, MutualInformation.infoNceBound(x, x.copy(), tau),
                    FloatBounds.gamma64(4L * n) * (1 / tau + Math.log(n) + 1), "tau " + tau);
        }
        assertEquals(Math.log(n), MutualInformation.infoNceBound(x, x.copy(), 1e-3),
                FloatBounds.gamma64(4L * n) * (1e3 + Math.log(n) + 1));
    }

    @Test
    void agreesWithTheHardnessLossOnNormalisedRows() {
        Matrix x = Reference.gaussian(50, 10, 1.0, 9);
        Matrix y = Reference.noisy(x, 0.5, 10);
        double loss = Hardness.of(x, y, 0.1, true).infoNceLoss();
        // the same float32 logits (same code path and block: bit-reproducible), two double formulas for the row
        // loss: they differ by double rounding of values of size 1/τ + log N only
        assertEquals(Math.log(50) - loss, MutualInformation.infoNceBound(x, y, 0.1),
                FloatBounds.gamma64(4L * 50) * (1 / 0.1 + Math.log(50) + 1));
    }

    @Test
    void staysBelowTheTrueMutualInformationOfCorrelatedGaussians() {
        // y = ρx + √(1 − ρ²)ε with x, ε ~ N(0, I_d): I(X; Y) = −(d/2)·log(1 − ρ²) nats. InfoNCE is a lower bound
        // in expectation for any critic; with 1024 pairs the batch estimate has a standard error of a few 0.01 nats,
        // far below the gaps checked here. Independent views (ρ = 0) give a bound near or below 0.
        int n = 1024;
        int d = 4;
        for (double rho : new double[] {0.5, 0.9, 0.99}) {
            double trueMi = -0.5 * d * Math.log(1 - rho * rho);
            Random random = new Random(Double.hashCode(rho));
            float[] xs = new float[n * d];
            float[] ys = new float[n * d];
            for (int i = 0; i < xs.length; i++) {
                double a = random.nextGaussian();
                xs[i] = (float) a;
                ys[i] = (float) (rho * a + Math.sqrt(1 - rho * rho) * random.nextGaussian());
            }
            Matrix x = Matrix.of(n, d, xs);
            Matrix y = Matrix.of(n, d, ys);
            double best = Double.NEGATIVE_INFINITY;
            for (double tau : new double[] {0.05, 0.1, 0.2, 0.5}) {
                double bound = MutualInformation.infoNceBound(x, y, tau);
                assertTrue(bound < trueMi, "rho " + rho + " tau " + tau + ": " + bound + " vs " + trueMi);
                best = Math.max(best, bound);
            }
            assertTrue(best > 0.3 * trueMi, "the bound should be informative: " + best + " vs " + trueMi);
        }
        Matrix x = Reference.gaussian(n, d, 1.0, 1);
        Matrix y = Reference.gaussian(n, d, 1.0, 2);
        assertTrue(MutualInformation.infoNceBound(x, y, 0.1) < 0.05);
    }
}
