package org.contrast4j.loss;

/**
 * The kernel shared by every softmax-type contrastive loss (InfoNCE, CLIP, NT-Xent, SupCon, DCL). For each row r of a
 * similarity matrix S (rows×cols, row-major) with logits l_rc = scale·S_rc, a candidate set C(r) and target weights
 * t_rc (positives):
 * <pre>
 *   ℓ_r = log Σ_{c∈C(r)} e^{l_rc} − Σ_c t_rc·l_rc
 *   ∂ℓ_r/∂l_rc = softmax_{C(r)}(l_r)_c − t_rc     (softmax is 0 outside C(r))
 * </pre>
 * The log-sum-exp subtracts the row maximum and runs in double, so it is finite for any scale; entries outside C(r)
 * are never exponentiated, so masked entries cannot create NaN.
 */
final class SoftmaxRows {
    private SoftmaxRows() {
    }

    /**
     * @param sim        S, rows×cols (unscaled similarities)
     * @param scale      the factor turning similarities into logits (1/τ)
     * @param candidate  C as a rows×cols mask, or null for "every column"
     * @param target     t, rows×cols
     * @param skip       rows to leave out (loss and gradient 0), or null
     * @param loss       out: ℓ_r
     * @param grad       out: ∂ℓ_r/∂l_rc, rows×cols
     * @param gradDotLogit out: Σ_c ∂ℓ_r/∂l_rc · l_rc (what the temperature gradient needs)
     */
    static void crossEntropy(float[] sim, int rows, int cols, double scale, boolean[] candidate, float[] target,
                             boolean[] skip, double[] loss, float[] grad, double[] gradDotLogit) {
        crossEntropy(sim, rows, cols, scale, null, candidate, target, skip, loss, grad, gradDotLogit);
    }

    /**
     * As above with a per-column offset o_c added to every logit, l_rc = scale·S_rc + o_c (e.g. −log q_c, the
     * sampling-bias correction); {@code gradDotLogit} then sums ∂ℓ_r/∂l_rc · scale·S_rc, the offset left out, so it
     * still gives the temperature gradient. {@code offset} null = all 0.
     */
    static void crossEntropy(float[] sim, int rows, int cols, double scale, double[] offset, boolean[] candidate,
                             float[] target, boolean[] skip, double[] loss, float[] grad, double[] gradDotLogit) {
        Finite.similarities(sim, rows, cols);
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            if (skip != null && skip[r]) {
                loss[r] = 0;
                gradDotLogit[r] = 0;
                java.util.Arrays.fill(grad, off, off + cols, 0f);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                if (candidate == null || candidate[off + c]) {
                    max = Math.max(max, scale * sim[off + c] + (offset == null ? 0.0 : offset[c]));
                }
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                if (candidate == null || candidate[off + c]) {
                    sum += Math.exp(scale * sim[off + c] + (offset == null ? 0.0 : offset[c]) - max);
                }
            }
            double lse = max + Math.log(sum);
            double l = lse;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                double scaled = scale * sim[off + c];
                double logit = offset == null ? scaled : scaled + offset[c];
                double p = (candidate == null || candidate[off + c]) ? Math.exp(logit - lse) : 0.0;
                double t = target[off + c];
                if (t != 0) {
                    l -= t * logit;
                }
                double g = p - t;
                grad[off + c] = (float) g;
                if (g != 0) {
                    dot += g * scaled;
                }
            }
            loss[r] = l;
            gradDotLogit[r] = dot;
        }
    }
}
