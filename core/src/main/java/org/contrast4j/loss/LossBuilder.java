package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import org.contrast4j.similarity.Similarity;

/**
 * The settings every loss shares — the similarity and the reduction — so each loss's builder declares only its own.
 * Setters validate at once.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class LossBuilder<B extends LossBuilder<B>> {
    Similarity similarity = Similarity.COSINE;
    Reduction reduction = Reduction.MEAN;

    abstract B self();

    /**
     * How embeddings are compared (default {@link Similarity#COSINE}; for the distance losses, COSINE measures
     * distances between unit vectors and DOT between the raw ones).
     */
    public B similarity(Similarity similarity) {
        this.similarity = Checks.notNull(similarity, "similarity");
        return self();
    }

    /** How per-row losses are reduced (default {@link Reduction#MEAN}). */
    public B reduction(Reduction reduction) {
        this.reduction = Checks.notNull(reduction, "reduction");
        return self();
    }
}
