package org.contrast4j.djl.train;

import java.util.List;

/**
 * The outcome of an {@link ImageTrainer} run.
 *
 * @param config the run's configuration
 * @param history one record per epoch, epoch 0 (untrained) first
 * @param headOutputs the projection-head outputs (raw, N_test × projection dim) of the two augmented views of every
 *     test image after the last epoch, as the last evaluation saw them; null when this call trained nothing (a resume
 *     of a finished run)
 */
public record TrainingResult(TrainingConfig config, List<EpochRecord> history, HeadOutputs headOutputs) {
    /** The head outputs of the two test views (copies; row i of each is test image i). */
    public record HeadOutputs(org.contrast4j.linalg.Matrix view1, org.contrast4j.linalg.Matrix view2) {
        public HeadOutputs {
            view1 = view1.copy();
            view2 = view2.copy();
        }
    }

    public TrainingResult {
        history = List.copyOf(history);
        if (history.isEmpty()) {
            throw new IllegalArgumentException("a training result needs at least the epoch-0 record");
        }
    }

    /** The evaluation of the untrained network (epoch 0). */
    public EpochRecord untrained() {
        return history.getFirst();
    }

    /** The last epoch's record. */
    public EpochRecord last() {
        return history.getLast();
    }

    /** Wall time of the run, training and evaluation, in seconds. */
    public double seconds() {
        return last().seconds();
    }
}
