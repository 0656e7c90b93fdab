package org.contrast4j.experiment;

import org.contrast4j.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassLossResult;
import org.contrast4j.loss.ClassScoringLoss;
import org.contrast4j.loss.FullSoftmax;
import org.contrast4j.loss.Nce;
import org.contrast4j.loss.NegativeSampling;
import org.contrast4j.loss.SampledSoftmax;
import org.contrast4j.loss.SparseRows;
import org.contrast4j.optim.Adam;
import org.contrast4j.sample.AliasTable;
import org.contrast4j.sample.NoiseDistribution;
import org.contrast4j.sample.Sampler;
import org.contrast4j.sample.Unigram;

/**
 * The NCE family learning a known categorical distribution: the full softmax, NCE (Gutmann &amp; Hyvärinen 2010;
 * Mnih &amp; Teh 2012), negative sampling (Mikolov et al. 2013) and sampled softmax (Jean et al. 2015) fit free
 * logits s(c) to M samples of a Zipf distribution over V classes, each sampled objective with k noise samples per data
 * sample from a good and from bad noise distributions, and the model softmax(s) is compared with the truth.
 *
 * <p><b>Data.</b> p(c) ∝ (c + 1)^−a over c = 0 … V−1 (Zipf, a = 1 by default), M samples drawn from it once.
 *
 * <p><b>Model.</b> One constant context and free logits: the class table W (V×1) of the class-scoring losses holds
 * s(c) and every query is h = 1, so s(c|h) = h·W_c = s(c) ({@link ClassBatch} with B×1 queries of ones, no bias).
 * The model distribution is softmax(s); reported are KL(p ‖ softmax(s)) = Σ_c p(c)·(log p(c) − s(c) + log Z) and
 * log Z = log Σ_c e^{s(c)}.
 *
 * <p><b>Noise</b> q, the distribution the k samples come from (and, for NCE and sampled softmax, the correction
 * log(k·q(c))):
 * <ul>
 *   <li>{@link Noise#UNIGRAM} (good): the data's unigram estimate, (n_c + 1)/(M + V) from the counts n_c of the M
 *       samples — add-one smoothed so every class has q(c) &gt; 0, as NCE's consistency requires;</li>
 *   <li>{@link Noise#UNIFORM} (bad): q(c) = 1/V;</li>
 *   <li>{@link Noise#REVERSED_ZIPF} (bad, far from the data): q(c) ∝ (V − c)^−a, the data's Zipf with the ranks
 *       reversed, so the most frequent class is the rarest noise.</li>
 * </ul>
 *
 * <p><b>Training</b>, the same for every run: the M data samples each get their k noise samples once, drawn with
 * replacement (Gutmann &amp; Hyvärinen's setting of a fixed noise sample, k·M noise samples in all; NCE, negative
 * sampling and sampled softmax with the same noise and k see the same draws). Every logit starts at −log V (the
 * uniform distribution, log Z = 0; while the logits move by up to 5 nats NCE keeps log Z near 0 and negative sampling
 * and the softmaxes do not; from other starts, {@link Builder#initialLogit}, NCE finds log Z ≈ 0 too). Then
 * {@code epochs} passes over the data in shuffled mini-batches of {@code batchSize} samples, each with its own k
 * samples (paired), the loss reduced by the mean, one Adam step per mini-batch (β₁ = 0.9, β₂ = 0.99: a shorter memory
 * than the paper's 0.999, because the gradients of the sampled objectives shrink by orders of magnitude within a
 * short run), the step size decaying from {@code learningRate} to 1% of it along a cosine. The losses are the
 * library's, with their defaults: {@link FullSoftmax}; {@link Nce} with log Z fixed at 0 (self-normalised, as Mnih
 * &amp; Teh); {@link NegativeSampling}; {@link SampledSoftmax}, accidental hits removed.
 *
 * <p><b>What theory predicts.</b> With free logits the empirical NCE optimum is s(c) = log(n_c/m_c) + log(k·q(c)),
 * m_c the noise count of c, so NCE is consistent for any q with full support, and its KL is about
 * (1/2M)·(V + (1/k)·Σ_c p(c)/q(c)): the noise term falls as 1/k and is the larger the farther q is from p — for a
 * = 1, V = 1000, Σ p/q ≈ 1000 for the unigram, exactly V = 1000 for the uniform (so here the uniform noise is as
 * efficient as the unigram, to first order) and ≈ 6500 for the reversed Zipf. Negative sampling reaches
 * s(c) = log p(c) − log(k·q(c)) (Levy &amp; Goldberg 2014), so softmax(s) ∝ p/q recovers p only under uniform noise,
 * and log Z = log Σ_c p(c)/(k·q(c)). The full softmax gives the maximum-likelihood estimate, KL ≈ (V − 1)/(2M).
 * {@link Row#predictedKl()} and {@link Row#predictedLogZ()} hold these limits (for M → ∞) for NCE and negative
 * sampling.
 *
 * <p>Defaults: V = 1000, a = 1, k ∈ {1, 5, 25, 100}, M = 100000, seed 1, 5 epochs, mini-batches of 1000, learning
 * rate 0.2, as many runs at once as there are processors. Immutable; the data are drawn at {@link Builder#build()},
 * and every run is deterministic for the configuration (whatever the number of threads).
 */
public final class NceExperiment {
    public static final int DEFAULT_CLASSES = 1000;
    public static final double DEFAULT_ZIPF_EXPONENT = 1.0;
    public static final int DEFAULT_SAMPLES = 100_000;
    public static final int DEFAULT_SEED = 1;
    public static final int DEFAULT_EPOCHS = 5;
    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final double DEFAULT_LEARNING_RATE = 0.2;
    private static final int[] DEFAULT_KS = {1, 5, 25, 100};
    private static final double ADAM_BETA2 = 0.99;

    /** The objectives, in table order. */
    public enum Objective {
        /** Softmax cross-entropy over all V classes ({@link FullSoftmax}); uses no noise. */
        FULL_SOFTMAX("full_softmax"),
        /** {@link Nce}, log Z fixed at 0. */
        NCE("nce"),
        /** {@link NegativeSampling}. */
        NEGATIVE_SAMPLING("negative_sampling"),
        /** {@link SampledSoftmax}, accidental hits removed. */
        SAMPLED_SOFTMAX("sampled_softmax");

        private final String key;

        Objective(String key) {
            this.key = key;
        }

        /** The name in result files: {@code full_softmax}, {@code nce}, {@code negative_sampling}, … */
        public String key() {
            return key;
        }
    }

    /** The noise distributions, in table order. */
    public enum Noise {
        /** No noise (the full softmax). */
        NONE("none"),
        /** The data's add-one-smoothed unigram estimate (good). */
        UNIGRAM("unigram"),
        /** Uniform over the V classes (bad). */
        UNIFORM("uniform"),
        /** Zipf with reversed ranks (bad, far from the data). */
        REVERSED_ZIPF("reversed_zipf");

        private final String key;

        Noise(String key) {
            this.key = key;
        }

        /** The name in result files: {@code none}, {@code unigram}, {@code uniform}, {@code reversed_zipf}. */
        public String key() {
            return key;
        }
    }

    /**
     * One run's outcome.
     *
     * @param objective the objective
     * @param noise the noise distribution ({@link Noise#NONE} for the full softmax)
     * @param k noise samples per data sample (0 for the full softmax)
     * @param kl KL(p ‖ softmax(s)) in nats
     * @param logZ log Σ_c e^{s(c)} of the learned logits
     * @param predictedKl the KL of the objective's large-M limit: 0 for NCE, KL(p ‖ p/q normalised) for negative
     *     sampling (Levy &amp; Goldberg), NaN for the others (no closed form at finite k; the full softmax's limit
     *     is p)
     * @param predictedLogZ that limit's log Z: 0 for NCE, log Σ p/(k·q) for negative sampling, NaN for the others
     *     (a softmax is invariant to a shift of the logits, so its log Z is arbitrary)
     * @param seconds wall time of the training
     */
    public record Row(Objective objective, Noise noise, int k, double kl, double logZ, double predictedKl,
                      double predictedLogZ, double seconds) {
    }

    /**
     * One run with everything a check needs.
     *
     * @param row the outcome
     * @param logits the learned s(c), V values (a copy)
     * @param noiseDistribution q, V values ({@code null} for the full softmax)
     * @param noiseCounts m_c, how often each class is among the k·M noise samples ({@code null} for the full softmax)
     */
    public record Fit(Row row, double[] logits, double[] noiseDistribution, long[] noiseCounts) {
        public Fit {
            logits = logits.clone();
            noiseDistribution = noiseDistribution == null ? null : noiseDistribution.clone();
            noiseCounts = noiseCounts == null ? null : noiseCounts.clone();
        }

        @Override
        public double[] logits() {
            return logits.clone();
        }

        @Override
        public double[] noiseDistribution() {
            return noiseDistribution == null ? null : noiseDistribution.clone();
        }

        @Override
        public long[] noiseCounts() {
            return noiseCounts == null ? null : noiseCounts.clone();
        }
    }

    private final int classes;
    private final double zipfExponent;
    private final int[] ks;
    private final int samples;
    private final long seed;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final int threads;
    private final double initialLogit;
    private final double[] truth;
    private final int[] data;
    private final long[] counts;

    private NceExperiment(Builder b) {
        this.classes = b.classes;
        this.zipfExponent = b.zipfExponent;
        this.ks = b.ks.clone();
        this.samples = b.samples;
        this.seed = b.seed;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.threads = b.threads;
        this.initialLogit = b.initialLogit;
        this.truth = zipf(classes, zipfExponent, false);
        AliasTable p = AliasTable.of(truth);
        Sampler s = p.sampler(streamSeed(0, 0));
        this.data = new int[samples];
        this.counts = new long[classes];
        for (int i = 0; i < samples; i++) {
            data[i] = s.next();
            counts[data[i]]++;
        }
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** (c + 1)^−a normalised, or (V − c)^−a when reversed. */
    private static double[] zipf(int v, double a, boolean reversed) {
        double[] p = new double[v];
        double sum = 0;
        for (int c = 0; c < v; c++) {
            p[c] = Math.pow(reversed ? v - c : c + 1, -a);
            sum += p[c];
        }
        for (int c = 0; c < v; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** The true distribution p, V values (a copy). */
    public double[] trueDistribution() {
        return truth.clone();
    }

    /** n_c, the counts of the M data samples (a copy). */
    public long[] dataCounts() {
        return counts.clone();
    }

    /**
     * The noise distribution q of a kind, V values summing to 1 (the unigram one is estimated from the data).
     *
     * @throws IllegalArgumentException for {@link Noise#NONE}
     */
    public double[] noiseDistribution(Noise noise) {
        return noiseTable(noise).probabilities();
    }

    private NoiseDistribution noiseTable(Noise noise) {
        return switch (noise) {
            case UNIGRAM -> {
                long[] smoothed = new long[classes];
                for (int c = 0; c < classes; c++) {
                    smoothed[c] = counts[c] + 1;
                }
                yield Unigram.of(smoothed, 1.0);
            }
            case UNIFORM -> {
                double[] w = new double[classes];
                Arrays.fill(w, 1.0);
                yield AliasTable.of(w);
            }
            case REVERSED_ZIPF -> AliasTable.of(zipf(classes, zipfExponent, true));
            case NONE -> throw new IllegalArgumentException("the full softmax uses no noise distribution");
        };
    }

    /**
     * Trains every objective: the full softmax once, then NCE, negative sampling and sampled softmax for each noise
     * (unigram, uniform, reversed Zipf) and each k.
     *
     * @param progress receives one plain line per run as it finishes (may be a no-op)
     * @return the rows ordered by objective, noise, k
     */
    public List<Row> run(Consumer<String> progress) {
        // one task per noise draw (the three sampled objectives share it), the costliest first for load balance
        List<Callable<List<Row>>> tasks = new ArrayList<>();
        Object lock = new Object();
        Consumer<String> report = line -> {
            synchronized (lock) {
                progress.accept(line);
            }
        };
        tasks.add(() -> List.of(report(fit(Objective.FULL_SOFTMAX, Noise.NONE, 0), report)));
        int[] byCost = Arrays.stream(ks).boxed().sorted(Comparator.reverseOrder()).mapToInt(Integer::intValue)
                .toArray();
        for (int k : byCost) {
            for (Noise noise : new Noise[] {Noise.UNIGRAM, Noise.UNIFORM, Noise.REVERSED_ZIPF}) {
                tasks.add(() -> {
                    NoiseDistribution q = noiseTable(noise);
                    NoiseSample draw = drawNoise(q, noise, k);
                    List<Row> rows = new ArrayList<>();
                    for (Objective o : new Objective[] {Objective.NCE, Objective.NEGATIVE_SAMPLING,
                        Objective.SAMPLED_SOFTMAX}) {
                        rows.add(report(train(o, noise, k, q, draw), report));
                    }
                    return rows;
                });
            }
        }
        List<Row> rows = new ArrayList<>();
        if (threads == 1) {
            for (Callable<List<Row>> t : tasks) {
                rows.addAll(call(t));
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread th = new Thread(r, "nce-experiment");
                th.setDaemon(true);
                return th;
            });
            try {
                for (Future<List<Row>> f : pool.invokeAll(tasks)) {
                    rows.addAll(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        rows.sort(Comparator.comparing(Row::objective).thenComparing(Row::noise).thenComparingInt(Row::k));
        return rows;
    }

    private static List<Row> call(Callable<List<Row>> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Row report(Fit f, Consumer<String> progress) {
        Row r = f.row();
        progress.accept(String.format(Locale.ROOT, "nce: %s, noise %s, k = %d: KL %.4f, log Z %.3f, %.1f s",
                r.objective().key(), r.noise().key(), r.k(), r.kl(), r.logZ(), r.seconds()));
        return r;
    }

    /**
     * Trains one objective (as {@link #run} does).
     *
     * @param noise {@link Noise#NONE} for the full softmax, else the noise the k samples come from
     * @param k noise samples per data sample (ignored, and reported 0, for the full softmax)
     * @throws IllegalArgumentException if the full softmax gets a noise, a sampled objective gets none, or k &lt; 1
     */
    public Fit fit(Objective objective, Noise noise, int k) {
        if (objective == Objective.FULL_SOFTMAX) {
            if (noise != Noise.NONE) {
                throw new IllegalArgumentException("the full softmax uses no noise: give Noise.NONE, was " + noise);
            }
            return train(objective, Noise.NONE, 0, null, null);
        }
        if (noise == Noise.NONE) {
            throw new IllegalArgumentException(objective.key() + " needs a noise distribution, was NONE");
        }
        checkK(k);
        NoiseDistribution q = noiseTable(noise);
        return train(objective, noise, k, q, drawNoise(q, noise, k));
    }

    /** The k noise ids of each data sample (M×k, row-major) and their counts per class. */
    private record NoiseSample(int[] ids, long[] counts) {
    }

    private NoiseSample drawNoise(NoiseDistribution q, Noise noise, int k) {
        Sampler s = q.sampler(streamSeed(1 + noise.ordinal(), k));
        int[] ids = new int[Checks.product(samples, k, "noise ids", 4)];
        int[] row = new int[k];
        long[] m = new long[classes];
        for (int i = 0; i < samples; i++) {
            s.draw(row, false);
            System.arraycopy(row, 0, ids, i * k, k);
            for (int c : row) {
                m[c]++;
            }
        }
        return new NoiseSample(ids, m);
    }

    private Fit train(Objective objective, Noise noise, int k, NoiseDistribution noiseTable, NoiseSample draw) {
        long start = System.nanoTime();
        int v = classes;
        ClassScoringLoss loss = switch (objective) {
            case FULL_SOFTMAX -> FullSoftmax.builder().build();
            case NCE -> Nce.builder().build();
            case NEGATIVE_SAMPLING -> NegativeSampling.builder().build();
            case SAMPLED_SOFTMAX -> SampledSoftmax.builder().build();
        };
        double[] q = noiseTable == null ? null : noiseTable.probabilities();
        double[] s = new double[v];
        Arrays.fill(s, Double.isNaN(initialLogit) ? -Math.log(v) : initialLogit);
        float[] table = new float[v];
        Matrix w = Matrix.of(v, 1, table);
        copy(s, table);
        Adam adam = Adam.builder().beta2(ADAM_BETA2).build(v);
        double[] grad = new double[v];
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(streamSeed(99, 0)); // the same order in every run
        int stepsPerEpoch = (samples + batchSize - 1) / batchSize;
        int steps = epochs * stepsPerEpoch;
        int t = 0;
        for (int e = 0; e < epochs; e++) {
            for (int i = samples - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int b0 = 0; b0 < samples; b0 += batchSize) {
                int nb = Math.min(batchSize, samples - b0);
                int[] targets = new int[nb];
                int[] ids = k > 0 ? new int[nb * k] : null;  // nb·k ≤ samples·k, checked by drawNoise
                for (int r = 0; r < nb; r++) {
                    int i = order[b0 + r];
                    targets[r] = data[i];
                    if (k > 0) {
                        System.arraycopy(draw.ids(), i * k, ids, r * k, k);
                    }
                }
                float[] ones = new float[nb];
                Arrays.fill(ones, 1f);
                ClassBatch.Builder batch = ClassBatch.builder(Matrix.of(nb, 1, ones), w).targets(targets);
                if (k > 0) {
                    batch.pairedSamples(ids, k).noise(q);
                }
                ClassLossResult result = loss.compute(batch.build());
                Arrays.fill(grad, 0);
                SparseRows g = result.classGradient();
                int[] touched = g.ids();
                float[] rows = g.rows().data();
                for (int r = 0; r < touched.length; r++) {
                    grad[touched[r]] = rows[r];
                }
                double lr = learningRate * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t / steps)));
                adam.step(s, grad, lr);
                copy(s, table);
                t++;
            }
        }
        double[] learned = new double[v];
        for (int c = 0; c < v; c++) {
            learned[c] = table[c];
        }
        double logZ = logSumExp(learned);
        double kl = kl(truth, learned);
        double predictedKl = Double.NaN;
        double predictedLogZ = Double.NaN;
        if (objective == Objective.NCE) {
            predictedKl = 0;
            predictedLogZ = 0;
        } else if (objective == Objective.NEGATIVE_SAMPLING) {
            double[] lg = levyGoldberg(truth, q, k);
            predictedKl = kl(truth, lg);
            predictedLogZ = logSumExp(lg);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Row row = new Row(objective, noise, k, kl, logZ, predictedKl, predictedLogZ, seconds);
        return new Fit(row, learned, q, draw == null ? null : draw.counts());
    }

    private static void copy(double[] s, float[] table) {
        for (int c = 0; c < s.length; c++) {
            table[c] = (float) s[c];
        }
    }

    /** Negative sampling's optimum (Levy &amp; Goldberg 2014): s(c) = log p(c) − log(k·q(c)). */
    static double[] levyGoldberg(double[] p, double[] q, int k) {
        double[] s = new double[p.length];
        for (int c = 0; c < p.length; c++) {
            s[c] = Math.log(p[c]) - Math.log(k * q[c]);
        }
        return s;
    }

    /** log Σ e^{s(c)}, max-subtracted. */
    static double logSumExp(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : s) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (double x : s) {
            sum += Math.exp(x - max);
        }
        return max + Math.log(sum);
    }

    /**
     * KL(p ‖ softmax(s)) = Σ p(c)·(log p(c) − s(c) + log Z); classes with p(c) = 0 contribute 0. Never below 0 (a
     * rounding residue of order 1e-17 when softmax(s) = p is returned as 0).
     */
    static double kl(double[] p, double[] s) {
        double logZ = logSumExp(s);
        double kl = 0;
        for (int c = 0; c < p.length; c++) {
            if (p[c] > 0) {
                kl += p[c] * (Math.log(p[c]) - s[c] + logZ);
            }
        }
        return Math.max(0, kl);
    }

    /** An independent stream per (seed, purpose, k): SplittableRandom mixes its seed. */
    private long streamSeed(int purpose, int k) {
        return seed * 0x9E3779B97F4A7C15L + 1_000_003L * purpose + k;
    }

    private static void checkK(int k) {
        Checks.atLeast(k, 1, "k (noise samples per data sample)");
    }

    /** V. */
    public int classes() {
        return classes;
    }

    /** The Zipf exponent a of the true distribution. */
    public double zipfExponent() {
        return zipfExponent;
    }

    /** A copy of the k values, in run order. */
    public int[] ks() {
        return ks.clone();
    }

    /** M. */
    public int samples() {
        return samples;
    }

    public long seed() {
        return seed;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    /** The value every logit starts from (−log V unless set). */
    public double initialLogit() {
        return Double.isNaN(initialLogit) ? -Math.log(classes) : initialLogit;
    }

    /** Runs trained at once by {@link #run}. */
    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return "NceExperiment{classes=" + classes + ", zipfExponent=" + zipfExponent + ", ks=" + Arrays.toString(ks)
                + ", samples=" + samples + ", seed=" + seed + ", epochs=" + epochs + ", batchSize=" + batchSize
                + ", learningRate=" + learningRate + ", threads=" + threads + ", initialLogit=" + initialLogit() + "}";
    }

    /** Builds an {@link NceExperiment}; every setter validates its argument at once. */
    public static final class Builder {
        private int classes = DEFAULT_CLASSES;
        private double zipfExponent = DEFAULT_ZIPF_EXPONENT;
        private int[] ks = DEFAULT_KS;
        private int samples = DEFAULT_SAMPLES;
        private long seed = DEFAULT_SEED;
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private int threads = Runtime.getRuntime().availableProcessors();
        private double initialLogit = Double.NaN;

        private Builder() {
        }

        /** V ≥ 2 classes (default 1000). */
        public Builder classes(int v) {
            Checks.atLeast(v, 2, "classes V");
            classes = v;
            return this;
        }

        /** The exponent a ≥ 0 of p(c) ∝ (c + 1)^−a (default 1; 0 is uniform). */
        public Builder zipfExponent(double a) {
            if (!(a >= 0) || !Double.isFinite(a)) {
                throw new IllegalArgumentException("zipf exponent must be >= 0 and finite, was " + a);
            }
            zipfExponent = a;
            return this;
        }

        /** One or more distinct k ≥ 1 (default 1, 5, 25, 100). */
        public Builder ks(int... values) {
            if (values == null || values.length == 0) {
                throw new IllegalArgumentException("give at least one k");
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 1) {
                    throw new IllegalArgumentException("k (noise samples per data sample) must be >= 1, was "
                            + values[i] + " at position " + i);
                }
                for (int j = 0; j < i; j++) {
                    if (values[j] == values[i]) {
                        throw new IllegalArgumentException("k = " + values[i] + " is given twice (positions " + j
                                + " and " + i + ")");
                    }
                }
            }
            ks = values.clone();
            return this;
        }

        /** M ≥ 1 data samples (default 100000). */
        public Builder samples(int m) {
            Checks.atLeast(m, 1, "samples M");
            samples = m;
            return this;
        }

        /** Random seed (default 1). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Passes over the data, ≥ 1 (default 5). */
        public Builder epochs(int e) {
            Checks.atLeast(e, 1, "epochs");
            epochs = e;
            return this;
        }

        /** Data samples per mini-batch, ≥ 1 (default 1000). */
        public Builder batchSize(int b) {
            Checks.atLeast(b, 1, "batch size");
            batchSize = b;
            return this;
        }

        /** Adam's initial step size, &gt; 0 and finite (default 0.2; decays to 1% of it). */
        public Builder learningRate(double lr) {
            Checks.positive(lr, "learning rate");
            learningRate = lr;
            return this;
        }

        /**
         * Runs trained at once by {@link #run}, ≥ 1 (default: the available processors). The runs are independent
         * and seeded, so the numbers do not depend on it; only the wall times do.
         */
        public Builder threads(int n) {
            Checks.atLeast(n, 1, "threads");
            threads = n;
            return this;
        }

        /**
         * The value every logit starts from, finite (default −log V: the uniform distribution with log Z = 0; with 0,
         * log Z starts at log V and NCE has to find log Z ≈ 0 itself — on the defaults the rare classes that the noise
         * seldom draws then lag behind in 5 epochs).
         */
        public Builder initialLogit(double s0) {
            if (!Double.isFinite(s0)) {
                throw new IllegalArgumentException("initial logit must be finite, was " + s0);
            }
            initialLogit = s0;
            return this;
        }

        /** Draws the M data samples and returns the experiment. */
        public NceExperiment build() {
            long cells = (long) samples * Arrays.stream(ks).max().orElseThrow();
            if (cells > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("M·k = " + samples + "·" + Arrays.stream(ks).max().orElseThrow()
                        + " noise samples do not fit in one array (at most " + (Integer.MAX_VALUE - 8) + ")");
            }
            return new NceExperiment(this);
        }
    }
}
