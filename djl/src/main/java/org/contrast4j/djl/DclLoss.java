package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * Decoupled contrastive learning, DCL and its weighted form DCLW (Yeh et al. 2022, "Decoupled Contrastive Learning",
 * Eq. 6), as a DJL {@link ai.djl.training.loss.Loss} on NDArrays; equals {@link org.contrast4j.loss.Dcl}.
 *
 * <p>The positive pair is removed from the denominator. With z = [a; p] (2N×D), row k's partner k' = k ± N and
 * l_kl = scale·sim(z_k, z_l):
 * <pre>
 *   ℓ_k = −w_k·l_kk' + log Σ_{l ∉ {k, k'}} e^{l_kl}
 * </pre>
 * — one log-sum-exp over the other samples of both views, as the paper's Eq. 6 (not two per-view log-sum-exps).
 * DCL: w_k = 1. DCLW: w_i = 2 − N·softmax_i(sim(a_i, p_i)/σ) over the batch, the same for row i and its partner, a
 * constant (no gradient flows through it). Reduced over the 2N rows.
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [view 1 (N×D), view 2 (N×D)]}, then {@code log τ} when learnable.
 * Labels are not used.
 *
 * <p>Defaults: τ = 0.1 fixed, unweighted, σ = 0.5, {@link Similarity#COSINE}, {@link Reduction#MEAN}; N ≥ 2.
 */
public final class DclLoss extends EmbeddingLoss {
    private final boolean weighted;
    private final double sigma;

    private DclLoss(Builder b) {
        super(b.weighted ? "DCLW" : "DCL", b);
        this.weighted = b.weighted;
        this.sigma = b.sigma;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 2, 2, 2);
        int n = Math.toIntExact(e[0].getShape().get(0));
        NDArray a = Nd.prepare(e[0], similarity);
        NDArray p = Nd.prepare(e[1], similarity);
        NDArray z = NDArrays.concat(new NDList(a, p));
        NDArray logits = logits(z.matMul(z.transpose()), predictions);
        NDArray partner = Nd.partners(z, n);
        NDArray candidates = Nd.eye(z, 2 * n).logicalOr(partner).logicalNot();
        NDArray positive = Nd.rowSum(logits, Nd.asWeights(partner, logits));
        if (weighted) {
            NDArray w = a.mul(p).sum(new int[] {1}).div((float) sigma).softmax(0).mul(-n).add(2f).stopGradient();
            positive = positive.mul(NDArrays.concat(new NDList(w, w)));
        }
        return reduce(Nd.logSumExp(logits, candidates).sub(positive));
    }

    @Override
    public String toString() {
        return "DclLoss{" + config() + ", weighted=" + weighted + (weighted ? ", sigma=" + sigma : "") + "}";
    }

    /** Builds a {@link DclLoss}; every setter validates its argument at once. */
    public static final class Builder extends EmbeddingLoss.Builder<Builder> {
        private boolean weighted;
        private double sigma = 0.5;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** DCLW: weight the positive term by the von Mises–Fisher weights (default false = DCL). */
        public Builder weighted(boolean weighted) {
            this.weighted = weighted;
            return this;
        }

        /** σ of the DCLW weighting, &gt; 0 and finite (default 0.5). */
        public Builder sigma(double sigma) {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("sigma must be > 0 and finite, was " + sigma);
            }
            this.sigma = sigma;
            return this;
        }

        /** The configured loss. */
        public DclLoss build() {
            return new DclLoss(this);
        }
    }
}
