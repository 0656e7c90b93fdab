package org.contrast4j.loss;

import org.contrast4j.similarity.Similarity;

/**
 * {@link LossBuilder} plus the temperature every softmax- or sigmoid-type loss shares: τ and whether it is learnable.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class TemperatureLossBuilder<B extends TemperatureLossBuilder<B>> extends LossBuilder<B> {
    Temperature temperature = Temperature.fixed(0.1);

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

    /** Copies the shared settings of an existing loss (for {@code withTemperature}). */
    B copy(Temperature t, Similarity s, Reduction r) {
        temperature = t;
        similarity = s;
        reduction = r;
        return self();
    }
}
