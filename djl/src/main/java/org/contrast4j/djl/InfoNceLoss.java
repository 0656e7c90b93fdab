package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * In-batch InfoNCE (van den Oord, Li &amp; Vinyals 2018, "Representation Learning with Contrastive Predictive Coding")
 * as a DJL {@link ai.djl.training.loss.Loss}, and through {@link #clip()} the symmetric CLIP loss (Radford et al. 2021,
 * "Learning Transferable Visual Models From Natural Language Supervision"). Computed with NDArray operations only, so
 * it runs on any DJL engine and device and autograd gives every gradient; it equals
 * {@link org.contrast4j.loss.InfoNce} on in-batch inputs.
 *
 * <p>With anchors a and positives p (N×D, row i of p the positive of a_i), logits l_ij = scale·sim(a_i, p_j):
 * <pre>
 *   ℓ_i = −l_ii + log Σ_j e^{l_ij}                         (anchor → positive)
 *   ℓ_i = ½(ℓ_i^{a→p} + ℓ_i^{p→a}),  ℓ_i^{p→a} = −l_ii + log Σ_j e^{l_ji}     (symmetric)
 * </pre>
 * scale = min(1/τ, max logit scale). The log-sum-exp subtracts the row maximum, so any τ (down to 1e-3) and logits up
 * to 1e4 stay finite.
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [anchors (N×D), positives (N×D)]}, followed by {@code log τ} (a
 * one-element array) when the temperature is learnable — e.g. the output of a {@link TwoViewBlock} whose log τ is a
 * model parameter, so the optimiser updates it and autograd gives ∂L/∂log τ (0 while the scale is clamped, as
 * {@code logit_scale.clamp(max=100)} in open_clip). Labels are not used; DJL's {@code EasyTrain.trainBatch} reads
 * {@code labels.get(0)}, so the dataset must still supply one label array (any, e.g. the class ids).
 *
 * <p>Defaults: τ = 0.1 fixed, no clamp, one-way, {@link Similarity#COSINE}, {@link Reduction#MEAN}; N ≥ 2.
 */
public final class InfoNceLoss extends EmbeddingLoss {
    private static final String DISPLAY = "InfoNCE";
    private final boolean symmetric;

    private InfoNceLoss(Builder b) {
        super(DISPLAY, b);
        this.symmetric = b.symmetric;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * CLIP: symmetric, cosine, learnable temperature (suggested initial τ = 0.07, the paper's), logit scale clamped at
     * 100 (as open_clip). Predictions: {@code [anchors, positives, log τ]}.
     */
    public static Builder clip() {
        return new Builder().symmetric(true).learnableTemperature(true).temperature(0.07).maxLogitScale(100)
                .name("CLIP");
    }

    /** Whether both directions are averaged. */
    public boolean symmetric() {
        return symmetric;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 2, 2, 2);
        NDArray a = Nd.prepare(e[0], similarity);
        NDArray p = Nd.prepare(e[1], similarity);
        NDArray logits = logits(a.matMul(p.transpose()), predictions);
        NDArray positive = logits.diagonal();
        NDArray perRow = Nd.logSumExp(logits, null).sub(positive);
        if (symmetric) {
            NDArray reverse = Nd.logSumExp(logits.transpose(), null).sub(positive);
            perRow = perRow.add(reverse).mul(0.5f);
        }
        return reduce(perRow);
    }

    @Override
    public String toString() {
        return "InfoNceLoss{" + config() + ", symmetric=" + symmetric + "}";
    }

    /** Builds an {@link InfoNceLoss}; every setter validates its argument at once. */
    public static final class Builder extends EmbeddingLoss.Builder<Builder> {
        private boolean symmetric;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** ½(anchor→positive + positive→anchor) (default false). */
        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        /** The largest logit scale 1/τ used, &gt; 0 (default +∞ = no clamp; CLIP: 100). */
        public Builder maxLogitScale(double max) {
            if (!(max > 0)) {
                throw new IllegalArgumentException("maximum logit scale must be > 0, was " + max);
            }
            this.maxLogitScale = max;
            return this;
        }

        /** The configured loss. */
        public InfoNceLoss build() {
            return new InfoNceLoss(this);
        }
    }
}
