package org.contrast4j.spark;

import java.io.Serializable;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;

/** The serializable settings the executors need (a copy of a {@link SkipGram}'s plus the distribution). */
record Settings(Objective objective, int negatives, double noisePower, int dimension, int window, int epochs,
                double sample, double learningRate, double temperature, int batchSize, long seed, int minCount,
                int partitions, int rounds, SkipGram.Step step) implements Serializable {

    static Settings of(SkipGram c, int minCount, int partitions, int rounds) {
        return new Settings(c.objective(), c.negatives(), c.noisePower(), c.dimension(), c.window(), c.epochs(),
                c.sample(), c.learningRate(), c.temperature(), c.batchSize(), c.seed(), minCount, partitions, rounds,
                c.step());
    }

    /** These settings with {@code rounds} rounds per epoch. */
    Settings withRounds(int rounds) {
        return new Settings(objective, negatives, noisePower, dimension, window, epochs, sample, learningRate,
                temperature, batchSize, seed, minCount, partitions, rounds, step);
    }

    /**
     * Whether the pairs are trained window by window with shared noise ({@link SkipGram.Step#SHARED}, neg, NCE and
     * sampled softmax): then the pair maker files each window's pairs of one input block as one group.
     */
    boolean sharedStep() {
        return step == SkipGram.Step.SHARED && (objective == Objective.NEGATIVE_SAMPLING || objective == Objective.NCE
                || objective == Objective.SAMPLED_SOFTMAX);
    }

    /** Sub-iterations per epoch: P strata in each of the rounds. */
    int subIterations() {
        return partitions * rounds;
    }

    /** The salt of the input blocks in a round (a new blocking every round). */
    long inSalt(int round) {
        return Blocks.mix(seed, 0x1A, round);
    }

    /** The salt of the output blocks in a round. */
    long outSalt(int round) {
        return Blocks.mix(seed, 0x2B, round);
    }
}
