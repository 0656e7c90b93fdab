package org.contrast4j.metric;

import org.contrast4j.internal.Checks;
import java.util.Arrays;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Collapse diagnostics of a set of embeddings {@code x} (N×D, N ≥ 2): does the encoder map everything to one point
 * (complete collapse) or to a low-dimensional subspace (dimensional collapse)? The result is a
 * {@link CollapseReport}:
 * <ul>
 *   <li><b>mean cosine</b> (2 / (N(N−1))) Σ_{i&lt;j} ⟨x̂_i, x̂_j⟩ over the L2-normalised rows x̂ = x / max(‖x‖, 1e-12),
 *       in O(N·D) rather than O(N²·D): with s = Σ_i x̂_i,
 *       ‖s‖² = Σ_i ‖x̂_i‖² + 2 Σ_{i&lt;j} ⟨x̂_i, x̂_j⟩, so the pair sum is (‖s‖² − Σ_i ‖x̂_i‖²) / 2. The squared norms
 *       are summed as computed (1 up to float rounding, 0 for a zero row), so the identity is exact for the rows
 *       actually used; s and the norms are accumulated in double, which keeps the subtraction accurate (the
 *       result is a difference of two O(N²) quantities only when the mean cosine is near 1).</li>
 *   <li><b>per-dimension standard deviation</b> σ_c = sqrt((1/N) Σ_i (x_ic − μ_c)²) (population), reported as its
 *       minimum and its mean over the D dimensions (Chen &amp; He, "Exploring Simple Siamese Representation
 *       Learning", CVPR 2021, track the std of the normalised outputs: about 1/√D without collapse, 0 with it).</li>
 *   <li><b>effective rank</b> (Roy &amp; Vetterli, "The effective rank: a measure of effective dimensionality",
 *       EUSIPCO 2007) of the covariance C = (1/N) Σ_i (x_i − μ)(x_i − μ)ᵀ: with eigenvalues λ_k clipped at 0 and
 *       p_k = λ_k / Σ_l λ_l, erank = exp(−Σ_k p_k log p_k) (0·log 0 = 0). It is k for data spread evenly over k
 *       orthogonal directions and lies in [1, min(N−1, D)]; a zero covariance (every row equal) is given
 *       effective rank 1, the lower end of the range. RankMe (Garrido et al., "RankMe: Assessing the Downstream
 *       Performance of Pretrained Self-Supervised Representations by Their Rank", ICML 2023) uses the same
 *       entropy; note that RankMe applies it to the singular values of the (uncentred) embedding matrix, whereas
 *       here it is applied to the eigenvalues of the covariance (squared singular values of the centred rows),
 *       so the two numbers are related but not equal.</li>
 * </ul>
 * With {@code normalize = true} the standard deviations and the covariance are those of the L2-normalised rows; with
 * {@code false}, of the raw rows. The mean cosine is a cosine either way.
 *
 * <p>The covariance is accumulated in double (the centring, every product and every sum; the float32 inputs are
 * exact in double): the centred rows are multiplied by EJML in blocks of 256 rows (of 256 columns on the Gram path
 * below).
 * Double matters here: float32 accumulation leaves a noise floor of about 1e-7·λ_max on every eigenvalue, which
 * in high dimension adds enough entropy to hide a dimensional collapse. The eigenvalues come from EJML's symmetric
 * eigen-decomposition. When N &lt; D the N×N Gram matrix (1/N)·X_c·X_cᵀ of the centred rows is decomposed
 * instead: its eigenvalues are the non-zero eigenvalues of C, so the effective rank is the same and the cost drops.
 * Time O(N·D·m + m³), memory O(m² + block·max(N, D)) with m = min(N, D).
 */
public final class Collapse {
    private Collapse() {
    }

    /**
     * Collapse diagnostics of {@code x}.
     *
     * @param x N×D, N ≥ 2, D ≥ 1, finite
     * @param normalize whether the standard deviations and the effective rank are computed on the L2-normalised rows
     * @return mean cosine, effective rank and per-dimension standard deviations
     * @throws IllegalArgumentException when N &lt; 2, D = 0, or an entry is NaN or infinite (naming its row, column
     *     and value)
     */
    public static CollapseReport of(Matrix x, boolean normalize) {
        return of(x, normalize, Blocks.DEFAULT_BLOCK);
    }

    static CollapseReport of(Matrix x, boolean normalize, int block) {
        Checks.rows(x, "x", 2, "the mean cosine is over pairs of rows");
        Matrix unit = Similarity.COSINE.prepare(x);
        double meanCosine = meanCosine(unit);
        Matrix p = normalize ? unit : x;
        int n = p.rows();
        int d = p.cols();
        double[] mean = columnMeans(p);
        double[] variance = new double[d];
        float[] a = p.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0, off = i * d; c < d; c++) {
                double v = a[off + c] - mean[c];
                variance[c] += v * v;
            }
        }
        double minStd = Double.POSITIVE_INFINITY;
        double sumStd = 0;
        for (int c = 0; c < d; c++) {
            double std = Math.sqrt(variance[c] / n);
            minStd = Math.min(minStd, std);
            sumStd += std;
        }
        double erank = effectiveRank(covarianceEigenvalues(p, mean, block));
        return new CollapseReport(meanCosine, erank, minStd, sumStd / d);
    }

    /** (‖Σ x̂_i‖² − Σ ‖x̂_i‖²) / (N(N−1)): the mean of ⟨x̂_i, x̂_j⟩ over i &lt; j. */
    private static double meanCosine(Matrix unit) {
        int n = unit.rows();
        int d = unit.cols();
        float[] a = unit.data();
        double[] s = new double[d];
        double squares = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0, off = i * d; c < d; c++) {
                double v = a[off + c];
                s[c] += v;
                squares += v * v;
            }
        }
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        return (total - squares) / ((double) n * (n - 1));
    }

    private static double[] columnMeans(Matrix p) {
        int n = p.rows();
        int d = p.cols();
        float[] a = p.data();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int c = 0, off = i * d; c < d; c++) {
                mean[c] += a[off + c];
            }
        }
        for (int c = 0; c < d; c++) {
            mean[c] /= n;
        }
        return mean;
    }

    /**
     * The eigenvalues of the covariance of the rows of {@code x} (L2-normalised first when {@code normalize}), largest
     * first, not clipped: D of them when N ≥ D, else the N eigenvalues of the Gram matrix of the centred rows (the
     * non-zero part of the spectrum). Package-private for the tests.
     */
    static double[] eigenvalues(Matrix x, boolean normalize, int block) {
        Matrix p = Blocks.prepare(x, normalize);
        return covarianceEigenvalues(p, columnMeans(p), block);
    }

    private static double[] covarianceEigenvalues(Matrix p, double[] mean, int block) {
        int n = p.rows();
        int d = p.cols();
        int k = Math.min(n, d);
        DMatrixRMaj m = new DMatrixRMaj(k, k);
        if (n >= d) {
            scatterByRowBlocks(p, mean, block, m);
        } else {
            gramByColumnBlocks(p, mean, block, m);
        }
        CommonOps_DDRM.scale(1.0 / n, m);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, false, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("the symmetric eigen-decomposition of a " + k + "×" + k
                    + " covariance did not converge");
        }
        double[] values = new double[eig.getNumberOfEigenvalues()];
        for (int i = 0; i < values.length; i++) {
            values[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(values);
        for (int i = 0, j = values.length - 1; i < j; i++, j--) {
            double tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
        return values;
    }

    /** acc += Σ_i z_i z_iᵀ, z_i = x_i − μ (D×D): centred blocks of rows, multiplied in double by EJML. */
    private static void scatterByRowBlocks(Matrix p, double[] mean, int block, DMatrixRMaj acc) {
        int n = p.rows();
        int d = p.cols();
        float[] a = p.data();
        for (int i0 = 0; i0 < n; i0 += block) {
            int i1 = Math.min(n, i0 + block);
            DMatrixRMaj z = new DMatrixRMaj(i1 - i0, d);
            double[] zd = z.data;
            for (int i = i0; i < i1; i++) {
                for (int c = 0, src = i * d, dst = (i - i0) * d; c < d; c++) {
                    zd[dst + c] = a[src + c] - mean[c];
                }
            }
            CommonOps_DDRM.multAddTransA(z, z, acc);
        }
    }

    /** acc += Z·Zᵀ, Z = X − 1μᵀ (N×N): centred blocks of columns, multiplied in double by EJML. */
    private static void gramByColumnBlocks(Matrix p, double[] mean, int block, DMatrixRMaj acc) {
        int n = p.rows();
        int d = p.cols();
        float[] a = p.data();
        for (int c0 = 0; c0 < d; c0 += block) {
            int c1 = Math.min(d, c0 + block);
            int w = c1 - c0;
            DMatrixRMaj z = new DMatrixRMaj(n, w);
            double[] zd = z.data;
            for (int i = 0; i < n; i++) {
                for (int c = c0; c < c1; c++) {
                    zd[i * w + c - c0] = a[i * d + c] - mean[c];
                }
            }
            CommonOps_DDRM.multAddTransB(z, z, acc);
        }
    }

    /** exp(−Σ p_k log p_k), p_k = max(λ_k, 0) / Σ max(λ_l, 0); 1 when every eigenvalue is ≤ 0. */
    static double effectiveRank(double[] eigenvalues) {
        double total = 0;
        for (double v : eigenvalues) {
            total += Math.max(v, 0.0);
        }
        if (!(total > 0)) {
            return 1.0;
        }
        double entropy = 0;
        for (double v : eigenvalues) {
            if (v > 0) {
                double q = v / total;
                entropy -= q * Math.log(q);
            }
        }
        return Math.exp(entropy);
    }
}
