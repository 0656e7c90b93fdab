package org.contrast4j.embed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.sample.Unigram;

/**
 * One {@link SkipGram} run in progress: the shared input and output tables, the random streams of its threads, and
 * the epochs done so far. {@link #runEpoch} trains one epoch; {@link #checkpoint} writes everything needed to go on
 * (tables, vocabulary, epoch, random states, settings) atomically to a file, and {@link #resume} continues from it —
 * exactly: with one thread the resumed run is bit-identical to one that was never interrupted.
 *
 * <p>Words per second count the corpus tokens processed (in-vocabulary, before subsampling), as word2vec.c reports
 * them. The loss of an epoch is the mean per-pair loss: for neg, NCE and sampled softmax estimated on one pair in
 * {@value SkipGramWorker#LOSS_EVERY} (computing it for all would cost a logarithm per sample), exact for the softmax
 * and InfoNCE (per pair, resp. per non-skipped batch row).
 *
 * <p>Not thread-safe: drive a run from one thread (it starts its own workers).
 */
public final class SkipGramTraining {
    /** How often {@link #runEpoch} reports progress, in milliseconds. */
    static final long PROGRESS_MILLIS = 1000;

    /** One finished epoch: its number (1-based), wall seconds, corpus words, words/s and mean loss per pair. */
    public record Epoch(int epoch, double seconds, long words, double wordsPerSecond, double loss, long pairs) {
    }

    /** Progress within an epoch: words done of the epoch's, words/s so far, the current learning rate. */
    public record Progress(int epoch, int epochs, long words, long epochWords, double wordsPerSecond,
                           double learningRate) {
    }

    private final SkipGram config;
    final SkipGramCorpus corpus;
    final float[] in;
    final float[] out;
    final float[] keep;
    final Unigram noise;
    final float[] logCorrection;
    /** One random state per shard (= thread). */
    final long[] randomStates;
    private final int[] shardStarts;
    private final List<Epoch> epochs;

    SkipGramTraining(SkipGram config, SkipGramCorpus corpus, float[] in, float[] out, long[] randomStates,
                     List<Epoch> epochs) {
        this.config = config;
        this.corpus = corpus;
        this.in = in;
        this.out = out;
        this.randomStates = randomStates;
        this.epochs = new ArrayList<>(epochs);
        Vocabulary vocab = corpus.vocabulary();
        int v = vocab.size();
        this.keep = new float[v];
        for (int i = 0; i < v; i++) {
            keep[i] = (float) vocab.keepProbability(i, config.sample());
        }
        this.noise = Unigram.of(vocab.counts(), config.noisePower());
        this.logCorrection = new float[v];
        for (int i = 0; i < v; i++) {
            logCorrection[i] = (float) Math.log(config.negatives() * noise.probability(i));
        }
        this.shardStarts = shards(corpus, config.threads());
    }

    static SkipGramTraining start(SkipGram config, SkipGramCorpus corpus) {
        Vocabulary vocab = corpus.vocabulary();
        int v = vocab.size();
        int d = config.dimension();
        check(config, v);
        TrainerRandom init = TrainerRandom.of(config.seed(), 0);
        float[] in = new float[v * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (init.nextFloat() - 0.5f) * 2f / d;   // uniform in [−1/D, 1/D), as gensim 4
        }
        long[] states = new long[config.threads()];
        for (int s = 0; s < states.length; s++) {
            states[s] = TrainerRandom.of(config.seed(), s + 1).state();
        }
        return new SkipGramTraining(config, corpus, in, new float[v * d], states, List.of());
    }

    static void check(SkipGram config, int v) {
        Objective o = config.objective();
        int k = config.negatives();
        if (o.sampled() && v < k + 1) {
            throw new IllegalArgumentException("the vocabulary has " + v + " word" + (v == 1 ? "" : "s") + " but "
                    + o.key() + " with k = " + k + " negatives needs at least k + 1 = " + (k + 1)
                    + " (lower the negatives or the minimum count)");
        }
        if (!o.sampled() && v < 2) {
            throw new IllegalArgumentException("the vocabulary has 1 word: " + o.key() + " needs at least 2");
        }
        if ((long) v * config.dimension() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("V·D = " + v + "·" + config.dimension() + " exceeds a Java array (2^31"
                    + " floats): lower the dimension or raise the minimum count");
        }
    }

    /** Contiguous sentence ranges with about T/threads tokens each (shard i is sentences [s_i, s_{i+1})). */
    private static int[] shards(SkipGramCorpus corpus, int threads) {
        int[] starts = corpus.startArray();
        int sentences = corpus.sentences();
        long total = corpus.tokens();
        int[] cut = new int[threads + 1];
        int s = 0;
        for (int i = 1; i < threads; i++) {
            long goal = total * i / threads;
            while (s < sentences && starts[s] < goal) {
                s++;
            }
            cut[i] = s;
        }
        cut[threads] = sentences;
        return cut;
    }

    /**
     * Trains the next epoch with {@link SkipGram#threads()} Hogwild threads; {@code progress} (may be null) is called
     * from this thread about once a second.
     *
     * @throws IllegalStateException if every epoch is done already, or the tables hold a NaN or infinity after the
     *                               epoch (the learning rate is too large), naming the word
     */
    public Epoch runEpoch(Consumer<Progress> progress) {
        if (epochsDone() >= config.epochs()) {
            throw new IllegalStateException("all " + config.epochs() + " epochs are done");
        }
        int epoch = epochsDone() + 1;
        long epochWords = corpus.tokens();
        long before = (long) epochsDone() * epochWords;
        AtomicLong done = new AtomicLong(before);
        int threads = config.threads();
        SkipGramWorker[] workers = new SkipGramWorker[threads];
        TrainerRandom[] randoms = new TrainerRandom[threads];
        Thread[] running = new Thread[threads];
        long t0 = System.nanoTime();
        if (config.step() == SkipGram.Step.SHARED && config.objective().sampled()) {
            SkipGramMath.active().warmUp();   // ends at once when done before; else its time counts in the epoch's
        }
        // the Hogwild threads are the parallelism: InfoNCE's and the softmax's products run single-threaded in each
        Kernels.Scope blas = threads > 1 ? Kernels.singleThreadedCalls() : null;
        for (int i = 0; i < threads; i++) {
            randoms[i] = TrainerRandom.restore(randomStates[i]);
            workers[i] = new SkipGramWorker(this, shardStarts[i], shardStarts[i + 1], randoms[i], done);
            running[i] = new Thread(workers[i], "skipgram-" + epoch + "-" + i);
            running[i].start();
        }
        try {
            for (Thread t : running) {
                while (t.isAlive()) {
                    t.join(PROGRESS_MILLIS);
                    if (progress != null) {
                        double secs = (System.nanoTime() - t0) / 1e9;
                        long w = done.get() - before;
                        double lr0 = config.learningRate();
                        double lr = Math.max(lr0 * (1 - done.get() / ((double) config.epochs() * epochWords + 1)),
                                lr0 * 1e-4);
                        progress.accept(new Progress(epoch, config.epochs(), w, epochWords, w / Math.max(secs, 1e-9),
                                lr));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Thread t : running) {
                t.interrupt();
            }
            throw new IllegalStateException("interrupted while training epoch " + epoch, e);
        } finally {
            if (blas != null) {
                blas.close();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double lossSum = 0;
        long lossPairs = 0;
        long pairs = 0;
        for (int i = 0; i < threads; i++) {
            if (workers[i].failure != null) {
                throw new IllegalStateException("training thread " + i + " failed: " + workers[i].failure,
                        workers[i].failure);
            }
            lossSum += workers[i].lossSum;
            lossPairs += workers[i].lossPairs;
            pairs += workers[i].pairs;
            randomStates[i] = randoms[i].state();
        }
        Epoch e = new Epoch(epoch, seconds, epochWords, epochWords / Math.max(seconds, 1e-9),
                lossPairs == 0 ? Double.NaN : lossSum / lossPairs, pairs);
        checkFinite(epoch);
        epochs.add(e);
        return e;
    }

    /** Stops a run whose tables overflowed (too large a learning rate), naming the first non-finite entry. */
    private void checkFinite(int epoch) {
        int d = config.dimension();
        for (float[] table : new float[][] {in, out}) {
            for (int i = 0; i < table.length; i++) {
                if (!Float.isFinite(table[i])) {
                    throw new IllegalStateException("training diverged in epoch " + epoch + ": the "
                            + (table == in ? "input" : "output") + " vector of '" + vocabulary().word(i / d) + "' holds "
                            + table[i] + " (learning rate " + config.learningRate() + " is too large for "
                            + config.objective().key() + (config.objective() == Objective.INFONCE ? " at temperature "
                            + config.temperature() : "") + ": lower it)");
                }
            }
        }
    }

    /** The trainer's settings. */
    public SkipGram config() {
        return config;
    }

    /** The vocabulary (row i of the tables is word i). */
    public Vocabulary vocabulary() {
        return corpus.vocabulary();
    }

    /** How many epochs are done. */
    public int epochsDone() {
        return epochs.size();
    }

    /** Every finished epoch, including those done before a {@link #resume}. */
    public List<Epoch> epochs() {
        return Collections.unmodifiableList(new ArrayList<>(epochs));
    }

    /** Training seconds over all finished epochs. */
    public double seconds() {
        double s = 0;
        for (Epoch e : epochs) {
            s += e.seconds();
        }
        return s;
    }

    /** Corpus words per second over all finished epochs (NaN before the first). */
    public double wordsPerSecond() {
        return epochs.isEmpty() ? Double.NaN : (double) corpus.tokens() * epochs.size() / seconds();
    }

    /** A copy of the V×D input table: the word vectors, row i for word i. */
    public Matrix inputVectors() {
        return Matrix.of(vocabulary().size(), config.dimension(), in.clone());
    }

    /** A copy of the V×D output table (the context / class vectors). */
    public Matrix outputVectors() {
        return Matrix.of(vocabulary().size(), config.dimension(), out.clone());
    }

    /**
     * Writes a checkpoint to {@code file} atomically and durably ({@link org.contrast4j.io.AtomicFiles}): the
     * settings, the vocabulary, a fingerprint of the corpus, the finished epochs, the random states and both tables,
     * with a CRC-32.
     */
    public void checkpoint(Path file) throws IOException {
        SkipGramCheckpoint.write(this, file);
    }

    /**
     * Continues the run saved in {@code file} on {@code corpus}, which must be the corpus it was trained on (same
     * vocabulary and same encoded tokens). The settings are the checkpoint's; {@code expected}, when not null, must
     * equal them except for the epochs, which may be more than the checkpoint was written for (not fewer than it has
     * done): the run then goes on to {@code expected.epochs()}, its learning rate following the linear decay over the
     * new total, lr₀·(1 − words done / (epochs · words per epoch)) — a step up from where the shorter schedule stood,
     * so a run resumed with more epochs is not identical to one started with them (with the same epochs it is
     * bit-identical to an uninterrupted run, with one thread).
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the file is not a skip-gram checkpoint, is truncated or corrupt (CRC), was
     *                                  written for another corpus, or its settings differ from {@code expected}
     *                                  (naming each difference), or it has more epochs done than expected
     */
    public static SkipGramTraining resume(Path file, SkipGramCorpus corpus, SkipGram expected) throws IOException {
        return SkipGramCheckpoint.read(file, corpus, expected);
    }

    @Override
    public String toString() {
        return "SkipGramTraining{" + config + ", epochsDone=" + epochsDone() + ", " + corpus + "}";
    }
}
