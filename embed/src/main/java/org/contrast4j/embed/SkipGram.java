package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A skip-gram trainer (Mikolov, Chen, Corrado &amp; Dean 2013, "Efficient Estimation of Word Representations in
 * Vector Space"; Mikolov et al. 2013, "Distributed Representations of Words and Phrases and their
 * Compositionality") whose objective is a switch over the NCE family ({@link Objective}): negative sampling, NCE,
 * sampled softmax, the full softmax, and InfoNCE with in-batch negatives. It learns a V×D input table (the word
 * vectors) and a V×D output table from the (center, context) pairs of a {@link SkipGramCorpus} — words, or item ids
 * for item2vec.
 *
 * <pre>{@code
 * SkipGramCorpus corpus = SkipGramCorpus.ofSentences(text::forEachSentence, 5);
 * SkipGramTraining run = SkipGram.builder().objective(Objective.NEGATIVE_SAMPLING).threads(2).build().train(corpus);
 * Matrix vectors = run.inputVectors();   // row i is corpus.vocabulary().word(i)
 * }</pre>
 *
 * <p>The algorithm is word2vec.c's, step by step:
 * <ul>
 *   <li><b>subsampling</b>: each occurrence of word w is kept with probability
 *       min(1, (√(n_w/(t·T)) + 1)·t·T/n_w) ({@link Vocabulary#keepProbability}), drawn again every epoch;</li>
 *   <li><b>dynamic window</b>: for each kept center word the window is b ~ uniform{1 … window}, and every kept word
 *       within b positions of it in its sentence is a context;</li>
 *   <li><b>learning rate</b>: lr = lr₀·max(1 − words/(epochs·T + 1), 10⁻⁴), words the corpus tokens processed so far
 *       (before subsampling, summed over threads and refreshed every 10,000 words), T the kept tokens per epoch;</li>
 *   <li><b>initialisation</b>: input rows uniform in [−1/D, 1/D) (gensim 4's range, twice word2vec.c's: measured
 *       on SOTU + Brown, +0.7 points of analogy accuracy over word2vec.c's range, mean of three seeds), output rows
 *       zero;</li>
 *   <li><b>Hogwild</b> (Recht, Ré, Wright &amp; Niu 2011): {@link #threads()} threads, each on a contiguous shard of
 *       the sentences, update the shared float tables without locks; with one thread a run is deterministic for a
 *       seed (bit-identical, also across a checkpoint and resume);</li>
 *   <li><b>noise</b>: q(c) ∝ n_c^{noisePower} ({@code org.contrast4j.sample.Unigram}, alias-method draws), k samples
 *       per pair, for neg, NCE and sampled softmax;</li>
 *   <li><b>step</b> ({@link Step}) of neg, NCE and sampled softmax: {@link Step#SHARED} (default) makes a center's
 *       window one SGD step whose context words share one draw of k noise samples, three small products per window
 *       (pWord2Vec, Ji et al. 2016); {@link Step#PAIR} steps pair by pair with k samples each, as word2vec.c;</li>
 *   <li><b>batches</b>: InfoNCE pools {@value SkipGramWorker#SHUFFLE_BATCHES} batches of a thread's pairs, shuffles
 *       them window by window (so a batch's negatives are not its own sentence's topic, and a center's pairs stay
 *       together: the batch is computed once per distinct center, see {@link SkipGramSteps#infoNce}) and steps on
 *       {@link #batchSize()} pairs at a time (default 256), the other pairs' contexts being the negatives,
 *       temperature τ; the full softmax steps on
 *       {@link #batchSize()} centers at a time (default 16), each with all its contexts, through three matrix
 *       products.</li>
 * </ul>
 * Every step is plain SGD on the summed loss of its pairs (the losses' reduction SUM), as word2vec.
 *
 * <p>Defaults: {@link Objective#NEGATIVE_SAMPLING}, the {@link Step#SHARED} step, k = 5 negatives, noise power 0.75, D = 100, window 5, 5 epochs,
 * sample t = 10⁻⁴ (word2vec's default is 10⁻³; 10⁻⁴ suits corpora of a few million words), lr₀ = 0.025
 * (word2vec's for skip-gram; 0.05 for InfoNCE, see {@link #defaultLearningRate}), τ = 0.5 (InfoNCE), batch 256
 * pairs (InfoNCE) or 16 centers (softmax), 1 thread, seed 1. A run whose tables overflow stops with an
 * {@link IllegalStateException} naming the word and the learning rate. Immutable and thread-safe; the returned {@link SkipGramTraining} is not.
 */
public final class SkipGram {
    /** Default k. */
    public static final int DEFAULT_NEGATIVES = 5;
    /** Default noise power α (word2vec). */
    public static final double DEFAULT_NOISE_POWER = 0.75;
    /** Default D. */
    public static final int DEFAULT_DIMENSION = 100;
    /** Default maximum window. */
    public static final int DEFAULT_WINDOW = 5;
    /** Default epochs. */
    public static final int DEFAULT_EPOCHS = 5;
    /** Default subsampling threshold t. */
    public static final double DEFAULT_SAMPLE = 1e-4;
    /** Default temperature of InfoNCE. */
    public static final double DEFAULT_TEMPERATURE = 0.5;
    /** Default step of the sampled objectives. */
    public static final Step DEFAULT_STEP = Step.SHARED;

    /**
     * How the sampled objectives (neg, NCE, sampled softmax) step through a window; the softmax and InfoNCE ignore it.
     * <ul>
     *   <li>{@link #PAIR} ({@code pair}): word2vec.c's and gensim's loop — every (context, center) pair draws its own
     *       k noise samples and is one SGD step (k + 1 dot products, one fused update of k + 1 output rows);</li>
     *   <li>{@link #SHARED} ({@code shared}): pWord2Vec's scheme (Ji, Shin, Sundaram &amp; Dubey 2016, "Parallelizing
     *       Word2Vec in Shared and Distributed Memory"; BlazingText, Gupta &amp; Khare 2017) — the m context words of
     *       one center's window share one draw of k noise samples, and the window is one SGD step on the summed loss
     *       of its m pairs: S = X·Yᵀ (m × (k + 1) scores, X the context words' input rows, Y the rows of the center
     *       and the samples), then ΔX = G·Y and ΔY = Gᵀ·X, three small matrix products on rows that stay in cache, and
     *       m times fewer noise draws. The pairs trained are the same; each pair's negatives are still k independent
     *       draws from q (only shared within a window), and for NCE and sampled softmax the log(k·q) correction is
     *       unchanged.</li>
     * </ul>
     */
    public enum Step {
        /** One SGD step per pair, k samples each (word2vec.c). */
        PAIR("pair"),
        /** One SGD step per window, k samples shared by its context words (pWord2Vec). */
        SHARED("shared");

        private final String key;

        Step(String key) {
            this.key = key;
        }

        /** {@code pair} or {@code shared}. */
        public String key() {
            return key;
        }

        /**
         * The step named {@code name} (its key or enum name, case-insensitive).
         *
         * @throws IllegalArgumentException naming the accepted keys
         */
        public static Step parse(String name) {
            if (name != null) {
                String n = name.trim().toLowerCase(Locale.ROOT);
                for (Step st : values()) {
                    if (st.key.equals(n) || st.name().toLowerCase(Locale.ROOT).equals(n)) {
                        return st;
                    }
                }
            }
            throw new IllegalArgumentException("unknown step '" + name + "': use pair or shared");
        }
    }

    private final Objective objective;
    private final int negatives;
    private final double noisePower;
    private final int dimension;
    private final int window;
    private final int epochs;
    private final double sample;
    private final double learningRate;
    private final double temperature;
    private final int batchSize;
    private final int threads;
    private final long seed;
    private final Step step;

    private SkipGram(Builder b) {
        this.objective = b.objective;
        this.negatives = b.negatives;
        this.noisePower = b.noisePower;
        this.dimension = b.dimension;
        this.window = b.window;
        this.epochs = b.epochs;
        this.sample = b.sample;
        this.learningRate = Double.isNaN(b.learningRate) ? defaultLearningRate(b.objective) : b.learningRate;
        this.temperature = b.temperature;
        this.batchSize = b.batchSize > 0 ? b.batchSize : defaultBatchSize(b.objective);
        this.threads = b.threads;
        this.seed = b.seed;
        this.step = b.step;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder().objective(objective).negatives(negatives).noisePower(noisePower).dimension(dimension)
                .window(window).epochs(epochs).sample(sample).learningRate(learningRate).temperature(temperature)
                .batchSize(batchSize).threads(threads).seed(seed).step(step);
    }

    /**
     * The starting learning rate of an objective when none is set: 0.025 (word2vec's skip-gram rate) for the sampled
     * objectives and the softmax; 0.05 for InfoNCE (at τ = 0.5; its gradients carry 1/τ: on Brown, lr/τ = 0.4
     * diverged in the first epoch, 0.02 barely moved the loss from log B).
     */
    public static double defaultLearningRate(Objective objective) {
        return objective == Objective.INFONCE ? 0.05 : 0.025;
    }

    /** The batch size of an objective when none is set: 256 pairs for InfoNCE, 16 centers for the softmax, else 1. */
    public static int defaultBatchSize(Objective objective) {
        return switch (objective) {
            case INFONCE -> 256;
            case SOFTMAX -> 16;
            default -> 1;
        };
    }

    /**
     * Starts a run on {@code corpus}: allocates and initialises the tables (seeded) and the noise distribution; call
     * {@link SkipGramTraining#runEpoch} {@link #epochs()} times, or use {@link #train}.
     *
     * @throws IllegalArgumentException if a sampled objective's vocabulary has fewer than k + 1 words, InfoNCE's
     *                                  fewer than 2, or V·D exceeds a Java array
     */
    public SkipGramTraining start(SkipGramCorpus corpus) {
        Checks.notNull(corpus, "corpus");
        return SkipGramTraining.start(this, corpus);
    }

    /** {@link #start} and every epoch; returns the finished run. */
    public SkipGramTraining train(SkipGramCorpus corpus) {
        SkipGramTraining run = start(corpus);
        while (run.epochsDone() < epochs) {
            run.runEpoch(null);
        }
        return run;
    }

    public Objective objective() {
        return objective;
    }

    /** k, noise samples per pair (neg, NCE, sampled softmax). */
    public int negatives() {
        return negatives;
    }

    /** α of the noise q(c) ∝ n_c^α. */
    public double noisePower() {
        return noisePower;
    }

    /** D. */
    public int dimension() {
        return dimension;
    }

    /** The maximum window b. */
    public int window() {
        return window;
    }

    public int epochs() {
        return epochs;
    }

    /** The subsampling threshold t (0 = none). */
    public double sample() {
        return sample;
    }

    /** lr₀. */
    public double learningRate() {
        return learningRate;
    }

    /** τ of InfoNCE. */
    public double temperature() {
        return temperature;
    }

    /** Pairs per InfoNCE batch, centers per softmax batch (1 for the per-pair objectives). */
    public int batchSize() {
        return batchSize;
    }

    public int threads() {
        return threads;
    }

    public long seed() {
        return seed;
    }

    /** The step of the sampled objectives ({@link Step}); ignored by the softmax and InfoNCE. */
    public Step step() {
        return step;
    }

    /** The settings that differ between this trainer and {@code other}, as "name this vs other" strings. */
    List<String> differences(SkipGram other) {
        List<String> diff = new ArrayList<>();
        differ(diff, "objective", objective.key(), other.objective.key());
        differ(diff, "negatives", negatives, other.negatives);
        differ(diff, "noisePower", noisePower, other.noisePower);
        differ(diff, "dimension", dimension, other.dimension);
        differ(diff, "window", window, other.window);
        differ(diff, "epochs", epochs, other.epochs);
        differ(diff, "sample", sample, other.sample);
        differ(diff, "learningRate", learningRate, other.learningRate);
        differ(diff, "temperature", temperature, other.temperature);
        differ(diff, "batchSize", batchSize, other.batchSize);
        differ(diff, "threads", threads, other.threads);
        differ(diff, "seed", seed, other.seed);
        differ(diff, "step", step.key(), other.step.key());
        return diff;
    }

    private static void differ(List<String> diff, String name, Object a, Object b) {
        if (!a.equals(b)) {
            diff.add(name + " " + a + " vs " + b);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SkipGram s && differences(s).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(objective, negatives, noisePower, dimension, window, epochs, sample, learningRate,
                temperature, batchSize, threads, seed, step);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SkipGram{objective=%s, negatives=%d, noisePower=%s, dimension=%d,"
                        + " window=%d, epochs=%d, sample=%s, learningRate=%s, temperature=%s, batchSize=%d, threads=%d,"
                        + " seed=%d, step=%s}", objective.key(), negatives, noisePower, dimension, window, epochs,
                sample, learningRate, temperature, batchSize, threads, seed, step.key());
    }

    /** Builds a {@link SkipGram}; every setter validates its argument at once. */
    public static final class Builder {
        private Objective objective = Objective.NEGATIVE_SAMPLING;
        private int negatives = DEFAULT_NEGATIVES;
        private double noisePower = DEFAULT_NOISE_POWER;
        private int dimension = DEFAULT_DIMENSION;
        private int window = DEFAULT_WINDOW;
        private int epochs = DEFAULT_EPOCHS;
        private double sample = DEFAULT_SAMPLE;
        private double learningRate = Double.NaN;
        private double temperature = DEFAULT_TEMPERATURE;
        private int batchSize;
        private int threads = 1;
        private long seed = 1;
        private Step step = DEFAULT_STEP;

        private Builder() {
        }

        /** The objective (default negative sampling). */
        public Builder objective(Objective objective) {
            Checks.notNull(objective, "objective");
            this.objective = objective;
            return this;
        }

        /** k ≥ 1 noise samples per pair (default 5). */
        public Builder negatives(int k) {
            Checks.atLeast(k, 1, "negatives k");
            this.negatives = k;
            return this;
        }

        /** α ≥ 0 of q(c) ∝ n_c^α (default 0.75; 1 = unigram, 0 = uniform). */
        public Builder noisePower(double alpha) {
            if (!(alpha >= 0) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("noisePower must be finite and >= 0, was " + alpha);
            }
            this.noisePower = alpha;
            return this;
        }

        /** D ≥ 1 (default 100). */
        public Builder dimension(int d) {
            Checks.atLeast(d, 1, "dimension");
            this.dimension = d;
            return this;
        }

        /** The maximum window ≥ 1 (default 5). */
        public Builder window(int window) {
            Checks.atLeast(window, 1, "window");
            this.window = window;
            return this;
        }

        /** Epochs ≥ 1 (default 5). */
        public Builder epochs(int epochs) {
            Checks.atLeast(epochs, 1, "epochs");
            this.epochs = epochs;
            return this;
        }

        /** The subsampling threshold t ≥ 0 (default 1e-4; 0 keeps every word). */
        public Builder sample(double t) {
            if (!(t >= 0) || !Double.isFinite(t)) {
                throw new IllegalArgumentException("sample must be finite and >= 0, was " + t);
            }
            this.sample = t;
            return this;
        }

        /**
         * lr₀ &gt; 0, the starting learning rate (default {@link #defaultLearningRate}: 0.025, 0.05 for InfoNCE).
         */
        public Builder learningRate(double lr) {
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("learningRate must be finite and > 0, was " + lr);
            }
            this.learningRate = lr;
            return this;
        }

        /** τ &gt; 0 of InfoNCE (default 0.5). */
        public Builder temperature(double tau) {
            if (!(tau > 0) || !Double.isFinite(tau)) {
                throw new IllegalArgumentException("temperature must be finite and > 0, was " + tau);
            }
            this.temperature = tau;
            return this;
        }

        /** Pairs per InfoNCE batch (≥ 2, default 256), centers per softmax batch (≥ 1, default 16). */
        public Builder batchSize(int size) {
            Checks.atLeast(size, 1, "batchSize");
            this.batchSize = size;
            return this;
        }

        /** Hogwild threads ≥ 1 (default 1: deterministic). */
        public Builder threads(int threads) {
            Checks.atLeast(threads, 1, "threads");
            this.threads = threads;
            return this;
        }

        /** The seed of the initial tables and of every random draw (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The step of the sampled objectives (default {@link #DEFAULT_STEP}): {@link Step#PAIR} or
         * {@link Step#SHARED}.
         */
        public Builder step(Step step) {
            Checks.notNull(step, "step");
            this.step = step;
            return this;
        }

        /**
         * The configured trainer. With the {@link Step#SHARED} step on the Vector API kernels, this also starts
         * compiling those kernels on a background thread (once per JVM, a second or two of one CPU), so that they
         * run compiled from the first window of the first epoch (see {@code SkipGramTraining#runEpoch}).
         *
         * @throws IllegalArgumentException if InfoNCE's batch size is 1 (it needs another pair as a negative)
         */
        public SkipGram build() {
            if (objective == Objective.INFONCE && batchSize == 1) {
                throw new IllegalArgumentException("InfoNCE needs batchSize >= 2 (the other pairs are the negatives),"
                        + " was 1");
            }
            if (step == Step.SHARED && objective.sampled()) {
                try {
                    SkipGramMath.active().warmUpInBackground();
                } catch (RuntimeException e) {
                    // a bad -Dcontrast4j.kernel: reported by the first epoch, which calls active() again
                }
            }
            return new SkipGram(this);
        }
    }
}
