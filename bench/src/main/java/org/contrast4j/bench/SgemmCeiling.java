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
 * and no softmax in between. Per block of b anchor rows, on the kernel the facade selected
 * ({@code -Dcontrast4j.kernel}), with T Java threads taking blocks in turn:
 * <ol>
 *   <li>S = A_blk·Bᵀ (b×N, depth D) — pass 1;</li>
 *   <li>S = A_blk·Bᵀ again — pass 2 recomputes the tile;</li>
 *   <li>dA_blk = G·B (b×D, depth N) — G stands in for the softmax weights;</li>
 *   <li>dB_t += Gᵀ·A_blk (N×D, depth b) — into the thread's own partial.</li>
 * </ol>
 * That is 8·b·N·D flops per block, 8·N²·D for the whole loss. Only the first {@code rows} anchor rows are processed
 * (default all N): every block has the same shape and reads all of B, so the rate over a few thousand rows is the
 * rate over N, at a fraction of the time for N = 65536.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dcontrast4j.kernel=blas \
 *     -cp bench/target/benchmarks.jar org.contrast4j.bench.SgemmCeiling --n 8192 --dim 256 --threads 2
 * </pre>
 * Options: {@code --n N --dim D --threads T --rows R --block b (256) --reps R (3) --seed S (42)} and
 * {@code --blas-threads B} (1): OpenBLAS threads per call — the default 1 is how the tiled engine runs
 * ({@link Kernels#singleThreadedCalls()}); {@code --threads 1 --blas-threads 2} is the alternative of letting
 * OpenBLAS own the cores. Prints one line, then
 * a JSON object on the last line: {@code seconds} (median over the processed rows), {@code gflops}, {@code kernel},
 * {@code threads}, {@code blas_threads}, {@code rows}, {@code n}, {@code dim}.
 */
public final class SgemmCeiling {
    private SgemmCeiling() {
    }

    public static void main(String[] args) throws Exception {
        int n = 8192, d = 256, threads = 2, block = 256, reps = 3;
        int rows = -1;
        int blasThreads = 1;
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
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--n, --dim, --threads, --rows, --block, --reps, --blas-threads, --seed)");
            }
        }
        rows = rows < 0 ? n : Math.min(rows, n);
        SplittableRandom random = new SplittableRandom(seed);
        Matrix a = Flops.randomMatrix(random, n, d);
        Matrix b = Flops.randomMatrix(random, n, d);
        int blocks = (rows + block - 1) / block;
        int t = threads;
        int bl = block;
        int r = rows;
        Matrix[] aBlocks = new Matrix[blocks];
        for (int k = 0; k < blocks; k++) {
            int r0 = k * bl;
            int r1 = Math.min(r, r0 + bl);
            aBlocks[k] = Matrix.of(r1 - r0, d, Arrays.copyOfRange(a.data(), r0 * d, r1 * d));
        }
        Matrix[] tiles = new Matrix[t];
        Matrix[] tilesEdge = new Matrix[t];
        Matrix[] gradA = new Matrix[t];
        Matrix[] gradAEdge = new Matrix[t];
        Matrix[] gradB = new Matrix[t];
        int edge = aBlocks[blocks - 1].rows();
        for (int w = 0; w < t; w++) {
            tiles[w] = Matrix.zeros(bl, n);
            tilesEdge[w] = Matrix.zeros(edge, n);
            gradA[w] = Matrix.zeros(bl, d);
            gradAEdge[w] = Matrix.zeros(edge, d);
            gradB[w] = Matrix.zeros(n, d);
        }
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
                        for (int k = worker; k < blocks; k += t) {
                            Matrix ab = aBlocks[k];
                            boolean full = ab.rows() == bl;
                            Matrix s = full ? tiles[worker] : tilesEdge[worker];
                            Matrix ga = full ? gradA[worker] : gradAEdge[worker];
                            Kernels.gemm(false, true, 1f, ab, b, 0f, s);             // pass 1: S = A_blk·Bᵀ
                            Kernels.gemm(false, true, 1f, ab, b, 0f, s);             // pass 2: recompute S
                            Kernels.gemm(false, false, 1f, s, b, 0f, ga);            // dA_blk = G·B
                            Kernels.gemm(true, false, 1f, s, ab, 1f, gradB[worker]); // dB_t += Gᵀ·A_blk
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
        System.out.printf(Locale.ROOT, "sgemm ceiling: 4 products of %d rows × N = %d × D = %d in blocks of %d, %d "
                        + "threads × %d per call, kernel %s: median %.3f s = %.1f GFLOP/s%n",
                rows, n, d, bl, t, perCall, Kernels.name(), median, gflops);
        System.out.printf(Locale.ROOT, "{\"seconds\": %.6f, \"gflops\": %.3f, \"kernel\": \"%s\", \"threads\": %d, "
                        + "\"blas_threads\": %d, \"rows\": %d, \"n\": %d, \"dim\": %d}%n",
                median, gflops, Kernels.name(), t, perCall, rows, n, d);
    }

    private static int positive(String option, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, was " + v);
        }
        return v;
    }
}
