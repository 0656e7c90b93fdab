package org.contrast4j.experiment;

import org.contrast4j.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.optim.Adam;
import org.contrast4j.similarity.Similarity;

/**
 * The InfoNCE mutual-information bound on correlated Gaussians, where the true value is known (van den Oord et al.
 * 2018; Poole et al. 2019, "On Variational Bounds of Mutual Information"): for each batch size N a critic is trained
 * with InfoNCE and the bound log N − L is measured on held-out batches of the same N, beside the true I and log N.
 *
 * <p><b>Data.</b> x, y ∈ R^d with x ~ N(0, I) and y = ρx + √(1−ρ²)·ε, ε ~ N(0, I): each coordinate pair (x_k, y_k)
 * has correlation ρ and the pairs are independent, so
 * <pre>
 *   I(X; Y) = −(d/2)·log(1 − ρ²)   nats         (d = 8, ρ = 0.8: −4·log 0.36 ≈ 4.087)
 * </pre>
 *
 * <p><b>Critic.</b> A separable critic f(x, y) = g(x)·h(y) with the small learned maps g(x) = (Wᵀx, 1) and
 * h(y) = (y, yᵀUy), W and U d×d (U symmetric), i.e. f(x, y) = xᵀWy + yᵀUy; it is scored by
 * {@link InfoNce} with {@link Similarity#DOT} and τ = 1 on anchors g(x_i) and positives h(y_j), whose exact gradients
 * with respect to both are chained into W and U. This family holds the optimal InfoNCE critic for these Gaussians,
 * the log density ratio log p(y|x)/p(y) up to a function of x alone (which InfoNCE ignores):
 * <pre>
 *   W* = ρ/(1−ρ²)·I,   U* = −ρ²/(2(1−ρ²))·I
 * </pre>
 * so the gap between the estimate and min(I, log N) is InfoNCE's own (the bound is tight only as N → ∞), not the
 * critic's. A plain bilinear critic xᵀWy cannot express the −|y|² term and is much looser (measured with U held at
 * 0, d = 8, ρ = 0.8: 2.32 nats at N = 64 and 2.48 at N = 256, against 3.19 and 3.67 with U). The result also
 * reports the bound of this optimal critic on the same held-out batches ({@link Row#oracleEstimate()}), so training
 * can be judged.
 *
 * <p><b>Training.</b> W = U = 0 (estimate 0), then {@code steps} steps of Adam (Kingma &amp; Ba 2015; β₁ = 0.9,
 * β₂ = 0.999, ε = 1e-8) on fresh batches of N pairs (an endless stream: no sample is reused), the step size decaying
 * from {@code learningRate} to 1% of it along a cosine. <b>Held out:</b> ⌈evalSamples / N⌉ (at least 4) fresh batches of N pairs from a separate
 * random stream; the estimate is log N − (mean held-out loss), with its standard error over those batches.
 *
 * <p>Defaults: d = 8, ρ = 0.8, N ∈ {16, 64, 256, 1024}, seed 1, 200 steps, learning rate 0.1, 16384 held-out pairs
 * per N. Each N has its own random streams derived from (seed, N), so a row does not depend on which other N are run.
 * Immutable; {@link #run} is deterministic for a configuration (same seed, same numbers).
 */
public final class MiExperiment {
    public static final int DEFAULT_DIMENSION = 8;
    public static final double DEFAULT_RHO = 0.8;
    public static final int DEFAULT_SEED = 1;
    public static final int DEFAULT_STEPS = 200;
    public static final double DEFAULT_LEARNING_RATE = 0.1;
    public static final int DEFAULT_EVAL_SAMPLES = 16384;
    private static final int[] DEFAULT_BATCH_SIZES = {16, 64, 256, 1024};
    private static final int MIN_EVAL_BATCHES = 4;

    private final int dimension;
    private final double rho;
    private final int[] batchSizes;
    private final long seed;
    private final int steps;
    private final double learningRate;
    private final int evalSamples;

    private MiExperiment(Builder b) {
        this.dimension = b.dimension;
        this.rho = b.rho;
        this.batchSizes = b.batchSizes.clone();
        this.seed = b.seed;
        this.steps = b.steps;
        this.learningRate = b.learningRate;
        this.evalSamples = b.evalSamples;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * I(X; Y) = −(d/2)·log(1 − ρ²) in nats.
     *
     * @throws IllegalArgumentException if d &lt; 1 or ρ is not in (−1, 1)
     */
    public static double trueMutualInformation(int dimension, double rho) {
        checkDimension(dimension);
        checkRho(rho);
        return -0.5 * dimension * Math.log1p(-rho * rho);
    }

    /**
     * One batch size's outcome; information in nats.
     *
     * @param n N, the pairs per batch (in training and held out)
     * @param trueMi −(d/2)·log(1 − ρ²)
     * @param estimate log N − mean held-out InfoNCE loss of the trained critic
     * @param standardError the estimate's standard error over the held-out batches
     * @param logN log N, the most InfoNCE can certify
     * @param oracleEstimate log N − mean held-out loss of the optimal critic W*, U* on the same held-out batches
     * @param trainSteps Adam steps taken
     * @param evalBatches held-out batches of N pairs
     * @param seconds wall time of training and evaluation
     */
    public record Row(int n, double trueMi, double estimate, double standardError, double logN, double oracleEstimate,
                      int trainSteps, int evalBatches, double seconds) {
    }

    /**
     * Trains and evaluates one critic per batch size, in the configured order.
     *
     * @param progress receives one plain line per batch size as it finishes (may be a no-op)
     * @return one row per batch size
     */
    public List<Row> run(Consumer<String> progress) {
        return run(progress, (n, trained, optimal) -> { });
    }

    /** Sees every held-out batch of N pairs as the trained and the optimal critic score it (for the tests). */
    @FunctionalInterface
    interface HeldOut {
        void batch(int n, Batch trained, Batch optimal);
    }

    /** {@link #run(Consumer)}, showing every held-out batch to {@code heldOut}. */
    List<Row> run(Consumer<String> progress, HeldOut heldOut) {
        List<Row> rows = new ArrayList<>();
        for (int n : batchSizes) {
            Row r = runOne(n, heldOut);
            rows.add(r);
            progress.accept(String.format(java.util.Locale.ROOT,
                    "mi: N = %d: estimate %.3f (optimal critic %.3f), true I %.3f, log N %.3f, %.1f s", n,
                    r.estimate(), r.oracleEstimate(), r.trueMi(), r.logN(), r.seconds()));
        }
        return rows;
    }

    private Row runOne(int n, HeldOut heldOut) {
        long start = System.nanoTime();
        int d = dimension;
        InfoNce loss = InfoNce.builder().temperature(1.0).similarity(Similarity.DOT).build();
        Critic critic = new Critic(d);
        Adam adam = Adam.builder().build(critic.params.length);
        SplittableRandom train = new SplittableRandom(streamSeed(n, 0));
        double[] grad = new double[critic.params.length];
        for (int t = 0; t < steps; t++) {
            Pairs pairs = Pairs.draw(train, n, d, rho);
            LossResult r = loss.compute(critic.batch(pairs));
            critic.gradient(pairs, r, grad);
            double lr = learningRate * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t / steps)));
            adam.step(critic.params, grad, lr);
        }

        Critic oracle = Critic.optimal(d, rho);
        SplittableRandom held = new SplittableRandom(streamSeed(n, 1));
        int batches = Math.max(MIN_EVAL_BATCHES, (evalSamples + n - 1) / n);
        double logN = Math.log(n);
        double[] est = new double[batches];
        double oracleSum = 0;
        for (int b = 0; b < batches; b++) {
            Pairs pairs = Pairs.draw(held, n, d, rho);
            Batch trained = critic.batch(pairs);
            Batch optimal = oracle.batch(pairs);
            heldOut.batch(n, trained, optimal);
            est[b] = logN - loss.compute(trained).value();
            oracleSum += logN - loss.compute(optimal).value();
        }
        double mean = Arrays.stream(est).average().orElseThrow();
        double var = 0;
        for (double e : est) {
            var += (e - mean) * (e - mean);
        }
        double se = Math.sqrt(var / (batches - 1) / batches);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Row(n, trueMutualInformation(d, rho), mean, se, logN, oracleSum / batches, steps, batches, seconds);
    }

    /** An independent stream per (seed, N, purpose): SplittableRandom mixes its seed, so nearby seeds are fine. */
    private long streamSeed(int n, int purpose) {
        return seed * 0x9E3779B97F4A7C15L + 2L * n + purpose;
    }

    /** N pairs (x_i, y_i), N×d each, float32. */
    record Pairs(Matrix x, Matrix y) {
        static Pairs draw(SplittableRandom rnd, int n, int d, double rho) {
            float[] x = new float[Checks.product(n, d, "a batch of pairs", 4)];
            float[] y = new float[n * d];
            double s = Math.sqrt(1 - rho * rho);
            for (int i = 0; i < n * d; i++) {
                double xi = rnd.nextGaussian();
                x[i] = (float) xi;
                y[i] = (float) (rho * xi + s * rnd.nextGaussian());
            }
            return new Pairs(Matrix.of(n, d, x), Matrix.of(n, d, y));
        }
    }

    /** f(x, y) = xᵀWy + yᵀUy; params = W (d×d, row-major) then U (d×d). */
    static final class Critic {
        final int d;
        final double[] params;

        Critic(int d) {
            this.d = d;
            this.params = new double[2 * d * d];
        }

        static Critic optimal(int d, double rho) {
            Critic c = new Critic(d);
            double one = 1 - rho * rho;
            for (int k = 0; k < d; k++) {
                c.params[k * d + k] = rho / one;
                c.params[d * d + k * d + k] = -rho * rho / (2 * one);
            }
            return c;
        }

        /** Anchors g(x_i) = (Wᵀx_i, 1) and positives h(y_j) = (y_j, y_jᵀUy_j), N×(d+1). */
        Batch batch(Pairs p) {
            int n = p.x().rows();
            float[] x = p.x().data();
            float[] y = p.y().data();
            float[] a = new float[Checks.product(n, d + 1, "a batch of critic features", 4)];
            float[] b = new float[n * (d + 1)];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < d; c++) {
                    double s = 0;
                    for (int r = 0; r < d; r++) {
                        s += x[i * d + r] * params[r * d + c];
                    }
                    a[i * (d + 1) + c] = (float) s;
                    b[i * (d + 1) + c] = y[i * d + c];
                }
                a[i * (d + 1) + d] = 1f;
                b[i * (d + 1) + d] = (float) quadratic(y, i);
            }
            return Batch.of(Matrix.of(n, d + 1, a), Matrix.of(n, d + 1, b));
        }

        double quadratic(float[] y, int i) {
            double s = 0;
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    s += y[i * d + r] * params[d * d + r * d + c] * y[i * d + c];
                }
            }
            return s;
        }

        /**
         * ∂L/∂W = Σ_i x_i (∂L/∂a_i)[0..d) ᵀ and ∂L/∂U = Σ_j (∂L/∂b_j)[d] · y_j y_jᵀ into {@code grad}.
         */
        void gradient(Pairs p, LossResult r, double[] grad) {
            Arrays.fill(grad, 0);
            int n = p.x().rows();
            float[] x = p.x().data();
            float[] y = p.y().data();
            float[] ga = r.gradient(Input.ANCHORS).data();
            float[] gb = r.gradient(Input.POSITIVES).data();
            for (int i = 0; i < n; i++) {
                double q = gb[i * (d + 1) + d];
                for (int row = 0; row < d; row++) {
                    double xr = x[i * d + row];
                    double yr = y[i * d + row];
                    for (int c = 0; c < d; c++) {
                        grad[row * d + c] += xr * ga[i * (d + 1) + c];
                        grad[d * d + row * d + c] += q * yr * y[i * d + c];
                    }
                }
            }
        }
    }

    private static void checkDimension(int d) {
        Checks.atLeast(d, 1, "dimension d");
    }

    private static void checkRho(double rho) {
        if (!(rho > -1 && rho < 1)) {
            throw new IllegalArgumentException("rho must be in (-1, 1) (exclusive), was " + rho);
        }
    }

    /** d. */
    public int dimension() {
        return dimension;
    }

    /** ρ. */
    public double rho() {
        return rho;
    }

    /** A copy of the batch sizes N, in run order. */
    public int[] batchSizes() {
        return batchSizes.clone();
    }

    public long seed() {
        return seed;
    }

    /** Adam steps per batch size. */
    public int steps() {
        return steps;
    }

    public double learningRate() {
        return learningRate;
    }

    /** Held-out pairs per batch size (rounded up to whole batches, at least 4 batches). */
    public int evalSamples() {
        return evalSamples;
    }

    @Override
    public String toString() {
        return "MiExperiment{dimension=" + dimension + ", rho=" + rho + ", batchSizes=" + Arrays.toString(batchSizes)
                + ", seed=" + seed + ", steps=" + steps + ", learningRate=" + learningRate + ", evalSamples="
                + evalSamples + "}";
    }

    /** Builds an {@link MiExperiment}; every setter validates its argument at once. */
    public static final class Builder {
        private int dimension = DEFAULT_DIMENSION;
        private double rho = DEFAULT_RHO;
        private int[] batchSizes = DEFAULT_BATCH_SIZES;
        private long seed = DEFAULT_SEED;
        private int steps = DEFAULT_STEPS;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private int evalSamples = DEFAULT_EVAL_SAMPLES;

        private Builder() {
        }

        /** d ≥ 1 (default 8). */
        public Builder dimension(int d) {
            checkDimension(d);
            dimension = d;
            return this;
        }

        /** ρ in (−1, 1) (default 0.8). */
        public Builder rho(double r) {
            checkRho(r);
            rho = r;
            return this;
        }

        /** One or more distinct batch sizes N ≥ 2, run in this order (default 16, 64, 256, 1024). */
        public Builder batchSizes(int... sizes) {
            if (sizes == null || sizes.length == 0) {
                throw new IllegalArgumentException("give at least one batch size");
            }
            for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] < 2) {
                    throw new IllegalArgumentException("batch size N must be >= 2 (InfoNCE needs a negative), was "
                            + sizes[i] + " at position " + i);
                }
                for (int j = 0; j < i; j++) {
                    if (sizes[j] == sizes[i]) {
                        throw new IllegalArgumentException("batch size N = " + sizes[i] + " is given twice (positions "
                                + j + " and " + i + ")");
                    }
                }
            }
            batchSizes = sizes.clone();
            return this;
        }

        /** Random seed (default 1). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Adam steps per batch size, ≥ 1 (default 200). */
        public Builder steps(int s) {
            Checks.atLeast(s, 1, "steps");
            steps = s;
            return this;
        }

        /** Adam's initial step size, &gt; 0 and finite (default 0.1; decays to 1% of it). */
        public Builder learningRate(double lr) {
            Checks.positive(lr, "learning rate");
            learningRate = lr;
            return this;
        }

        /** Held-out pairs per batch size, ≥ 1 (default 16384). */
        public Builder evalSamples(int s) {
            Checks.atLeast(s, 1, "evalSamples");
            evalSamples = s;
            return this;
        }

        public MiExperiment build() {
            return new MiExperiment(this);
        }
    }
}
