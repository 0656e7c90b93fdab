package org.contrast4j.similarity;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * How two embeddings are compared: the score s(x, y) every loss divides by its temperature.
 * <ul>
 *   <li>{@link #COSINE}: s(x, y) = ⟨x̂, ŷ⟩ with x̂ = x / max(‖x‖₂, ε), ε = {@value #NORM_FLOOR} — exactly
 *       PyTorch's {@code F.normalize}. A zero vector maps to the zero vector (similarity 0 to everything) and gets
 *       the finite gradient g/ε, as in PyTorch.</li>
 *   <li>{@link #DOT}: s(x, y) = ⟨x, y⟩ on the raw embeddings.</li>
 * </ul>
 * Distance-based losses (margin contrastive, triplet) use the same switch: COSINE measures distances between the
 * normalised embeddings, DOT between the raw ones.
 *
 * <p>A loss calls {@link #prepare} on each input, works on the prepared rows, and maps its gradient back with
 * {@link #backward}, so every {@code LossResult} holds gradients with respect to the raw inputs.
 */
public enum Similarity {
    /** Cosine similarity: the dot product of L2-normalised rows. */
    COSINE,
    /** Dot product of the raw rows. */
    DOT;

    /** The norm floor ε of cosine normalisation, as {@code F.normalize(eps=1e-12)}. */
    public static final double NORM_FLOOR = 1e-12;

    /**
     * The rows the similarity is a plain dot product of: a new matrix of L2-normalised rows for COSINE, the input
     * itself (not copied) for DOT.
     */
    public Matrix prepare(Matrix raw) {
        if (this == DOT) {
            return raw;
        }
        int d = raw.cols();
        double[] norms = Kernels.rowNorms(raw);
        Matrix out = Matrix.zeros(raw.rows(), d);
        float[] src = raw.data();
        float[] dst = out.data();
        for (int i = 0; i < norms.length; i++) {
            double inv = 1.0 / Math.max(norms[i], NORM_FLOOR);
            for (int j = i * d, end = j + d; j < end; j++) {
                dst[j] = (float) (src[j] * inv);
            }
        }
        return out;
    }

    /**
     * Back-propagates a gradient with respect to the prepared rows to the raw rows. For COSINE, with n = ‖x‖ &gt; ε:
     * ∂L/∂x = (g − x̂·⟨x̂, g⟩) / n; for n ≤ ε: g / ε. For DOT the gradient is returned unchanged (same object).
     *
     * @param raw the rows given to {@link #prepare}
     * @param gradPrepared ∂L/∂(prepared rows), same shape as {@code raw}
     */
    public Matrix backward(Matrix raw, Matrix gradPrepared) {
        if (raw.rows() != gradPrepared.rows() || raw.cols() != gradPrepared.cols()) {
            throw new IllegalArgumentException(
                    "gradient shape " + gradPrepared.shape() + " differs from input shape " + raw.shape());
        }
        if (this == DOT) {
            return gradPrepared;
        }
        int d = raw.cols();
        double[] norms = Kernels.rowNorms(raw);
        float[] x = raw.data();
        float[] g = gradPrepared.data();
        Matrix out = Matrix.zeros(raw.rows(), d);
        float[] dx = out.data();
        for (int i = 0; i < norms.length; i++) {
            int off = i * d;
            double n = norms[i];
            if (n <= NORM_FLOOR) {
                for (int j = off; j < off + d; j++) {
                    dx[j] = (float) (g[j] / NORM_FLOOR);
                }
                continue;
            }
            // ⟨x, g⟩ in four independent sums (a single running sum is bound by the additions' latency)
            double xg0 = 0;
            double xg1 = 0;
            double xg2 = 0;
            double xg3 = 0;
            int j = off;
            for (; j + 3 < off + d; j += 4) {
                xg0 += (double) x[j] * g[j];
                xg1 += (double) x[j + 1] * g[j + 1];
                xg2 += (double) x[j + 2] * g[j + 2];
                xg3 += (double) x[j + 3] * g[j + 3];
            }
            for (; j < off + d; j++) {
                xg0 += (double) x[j] * g[j];
            }
            double proj = ((xg0 + xg1) + (xg2 + xg3)) / (n * n); // ⟨x̂, g⟩ / n
            double inv = 1 / n;
            for (j = off; j < off + d; j++) {
                dx[j] = (float) ((g[j] - x[j] * proj) * inv);
            }
        }
        return out;
    }
}
