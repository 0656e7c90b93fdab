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
 *   <li>{@link #STORED} (InfoNCE / CLIP only): {@link org.contrast4j.tiled.TiledInfoNce#storedLogits} — the N×N
 *       similarities computed once in one product per block of rows and kept (4·N² bytes), the softmax in place and
 *       the two gradient products: 6·N²·D flops for the symmetric loss instead of the tiled 8·N²·D, multi-threaded.
 *       NT-Xent, SupCon and DCL have no stored path: STORED runs their tiled engine;</li>
 *   <li>{@link #AUTO} (the default): for InfoNCE, DENSE below {@value #AUTO_STORED_FROM} rows, STORED from there
 *       up to {@value #AUTO_STORED_MAX} rows (while the stored similarities take at most a quarter of the heap),
 *       TILED above ({@link #resolveInfoNce}); for NT-Xent, SupCon and DCL TILED when the batch has at
 *       least {@value #AUTO_TILED_FROM} rows, DENSE below.</li>
 * </ul>
 * The tiled and stored paths cover in-batch candidates (with or without labels; for one-way InfoNCE a guide mask and
 * the logQ correction); a batch with explicit negatives (shared or paired), or a guide under symmetric InfoNCE,
 * NT-Xent, DCL or SupCon always runs DENSE, whatever the engine. All give the same {@link LossResult} (values within
 * ~1e-6 relative, gradients within ~1e-5: float32 sums in a different order).
 */
public enum Engine {
    /**
     * By batch size: {@link #resolveInfoNce} for InfoNCE; for the others TILED from {@value #AUTO_TILED_FROM} rows,
     * DENSE below.
     */
    AUTO,
    /** The N×N similarity matrix in memory. */
    DENSE,
    /** Tiles recomputed, O(N·D) memory, multi-threaded. */
    TILED,
    /** InfoNCE: the N×N similarities stored once, 6·N²·D flops, multi-threaded; elsewhere TILED. */
    STORED;

    /**
     * The batch size from which AUTO runs InfoNCE on the stored-logits path rather than dense: {@value}. Measured
     * (symmetric, D = 256, 2 threads, OpenBLAS, the three paths interleaved in one JVM, {@code InfoNcePaths} in the
     * bench module; docs/tiled-engine.md has the table): at N = 32 dense takes 0.15 ms against 0.67 ms stored (the
     * hand-off to a second thread costs more than the work), from N = 64 the stored path is faster (2.3 ms against
     * 6.3 ms at 64, 16 against 49 at 256, 79 against 324 at 1024; fastest of 21 runs on a machine under a load of
     * ~25, whose absolute times are inflated several-fold).
     */
    public static final int AUTO_STORED_FROM = 64;

    /**
     * The largest batch AUTO runs InfoNCE on the stored-logits path rather than the tiled one: {@value} rows
     * (256 MiB of stored similarities, kept between calls by the calling thread, softly referenced). Measured
     * (symmetric, D = 256, 2 threads, OpenBLAS; docs/tiled-engine.md has the tables): the stored path took less time
     * than the tiled one from N = 256 to 4096 (process CPU time 25 % less at N = 1024, 18 % at 4096, 40 % at 2048 in
     * the compare_infonce.sh run). At N = 8192 it lost while each call allocated its array afresh (32 % more CPU in
     * the command-line benchmark with {@code -Xmx2g -XX:+UseSerialGC}: the zeroing and the full collections); with
     * the array reused between calls it takes 1.34–1.42 s of CPU per call against 1.60–1.70 s tiled (17 % less, same
     * benchmark, 2026-12-05), at a peak RSS of ~530 MiB against ~310 MiB. So AUTO stores up to 8192 rows (while the
     * array takes at most a quarter of the maximum heap) and tiles above, where the N² array would grow past
     * 1 GiB.
     */
    public static final int AUTO_STORED_MAX = 8192;

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
        return this == TILED || this == STORED || n >= AUTO_TILED_FROM ? TILED : DENSE;
    }

    /**
     * The path that runs an InfoNCE batch of {@code n} rows under this setting: {@link #DENSE}, {@link #STORED} or
     * {@link #TILED}. {@code denseOnly}: the batch has what only the dense path takes (explicit negatives, a guide
     * under the symmetric loss). AUTO: DENSE below {@value #AUTO_STORED_FROM} rows, STORED up to
     * {@value #AUTO_STORED_MAX} rows while the N·(N + 16) stored floats take at most a quarter of the maximum heap,
     * else TILED.
     */
    public Engine resolveInfoNce(int n, boolean denseOnly) {
        if (denseOnly || this == DENSE) {
            return DENSE;
        }
        if (this != AUTO) {
            return this;
        }
        if (n < AUTO_STORED_FROM) {
            return DENSE;
        }
        long bytes = 4L * n * (n + 16);
        return n <= AUTO_STORED_MAX && bytes <= Runtime.getRuntime().maxMemory() / 4 ? STORED : TILED;
    }
}
