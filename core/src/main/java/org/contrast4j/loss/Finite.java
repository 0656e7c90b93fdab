package org.contrast4j.loss;

import java.util.Map;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * The guarantee that no loss returns NaN or ±∞: the checks that turn a float32 overflow into one precise
 * {@link IllegalArgumentException} naming where it happened and what to do.
 *
 * <p>The inputs are finite ({@link Batch} checks that) and cosine similarity is bounded, so a non-finite value can only
 * come from raw rows so large that a float32 product overflows: with {@link org.contrast4j.similarity.Similarity#DOT}
 * a similarity ⟨x, y⟩ exceeds 3.4e38 once ‖x‖·‖y‖ does (rows of magnitude about 1e19), and a gradient
 * w·(1/τ)·Σ_j g_ij·y_j can overflow for rows near the float32 range. Everything computed in double (log-sum-exps,
 * logits s/τ, norms) cannot overflow for finite float32 inputs.
 */
final class Finite {
    private Finite() {
    }

    /**
     * Refuses a float32 similarity matrix (rows×cols, row-major) that holds a non-finite entry: the product
     * overflowed.
     *
     * @throws IllegalArgumentException naming the first such entry
     */
    static void similarities(float[] sim, int rows, int cols) {
        for (int k = 0; k < sim.length; k++) {
            if (!Float.isFinite(sim[k])) {
                int i = k / cols;
                int j = k % cols;
                throw new IllegalArgumentException("logit s[" + i + ", " + j + "]/τ overflows float32: the "
                        + "similarity s[" + i + ", " + j + "] computed in float32 is " + sim[k] + " (|s| > "
                        + Float.MAX_VALUE + "); scale the inputs down or use cosine similarity");
            }
        }
    }

    /**
     * The exception for a tiled-engine result that overflowed with dot similarity, naming the pair of rows whose
     * logit bound ‖a_i‖·‖p_j‖/τ is largest (the engine computes its logits in float32 and never holds them).
     */
    static IllegalArgumentException tiledOverflow(Matrix a, Matrix p, double scale, IllegalArgumentException cause) {
        double[] na = Kernels.rowNorms(a);
        double[] np = Kernels.rowNorms(p);
        int i = argMax(na);
        int j = argMax(np);
        return new IllegalArgumentException("a logit s[" + i + ", " + j + "]/τ overflows float32 in the tiled engine: "
                + "‖anchors[" + i + "]‖·‖positives[" + j + "]‖/τ = " + na[i] * np[j] * scale + " (largest float32 "
                + Float.MAX_VALUE + "), and " + cause.getMessage(), cause);
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Refuses a loss result holding a NaN or ±∞ anywhere: value, per-row losses, gradients or scalar gradients. */
    static void result(double value, double[] perRow, Map<Input, Matrix> gradients, Map<Scalar, Double> scalars,
                       Map<String, Double> terms) {
        for (Map.Entry<Input, Matrix> g : gradients.entrySet()) {
            matrix("the gradient with respect to " + g.getKey().key(), g.getValue());
        }
        values(value, perRow, scalars, terms);
    }

    /** Refuses a NaN or ±∞ in the value, the per-row losses, the terms or the scalar gradients. */
    static void values(double value, double[] perRow, Map<Scalar, Double> scalars, Map<String, Double> terms) {
        for (int i = 0; i < perRow.length; i++) {
            number("the loss of row " + i, perRow[i]);
        }
        number("the loss value", value);
        for (Map.Entry<String, Double> t : terms.entrySet()) {
            number("the term " + t.getKey(), t.getValue());
        }
        for (Map.Entry<Scalar, Double> s : scalars.entrySet()) {
            number("the gradient with respect to " + s.getKey().key(), s.getValue());
        }
    }

    /** Refuses a matrix holding a NaN or ±∞, naming the entry. */
    static void matrix(String what, Matrix m) {
        float[] a = m.data();
        for (int k = 0; k < a.length; k++) {
            if (!Float.isFinite(a[k])) {
                throw new IllegalArgumentException(what + " [" + k / m.cols() + ", " + k % m.cols() + "] is " + a[k]
                        + ": it overflows float32 (|value| > " + Float.MAX_VALUE + "), the inputs are too large for "
                        + "this loss in float32; scale the inputs down or use cosine similarity");
            }
        }
    }

    private static void number(String what, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is " + v + ": the inputs are too large for this loss in "
                    + "float32; scale the inputs down or use cosine similarity");
        }
    }
}
