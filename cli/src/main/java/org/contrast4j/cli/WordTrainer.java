package org.contrast4j.cli;

import java.util.List;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordVectors;

/**
 * What {@code compare words} needs from a skip-gram trainer: read a corpus once, then train any objective on it
 * with shared settings and report the vectors and the time of each epoch.
 */
interface WordTrainer {

    /** The objectives compared, by their command-line names, in report order. */
    List<String> OBJECTIVES = List.of("neg", "nce", "sampled-softmax", "softmax", "infonce");

    /**
     * Settings shared by every objective of a comparison.
     *
     * @param negatives noise samples per pair k (neg, nce, sampled-softmax)
     * @param noisePower the unigram power of the noise distribution
     * @param dimension vector dimension
     * @param window maximum window (dynamic window: 1…window each side)
     * @param epochs passes over the corpus
     * @param minCount words rarer than this are dropped
     * @param sample frequent-word subsampling threshold t (0 = none)
     * @param learningRate starting learning rate, or null for the objective's default
     * @param temperature InfoNCE temperature τ, or null for the default
     * @param batchSize InfoNCE batch size, or null for the default
     * @param threads Hogwild threads
     * @param seed random seed
     * @param step the sampled objectives' step ({@code pair} or {@code shared}), or null for the default
     */
    record Settings(int negatives, double noisePower, int dimension, int window, int epochs, int minCount,
                    double sample, Double learningRate, Double temperature, Integer batchSize, int threads,
                    long seed, String step) {
        /** Settings with the default step. */
        Settings(int negatives, double noisePower, int dimension, int window, int epochs, int minCount,
                 double sample, Double learningRate, Double temperature, Integer batchSize, int threads, long seed) {
            this(negatives, noisePower, dimension, window, epochs, minCount, sample, learningRate, temperature,
                    batchSize, threads, seed, null);
        }
    }

    /** One finished epoch: wall seconds, corpus words processed, words per second, mean loss per pair. */
    record Epoch(double seconds, long words, double wordsPerSecond, double loss) {
    }

    /** One trained objective: its input vectors (most frequent word first) and its epochs. */
    record Run(String objective, WordVectors vectors, List<Epoch> epochs) {
        public Run {
            epochs = List.copyOf(epochs);
        }

        /** Wall seconds of all epochs. */
        double seconds() {
            return epochs.stream().mapToDouble(Epoch::seconds).sum();
        }

        /**
         * The median epoch time: robust to the first epochs, which include the JIT compilation of the trainer's
         * code (the first objective of a comparison pays most of it).
         */
        double secondsPerEpoch() {
            double[] s = epochs.stream().mapToDouble(Epoch::seconds).sorted().toArray();
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        /** The words of the median epoch over its time. */
        double wordsPerSecond() {
            double[] w = epochs.stream().mapToDouble(Epoch::words).sorted().toArray();
            int n = w.length;
            return (n % 2 == 1 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2) / secondsPerEpoch();
        }

        /** All epochs' words over all epochs' seconds. */
        double overallWordsPerSecond() {
            return epochs.stream().mapToLong(Epoch::words).sum() / seconds();
        }

        double finalLoss() {
            return epochs.get(epochs.size() - 1).loss();
        }
    }

    /** A corpus read into the trainer's form (vocabulary built with the min count). */
    interface Prepared {
        int vocabularySize();

        /** In-vocabulary tokens of one pass. */
        long tokens();

        /**
         * Trains {@code objective} (one of {@link #OBJECTIVES}) from scratch.
         *
         * @param progress receives the run's progress and each finished epoch (may be ignored)
         */
        Run train(String objective, Settings settings, WordsProgress progress);
    }

    /** Reads {@code corpus} once, keeping words seen at least {@code minCount} times. */
    Prepared prepare(TextCorpus corpus, int minCount);
}
