package org.contrast4j.loss;

/**
 * A contrastive loss: one {@link Batch} in, value and exact gradients out, in one {@link LossResult}.
 *
 * <p>Implementations are immutable, thread-safe final classes built by a builder whose setters validate at once;
 * {@code toString()} prints the full configuration. Each reads the inputs of the batch it needs and rejects a batch
 * that lacks one (naming it), so the same batch can be fed to several losses for comparison.
 */
public interface ContrastiveLoss {

    /**
     * Computes the loss and the gradient with respect to every raw input it uses and every learnable scalar.
     *
     * @throws IllegalArgumentException if the batch lacks an input this loss needs, or leaves an anchor without any
     *     negative candidate (naming the row)
     */
    LossResult compute(Batch batch);
}
