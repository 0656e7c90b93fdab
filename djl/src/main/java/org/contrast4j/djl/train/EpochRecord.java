package org.contrast4j.djl.train;

/**
 * What one epoch of an {@link ImageTrainer} run produced.
 *
 * @param epoch 1, 2, …; 0 is the evaluation of the untrained network before training
 * @param loss mean training objective over the epoch's steps (NaN for epoch 0)
 * @param temperature τ at the end of the epoch (the configured τ when fixed)
 * @param seconds training and evaluation time of the run so far, in seconds (across resumes)
 * @param evaluation the held-out evaluation after the epoch
 */
public record EpochRecord(int epoch, double loss, double temperature, double seconds, Evaluation evaluation) {
}
