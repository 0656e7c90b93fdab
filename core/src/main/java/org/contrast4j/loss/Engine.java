package org.contrast4j.loss;

/**
 * How {@link InfoNce} computes in-batch InfoNCE / CLIP, and {@link NtXent}, {@link SupCon} and {@link Dcl} their
 * self-similarity softmax (there the tiled engine is {@link org.contrast4j.tiled.TiledSelfSimilarity}, the dense one
 * forms the 2N×2N matrix, and the size compared with {@link #AUTO_TILED_FROM} is the number of pairs or anchors).
 * <ul>
 *   <li>{@link #DENSE}: forms the N×N similarity matrix (and a few more N×N arrays) and runs the softmax rows on it —
 *       memory O(N²), single-threaded softmax;</li>
 *   <li>{@link #TILED}: the {@link org.contrast4j.tiled.TiledInfoNce} engine — the same loss and gradients from tiles
 *       recomputed in two passes, memory O(N·D), multi-threaded ({@link InfoNce.Builder#threads});</li>
 *   <li>{@link #AUTO} (the default): TILED when the batch has at least {@value #AUTO_TILED_FROM} rows, DENSE below.</li>
 * </ul>
 * The tiled engine covers in-batch candidates (with or without labels, and for one-way InfoNCE a guide mask); a batch
 * with explicit negatives (shared or paired), logQ, or a guide under symmetric InfoNCE, NT-Xent, DCL or SupCon always
 * runs DENSE, whatever the engine. Both give the same {@link LossResult} (values within ~1e-6
 * relative, gradients within ~1e-5: float32 sums in a different order).
 */
public enum Engine {
    /** TILED from {@value #AUTO_TILED_FROM} rows, DENSE below. */
    AUTO,
    /** The N×N similarity matrix in memory. */
    DENSE,
    /** Tiles recomputed, O(N·D) memory, multi-threaded. */
    TILED;

    /**
     * The batch size from which AUTO picks the tiled engine: {@value}. Measured on a 2-core AVX-512 machine (Vector
     * API kernel, one thread, best of several runs): symmetric with D = 256 the tiled engine takes 0.6× the dense
     * time at N = 128 and 0.4× from N = 512 on (0.0010 s vs 0.0016 s; 0.039 s vs 0.097 s at N = 1024), one-way with
     * D = 64 about the same ratios; at N = 64 the two are even. The dense engine spends its time on N×N arrays and a
     * double-precision softmax, the tiled one on the products. Small batches stay on the simple dense path. For
     * NT-Xent, SupCon and DCL the threshold counts pairs (anchors for SupCon), i.e. 2N = 256 stacked rows for the
     * first two; measured for NT-Xent (thread CPU time, one thread, OpenBLAS kernel, best of 5, on the 2-core machine
     * under load, 2026-12-05): at N = 128 the tiled engine takes 0.44× the dense time with D = 64 (0.53 ms vs 1.2 ms),
     * 0.76× with D = 128, 1.14× with D = 256; at N = 512 0.28×, 0.43× and 0.69×.
     */
    public static final int AUTO_TILED_FROM = 128;

    /**
     * The engine that runs a batch of {@code n} rows under this setting: {@link #DENSE} or {@link #TILED} (AUTO
     * resolved by size; explicit negatives always DENSE).
     */
    public Engine resolve(int n, boolean explicitNegatives) {
        if (explicitNegatives || this == DENSE) {
            return DENSE;
        }
        return this == TILED || n >= AUTO_TILED_FROM ? TILED : DENSE;
    }
}
