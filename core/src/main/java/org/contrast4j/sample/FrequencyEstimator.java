package org.contrast4j.sample;

import java.util.HashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;

/**
 * Estimates q(y), how often item y appears per training batch, from the stream of batches — the log q that
 * {@link org.contrast4j.loss.InfoNce} subtracts from in-batch logits ({@link org.contrast4j.loss.Batch.Builder#logQ})
 * to correct the sampling bias of in-batch negatives (Yi et al. 2019, "Sampling-Bias-Corrected Neural Modeling for
 * Large Corpus Item Recommendations", RecSys).
 *
 * <p>Each call of {@link #observe(long[])} is one batch, step t = 1, 2, …; its ids are seen in order. Two estimators:
 * <ul>
 *   <li>{@link #exact()}: exact counts, q(y) = count(y) / t — the mean number of occurrences per batch so far. Memory
 *       grows with the number of distinct ids.</li>
 *   <li>{@link #streaming(int, double)}: Yi et al.'s Algorithm 1, in fixed memory. Two arrays of H buckets, A (the
 *       step an id of the bucket was last seen, initially 0) and B (the estimated number of steps between
 *       occurrences, initially 0); on seeing y at step t, with h = {@link #bucket(long)}:
 *       <pre>
 *   B[h] ← (1 − α)·B[h] + α·(t − A[h]),   A[h] ← t,   q(y) = 1 / B[h]
 *       </pre>
 *       Ids sharing a bucket share their estimate (the paper's hashing; more buckets, fewer collisions).</li>
 * </ul>
 * Both estimate the same quantity (1 / mean gap between occurrences ≈ occurrences per batch). A never-seen id has
 * q = 0. Offsets of log q common to every candidate do not change InfoNCE, so only the ratios matter.
 *
 * <p>Not thread-safe: one estimator is fed by one training loop.
 */
public abstract sealed class FrequencyEstimator permits FrequencyEstimator.Exact, FrequencyEstimator.Streaming {
    long step;

    FrequencyEstimator() {
    }

    /** Exact counts: q(y) = count(y) / steps. */
    public static FrequencyEstimator exact() {
        return new Exact();
    }

    /**
     * Yi et al.'s streaming estimator with {@code buckets} ≥ 1 hash buckets and learning rate α ∈ (0, 1) (the
     * paper uses α = 0.01 in its simulations).
     *
     * @throws IllegalArgumentException if buckets &lt; 1 or α is outside (0, 1)
     */
    public static FrequencyEstimator streaming(int buckets, double alpha) {
        Checks.atLeast(buckets, 1, "buckets");
        Checks.argument(alpha > 0 && alpha < 1, "alpha must be in (0, 1), was %s", alpha);
        return new Streaming(buckets, alpha);
    }

    /**
     * One batch (the next step t): sees each id in order.
     *
     * @throws NullPointerException if ids is null
     */
    public final void observe(long[] ids) {
        Checks.notNull(ids, "ids");
        step++;
        for (long id : ids) {
            see(id);
        }
    }

    /** The number of batches observed, t. */
    public final long steps() {
        return step;
    }

    /** The estimate q(y) ≥ 0 (0 for an id never seen). */
    public abstract double probability(long id);

    /**
     * log q of each id, for {@link org.contrast4j.loss.Batch.Builder#logQ}.
     *
     * @throws IllegalArgumentException naming the index and id if an id was never seen (log 0 = −∞)
     */
    public final double[] logQ(long[] ids) {
        Checks.notNull(ids, "ids");
        double[] out = new double[ids.length];
        for (int k = 0; k < ids.length; k++) {
            double q = probability(ids[k]);
            Checks.argument(q > 0, "ids[%d] = %d was never observed: q = 0 has no logarithm (observe the batch "
                    + "first)", k, ids[k]);
            out[k] = Math.log(q);
        }
        return out;
    }

    abstract void see(long id);

    /** Exact counts. */
    static final class Exact extends FrequencyEstimator {
        private final Map<Long, long[]> counts = new HashMap<>();

        @Override
        void see(long id) {
            counts.computeIfAbsent(id, k -> new long[1])[0]++;
        }

        @Override
        public double probability(long id) {
            long[] c = counts.get(id);
            return c == null ? 0.0 : (double) c[0] / step;
        }

        @Override
        public String toString() {
            return "FrequencyEstimator.exact{steps=" + step + ", ids=" + counts.size() + "}";
        }
    }

    /** Yi et al.'s Algorithm 1. */
    static final class Streaming extends FrequencyEstimator {
        private final double alpha;
        private final long[] last;
        private final double[] gap;

        Streaming(int buckets, double alpha) {
            this.alpha = alpha;
            this.last = new long[buckets];
            this.gap = new double[buckets];
        }

        @Override
        void see(long id) {
            int h = bucket(id);
            gap[h] = (1 - alpha) * gap[h] + alpha * (step - last[h]);
            last[h] = step;
        }

        @Override
        public double probability(long id) {
            double b = gap[bucket(id)];
            return b == 0 ? 0.0 : 1 / b;
        }

        @Override
        public int bucket(long id) {
            return (int) Long.remainderUnsigned(mix(id), last.length);
        }

        @Override
        public String toString() {
            return "FrequencyEstimator.streaming{buckets=" + last.length + ", alpha=" + alpha + ", steps=" + step
                    + "}";
        }
    }

    /**
     * The hash bucket of an id in the streaming estimator: SplitMix64's finaliser of the id, unsigned, modulo the
     * number of buckets; the exact estimator has no buckets and returns −1.
     */
    public int bucket(long id) {
        return -1;
    }

    /** SplitMix64's finaliser (Steele, Lea &amp; Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
