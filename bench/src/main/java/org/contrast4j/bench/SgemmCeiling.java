package org.contrast4j.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * The ceiling for a tiled symmetric InfoNCE: the GFLOP/s of its four products alone, with no exp, no log-sum-exp
 * and no softmax in between. Per tile of b anchor rows × c candidate columns (by default c = N: whole rows), on the
 * kernel the facade selected ({@code -Dcontrast4j.kernel}), with T Java threads taking row blocks in turn:
 * <ol>
 *   <li>S_t = A_blk·B_jᵀ (b×c, depth D) — pass 1;</li>
 *   <li>S_t = A_blk·B_jᵀ again — pass 2 recomputes the tile;</li>
 *   <li>dA_blk += G_t·B_j (b×D, depth c) — S_t stands in for the softmax weights G_t;</li>
 *   <li>dB_j += G_tᵀ·A_blk (c×D, depth b) — into the thread's own partial.</li>
 * </ol>
 * That is 8·b·c·D flops per tile, 8·N²·D for the whole loss. Only the first {@code rows} anchor rows are processed
 * (default all N): every row block has the same shape and reads all of B, so the rate over a few thousand rows is the
 * rate over N, at a fraction of the time for N = 65536.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dcontrast4j.kernel=blas \
 *     -cp bench/target/benchmarks.jar org.contrast4j.bench.SgemmCeiling --n 8192 --dim 256 --threads 2
 * </pre>
 * Options: {@code --n N} (8192), {@code --dim D} (256), {@code --threads T} (2), {@code --rows R} (N),
 * {@code --block b} (256), {@code --columns c} (N; 1024 gives the tiled engine's own tile), {@code --reps R} (3, after
 * one warm-up; the median is reported), {@code --seed S} (42), and {@code --blas-threads B} (1): OpenBLAS threads per
 * call — 1 is how the tiled engine runs ({@link Kernels#singleThreadedCalls()}); {@code --threads 1 --blas-threads 2}
 * is the alternative of letting OpenBLAS own the cores. Prints one line, then a JSON object on the last line:
 * {@code seconds} (median, over the processed rows), {@code gflops}, {@code kernel}, {@code threads},
 * {@code blas_threads}, {@code rows}, {@code block}, {@code columns}, {@code n}, {@code dim}.
 */
public final class SgemmCeiling {
    private SgemmCeiling() {
    }

    public static void main(String[] args) throws Exception {
        int n = 8192, d = 256, threads = 2, block = 256, reps = 3;
        int rows = -1;
        int blasThreads = 1;
        int columns = -1;
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
                case "--block" -> block = positive(args[i], v);
                case "--reps" -> reps = positive(args[i], v);
                case "--blas-threads" -> blasThreads = positive(args[i], v);
                case "--columns" -> columns = positive(args[i], v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--n, --dim, --threads, --rows, --block, --columns, --reps, --blas-threads, --seed)");
            }
        }
        rows = rows < 0 ? n : Math.min(rows, n);
        SplittableRandom random = new SplittableRandom(seed);
        Matrix a = Flops.randomMatrix(random, n, d);
        Matrix b = Flops.randomMatrix(random, n, d);
        int size = n;
        int dim = d;
        int cols = columns < 0 ? n : Math.min(columns, n);
        int blocks = (rows + block - 1) / block;
        int t = threads;
        int bl = block;
        int r = rows;
        float[] av = a.data();
        float[] bv = b.data();
        float[][] tiles = new float[t][bl * cols];
        float[][] gradA = new float[t][bl * d];
        float[][] gradB = new float[t][n * d];
        ExecutorService pool = Executors.newFixedThreadPool(t);
        double[] seconds = new double[reps];
        int before = Kernels.threadsPerCall();
        Kernels.setThreadsPerCall(blasThreads);
        try {
            for (int rep = -1; rep < reps; rep++) {
                long t0 = System.nanoTime();
                Future<?>[] futures = new Future<?>[t];
                for (int w = 0; w < t; w++) {
                    int worker = w;
                    futures[w] = pool.submit(() -> {
                        float[] tile = tiles[worker];
                        float[] ga = gradA[worker];
                        float[] gb = gradB[worker];
                        for (int k = worker; k < blocks; k += t) {
                            int i0 = k * bl;
                            int h = Math.min(bl, r - i0);
                            for (int j0 = 0; j0 < size; j0 += cols) {
                                int c = Math.min(cols, size - j0);
                                // pass 1: S_t = A_blk·B_jᵀ; pass 2: recompute it
                                for (int pass = 0; pass < 2; pass++) {
                                    Kernels.gemm(false, true, h, c, dim, 1f, av, i0 * dim, dim, bv, j0 * dim, dim,
                                            0f, tile, 0, c);
                                }
                                // dA_blk += G_t·B_j (G_t stands in for the softmax weights)
                                Kernels.gemm(false, false, h, dim, c, 1f, tile, 0, c, bv, j0 * dim, dim,
                                        1f, ga, 0, dim);
                                // dB_j += G_tᵀ·A_blk, into this thread's partial
                                Kernels.gemm(true, false, c, dim, h, 1f, tile, 0, c, av, i0 * dim, dim,
                                        1f, gb, j0 * dim, dim);
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
        } finally {
            pool.shutdown();
            Kernels.setThreadsPerCall(before);
        }
        Arrays.sort(seconds);
        int perCall = Kernels.name().equals("blas") ? blasThreads : 1;
        double median = seconds[reps / 2];
        double gflops = 8.0 * rows * n * d / median * 1e-9;
        System.out.printf(Locale.ROOT, "sgemm ceiling: 4 products of %d rows × N = %d × D = %d in %d×%d tiles, %d "
                        + "threads × %d per call, kernel %s: median %.3f s = %.1f GFLOP/s%n",
                rows, n, d, bl, cols, t, perCall, Kernels.name(), median, gflops);
        System.out.printf(Locale.ROOT, "{\"seconds\": %.6f, \"gflops\": %.3f, \"kernel\": \"%s\", \"threads\": %d, "
                        + "\"blas_threads\": %d, \"rows\": %d, \"block\": %d, \"columns\": %d, \"n\": %d, "
                        + "\"dim\": %d}%n",
                median, gflops, Kernels.name(), t, perCall, rows, bl, cols, n, d);
    }

    private static int positive(String option, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, was " + v);
        }
        return v;
    }
}
