package org.contrast4j.loss;

/**
 * How a loss turns its per-row losses into the value it reports and differentiates.
 * Skipped rows (a SupCon anchor with no positive) count in none of them.
 */
public enum Reduction {
    /** The mean over the rows that were not skipped (the default). */
    MEAN,
    /** The sum over the rows. */
    SUM,
    /**
     * No reduction: the per-row losses are the result. The value and the gradients are those of the sum, which is
     * what PyTorch's {@code loss(reduction='none').backward(torch.ones(N))} computes.
     */
    NONE
}
