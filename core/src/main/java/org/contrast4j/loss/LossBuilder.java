package org.contrast4j.loss;

import org.contrast4j.similarity.Similarity;

/**
 * The settings every temperature-scaled loss shares — τ, whether it is learnable, the similarity and the reduction —
 * so each loss's builder declares only its own. Setters validate at once.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class LossBuilder<B extends LossBuilder<B>> {
    Temperature temperature = Temperature.fixed(0.1);
    Similarity similarity = Similarity.COSINE;
    Reduction reduction = Reduction.MEAN;

    abstract B self();

    /** τ &gt; 0 and finite (default 0.1). */
    public B temperature(double tau) {
        temperature = temperature.withTau(tau);
        return self();
    }

    /** Whether the result reports ∂L/∂(log τ) (default false). */
    public B learnableTemperature(boolean learnable) {
        temperature = temperature.withLearnable(learnable);
        return self();
    }

    /** How embeddings are compared (default {@link Similarity#COSINE}). */
    public B similarity(Similarity similarity) {
        this.similarity = Inputs.requireNonNull(similarity, "similarity");
        return self();
    }

    /** How per-row losses are reduced (default {@link Reduction#MEAN}). */
    public B reduction(Reduction reduction) {
        this.reduction = Inputs.requireNonNull(reduction, "reduction");
        return self();
    }

    /** Copies the shared settings of another builder's loss. */
    B copy(Temperature t, Similarity s, Reduction r) {
        temperature = t;
        similarity = s;
        reduction = r;
        return self();
    }
}
