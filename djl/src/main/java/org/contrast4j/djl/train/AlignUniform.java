package org.contrast4j.djl.train;

import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * Value and gradient of Wang &amp; Isola (2020)'s objectives on raw outputs x, y (N×P), computed in double from the
 * formulas (core's {@link org.contrast4j.metric.Alignment} and {@link org.contrast4j.metric.Uniformity} give the
 * values only). With u = x̂, v = ŷ the L2-normalised rows:
 * <pre>
 *   L_align = (1/N) Σ_i ‖u_i − v_i‖²                 ∂/∂u_i = 2(u_i − v_i)/N,  ∂/∂v_i = −2(u_i − v_i)/N
 *   L_unif(u) = log( Σ_{i&lt;j} e^{−t‖u_i − u_j‖²} / (N(N−1)/2) )
 *                                                   ∂/∂u_i = −2t Σ_{j≠i} w_ij (u_i − u_j),
 *                                                   w_ij = e^{−t d_ij} / Σ_{k&lt;l} e^{−t d_kl}
 *   L = L_align + λ·(L_unif(u) + L_unif(v))/2        (align-uniform, t = 2, λ = 1)
 *   L = L_align                                      (alignment-only)
 * </pre>
 * The exponentials are taken relative to the largest −t·d, so nothing overflows; the gradients are mapped back
 * through the normalisation with {@link Similarity#COSINE}'s backward. Time O(N²·P) for the uniformity terms.
 */
final class AlignUniform {
    static final double T = 2.0;
    static final double LAMBDA = 1.0;

    private AlignUniform() {
    }

    static LossStep compute(Matrix x, Matrix y, boolean withUniformity) {
        Matrix u = Similarity.COSINE.prepare(x);
        Matrix v = Similarity.COSINE.prepare(y);
        int n = u.rows();
        int d = u.cols();
        float[] pu = u.data();
        float[] pv = v.data();
        double[] gu = new double[n * d];
        double[] gv = new double[n * d];
        double align = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double diff = (double) pu[i * d + c] - pv[i * d + c];
                align += diff * diff;
                gu[i * d + c] += 2 * diff / n;
                gv[i * d + c] -= 2 * diff / n;
            }
        }
        double value = align / n;
        if (withUniformity) {
            value += LAMBDA * 0.5 * uniformity(pu, n, d, gu, LAMBDA * 0.5);
            value += LAMBDA * 0.5 * uniformity(pv, n, d, gv, LAMBDA * 0.5);
        }
        Matrix gx = Similarity.COSINE.backward(x, toMatrix(gu, n, d));
        Matrix gy = Similarity.COSINE.backward(y, toMatrix(gv, n, d));
        return new LossStep(value, gx, gy, 0.0);
    }

    /** L_unif of the rows of {@code p}; adds scale·∂L_unif/∂p to {@code grad}. */
    private static double uniformity(float[] p, int n, int d, double[] grad, double scale) {
        if (n < 2) {
            throw new IllegalArgumentException("uniformity needs N >= 2 rows, was " + n);
        }
        double[] dist = new double[n * n];
        double max = Double.NEGATIVE_INFINITY; // of −t·d_ij over i < j
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double diff = (double) p[i * d + c] - p[j * d + c];
                    s += diff * diff;
                }
                dist[i * n + j] = s;
                max = Math.max(max, -T * s);
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double e = Math.exp(-T * dist[i * n + j] - max);
                dist[i * n + j] = e; // reuse: now the unnormalised weight
                sum += e;
            }
        }
        double pairs = n * (n - 1) / 2.0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double w = dist[i * n + j] / sum;
                double f = -2 * T * w * scale;
                for (int c = 0; c < d; c++) {
                    double diff = (double) p[i * d + c] - p[j * d + c];
                    grad[i * d + c] += f * diff;
                    grad[j * d + c] -= f * diff;
                }
            }
        }
        return max + Math.log(sum) - Math.log(pairs);
    }

    private static Matrix toMatrix(double[] g, int n, int d) {
        float[] f = new float[g.length];
        for (int k = 0; k < g.length; k++) {
            f[k] = (float) g[k];
        }
        return Matrix.of(n, d, f);
    }
}
