package org.contrast4j.djl.train;

import org.contrast4j.djl.data.LabeledImages;

/**
 * Reference points for a trained representation. The untrained encoder is the epoch-0 record of every
 * {@link ImageTrainer} run ({@link TrainingResult#untrained()}: same architecture and seed, no training); raw pixels
 * are computed here.
 */
public final class Baselines {
    private Baselines() {
    }

    /**
     * The raw-pixel baseline with {@code config}'s evaluation settings: kNN and the linear probe on the rows·cols
     * pixel values in [0, 1]; alignment, uniformity, effective rank and effective negatives (at the configured τ) on
     * the L2-normalised pixels of the same two augmented views of each test image the trainer's evaluation uses.
     *
     * @throws IllegalArgumentException when the two sets' image sizes differ or do not match the augmentation, or the
     *     data are too small for the evaluation (k &gt; training images, fewer than 2 test images)
     */
    public static Evaluation rawPixels(LabeledImages train, LabeledImages test, TrainingConfig config) {
        ImageTrainer.checkData(config, train, test);
        return new Evaluator(train, test, config.augment(), config.seed(), config.knnK(), config.probeSteps())
                .evaluatePixels(config.temperature());
    }
}
