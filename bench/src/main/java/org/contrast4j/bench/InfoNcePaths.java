package org.contrast4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.InfoNce;

/**
 * The measurement behind {@link Engine#AUTO}'s InfoNCE thresholds: the dense, stored-logits and tiled paths timed
 * side by side in one JVM, for each N, runs interleaved (dense, stored, tiled, dense, …) so that load drifting on a
 * shared machine hits the three alike. Each path is warmed up for at least {@code --warmup-seconds} (and 5 runs)
 * first, then {@code --reps} interleaved runs; prints for each path the fastest and the median wall milliseconds and
 * the median CPU milliseconds of the process (all threads: on a machine shared with other work the wall time of a run
 * includes the time its threads waited for a core, the CPU time does not), and which path AUTO picks.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx3g \
 *     -cp bench/target/benchmarks.jar org.contrast4j.bench.InfoNcePaths --sizes 16,32,64,128,256,512,1024,2048,4096,8192 \
 *     --dim 256 --threads 2 --symmetric true
 * </pre>
 * Options: {@code --sizes} (comma-separated N), {@code --dim D} (256), {@code --threads T} (2), {@code --symmetric}
 * true|false (true), {@code --reps R} (15), {@code --warmup-seconds S} (1), {@code --dense-max N} (4096: larger N
 * skip the dense path, whose N×N double arrays grow past a few GiB), {@code --seed} (42).
 */
public final class InfoNcePaths {
    private InfoNcePaths() {
    }

    public static void main(String[] args) {
        String sizes = "16,32,64,128,256,512,1024,2048,4096,8192";
        int d = 256, threads = 2, reps = 15, denseMax = 4096;
        boolean symmetric = true;
        double warmupSeconds = 1;
        long seed = 42;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--sizes" -> sizes = v;
                case "--dim" -> d = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--symmetric" -> symmetric = Boolean.parseBoolean(v);
                case "--reps" -> reps = Integer.parseInt(v);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(v);
                case "--dense-max" -> denseMax = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--sizes, --dim, --threads, --symmetric, --reps, --warmup-seconds, --dense-max, --seed)");
            }
        }
        System.out.printf(Locale.ROOT, "InfoNCE %s, D = %d, %d threads, kernel %s, cosine, tau = 0.1; %d interleaved "
                + "runs: fastest / median wall ms, median process CPU ms%n", symmetric ? "symmetric" : "one-way", d,
                threads, Kernels.kind().id(), reps);
        System.out.println("| N | dense ms | stored ms | tiled ms | dense CPU | stored CPU | tiled CPU | AUTO |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        SplittableRandom random = new SplittableRandom(seed);
        for (String s : sizes.split(",")) {
            int n = Integer.parseInt(s.trim());
            Batch batch = Batch.of(Flops.randomMatrix(random, n, d), Flops.randomMatrix(random, n, d));
            List<Engine> paths = new ArrayList<>(List.of(Engine.DENSE, Engine.STORED, Engine.TILED));
            if (n > denseMax) {
                paths.remove(Engine.DENSE);
            }
            InfoNce[] losses = new InfoNce[paths.size()];
            for (int p = 0; p < losses.length; p++) {
                losses[p] = InfoNce.builder().temperature(0.1).symmetric(symmetric).engine(paths.get(p))
                        .threads(threads).build();
                long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
                for (int k = 0; k < 5 || System.nanoTime() < end; k++) {
                    losses[p].compute(batch);
                }
            }
            double[][] ms = new double[losses.length][reps];
            double[][] cpu = new double[losses.length][reps];
            for (int r = 0; r < reps; r++) {
                for (int p = 0; p < losses.length; p++) {
                    long c0 = cpuNanos();
                    long t0 = System.nanoTime();
                    losses[p].compute(batch);
                    ms[p][r] = (System.nanoTime() - t0) / 1e6;
                    cpu[p][r] = (cpuNanos() - c0) / 1e6;
                }
            }
            StringBuilder row = new StringBuilder("| " + n + " |");
            for (Engine e : List.of(Engine.DENSE, Engine.STORED, Engine.TILED)) {
                int p = paths.indexOf(e);
                row.append(p < 0 ? " - |" : String.format(Locale.ROOT, " %.3f / %.3f |", min(ms[p]), median(ms[p])));
            }
            for (Engine e : List.of(Engine.DENSE, Engine.STORED, Engine.TILED)) {
                int p = paths.indexOf(e);
                row.append(p < 0 ? " - |" : String.format(Locale.ROOT, " %.3f |", median(cpu[p])));
            }
            System.out.println(row + " " + Engine.AUTO.resolveInfoNce(n, false).name().toLowerCase(Locale.ROOT)
                    + " |");
        }
    }

    /** CPU time of the whole process (every thread), or 0 when the JVM cannot tell. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
