package org.contrast4j.loss;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.tiled.TiledSelfSimilarity;

/**
 * Softmax cross-entropy over the rows of the self-similarity S = z·zᵀ of one stacked set of prepared embeddings z
 * (NT-Xent, SupCon, DCL). With per-row weights w_k (the reduction, and any constant factor of the loss), the value is
 * Σ_k w_k ℓ_k and, since S is symmetric, ∂/∂z = (G + Gᵀ)·z with G_kl = w_k·scale·∂ℓ_k/∂l_kl. {@link #compute} is the
 * dense form (S in memory); {@link #tiled} wraps the same quantities from
 * {@link org.contrast4j.tiled.TiledSelfSimilarity}.
 */
final class SelfSimilarity {
    final double[] loss;
    /** ∂(Σ w_k ℓ_k)/∂z. */
    final Matrix gradient;
    /** Σ_k w_k Σ_l ∂ℓ_k/∂l_kl · l_kl, for the temperature gradient. */
    final double weightedGradDotLogit;

    private SelfSimilarity(double[] loss, Matrix gradient, double weightedGradDotLogit) {
        this.loss = loss;
        this.gradient = gradient;
        this.weightedGradDotLogit = weightedGradDotLogit;
    }

    /** The tiled engine's result: the same three quantities, without the rows×rows matrix. */
    static SelfSimilarity tiled(TiledSelfSimilarity.Result r) {
        return new SelfSimilarity(r.perRow(), r.gradient(), r.gradDotLogit());
    }

    /**
     * Refuses a dense computation on {@code rows} stacked rows whose arrays cannot be allocated — S, G and the targets
     * (floats) and the candidate mask (booleans), 13 bytes per entry of the rows×rows matrix — before any is.
     *
     * @param loss     the loss's name
     * @param rowsName how the loss names its stacked rows ("2N", "N")
     */
    static void requireDense(String loss, String rowsName, int rows) {
        requireDense(loss, rowsName, rows, 0);
    }

    /**
     * As above, with {@code guideBytes} more per entry for a guide's similarity matrix (0 = no guide; a guided batch
     * has no tiled engine to point to).
     */
    static void requireDense(String loss, String rowsName, int rows, int guideBytes) {
        DenseSize.require(loss + " (dense engine) on " + rowsName + " = " + rows + " rows", rows, rows,
                13 + guideBytes, guideBytes > 0
                        ? "a batch with a guide runs on the dense engine: use fewer rows, or give the JVM more heap "
                                + "(-Xmx; CONTRAST4J_JAVA_OPTS for the command line)"
                        : "use the tiled engine (Engine.TILED or AUTO, the default; --engine tiled or auto on the "
                                + "command line), which never forms the " + rows + "×" + rows + " matrix and needs O("
                                + rowsName + "·D) memory");
    }

    static SelfSimilarity compute(Matrix z, double scale, boolean[] candidate, float[] target, boolean[] skip,
                                  double[] rowWeight) {
        int rows = z.rows();
        float[] sim = Kernels.multiplyTransposed(z, z).data();
        double[] loss = new double[rows];
        double[] dots = new double[rows];
        float[] g = new float[rows * rows];
        SoftmaxRows.crossEntropy(sim, rows, rows, scale, candidate, target, skip, loss, g, dots);
        double weightedDot = 0;
        for (int k = 0; k < rows; k++) {
            weightedDot += rowWeight[k] * dots[k];
            float f = (float) (rowWeight[k] * scale);
            for (int l = k * rows, end = l + rows; l < end; l++) {
                g[l] *= f;
            }
        }
        // G + Gᵀ
        for (int k = 0; k < rows; k++) {
            for (int l = k + 1; l < rows; l++) {
                float s = g[k * rows + l] + g[l * rows + k];
                g[k * rows + l] = s;
                g[l * rows + k] = s;
            }
            g[k * rows + k] *= 2f;
        }
        Matrix dz = Matrix.zeros(rows, z.cols());
        Kernels.gemm(false, false, 1f, Matrix.of(rows, rows, g), z, 0f, dz);
        return new SelfSimilarity(loss, dz, weightedDot);
    }

    /** Candidates "every column but the row itself" (and, when {@code exclude} ≥ 0 per row, that column too). */
    static boolean[] allButSelf(int rows, int[] alsoExclude) {
        boolean[] c = new boolean[rows * rows];
        java.util.Arrays.fill(c, true);
        for (int k = 0; k < rows; k++) {
            c[k * rows + k] = false;
            if (alsoExclude != null) {
                c[k * rows + alsoExclude[k]] = false;
            }
        }
        return c;
    }

    /** For z = [a; p] with N rows each: the partner of row k is k + N (mod 2N). */
    static int[] partners(int n) {
        int[] partner = new int[2 * n];
        for (int k = 0; k < 2 * n; k++) {
            partner[k] = k < n ? k + n : k - n;
        }
        return partner;
    }
}
