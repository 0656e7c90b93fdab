package org.contrast4j.metric;

import org.contrast4j.linalg.Matrix;

/**
 * The InfoNCE lower bound on mutual information (van den Oord et al., "Representation Learning with Contrastive
 * Predictive Coding", 2018; Poole et al., "On Variational Bounds of Mutual Information", ICML 2019):
 * <pre>
 *   I(X; Y) ≥ log N − L,   L = −(1/N) Σ_i log( exp(s(x_i, y_i)/τ) / Σ_j exp(s(x_i, y_j)/τ) )
 * </pre>
 * in nats, where (x_i, y_i) are N positive pairs (row i of {@code x} and of {@code y}) and every other y_j of the
 * batch serves as a negative for x_i; s is the cosine similarity (rows L2-normalised with norm floor 1e-12) and L is
 * the one-way (x → y) in-batch InfoNCE loss. Since L ≥ 0 the estimate is at most log N: it saturates there and
 * cannot certify more than log N nats however dependent X and Y are (McAllester &amp; Stratos 2020). It is negative
 * when the positives score worse than chance. The bound holds in expectation over batches for any critic; the
 * cosine/τ critic used here is one particular choice, so the bound is valid but possibly loose, and the value of a
 * single batch is an estimate of it.
 *
 * <p>Computed in double with max-subtracted log-sum-exp, in blocks of anchor rows: memory O(block·N), time O(N²·D).
 */
public final class MutualInformation {
    private MutualInformation() {
    }

    /**
     * log N − L for the one-way in-batch InfoNCE loss L of x → y at temperature τ with cosine similarity.
     *
     * @param x N×D, N ≥ 2, D ≥ 1, finite
     * @param y N×D, row i the positive of row i of {@code x}
     * @param temperature τ &gt; 0 and finite
     * @return log N − L in nats, ≤ log N
     * @throws IllegalArgumentException when N &lt; 2, the shapes differ (naming both), an entry is NaN or infinite
     *     (naming its row, column and value), or τ is not &gt; 0 and finite
     */
    public static double infoNceBound(Matrix x, Matrix y, double temperature) {
        return infoNceBound(x, y, temperature, Blocks.DEFAULT_BLOCK);
    }

    static double infoNceBound(Matrix x, Matrix y, double temperature, int block) {
        InBatchLogits.check(x, "x", y, "y", temperature);
        double[] sum = new double[1];
        InBatchLogits.forEachRow(x, y, temperature, true, block,
                (i, logits) -> sum[0] += InBatchLogits.rowLoss(logits, i));
        int n = x.rows();
        return Math.log(n) - sum[0] / n;
    }
}
