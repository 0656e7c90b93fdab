package org.contrast4j.loss;

import org.contrast4j.internal.Checks;

/**
 * The setting every {@link ClassScoringLoss} shares, the reduction, so each loss's builder declares only its own.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class ClassLossBuilder<B extends ClassLossBuilder<B>> {
    Reduction reduction = Reduction.MEAN;

    abstract B self();

    /** How per-query losses are reduced (default {@link Reduction#MEAN}, over the B queries). */
    public B reduction(Reduction reduction) {
        this.reduction = Checks.notNull(reduction, "reduction");
        return self();
    }
}
