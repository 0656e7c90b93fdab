package org.contrast4j.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * Who should own the cores: OpenBLAS's threads or ours? Times one similarity product S = A·Bᵀ (N×D by N×D, default
 * N = 8192, D = 256, 2·N²·D flops) three ways on the blas kernel:
 * <ol>
 *   <li>{@code blas-threads}: one call from one Java thread, OpenBLAS at T threads;</li>
 *   <li>{@code our-threads}: T Java threads, each computing N/T rows of S with OpenBLAS at 1 thread (what the tiled
 *       engine does inside {@link Kernels#singleThreadedCalls()});</li>
 *   <li>{@code both}: T Java threads, each with OpenBLAS at T threads (oversubscribed: T² threads on T cores).</li>
 * </ol>
 * One warm-up, then the median of R runs of each, interleaved round by round so that a burst of load from other
 * processes hits all three alike.
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     org.contrast4j.bench.BlasThreads [N] [D] [T] [R]
 * </pre>
 */
public final class BlasThreads {
    private BlasThreads() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        if (Kernels.kind() != KernelKind.BLAS) {
            throw new IllegalStateException("needs the blas kernel, the facade uses " + Kernels.kind().id()
                    + " (OpenBLAS installed? --enable-native-access=ALL-UNNAMED?)");
        }
        SplittableRandom random = new SplittableRandom(42);
        Matrix a = Flops.randomMatrix(random, n, d);
        Matrix b = Flops.randomMatrix(random, n, d);
        Matrix whole = Matrix.zeros(n, n);
        Matrix[] aParts = new Matrix[threads];
        Matrix[] cParts = new Matrix[threads];
        for (int t = 0; t < threads; t++) {
            int r0 = (int) ((long) n * t / threads);
            int r1 = (int) ((long) n * (t + 1) / threads);
            aParts[t] = Matrix.of(r1 - r0, d, Arrays.copyOfRange(a.data(), r0 * d, r1 * d));
            cParts[t] = Matrix.zeros(r1 - r0, n);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        String[] names = {"blas-threads", "our-threads", "both"};
        double[][] seconds = new double[names.length][reps];
        int before = Kernels.threadsPerCall();
        try {
            for (int rep = -1; rep < reps; rep++) {
                for (int w = 0; w < names.length; w++) {
                    double s = switch (w) {
                        case 0 -> {
                            Kernels.setThreadsPerCall(threads);
                            long t0 = System.nanoTime();
                            Kernels.gemm(false, true, 1f, a, b, 0f, whole);
                            yield (System.nanoTime() - t0) * 1e-9;
                        }
                        case 1 -> split(pool, aParts, b, cParts, 1);
                        default -> split(pool, aParts, b, cParts, threads);
                    };
                    if (rep >= 0) {
                        seconds[w][rep] = s;
                    }
                }
            }
        } finally {
            pool.shutdown();
            Kernels.setThreadsPerCall(before);
        }
        double gflop = 2.0 * n * n * d * 1e-9;
        System.out.printf("S = A·Bᵀ, N = %d, D = %d (%.1f GFLOP), %d cores available, T = %d, median of %d%n",
                n, d, gflop, Runtime.getRuntime().availableProcessors(), threads, reps);
        for (int w = 0; w < names.length; w++) {
            double[] s = seconds[w].clone();
            Arrays.sort(s);
            double median = s[reps / 2];
            System.out.printf("  %-13s median %.3f s = %6.1f GFLOP/s   (min %.3f s, max %.3f s)%n",
                    names[w], median, gflop / median, s[0], s[reps - 1]);
        }
    }

    /** T Java threads, each one gemm on its rows, with OpenBLAS at {@code blasThreads} per call. */
    private static double split(ExecutorService pool, Matrix[] aParts, Matrix b, Matrix[] cParts, int blasThreads)
            throws Exception {
        Kernels.setThreadsPerCall(blasThreads);
        Callable<?>[] tasks = new Callable<?>[aParts.length];
        long t0 = System.nanoTime();
        Future<?>[] futures = new Future<?>[aParts.length];
        for (int t = 0; t < aParts.length; t++) {
            int part = t;
            tasks[t] = () -> {
                Kernels.gemm(false, true, 1f, aParts[part], b, 0f, cParts[part]);
                return null;
            };
            futures[t] = pool.submit(tasks[t]);
        }
        for (Future<?> f : futures) {
            f.get();
        }
        return (System.nanoTime() - t0) * 1e-9;
    }
}
