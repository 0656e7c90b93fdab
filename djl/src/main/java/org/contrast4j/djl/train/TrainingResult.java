package org.contrast4j.djl.train;

import java.util.List;

/**
 * The outcome of an {@link ImageTrainer} run.
 *
 * @param config the run's configuration
 * @param history one record per epoch, epoch 0 (untrained) first
 */
public record TrainingResult(TrainingConfig config, List<EpochRecord> history) {
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
