package org.contrast4j.metric;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * Streams the in-batch logits l_ij = ⟨x_i, y_j⟩ / τ of every anchor i against all N candidates, one block of anchor
 * rows at a time: one {@link org.contrast4j.linalg.Kernels#gemm} of the block against all candidates, then each row is
 * handed to a visitor as doubles. Memory O(block·N); the N×N logit matrix is never held.
 */
final class InBatchLogits {
    /** Receives the N logits of anchor {@code i}; the array is reused for the next row. */
    interface RowVisitor {
        void row(int i, double[] logits);
    }

    private InBatchLogits() {
    }

    /** Checks anchors and candidates (same shape N×D, N ≥ 2, D ≥ 1, finite) and τ (&gt; 0, finite). */
    static void check(Matrix anchors, String anchorName, Matrix candidates, String candidateName, double tau) {
        String why = "each anchor needs its positive and at least one negative";
        Checks.rows(anchors, anchorName, 2, why);
        Checks.rows(candidates, candidateName, 2, why);
        Checks.sameShape(anchors, anchorName, candidates, candidateName);
        Checks.positive(tau, "temperature");
    }

    /**
     * Prepares anchors and candidates (cosine or dot) and visits each anchor's logits in order i = 0 … N−1. The
     * inputs must have passed {@link #check}.
     */
    static void forEachRow(Matrix anchors, Matrix candidates, double tau, boolean normalize, int block,
                           RowVisitor visitor) {
        Checks.atLeast(block, 1, "block");
        Matrix x = Blocks.prepare(anchors, normalize);
        Matrix y = Blocks.prepare(candidates, normalize);
        int n = x.rows();
        int rows = Blocks.rowsPerBlock(block, n);
        double[] logits = new double[n];
        Matrix buffer = null;
        for (int i0 = 0; i0 < n; i0 += rows) {
            int i1 = Math.min(n, i0 + rows);
            Matrix a = x.copyRows(i0, i1);
            buffer = Blocks.buffer(buffer, i1 - i0, n);
            Blocks.product(a, y, buffer);
            float[] s = buffer.data();
            for (int i = i0; i < i1; i++) {
                int off = (i - i0) * n;
                for (int j = 0; j < n; j++) {
                    double dot = s[off + j];
                    if (!Double.isFinite(dot)) {
                        dot = Blocks.dotDouble(x, i, y, j); // the float32 product overflowed: redo it in double
                    }
                    logits[j] = dot / tau;
                }
                visitor.row(i, logits);
            }
        }
    }

    /** −log softmax(l)_i = log Σ_j exp(l_j) − l_i, max-subtracted: the InfoNCE loss of a row whose positive is i. */
    static double rowLoss(double[] logits, int positive) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum) - logits[positive];
    }
}
