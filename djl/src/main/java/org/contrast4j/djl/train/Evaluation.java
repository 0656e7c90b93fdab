package org.contrast4j.djl.train;

/**
 * How good a representation is on held-out images, as measured by {@link ImageTrainer} after every epoch (and
 * before the first, for the untrained network) and by {@link Baselines}.
 *
 * @param knnAccuracy accuracy of k-nearest-neighbour classification (cosine, k = 20 by default) of the test images'
 *     <em>encoder outputs</em> against the training images' (no augmentation)
 * @param linearProbeAccuracy accuracy of a multinomial logistic regression trained on the training images' encoder
 *     outputs, on the test images' (see {@code LinearProbe})
 * @param alignment L_align (α = 2) between the L2-normalised <em>projection-head outputs</em> of two augmented
 *     views of each test image: in [0, 4], lower is better (Wang &amp; Isola 2020)
 * @param uniformity L_unif (t = 2) of the normalised head outputs of the first views: ≤ 0, lower is more uniform,
 *     0 is total collapse
 * @param effectiveRank effective rank (Roy &amp; Vetterli 2007) of the uncentred second moment E[ẑẑᵀ] of the
 *     normalised head outputs of the first views: in [1, projection dim], 1 when every output points the same way
 *     (collapse to a point or a line through the origin)
 * @param effectiveNegatives mean over the test images of the effective number of negatives exp(H(softmax)) of
 *     in-batch InfoNCE at {@code temperature}, view 1 against view 2 over all test images (Wang &amp; Liu 2021); small
 *     means the gradient would concentrate on a few hard negatives
 * @param temperature the τ of {@code effectiveNegatives} (the run's training τ)
 */
public record Evaluation(double knnAccuracy, double linearProbeAccuracy, double alignment, double uniformity,
                         double effectiveRank, double effectiveNegatives, double temperature) {
}
