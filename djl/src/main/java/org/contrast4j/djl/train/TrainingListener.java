package org.contrast4j.djl.train;

/**
 * Receives an {@link ImageTrainer} run's progress (for progress bars and logs). Every method has an empty default.
 * A listener that throws stops the run; the last complete checkpoint stays valid.
 */
public interface TrainingListener {
    /** Training epochs {@code firstEpoch}…{@code lastEpoch} are about to run, {@code stepsPerEpoch} steps each. */
    default void started(int firstEpoch, int lastEpoch, int stepsPerEpoch) {
    }

    /** Step {@code step} (1-based) of {@code epoch} finished with objective value {@code loss}. */
    default void step(int epoch, int step, double loss) {
    }

    /** The held-out evaluation after {@code epoch} (0 = untrained) begins. */
    default void evaluating(int epoch) {
    }

    /** Epoch {@code record.epoch()} finished, was evaluated and (when configured) checkpointed. */
    default void epochFinished(EpochRecord record) {
    }
}
