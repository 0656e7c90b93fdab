package org.contrast4j.djl.train;

/**
 * Derives independent seeds from the run's seed and a path of keys (stream, epoch, image, view) with SplitMix64's
 * finaliser, so every random draw depends only on what it is for — never on the order in which earlier draws were
 * made. This is what makes a resumed run continue exactly: epoch e's shuffle and augmentations are the same whether
 * the run started at epoch 1 or resumed at e.
 */
final class Seeds {
    static final long INIT = 1;
    static final long SHUFFLE = 2;
    static final long AUGMENT = 3;
    static final long EVAL_VIEWS = 4;
    static final long PROBE = 5;

    private Seeds() {
    }

    static long mix(long seed, long... keys) {
        long h = finalise(seed ^ 0x9E3779B97F4A7C15L);
        for (long k : keys) {
            h = finalise(h + 0x9E3779B97F4A7C15L * (k + 1));
        }
        return h;
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
