package org.contrast4j.loss;

/**
 * A loss over a class table: B queries h scored against V classes, s(c|h) = h·W_c + b_c, each query with one target
 * class — the softmax over a vocabulary and the sampled objectives that approximate it ({@link FullSoftmax},
 * {@link Nce}, {@link NegativeSampling}, {@link SampledSoftmax}). One {@link ClassBatch} in, value and exact gradients
 * out, in one {@link ClassLossResult} whose class-table gradients are sparse.
 *
 * <p>Implementations are immutable, thread-safe final classes built by a builder whose setters validate at once;
 * {@code toString()} prints the full configuration. Each reads the inputs of the batch it needs and rejects a batch
 * that lacks one (naming it); inputs it does not use are ignored, so one batch can feed every objective.
 */
public interface ClassScoringLoss {

    /**
     * Computes the loss, the gradient for the queries, and the sparse gradients for the class rows and biases it
     * touched.
     *
     * @throws IllegalArgumentException if the batch lacks an input this loss needs, or the correction log E(c) is
     *     undefined for a target or sampled class (q(c) = 0), naming the class and the query
     */
    ClassLossResult compute(ClassBatch batch);
}
