package org.contrast4j.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;

/**
 * Exact top-k search ({@link ExactSearch}) against its own ceiling: the same GEMMs alone (queries × corpus in
 * 512 × 1024 tiles, T Java threads × one OpenBLAS thread per call, no top-k selection), on the same seeded inputs,
 * run alternately so that both see the same machine load. Prints the median seconds and GFLOP/s (2·B·M·D flops) of
 * each and their ratio, and the process CPU seconds each used, so a run on a shared machine can still be read.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
 *     -cp bench/target/benchmarks.jar org.contrast4j.bench.SearchBench --queries 2000 --corpus 200000 --dim 384
 * </pre>
 * Options: {@code --queries B} (2000), {@code --corpus M} (200000), {@code --dim D} (384), {@code --k K} (10),
 * {@code --threads T} (2), {@code --reps R} (3, after one warm-up of each), {@code --similarity cosine|dot}
 * (cosine), {@code --seed S} (42). The last line is a JSON object with the figures.
 */
public final class SearchBench {
    static final int QUERY_TILE = 512;
    static final int CORPUS_TILE = 1024;

    private SearchBench() {
    }

    public static void main(String[] args) throws Exception {
        int b = 2000, m = 200_000, d = 384, k = 10, threads = 2, reps = 3;
        long seed = 42;
        Similarity sim = Similarity.COSINE;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--queries" -> b = Integer.parseInt(v);
                case "--corpus" -> m = Integer.parseInt(v);
                case "--dim" -> d = Integer.parseInt(v);
                case "--k" -> k = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--reps" -> reps = Integer.parseInt(v);
                case "--similarity" -> sim = Similarity.valueOf(v.toUpperCase(Locale.ROOT));
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--queries, --corpus, --dim, --k, --threads, --reps, --similarity, --seed)");
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        Matrix q = Flops.randomMatrix(random, b, d);
        Matrix c = Flops.randomMatrix(random, m, d);
        ExactSearch search = ExactSearch.of(sim).withThreads(threads);
        double flops = 2.0 * b * m * d;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] searchSec = new double[reps];
        double[] gemmSec = new double[reps];
        double[] searchCpu = new double[reps];
        double[] gemmCpu = new double[reps];
        for (int rep = -1; rep < reps; rep++) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            TopK top = search.search(q, c, k);
            long t1 = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            gemmOnly(q.data(), b, c.data(), m, d, threads);
            long t2 = System.nanoTime();
            long cpu2 = os.getProcessCpuTime();
            if (top.id(0, 0) < 0) {
                throw new IllegalStateException("no result");
            }
            if (rep >= 0) {
                searchSec[rep] = (t1 - t0) * 1e-9;
                gemmSec[rep] = (t2 - t1) * 1e-9;
                searchCpu[rep] = (cpu1 - cpu0) * 1e-9;
                gemmCpu[rep] = (cpu2 - cpu1) * 1e-9;
            }
            System.out.printf(Locale.ROOT, "%s: search %.3f s (%.1f GFLOP/s, %.1f CPU s), GEMMs alone %.3f s "
                            + "(%.1f GFLOP/s, %.1f CPU s)%n", rep < 0 ? "warm-up" : "rep " + rep, (t1 - t0) * 1e-9,
                    flops / (t1 - t0), (cpu1 - cpu0) * 1e-9, (t2 - t1) * 1e-9, flops / (t2 - t1),
                    (cpu2 - cpu1) * 1e-9);
        }
        double s = median(searchSec);
        double g = median(gemmSec);
        System.out.printf(Locale.ROOT, "{\"queries\": %d, \"corpus\": %d, \"dim\": %d, \"k\": %d, \"similarity\": "
                        + "\"%s\", \"kernel\": \"%s\", \"threads\": %d, \"search_seconds\": %.4f, \"search_gflops\": "
                        + "%.2f, \"gemm_seconds\": %.4f, \"gemm_gflops\": %.2f, \"efficiency\": %.3f, "
                        + "\"search_cpu_seconds\": %.3f, \"gemm_cpu_seconds\": %.3f}%n",
                b, m, d, k, sim.name().toLowerCase(Locale.ROOT), Kernels.kind().id(), threads, s, flops / s * 1e-9, g,
                flops / g * 1e-9, g / s, median(searchCpu), median(gemmCpu));
    }

    /** The search's GEMMs without selection: query tiles taken in turn by the threads, each against all corpus tiles. */
    static void gemmOnly(float[] q, int b, float[] c, int m, int d, int threads) throws InterruptedException {
        int blocks = (b + QUERY_TILE - 1) / QUERY_TILE;
        AtomicInteger next = new AtomicInteger();
        Thread[] workers = new Thread[threads];
        try (Kernels.Scope ignored = Kernels.singleThreadedCalls()) {
            for (int w = 0; w < threads; w++) {
                workers[w] = new Thread(() -> {
                    float[] tile = new float[QUERY_TILE * CORPUS_TILE];
                    for (int blk = next.getAndIncrement(); blk < blocks; blk = next.getAndIncrement()) {
                        int q0 = blk * QUERY_TILE;
                        int n = Math.min(QUERY_TILE, b - q0);
                        for (int c0 = 0; c0 < m; c0 += CORPUS_TILE) {
                            int w2 = Math.min(CORPUS_TILE, m - c0);
                            Kernels.gemm(false, true, n, w2, d, 1f, q, q0 * d, d, c, c0 * d, d, 0f, tile, 0, w2);
                        }
                    }
                });
                workers[w].start();
            }
            for (Thread t : workers) {
                t.join();
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
