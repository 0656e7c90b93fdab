package org.contrast4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.HardNegativeMiner;
import org.contrast4j.retrieval.MinedNegatives;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;

/**
 * The full-size retrieval measurement of issue 11, in one run, for an idle machine:
 * <ol>
 *   <li><b>sgemm ceiling</b> of this run: the search's GEMMs alone (512 × 1024 tiles, T Java threads × one OpenBLAS
 *       thread per call, no selection) on a sample of the same rows — min(B, 8192) queries × min(M, 131072) corpus
 *       rows, median of 3 after a warm-up;</li>
 *   <li><b>exact search</b> ({@link ExactSearch}, cosine, k = 10) of B = 10⁵ random unit queries against M = 10⁶ random
 *       unit rows, D = 384 (2·B·M·D = 7.7·10¹³ flops), timed once after a small warm-up search: wall and CPU
 *       seconds, GFLOP/s and its fraction of the ceiling;</li>
 *   <li><b>hard-negative mining</b> ({@link HardNegativeMiner}, 10 negatives from ranks [0, 100), top) of 10⁴ queries
 *       over the same 10⁶ rows, each query a noisy copy of a random corpus row, which is its positive;</li>
 *   <li><b>peak RSS</b>: the process's VmHWM from {@code /proc/self/status} after each phase (the high-water mark of
 *       resident memory since start: data generation, then search, then mining).</li>
 * </ol>
 * Rows are Gaussian vectors normalised to unit length (uniform on the sphere), generated in parallel from per-block
 * seeds, so the data depend only on {@code --seed}. {@code --scale s} multiplies B, M and the mining queries (and
 * nothing else), so {@code --scale 0.01} (B = 1,000, M = 10,000) is a smoke test of seconds; {@code --queries},
 * {@code --corpus}, {@code --mining-queries} override single sizes. The CPU model, processor count and load average
 * are printed before and after, and every figure goes into the JSON object on the last line.
 *
 * <pre>
 * /usr/bin/time -v java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
 *     -cp bench/target/benchmarks.jar org.contrast4j.bench.RetrievalFullSize --scale 1
 * </pre>
 * (or {@code bench/retrieval-full-size.sh --scale 1}). Options: {@code --scale} (1), {@code --queries B} (10⁵·s),
 * {@code --corpus M} (10⁶·s), {@code --mining-queries Q} (10⁴·s), {@code --dim D} (384), {@code --k K} (10),
 * {@code --num-negatives} (10), {@code --range-max} (100), {@code --threads T} (available processors),
 * {@code --similarity cosine|dot} (cosine), {@code --seed S} (2026), {@code --skip search,mining,ceiling}.
 */
public final class RetrievalFullSize {
    private static final int BLOCK = 4096;

    private RetrievalFullSize() {
    }

    public static void main(String[] args) throws Exception {
        double scale = 1;
        int b = -1, m = -1, mq = -1, d = 384, k = 10, numNegatives = 10, rangeMax = 100;
        int threads = Runtime.getRuntime().availableProcessors();
        long seed = 2026;
        Similarity sim = Similarity.COSINE;
        List<String> skip = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--scale" -> {
                    scale = Double.parseDouble(v);
                    if (!(scale > 0) || Double.isInfinite(scale)) {
                        throw new IllegalArgumentException("--scale must be > 0 and finite, was " + v);
                    }
                }
                case "--queries" -> b = positive(args[i], v);
                case "--corpus" -> m = positive(args[i], v);
                case "--mining-queries" -> mq = positive(args[i], v);
                case "--dim" -> d = positive(args[i], v);
                case "--k" -> k = positive(args[i], v);
                case "--num-negatives" -> numNegatives = positive(args[i], v);
                case "--range-max" -> rangeMax = positive(args[i], v);
                case "--threads" -> threads = positive(args[i], v);
                case "--similarity" -> sim = Similarity.valueOf(v.toUpperCase(Locale.ROOT));
                case "--seed" -> seed = Long.parseLong(v);
                case "--skip" -> skip.addAll(Arrays.asList(v.split(",")));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--scale, --queries, "
                        + "--corpus, --mining-queries, --dim, --k, --num-negatives, --range-max, --threads, "
                        + "--similarity, --seed, --skip)");
            }
        }
        b = b > 0 ? b : (int) Math.max(1, Math.round(1e5 * scale));
        m = m > 0 ? m : (int) Math.max(1, Math.round(1e6 * scale));
        mq = mq > 0 ? mq : (int) Math.max(1, Math.round(1e4 * scale));
        if ((long) m * d > Integer.MAX_VALUE || (long) b * d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("B×D and M×D must fit one Java array (≤ 2³¹ − 1 floats): B = " + b
                    + ", M = " + m + ", D = " + d);
        }
        k = Math.min(k, m);
        System.out.printf(Locale.ROOT, "machine: %s, %d processors, load average %s; kernel %s; max heap %.1f GiB%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), loadAverage(), Kernels.kind().id(),
                Runtime.getRuntime().maxMemory() / 1073741824.0);
        System.out.printf(Locale.ROOT, "sizes: B = %d queries, M = %d corpus rows, D = %d, k = %d, %d mining queries,"
                + " %d threads, %s%n", b, m, d, k, mq, threads, sim.name().toLowerCase(Locale.ROOT));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"cpu\": \"%s\", \"processors\": %d, \"load_before\": \"%s\", "
                        + "\"kernel\": \"%s\", \"threads\": %d, \"queries\": %d, \"corpus\": %d, \"dim\": %d, "
                        + "\"k\": %d, \"mining_queries\": %d, \"similarity\": \"%s\", \"seed\": %d",
                cpuModel().replace("\"", "'"), Runtime.getRuntime().availableProcessors(), loadAverage(),
                Kernels.kind().id(), threads, b, m, d, k, mq, sim.name().toLowerCase(Locale.ROOT), seed));

        long t0 = System.nanoTime();
        Matrix corpus = unitRows(seed, m, d);
        Matrix queries = unitRows(seed + 1, b, d);
        double genSeconds = (System.nanoTime() - t0) * 1e-9;
        System.out.printf(Locale.ROOT, "generated %d + %d unit rows in %.1f s; VmHWM %s%n", m, b, genSeconds,
                gib(peakRssKb()));
        json.append(String.format(Locale.ROOT, ", \"generate_seconds\": %.2f, \"vmhwm_after_generate_kb\": %d",
                genSeconds, peakRssKb()));

        double ceiling = Double.NaN;
        if (!skip.contains("ceiling")) {
            int cb = Math.min(b, 8192);
            int cm = Math.min(m, 131072);
            double[] sec = new double[3];
            for (int rep = -1; rep < 3; rep++) {
                long s0 = System.nanoTime();
                SearchBench.gemmOnly(queries.data(), cb, corpus.data(), cm, d, threads);
                if (rep >= 0) {
                    sec[rep] = (System.nanoTime() - s0) * 1e-9;
                }
            }
            Arrays.sort(sec);
            ceiling = 2.0 * cb * cm * d / sec[1] * 1e-9;
            System.out.printf(Locale.ROOT, "sgemm ceiling: %d × %d × D = %d in %d×%d tiles, %d threads × 1 per call: "
                    + "median %.3f s = %.1f GFLOP/s%n", cb, cm, d, SearchBench.QUERY_TILE, SearchBench.CORPUS_TILE, threads,
                    sec[1], ceiling);
            json.append(String.format(Locale.ROOT, ", \"ceiling_queries\": %d, \"ceiling_corpus\": %d, "
                    + "\"ceiling_seconds\": %.4f, \"ceiling_gflops\": %.2f", cb, cm, sec[1], ceiling));
        }

        if (!skip.contains("search")) {
            ExactSearch search = ExactSearch.of(sim).withThreads(threads);
            // warm-up (JIT) on a corner of the data: ≤ 256 queries × ≤ 16384 rows
            search.search(queries.copyRows(0, Math.min(b, 256)), corpus.copyRows(0, Math.min(m, 16384)),
                    Math.min(k, Math.min(m, 16384)));
            long cpu0 = os.getProcessCpuTime();
            long s0 = System.nanoTime();
            TopK top = search.search(queries, corpus, k);
            double seconds = (System.nanoTime() - s0) * 1e-9;
            double cpu = (os.getProcessCpuTime() - cpu0) * 1e-9;
            double gflops = 2.0 * b * m * d / seconds * 1e-9;
            double meanTop1 = 0;
            for (int q = 0; q < b; q++) {
                meanTop1 += top.score(q, 0);
            }
            meanTop1 /= b;
            System.out.printf(Locale.ROOT, "exact search: %.1f s wall, %.1f s CPU, %.1f GFLOP/s (%.0f %% of the "
                            + "ceiling), mean top-1 score %.4f; VmHWM %s%n", seconds, cpu, gflops,
                    100 * gflops / ceiling, meanTop1, gib(peakRssKb()));
            json.append(String.format(Locale.ROOT, ", \"search_seconds\": %.3f, \"search_cpu_seconds\": %.2f, "
                            + "\"search_gflops\": %.2f, \"search_fraction_of_ceiling\": %.3f, \"mean_top1\": %.5f, "
                            + "\"vmhwm_after_search_kb\": %d", seconds, cpu, gflops, gflops / ceiling, meanTop1,
                    peakRssKb()));
        }
        queries = null; // the search queries are no longer needed

        if (!skip.contains("mining")) {
            SplittableRandom rnd = new SplittableRandom(seed + 2);
            int[] positives = new int[mq];
            float[] qm = new float[Math.multiplyExact(mq, d)];
            double noise = 0.7 / Math.sqrt(d); // per coordinate: cos(query, its positive) ≈ 0.8
            for (int i = 0; i < mq; i++) {
                positives[i] = rnd.nextInt(m);
                double norm = 0;
                for (int c = 0; c < d; c++) {
                    double x = corpus.get(positives[i], c) + noise * rnd.nextGaussian();
                    qm[i * d + c] = (float) x;
                    norm += x * x;
                }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int c = 0; c < d; c++) {
                    qm[i * d + c] *= inv;
                }
            }
            HardNegativeMiner miner = HardNegativeMiner.builder(numNegatives).similarity(sim)
                    .rangeMax(Math.min(rangeMax, m)).threads(threads).build();
            long cpu0 = os.getProcessCpuTime();
            long s0 = System.nanoTime();
            MinedNegatives mined = miner.mine(Matrix.of(mq, d, qm), corpus, positives);
            double seconds = (System.nanoTime() - s0) * 1e-9;
            double cpu = (os.getProcessCpuTime() - cpu0) * 1e-9;
            System.out.printf(Locale.ROOT, "mining %d queries over %d rows (%d negatives from ranks [0, %d)): %.1f s "
                            + "wall, %.1f s CPU, %d short queries; VmHWM %s%n", mq, m, numNegatives,
                    Math.min(rangeMax, m), seconds, cpu, mined.shortQueries(), gib(peakRssKb()));
            json.append(String.format(Locale.ROOT, ", \"mining_seconds\": %.3f, \"mining_cpu_seconds\": %.2f, "
                            + "\"mining_short_queries\": %d, \"vmhwm_after_mining_kb\": %d", seconds, cpu,
                    mined.shortQueries(), peakRssKb()));
        }
        System.out.printf(Locale.ROOT, "peak RSS (VmHWM) %s; load average now %s%n", gib(peakRssKb()), loadAverage());
        json.append(String.format(Locale.ROOT, ", \"peak_rss_kb\": %d, \"load_after\": \"%s\"}", peakRssKb(),
                loadAverage()));
        System.out.println(json);
    }

    /** rows×d Gaussian rows normalised to unit length, generated in blocks of 4096 rows from seed-derived streams. */
    static Matrix unitRows(long seed, int rows, int d) {
        float[] data = new float[Math.multiplyExact(rows, d)];
        int blocks = (rows + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(blk -> {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + blk);
            int end = Math.min(rows, (blk + 1) * BLOCK);
            for (int r = blk * BLOCK; r < end; r++) {
                double norm = 0;
                int off = r * d;
                for (int c = 0; c < d; c++) {
                    double x = rnd.nextGaussian();
                    data[off + c] = (float) x;
                    norm += x * x;
                }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int c = 0; c < d; c++) {
                    data[off + c] *= inv;
                }
            }
        });
        return Matrix.of(rows, d, data);
    }

    /** VmHWM (peak resident set) of this process in kB, −1 where /proc is not available. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String gib(long kb) {
        return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f GiB", kb / 1048576.0);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    private static int positive(String option, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, was " + v);
        }
        return v;
    }
}
