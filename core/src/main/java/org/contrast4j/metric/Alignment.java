package org.contrast4j.metric;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * Alignment of positive pairs (Wang &amp; Isola, "Understanding Contrastive Representation Learning through Alignment
 * and Uniformity on the Hypersphere", ICML 2020):
 * <pre>
 *   L_align = (1/N) Σ_i ‖x_i − y_i‖₂^α
 * </pre>
 * where row i of {@code x} and row i of {@code y} (both N×D) are the two views of example i. Lower is better: 0 means
 * every positive pair maps to the same point. Defaults: α = 2, and the rows are L2-normalised first
 * (x̂ = x / max(‖x‖₂, 1e-12), as {@code F.normalize} and {@link org.contrast4j.similarity.Similarity#COSINE}); on
 * normalised rows with α = 2 the value lies in [0, 4] and equals 2 − 2·mean cosine of the pairs.
 *
 * <p>Cost O(N·D) time, no extra memory beyond the normalised copies. Differences and sums are taken in double.
 */
public final class Alignment {
    /** Default exponent α = {@value}. */
    public static final double DEFAULT_ALPHA = 2.0;

    private Alignment() {
    }

    /**
     * Alignment with the defaults: α = 2 on L2-normalised rows.
     *
     * @param x N×D, N ≥ 1, D ≥ 1, finite
     * @param y N×D, row i the positive of row i of {@code x}
     * @return the alignment, ≥ 0 (in [0, 4] on normalised rows)
     * @throws IllegalArgumentException on a shape mismatch (naming both shapes), an empty input or a NaN/infinite
     *     entry (naming its row, column and value)
     */
    public static double of(Matrix x, Matrix y) {
        return of(x, y, DEFAULT_ALPHA, true);
    }

    /**
     * Alignment (1/N) Σ_i ‖x_i − y_i‖₂^α.
     *
     * @param x N×D, N ≥ 1, D ≥ 1, finite
     * @param y N×D, row i the positive of row i of {@code x}
     * @param alpha the exponent α, &gt; 0 and finite
     * @param normalize whether to L2-normalise each row of both inputs first
     * @return the alignment, ≥ 0
     * @throws IllegalArgumentException as {@link #of(Matrix, Matrix)}, and when α is not &gt; 0 and finite
     */
    public static double of(Matrix x, Matrix y, double alpha, boolean normalize) {
        Checks.rows(x, "x", 1, null);
        Checks.rows(y, "y", 1, null);
        Checks.sameShape(x, "x", y, "y");
        Checks.positive(alpha, "alpha");
        Matrix a = Blocks.prepare(x, normalize);
        Matrix b = Blocks.prepare(y, normalize);
        int n = a.rows();
        int d = a.cols();
        float[] pa = a.data();
        float[] pb = b.data();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int c = 0, off = i * d; c < d; c++) {
                double diff = (double) pa[off + c] - pb[off + c];
                sq += diff * diff;
            }
            total += alpha == 2.0 ? sq : Math.pow(sq, alpha / 2.0);
        }
        return Blocks.finite("alignment with alpha = " + alpha, total / n);
    }
}
