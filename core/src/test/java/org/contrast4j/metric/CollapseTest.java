package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
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
        assertEquals(Reference.meanCosine(x), r.meanCosine(), 1e-6);
        double[] std = Reference.columnStd(x, normalize);
        double min = Double.POSITIVE_INFINITY;
        double mean = 0;
        for (double s : std) {
            min = Math.min(min, s);
            mean += s / d;
        }
        assertEquals(min, r.minDimStd(), 1e-6 * Math.max(1, min));
        assertEquals(mean, r.meanDimStd(), 1e-6 * Math.max(1, mean));
        double erank = Reference.effectiveRank(x, normalize);
        assertEquals(erank, r.effectiveRank(), 1e-4 * erank);
    }

    @ParameterizedTest(name = "N={0} D={1} block={2} normalize={3}")
    @CsvSource({"60, 10, 256, false", "60, 10, 7, true", "8, 20, 256, false", "8, 20, 3, true",
            "700, 24, 256, false"})
    void eigenvaluesAgreeWithJacobiPowerIterationAndTheTraceIdentities(int n, int d, int block, boolean normalize) {
        Matrix x = correlated(n, d, 97L * n + d);
        double[][] c = Reference.covariance(x, normalize);
        double[] lambda = Collapse.eigenvalues(x, normalize, block);
        // raw rows: both sides work in double on the same values; normalised: float32 vs double normalisation
        double tol = normalize ? 1e-5 : 1e-9;
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
        assertEquals(trace, sum, tol * trace, "Σλ = tr(C)");
        assertEquals(frobenius, sumSq, tol * frobenius, "Σλ² = ‖C‖_F²");
        assertEquals(Reference.powerIteration(c, 2000), lambda[0], Math.max(tol, 1e-8) * lambda[0], "largest eigenvalue");
        double[] jacobi = Reference.jacobiEigenvalues(c);
        for (int k = 0; k < lambda.length; k++) {
            assertEquals(jacobi[k], lambda[k], tol * jacobi[0], "eigenvalue " + k);
        }
        for (int k = lambda.length; k < d; k++) {
            assertEquals(0.0, jacobi[k], 1e-9 * jacobi[0], "N < D leaves D − N zero eigenvalues out");
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
            assertEquals(1.0, r.meanCosine(), 1e-6);
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
        assertEquals(1.0, r.effectiveRank(), 1e-8);
        assertEquals(Reference.meanCosine(x), r.meanCosine(), 1e-9);
    }

    @Test
    void orthonormalBasis() {
        // x = I_D. Mean cosine 0. Column c holds one 1 and D−1 zeros: mean 1/D, variance (D−1)/D², std √(D−1)/D.
        // C = (1/D)(I − 11ᵀ/D) has eigenvalue 1/D (D−1 times) and 0, so the effective rank is D − 1 exactly.
        for (int d : new int[] {2, 3, 10, 64}) {
            Matrix x = UniformityTest.identity(d);
            CollapseReport r = Collapse.of(x, true);
            assertEquals(0.0, r.meanCosine(), 1e-12, "D=" + d);
            assertEquals(d - 1, r.effectiveRank(), 1e-6 * d, "D=" + d);
            assertEquals(Math.sqrt(d - 1) / d, r.minDimStd(), 1e-7, "D=" + d);
            assertEquals(Math.sqrt(d - 1) / d, r.meanDimStd(), 1e-7, "D=" + d);
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
            assertEquals(k, r.effectiveRank(), 1e-6 * k, "k=" + k);
            assertEquals(-1.0 / (2 * k - 1), r.meanCosine(), 1e-12, "k=" + k);
            assertEquals(k < d ? 0.0 : 1 / Math.sqrt(k), r.minDimStd(), 1e-7, "k=" + k);
            assertEquals(k * (1 / Math.sqrt(k)) / d, r.meanDimStd(), 1e-7, "k=" + k);
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
            assertTrue(erank <= k + 1e-6, "the entropy of k eigenvalues is at most log k");
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
        assertEquals(expected, Collapse.of(x, false).effectiveRank(), 1e-4 * expected);
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
}
