package org.contrast4j.loss;

/**
 * Negative sampling (Mikolov, Sutskever, Chen, Corrado &amp; Dean 2013, "Distributed Representations of Words and
 * Phrases and their Compositionality"; word2vec's SGNS): {@link Nce} without the correction for the noise, i.e. a
 * logistic classifier on the raw scores s(c|h) = h·W_c + b_c:
 * <pre>
 *   ℓ_i = −log σ(s(t_i|h_i)) − Σ_{j=1..k} log σ(−s(c_ij|h_i))
 * </pre>
 * and the value is the {@link Reduction} of the per-query ℓ_i (word2vec sums; the default here is the mean, like
 * every loss of the library). It differs from NCE's ℓ exactly by dropping log(k·q(c)) from every logit, so it does
 * not estimate p(c|h): at the optimum s(c|h) = log p(c|h) − log(k·q(c)) (Levy &amp; Goldberg 2014, "Neural word
 * embedding as implicit matrix factorization"), which recovers p only when q is uniform. It is a fine objective for
 * learning representations.
 *
 * <p>Defaults: accidental hits kept (as TF), {@link Reduction#MEAN}. Needs targets and samples (shared or paired);
 * the noise q and the expected counts are not used (and may be present, so the same batch feeds NCE). Result: ∂L/∂h
 * (dense), ∂L/∂W and ∂L/∂b over the touched classes (targets ∪ samples, sparse), terms {@code data} and
 * {@code noise} as for {@link Nce}. No learnable scalar. Immutable and thread-safe.
 */
public final class NegativeSampling implements ClassScoringLoss {
    private static final String NAME = "negative sampling";

    private final boolean removeAccidentalHits;
    private final Reduction reduction;

    private NegativeSampling(Builder b) {
        this.removeAccidentalHits = b.removeAccidentalHits;
        this.reduction = b.reduction;
    }

    /** A builder with the defaults: accidental hits kept, mean. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ClassLossResult compute(ClassBatch batch) {
        return NoiseContrast.compute(batch, NAME, false, 0, false, removeAccidentalHits, reduction);
    }

    @Override
    public String toString() {
        return "NegativeSampling{removeAccidentalHits=" + removeAccidentalHits + ", reduction=" + reduction + "}";
    }

    /** Builds a {@link NegativeSampling}; every setter validates its argument at once. */
    public static final class Builder extends ClassLossBuilder<Builder> {
        private boolean removeAccidentalHits;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Whether sampled classes equal to the target are dropped (default false, as TF). */
        public Builder removeAccidentalHits(boolean remove) {
            removeAccidentalHits = remove;
            return this;
        }

        /** The configured loss. */
        public NegativeSampling build() {
            return new NegativeSampling(this);
        }
    }
}
