package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import java.util.random.RandomGenerator;

/**
 * Seeded draws from a {@link NoiseDistribution}: one id, k ids into an array, or rows×k ids, with replacement or
 * unique.
 *
 * <p><b>With replacement</b>: k independent draws from q. <b>Unique</b> (TensorFlow's {@code unique=True},
 * {@code RangeSampler::SampleBatchGetExpectedCountAvoid}): draw from q with replacement, keeping each id the first
 * time it appears and discarding repeats (and excluded ids), until k distinct ids are kept; the number of draws
 * this took is the row's {@code tries} (≥ k), which the expected counts need (see {@link NoiseDistribution}).
 * Equivalently: successive sampling without replacement, each next id c chosen with probability q(c) / (1 − the
 * mass already taken or excluded). Ids are returned in the order they were first drawn.
 *
 * <p>Made by {@link NoiseDistribution#sampler(long)} (one stream) or {@link NoiseDistribution#sampler(long, int)}
 * (stream s of a family, one per thread); the same seed and stream give the same ids on every run. A sampler is
 * <b>not</b> thread-safe: give each thread its own stream.
 *
 * <p>Bad input → {@link IllegalArgumentException}: k &lt; 1; unique sampling from a vocabulary smaller than k plus
 * the excluded ids, or from a distribution with fewer than that many ids of positive probability; an excluded id
 * outside [0, V).
 */
public final class Sampler {
    /** TensorFlow stops unique sampling at kint32max tries; so do we (only reachable with absurdly tiny q). */
    private static final long MAX_TRIES = Integer.MAX_VALUE;

    private final NoiseDistribution noise;
    private final RandomGenerator random;
    private final IntSet seen = new IntSet();

    Sampler(NoiseDistribution noise, RandomGenerator random) {
        this.noise = noise;
        this.random = random;
    }

    /** The distribution this sampler draws from. */
    public NoiseDistribution distribution() {
        return noise;
    }

    /** One id drawn from q. */
    public int next() {
        return noise.sample(random);
    }

    /**
     * Fills {@code out} with k = out.length ids, with replacement or unique.
     *
     * @return the number of draws it took: k with replacement, ≥ k when unique
     * @throws IllegalArgumentException if out is empty, or unique and fewer than k ids can be drawn
     */
    public int draw(int[] out, boolean unique) {
        Checks.notNull(out, "out");
        Checks.atLeast(out.length, 1, "k (samples per draw)");
        if (!unique) {
            for (int j = 0; j < out.length; j++) {
                out[j] = noise.sample(random);
            }
            return out.length;
        }
        return drawUnique(out, 0, out.length, NONE);
    }

    /**
     * Fills {@code out} with k = out.length distinct ids, none of them in {@code exclude} (TensorFlow's
     * {@code avoided_values}; e.g. the target, so that it is never drawn as its own negative). Draws of an excluded
     * id count as tries.
     *
     * @return the number of draws it took (≥ k)
     * @throws IllegalArgumentException if out is empty, an excluded id is out of range, or fewer than k ids outside
     *                                  {@code exclude} can be drawn (V or the support of q too small)
     */
    public int drawExcluding(int[] out, int... exclude) {
        Checks.notNull(out, "out");
        Checks.atLeast(out.length, 1, "k (samples per draw)");
        return drawUnique(out, 0, out.length, exclude == null ? NONE : exclude);
    }

    /** One row of k ids shared by a whole batch (TensorFlow's candidate samplers draw one such row per batch). */
    public Draws draw(int k, boolean unique) {
        return draw(1, k, unique);
    }

    /**
     * rows×k ids, each row drawn independently (with replacement or unique within the row), stored row-major.
     *
     * @throws IllegalArgumentException if rows &lt; 1, k &lt; 1, or unique and V (or the support of q) &lt; k
     */
    public Draws draw(int rows, int k, boolean unique) {
        checkRows(rows);
        Checks.atLeast(k, 1, "k (samples per draw)");
        int[] ids = new int[Math.multiplyExact(rows, k)];
        int[] tries = new int[rows];
        for (int r = 0; r < rows; r++) {
            if (unique) {
                tries[r] = drawUnique(ids, r * k, k, NONE);
            } else {
                for (int j = 0; j < k; j++) {
                    ids[r * k + j] = noise.sample(random);
                }
                tries[r] = k;
            }
        }
        return new Draws(noise, rows, k, unique, ids, tries);
    }

    /**
     * k negatives per target: one row of k distinct ids per target, row r never containing {@code targets[r]}
     * (unique sampling excluding the target; the vocabulary needs at least k + 1 ids of positive probability).
     *
     * @throws IllegalArgumentException if targets is empty, a target is out of range, k &lt; 1, or V (or the support
     *                                  of q outside the target) &lt; k + 1
     */
    public Draws drawNegatives(int[] targets, int k) {
        Checks.notNull(targets, "targets");
        checkRows(targets.length);
        Checks.atLeast(k, 1, "k (samples per draw)");
        int rows = targets.length;
        int[] ids = new int[Math.multiplyExact(rows, k)];
        int[] tries = new int[rows];
        int[] one = new int[1];
        for (int r = 0; r < rows; r++) {
            one[0] = targets[r];
            tries[r] = drawUnique(ids, r * k, k, one);
        }
        return new Draws(noise, rows, k, true, ids, tries);
    }

    private static final int[] NONE = new int[0];

    private static void checkRows(int rows) {
        Checks.atLeast(rows, 1, "rows");
    }

    private int drawUnique(int[] out, int offset, int k, int[] exclude) {
        int v = noise.size();
        seen.reset(k + exclude.length);
        int excluded = 0;
        int excludedDrawable = 0;
        for (int e : exclude) {
            if (e < 0 || e >= v) {
                throw new IllegalArgumentException("excluded id " + e + " is outside [0, " + v + ")");
            }
            if (seen.add(e)) {
                excluded++;
                if (noise.probability(e) > 0) {
                    excludedDrawable++;
                }
            }
        }
        String avoiding = excluded == 0 ? "" : " avoiding " + excluded + " excluded id" + (excluded == 1 ? "" : "s");
        if ((long) k + excluded > v) {
            throw new IllegalArgumentException("unique sampling of k = " + k + " distinct ids" + avoiding
                    + " needs a vocabulary of at least " + ((long) k + excluded) + " ids, V = " + v);
        }
        int drawable = noise.support() - excludedDrawable;
        if (drawable < k) {
            throw new IllegalArgumentException("unique sampling of k = " + k + " distinct ids" + avoiding
                    + " needs at least " + k + " drawable ids (q > 0" + (excluded == 0 ? "" : ", not excluded")
                    + "), the distribution has " + drawable);
        }
        long tries = 0;
        int picked = 0;
        while (picked < k) {
            if (++tries >= MAX_TRIES) {
                throw new IllegalStateException("unique sampling of k = " + k + " ids gave up after " + tries
                        + " draws with " + picked + " distinct ids");
            }
            int c = noise.sample(random);
            if (seen.add(c)) {
                out[offset + picked++] = c;
            }
        }
        return (int) tries;
    }

    @Override
    public String toString() {
        return "Sampler{" + noise + "}";
    }

    /** A reusable open-addressing set of non-negative ints (linear probing, Fibonacci hashing), sized per draw. */
    static final class IntSet {
        private int[] slots = new int[16];
        private int shift = 28;

        /** Empties the set, with room for {@code expected} entries at load ≤ ½. */
        void reset(int expected) {
            int cap = Math.max(16, Integer.highestOneBit(Math.max(1, 2 * expected - 1)) << 1);
            if (cap > slots.length || cap * 8 < slots.length) {
                slots = new int[cap];
            }
            shift = 32 - Integer.numberOfTrailingZeros(slots.length);
            java.util.Arrays.fill(slots, -1);
        }

        /** Adds x (≥ 0); true if it was not there. */
        boolean add(int x) {
            int mask = slots.length - 1;
            int i = (x * 0x9E3779B9) >>> shift;
            while (true) {
                int s = slots[i];
                if (s == x) {
                    return false;
                }
                if (s < 0) {
                    slots[i] = x;
                    return true;
                }
                i = (i + 1) & mask;
            }
        }
    }
}
