package org.contrast4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * The ceiling for a tiled symmetric InfoNCE: the GFLOP/s of its four products alone, with no exp, no log-sum-exp
 * and no softmax in between. Per tile of b anchor rows × c candidate columns, on the kernel the facade selected
 * ({@code -Dcontrast4j.kernel}), with T Java threads taking row blocks in turn:
 * <ol>
 *   <li>S_t = A_blk·B_jᵀ (b×c, depth D) — pass 1;</li>
 *   <li>S_t = A_blk·B_jᵀ again — pass 2 recomputes the tile;</li>
 *   <li>dA_blk += G_t·B_j (b×D, depth c) — S_t stands in for the softmax weights G_t;</li>
 *   <li>dB_j += G_tᵀ·A_blk (c×D, depth b) — into the thread's own partial.</li>
 * </ol>
 * That is 8·b·c·D flops per tile, 8·N²·D for the whole loss. The rate depends on the tile shape (measured at
 * N = 8192, 2 threads: the Vector API kernel 157 GFLOP/s on 256×1024 tiles, 178 on 512×512, 196 on 1024×512, 129 on
 * whole rows; OpenBLAS 255–261 on 256×1024, 256×2048 and whole rows), so several shapes are timed and the best is
 * the ceiling. Only the first
 * {@code rows} anchor rows are processed (default all N): every row block has the same shape and reads all of B, so
 * the rate over a few thousand rows is the rate over N, at a fraction of the time for N = 65536.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dcontrast4j.kernel=blas \
 *     -cp bench/target/benchmarks.jar org.contrast4j.bench.SgemmCeiling --n 8192 --dim 256 --threads 2
 * </pre>
 * Options: {@code --n N} (8192), {@code --dim D} (256), {@code --threads T} (2), {@code --rows R} (N),
 * {@code --tiles} (a comma-separated list of b×c, {@code N} for whole rows; default
 * {@code 256x1024,512x512,1024x512,256xN}: the tiled engine's former and current tiles, the one the Vector API kernel
 * prefers, whole rows), {@code --reps R} (3 per tile after one warm-up; the median counts), {@code --seed S} (42), and {@code --blas-threads B} (1): OpenBLAS threads per call — 1 is how the tiled
 * engine runs ({@link Kernels#singleThreadedCalls()}); {@code --threads 1 --blas-threads 2} is the alternative of
 * letting OpenBLAS own the cores. Prints one line per tile shape, then a JSON object on the last line for the best:
 * {@code seconds} (median, over the processed rows), {@code gflops}, {@code tile}, {@code kernel}, {@code threads},
 * {@code blas_threads}, {@code rows}, {@code n}, {@code dim}.
 */
public final class SgemmCeiling {
    private SgemmCeiling() {
    }

    public static void main(String[] args) throws Exception {
        int n = 8192, d = 256, threads = 2, reps = 3, rows = -1, blasThreads = 1;
        String tiles = "256x1024,512x512,1024x512,256xN";
        long seed = 42;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--n" -> n = positive(args[i], v);
                case "--dim" -> d = positive(args[i], v);
                case "--threads" -> threads = positive(args[i], v);
                case "--rows" -> rows = positive(args[i], v);
                case "--tiles" -> tiles = v;
                case "--reps" -> reps = positive(args[i], v);
                case "--blas-threads" -> blasThreads = positive(args[i], v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--n, --dim, --threads, --rows, --tiles, --reps, --blas-threads, --seed)");
            }
        }
        rows = rows < 0 ? n : Math.min(rows, n);
        List<int[]> shapes = new ArrayList<>();
        for (String tile : tiles.split(",")) {
            String[] bc = tile.trim().split("x");
            if (bc.length != 2) {
                throw new IllegalArgumentException("a tile is ROWSxCOLUMNS (e.g. 256x1024, 256xN), was '" + tile + "'");
            }
            int c = bc[1].equals("N") ? n : Math.min(n, positive("--tiles", bc[1]));
            shapes.add(new int[] {Math.min(rows, positive("--tiles", bc[0])), c});
        }
        SplittableRandom random = new SplittableRandom(seed);
        Matrix a = Flops.randomMatrix(random, n, d);
        Matrix b = Flops.randomMatrix(random, n, d);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        int before = Kernels.threadsPerCall();
        Kernels.setThreadsPerCall(blasThreads);
        int perCall = Kernels.kind() == KernelKind.BLAS ? blasThreads : 1;
        double bestSeconds = Double.NaN;
        double best = 0;
        String bestTile = "";
        try {
            for (int[] shape : shapes) {
                double median = time(pool, threads, a.data(), b.data(), n, d, rows, shape[0], shape[1], reps);
                double gflops = 8.0 * rows * n * d / median * 1e-9;
                String tile = shape[0] + "x" + shape[1];
                System.out.printf(Locale.ROOT, "sgemm ceiling: 4 products of %d rows × N = %d × D = %d in %s tiles, "
                                + "%d threads × %d per call, kernel %s: median %.3f s = %.1f GFLOP/s%n",
                        rows, n, d, tile, threads, perCall, Kernels.kind().id(), median, gflops);
                if (gflops > best) {
                    best = gflops;
                    bestSeconds = median;
                    bestTile = tile;
                }
            }
        } finally {
            pool.shutdown();
            Kernels.setThreadsPerCall(before);
        }
        System.out.printf(Locale.ROOT, "{\"seconds\": %.6f, \"gflops\": %.3f, \"tile\": \"%s\", \"kernel\": \"%s\", "
                        + "\"threads\": %d, \"blas_threads\": %d, \"rows\": %d, \"n\": %d, \"dim\": %d}%n",
                bestSeconds, best, bestTile, Kernels.kind().id(), threads, perCall, rows, n, d);
    }

    /** Median seconds of {@code reps} runs (after one warm-up) of the four products over the first rows. */
    private static double time(ExecutorService pool, int threads, float[] a, float[] b, int n, int d, int rows,
                               int block, int cols, int reps) throws Exception {
        int blocks = (rows + block - 1) / block;
        float[][] tiles = new float[threads][block * cols];
        float[][] gradA = new float[threads][block * d];
        float[][] gradB = new float[threads][n * d];
        double[] seconds = new double[reps];
        for (int rep = -1; rep < reps; rep++) {
            long t0 = System.nanoTime();
            Future<?>[] futures = new Future<?>[threads];
            for (int w = 0; w < threads; w++) {
                int worker = w;
                futures[w] = pool.submit(() -> {
                    float[] tile = tiles[worker];
                    float[] ga = gradA[worker];
                    float[] gb = gradB[worker];
                    for (int k = worker; k < blocks; k += threads) {
                        int i0 = k * block;
                        int h = Math.min(block, rows - i0);
                        for (int j0 = 0; j0 < n; j0 += cols) {
                            int c = Math.min(cols, n - j0);
                            for (int pass = 0; pass < 2; pass++) { // S_t = A_blk·B_jᵀ, computed twice
                                Kernels.gemm(false, true, h, c, d, 1f, a, i0 * d, d, b, j0 * d, d, 0f, tile, 0, c);
                            }
                            // dA_blk += G_t·B_j and dB_j += G_tᵀ·A_blk (S_t standing in for G_t)
                            Kernels.gemm(false, false, h, d, c, 1f, tile, 0, c, b, j0 * d, d, 1f, ga, 0, d);
                            Kernels.gemm(true, false, c, d, h, 1f, tile, 0, c, a, i0 * d, d, 1f, gb, j0 * d, d);
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : futures) {
                f.get();
            }
            if (rep >= 0) {
                seconds[rep] = (System.nanoTime() - t0) * 1e-9;
            }
        }
        Arrays.sort(seconds);
        return seconds[reps / 2];
    }

    private static int positive(String option, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, was " + v);
        }
        return v;
    }
}
