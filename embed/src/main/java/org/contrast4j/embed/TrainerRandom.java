package org.contrast4j.embed;

import java.util.random.RandomGenerator;

/**
 * The random stream of one trainer thread: SplitMix64 (Steele, Lea &amp; Flood 2014, the generator behind
 * {@link java.util.SplittableRandom}) with its whole state one {@code long}, so a checkpoint can save it and a resumed
 * run continue the exact same stream. Stream s of seed x starts from mix(x + s·golden), so streams of one seed differ.
 * Not thread-safe (one per thread).
 */
final class TrainerRandom implements RandomGenerator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    private TrainerRandom(long state) {
        this.state = state;
    }

    /** Stream {@code stream} of {@code seed}. */
    static TrainerRandom of(long seed, int stream) {
        return new TrainerRandom(mix(seed + (stream + 1L) * GOLDEN));
    }

    /** A generator continuing from a saved {@link #state()}. */
    static TrainerRandom restore(long state) {
        return new TrainerRandom(state);
    }

    /** The whole state. */
    long state() {
        return state;
    }

    @Override
    public long nextLong() {
        return mix(state += GOLDEN);
    }

    @Override
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Uniform in [0, bound), bound ≥ 1 (Lemire's multiply-shift, without the rejection step: bias < 2⁻³²·bound). */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [0, 1) with 24 random bits. */
    @Override
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
