package org.contrast4j.loss;

/**
 * Noise-contrastive estimation (Gutmann &amp; Hyvärinen 2010, "Noise-contrastive estimation: A new estimation principle
 * for unnormalized statistical models"; for language models Mnih &amp; Teh 2012, "A fast and simple algorithm for
 * training neural probabilistic language models"): instead of normalising a softmax over all V classes, each query's
 * target is told apart from k noise samples drawn from a known distribution q by a logistic classifier whose logit is
 * the log-ratio of the model to the noise.
 *
 * <p>With scores s(c|h) = h·W_c + b_c ({@link ClassBatch}), the unnormalised model log-probability s(c|h) − log Z,
 * and the expected count E(c) of class c among the k samples (k·q(c) for sampling with replacement; the batch's
 * per-position {@code expectedCounts} when given, e.g. for unique sampling, as TF's {@code nce_loss}),
 * <pre>
 *   Δ(c) = s(c|h) − log Z − log E(c)
 *   ℓ_i  = −log σ(Δ(t_i)) − Σ_{j=1..k} log σ(−Δ(c_ij))
 * </pre>
 * and the value is the {@link Reduction} of the per-query ℓ_i. NCE is consistent for any q with full support; the
 * larger k, the less the result depends on q.
 *
 * <p>The normaliser: by default log Z = 0 and fixed — the model is trained to be self-normalising, as Mnih &amp; Teh
 * found works as well as learning one normaliser per context. {@code learnableLogNormaliser(true)} treats log Z as
 * one learned scalar (Gutmann &amp; Hyvärinen's c = −log Z) and reports ∂L/∂log Z as {@link Scalar#LOG_NORMALISER};
 * {@code logNormaliser(x)} sets its current value.
 *
 * <p>Accidental hits: by default (as TF's {@code nce_loss}) a sampled class equal to the query's target is kept as a
 * noise sample; {@code removeAccidentalHits(true)} drops those terms exactly (TF subtracts a large number from their
 * logits, which drops them up to rounding). The correction keeps using k, the number of samples drawn.
 *
 * <p>Defaults: log Z = 0, not learnable, accidental hits kept, {@link Reduction#MEAN}. Needs targets, samples (shared
 * or paired) and q or the expected counts; q(c) = 0 for a target or sampled class is an error naming it, never a
 * NaN. Result: ∂L/∂h (dense), ∂L/∂W and ∂L/∂b over the touched classes (targets ∪ samples, sparse), terms
 * {@code data} (−log σ(Δ(t_i)), reduced) and {@code noise} (the sampled terms, reduced), whose sum is the value.
 * Immutable and thread-safe.
 */
public final class Nce implements ClassScoringLoss {
    private static final String NAME = "NCE";

    private final double logNormaliser;
    private final boolean learnableLogNormaliser;
    private final boolean removeAccidentalHits;
    private final Reduction reduction;

    private Nce(Builder b) {
        this.logNormaliser = b.logNormaliser;
        this.learnableLogNormaliser = b.learnableLogNormaliser;
        this.removeAccidentalHits = b.removeAccidentalHits;
        this.reduction = b.reduction;
    }

    /** A builder with the defaults: log Z = 0 fixed, accidental hits kept, mean. */
    public static Builder builder() {
        return new Builder();
    }

    /** The current log Z. */
    public double logNormaliser() {
        return logNormaliser;
    }

    /** This loss with another log Z (e.g. after an optimiser step on it), everything else unchanged. */
    public Nce withLogNormaliser(double logZ) {
        return new Builder().logNormaliser(logZ).learnableLogNormaliser(learnableLogNormaliser)
                .removeAccidentalHits(removeAccidentalHits).reduction(reduction).build();
    }

    @Override
    public ClassLossResult compute(ClassBatch batch) {
        return NoiseContrast.compute(batch, NAME, true, logNormaliser, learnableLogNormaliser, removeAccidentalHits,
                reduction);
    }

    @Override
    public String toString() {
        return "Nce{logNormaliser=" + logNormaliser + ", learnableLogNormaliser=" + learnableLogNormaliser
                + ", removeAccidentalHits=" + removeAccidentalHits + ", reduction=" + reduction + "}";
    }

    /** Builds an {@link Nce}; every setter validates its argument at once. */
    public static final class Builder extends ClassLossBuilder<Builder> {
        private double logNormaliser;
        private boolean learnableLogNormaliser;
        private boolean removeAccidentalHits;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** log Z, finite (default 0: self-normalised). */
        public Builder logNormaliser(double logZ) {
            if (!Double.isFinite(logZ)) {
                throw new IllegalArgumentException("logNormaliser must be finite, was " + logZ);
            }
            logNormaliser = logZ;
            return this;
        }

        /** Whether log Z is learned and ∂L/∂log Z reported as {@link Scalar#LOG_NORMALISER} (default false). */
        public Builder learnableLogNormaliser(boolean learnable) {
            learnableLogNormaliser = learnable;
            return this;
        }

        /** Whether sampled classes equal to the target are dropped (default false, as TF's nce_loss). */
        public Builder removeAccidentalHits(boolean remove) {
            removeAccidentalHits = remove;
            return this;
        }

        /** The configured loss. */
        public Nce build() {
            return new Nce(this);
        }
    }
}
