package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CollapseTest {

    /** N ≥ D uses the D×D covariance, N &lt; D the N×N Gram matrix; blocks that do and do not divide N or D. */
    @ParameterizedTest(name = "N={0} D={1} block={2} normalize={3}")
    @CsvSource({
            "2, 3, 256, true", "2, 3, 1, false", "5, 3, 2, true", "9, 4, 4, false", "40, 8, 256, true",
            "40, 8, 7, false", "300, 12, 256, true", "300, 12, 64, false", "10, 30, 256, true", "10, 30, 7, false",
            "3, 50, 1, true", "16, 16, 5, true"})
    void matchesTheReferenceLoops(int n, int d, int block, boolean normalize) {
        Matrix x = correlated(n, d, 31L * n + d);
        CollapseReport r = Collapse.of(x, normalize, block);
        // every cosine of normalised float32 rows is within γ_{D+2}; the means in double add γ64
        assertEquals(Reference.meanCosine(x), r.meanCosine(), FloatBounds.cosine(d) + FloatBounds.gamma64(4L * n * d));
        double[] std = Reference.columnStd(x, normalize);
        double min = Double.POSITIVE_INFINITY;
        double mean = 0;
        for (double s : std) {
            min = Math.min(min, s);
            mean += s / d;
        }
        // a standard deviation is 1-Lipschitz in the max norm of its column's entries: normalised entries carry one
        // float32 rounding (u, entries ≤ 1), the centring doubles it; raw entries are the same in double
        double stdTol = (normalize ? 2 * FloatBounds.U : 0) + FloatBounds.gamma64(4L * n) * Math.max(1, mean);
        assertEquals(min, r.minDimStd(), stdTol);
        assertEquals(mean, r.meanDimStd(), stdTol);
        double erank = Reference.effectiveRank(x, normalize);
        assertEquals(erank, r.effectiveRank(), FloatBounds.effectiveRank(erank, Math.min(n, d),
                covarianceError(x, normalize) / trace(Reference.covariance(x, normalize))));
    }

    @ParameterizedTest(name = "N={0} D={1} block={2} normalize={3}")
    @CsvSource({"60, 10, 256, false", "60, 10, 7, true", "8, 20, 256, false", "8, 20, 3, true",
            "700, 24, 256, false"})
    void eigenvaluesAgreeWithJacobiPowerIterationAndTheTraceIdentities(int n, int d, int block, boolean normalize) {
        Matrix x = correlated(n, d, 97L * n + d);
        double[][] c = Reference.covariance(x, normalize);
        double[] lambda = Collapse.eigenvalues(x, normalize, block);
        // Weyl: each eigenvalue moves by at most ‖ΔC‖₂ (covarianceError); the double reference (power iteration,
        // Jacobi) adds γ64 of the largest eigenvalue
        double eps = covarianceError(x, normalize);
        assertEquals(Math.min(n, d), lambda.length);
        double trace = 0;
        double frobenius = 0;
        for (int a = 0; a < d; a++) {
            trace += c[a][a];
            for (int b = 0; b < d; b++) {
                frobenius += c[a][b] * c[a][b];
            }
        }
        double sum = 0;
        double sumSq = 0;
        for (double l : lambda) {
            sum += l;
            sumSq += l * l;
        }
        double ref = FloatBounds.gamma64(4L * d * d) * trace;
        int m = lambda.length;
        assertEquals(trace, sum, m * eps + ref, "Σλ = tr(C)");
        assertEquals(frobenius, sumSq, m * (2 * trace * eps + eps * eps) + ref * trace, "Σλ² = ‖C‖_F²");
        assertEquals(Reference.powerIteration(c, 2000), lambda[0], eps + ref, "largest eigenvalue");
        double[] jacobi = Reference.jacobiEigenvalues(c);
        for (int k = 0; k < lambda.length; k++) {
            assertEquals(jacobi[k], lambda[k], eps + ref, "eigenvalue " + k);
        }
        for (int k = lambda.length; k < d; k++) {
            // rank ≤ N − 1 < D: the rest is 0 in exact arithmetic, the double reference leaves γ64 of the trace
            assertEquals(0.0, jacobi[k], ref, "N < D leaves D − N zero eigenvalues out");
        }
    }

    @Test
    void totalCollapse() {
        float[] row = {0.5f, -1.5f, 2.0f, 0.25f, 3.0f};
        int n = 64;
        float[] a = new float[n * row.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(row, 0, a, i * row.length, row.length);
        }
        Matrix x = Matrix.of(n, row.length, a);
        for (boolean normalize : new boolean[] {true, false}) {
            CollapseReport r = Collapse.of(x, normalize);
            // equal rows: every cosine is ⟨x̂, x̂⟩ = 1 within γ_{D+2}
            assertEquals(1.0, r.meanCosine(), FloatBounds.cosine(row.length) + FloatBounds.gamma64(4L * n));
            // exact by design: equal rows centre to exact zeros, so the covariance and the deviations are 0
            assertEquals(1.0, r.effectiveRank(), 0.0, "zero covariance: effective rank 1 by definition");
            assertEquals(0.0, r.minDimStd(), 0.0);
            assertEquals(0.0, r.meanDimStd(), 0.0);
        }
    }

    @Test
    void rowsOnOneLineHaveEffectiveRankOneEvenInHighDimension() {
        // x_i = (i − 150)·v, v random in 256 dims: the covariance is rank one, so erank = exp(0) = 1 and the cosines
        // are ±1. Only the float32 rounding of the entries leaves other eigenvalues, of relative size ~1e-15. (An
        // earlier float32-accumulated covariance gave erank − 1 = 1.3e-6 already for rank-1 data in 16 dimensions.)
        int n = 301;
        int d = 256;
        Random random = new Random(17);
        float[] v = new float[d];
        for (int c = 0; c < d; c++) {
            v[c] = (float) random.nextGaussian();
        }
        float[] a = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                a[i * d + c] = (i - 150) * v[c];
            }
        }
        Matrix x = Matrix.of(n, d, a);
        CollapseReport r = Collapse.of(x, false);
        // the rows are exactly (i − 150)·v in float32 only up to one rounding per entry: relative u off the line,
        // a covariance perturbation of 2u relative to its trace; the cosines are ±1 within γ_{D+2}
        assertEquals(1.0, r.effectiveRank(), FloatBounds.effectiveRank(1, d,
                4 * FloatBounds.U * 4 * maxSquaredNorm(x) / trace(Reference.covariance(x, false))));
        assertEquals(Reference.meanCosine(x), r.meanCosine(), FloatBounds.cosine(d) + FloatBounds.gamma64(4L * n * d));
    }

    @Test
    void orthonormalBasis() {
        // x = I_D. Mean cosine 0. Column c holds one 1 and D−1 zeros: mean 1/D, variance (D−1)/D², std √(D−1)/D.
        // C = (1/D)(I − 11ᵀ/D) has eigenvalue 1/D (D−1 times) and 0, so the effective rank is D − 1 exactly.
        for (int d : new int[] {2, 3, 10, 64}) {
            Matrix x = UniformityTest.identity(d);
            CollapseReport r = Collapse.of(x, true);
            // 0/1 rows: exact in float32, only double arithmetic (the eigen-decomposition backward stable, γ64)
            double tol = FloatBounds.gamma64(4L * d * d);
            assertEquals(0.0, r.meanCosine(), tol, "D=" + d);
            assertEquals(d - 1, r.effectiveRank(), FloatBounds.effectiveRank(d - 1, d, tol), "D=" + d);
            assertEquals(Math.sqrt(d - 1) / d, r.minDimStd(), tol, "D=" + d);
            assertEquals(Math.sqrt(d - 1) / d, r.meanDimStd(), tol, "D=" + d);
        }
    }

    @Test
    void plusMinusBasisVectorsInKDimensionsAreExactlyIsotropic() {
        // rows ±e_1 … ±e_k in D dims (2k rows): mean 0, C = (1/k)·diag(I_k, 0), effective rank exactly k.
        // Cosines: only the k pairs (e_c, −e_c) are non-zero (−1), so the mean is −k / (k(2k−1)) = −1/(2k−1).
        // Columns c ≤ k hold +1, −1 and zeros: variance 2/(2k) = 1/k; columns c > k are constant.
        int d = 12;
        for (int k : new int[] {1, 2, 5, 12}) {
            Matrix x = Matrix.zeros(2 * k, d);
            for (int c = 0; c < k; c++) {
                x.set(2 * c, c, 1f);
                x.set(2 * c + 1, c, -1f);
            }
            CollapseReport r = Collapse.of(x, false);
            // ±1 entries: exact in float32, only double arithmetic
            double tol = FloatBounds.gamma64(16L * d * d);
            assertEquals(k, r.effectiveRank(), FloatBounds.effectiveRank(k, d, tol), "k=" + k);
            assertEquals(-1.0 / (2 * k - 1), r.meanCosine(), tol, "k=" + k);
            assertEquals(k < d ? 0.0 : 1 / Math.sqrt(k), r.minDimStd(), tol, "k=" + k);
            assertEquals(k * (1 / Math.sqrt(k)) / d, r.meanDimStd(), tol, "k=" + k);
        }
    }

    @Test
    void isotropicGaussianInKDimensionsHasEffectiveRankNearK() {
        // N(0, I_k) embedded in D = 16 dims by a random orthonormal basis. The sample covariance eigenvalues are
        // 1 ± O(√(k/N)) ≈ 1 ± 0.04, which lowers exp(entropy) below k only by O(k·0.04²): within 0.03·k.
        int n = 5000;
        int d = 16;
        for (int k : new int[] {1, 3, 8}) {
            double[][] basis = orthonormalRows(k, d, 100 + k);
            Random random = new Random(k);
            float[] a = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    double z = random.nextGaussian();
                    for (int c = 0; c < d; c++) {
                        a[i * d + c] += (float) (z * basis[j][c]);
                    }
                }
            }
            Matrix x = Matrix.of(n, d, a);
            double erank = Collapse.of(x, false).effectiveRank();
            assertEquals(k, erank, 0.03 * k, "k=" + k);
            // the entropy of k eigenvalues is at most log k; the other D − k are 0 up to the float32 rounding of the
            // entries (u relative), which the entropy-continuity bound covers
            assertTrue(erank <= k + FloatBounds.effectiveRank(k, d,
                    4 * FloatBounds.U * 4 * maxSquaredNorm(x) / trace(Reference.covariance(x, false))),
                    "the entropy of k eigenvalues is at most log k");
        }
    }

    @Test
    void rawRowsOfHugeMagnitudeDoNotOverflowTheCovariance() {
        // entries near 1e30: squares overflow float32 (max 3.4e38); the effective rank is scale-invariant
        Matrix small = correlated(30, 6, 5);
        float[] big = small.data().clone();
        for (int i = 0; i < big.length; i++) {
            big[i] *= 1e30f;
        }
        Matrix x = Matrix.of(30, 6, big);
        double expected = Reference.effectiveRank(small, false);
        // float32(1e30·x) rounds each entry once (u relative): ‖ΔC‖₂ ≤ 2·2u·max‖z‖·max‖x‖
        assertEquals(expected, Collapse.of(x, false).effectiveRank(), FloatBounds.effectiveRank(expected, 6,
                4 * FloatBounds.U * 4 * maxSquaredNorm(small) / trace(Reference.covariance(small, false))));
    }

    /** Gaussian rows with unequal, correlated columns: a spread-out but not isotropic spectrum, non-zero mean. */
    static Matrix correlated(int n, int d, long seed) {
        Random random = new Random(seed);
        double[][] mix = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                mix[a][b] = random.nextGaussian() / (1 + b);
            }
        }
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int b = 0; b < d; b++) {
                z[b] = random.nextGaussian();
            }
            for (int a = 0; a < d; a++) {
                out[i * d + a] = (float) (Reference.dot(mix[a], z) + 0.5);
            }
        }
        return Matrix.of(n, d, out);
    }

    /** k random orthonormal rows of length d by Gram–Schmidt. */
    static double[][] orthonormalRows(int k, int d, long seed) {
        Random random = new Random(seed);
        double[][] q = new double[k][d];
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < d; c++) {
                q[j][c] = random.nextGaussian();
            }
            for (int p = 0; p < j; p++) {
                double proj = Reference.dot(q[j], q[p]);
                for (int c = 0; c < d; c++) {
                    q[j][c] -= proj * q[p][c];
                }
            }
            double norm = Math.sqrt(Reference.dot(q[j], q[j]));
            for (int c = 0; c < d; c++) {
                q[j][c] /= norm;
            }
        }
        return q;
    }

    /**
     * A bound on ‖ΔC‖₂ between the library's covariance and the double reference's: normalised rows carry one
     * float32 rounding per entry (‖Δx̂‖ ≤ u), the centred rows (norm ≤ 2) move by 2u, so ‖ΔC‖₂ ≤ 2·2·2u = 8u;
     * raw rows are the same float32 values on both sides, leaving γ64 of the double sums times max‖z‖² ≤ 4·max‖x‖².
     */
    static double covarianceError(Matrix x, boolean normalize) {
        int n = x.rows();
        int d = x.cols();
        double r2 = normalize ? 1 : maxSquaredNorm(x);
        return (normalize ? 8 * FloatBounds.U : 0) + FloatBounds.gamma64(4L * n * d) * 4 * r2;
    }

    static double maxSquaredNorm(Matrix x) {
        double r = FloatBounds.maxRowNorm(x.data(), x.cols());
        return r * r;
    }

    static double trace(double[][] c) {
        double t = 0;
        for (int k = 0; k < c.length; k++) {
            t += c[k][k];
        }
        return t;
    }
}
