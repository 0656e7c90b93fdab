package org.contrast4j.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.LossResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j bench}: timed runs of the library on seeded random inputs. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.InfoNceBench.class},
        description = "Benchmarks on seeded random inputs (see 'contrast4j bench infonce --help').")
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark: infonce");
    }

    /**
     * The inputs of a benchmark: a counter-based hash of (seed, matrix, index) turned into a float, so any other
     * program (the PyTorch peer) can make the very same matrices without sharing files. Element k = r·D + c of matrix
     * m (0 = anchors, 1 = positives) is, in unsigned 64-bit arithmetic,
     * <pre>
     *   z = seed + (m·2^40 + k + 1)·0x9E3779B97F4A7C15
     *   z = (z ^ (z &gt;&gt; 30))·0xBF58476D1CE4E5B9
     *   z = (z ^ (z &gt;&gt; 27))·0x94D049BB133111EB
     *   z = z ^ (z &gt;&gt; 31)
     *   x = (z &gt;&gt; 40)·2^-23 − 1        (exact in float32, uniform on [−1, 1))
     * </pre>
     * (the SplitMix64 finaliser of Steele, Lea &amp; Flood 2014).
     */
    static float[] inputs(int rows, int cols, long seed, int matrix) {
        float[] x = new float[Checks.product(rows, cols, "a benchmark input", 4)];
        long base = (long) matrix << 40;
        for (int k = 0; k < x.length; k++) {
            long z = seed + (base + k + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            x[k] = (z >>> 40) * 0x1p-23f - 1f;
        }
        return x;
    }

    /** The peak resident set size of this process in bytes (VmHWM in /proc/self/status), or −1 if unknown. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Command(name = "infonce", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Times InfoNCE (or its symmetric, CLIP-style form) forward + backward on seeded random"
                    + " inputs: one warm-up run, then R timed runs; prints the median seconds (and CPU seconds of the"
                    + " process, which a busy machine inflates less), the effective GFLOP/s, the peak resident"
                    + " memory, the kernel and the engine."},
            footer = {"",
                "Loss: InfoNCE with cosine similarity, τ = 0.1 fixed, mean over rows, in-batch negatives only;",
                "  --symmetric adds the positive → anchor direction (the CLIP loss at a fixed temperature).",
                "  Each run computes the value and the gradients for anchors and positives.",
                "GFLOP/s: 8·N²·D (symmetric) or 6·N²·D (one-way) flops per run / median seconds / 1e9 — the",
                "  products the exact gradient needs (S = A·Bᵀ, then G·B and Gᵀ·A, plus S once more for the",
                "  symmetric loss's second pass); the same count for every engine.",
                "Peak memory: VmHWM of /proc/self/status (the whole JVM). Limit the heap with",
                "  CONTRAST4J_JAVA_OPTS, e.g. CONTRAST4J_JAVA_OPTS='-Xmx1g -XX:+UseSerialGC'.",
                "Inputs: anchors (m = 0) and positives (m = 1), N×D float32, element k = row·D + col:",
                "  z = seed + (m·2^40 + k + 1)·0x9E3779B97F4A7C15   (unsigned 64-bit, wrapping)",
                "  z = (z ^ z>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB; z = z ^ z>>31",
                "  x = (z>>40)·2^-23 − 1   (uniform on [−1, 1), exact in float32)",
                "  — see bench/README.md for the same in NumPy.",
                "",
                "Example:",
                "  contrast4j bench infonce --n 8192 --dim 256 --symmetric --threads 2 --json"})
    static final class InfoNceBench implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--n", required = true, paramLabel = "N", description = "Batch size N (rows), >= 2.")
        int n;

        @Option(names = "--dim", required = true, paramLabel = "D", description = "Embedding dimension D, >= 1.")
        int dim;

        @Option(names = "--symmetric", description = "Both directions (CLIP-style); default one-way.")
        boolean symmetric;

        @Option(names = "--threads", paramLabel = "T",
                description = "Tiled-engine threads, >= 1 (default 1; the dense engine is"
                        + " single-threaded).")
        int threads = 1;

        @Option(names = "--engine", paramLabel = "E", converter = EngineConverter.class,
                completionCandidates = EngineNames.class,
                description = "${COMPLETION-CANDIDATES} (default auto: dense below " + Engine.AUTO_STORED_FROM
                        + " rows, stored logits up to " + Engine.AUTO_STORED_MAX + ", tiled above).")
        Engine engine = Engine.AUTO;

        @Option(names = "--reps", paramLabel = "R", description = "Timed runs after the warm-up, >= 1 (default 3).")
        int reps = 3;

        @Option(names = "--warmup", paramLabel = "W",
                description = "Untimed runs first, >= 0 (default 1; 0 for very large N).")
        int warmup = 1;

        @Option(names = "--seed", paramLabel = "S", description = "Seed of the inputs (default 42).")
        long seed = 42;

        @Option(names = "--json", description = "Also print one JSON object on the last line.")
        boolean json;

        @Override
        public Integer call() {
            if (n < 2) {
                throw new InputException("--n must be >= 2 (InfoNCE needs a negative per row), was " + n);
            }
            if (dim < 1) {
                throw new InputException("--dim must be >= 1, was " + dim);
            }
            if ((long) n * dim > Integer.MAX_VALUE - 8) {
                throw new InputException("--n × --dim must fit in one Java array (" + (Integer.MAX_VALUE - 8)
                        + " floats), was " + (long) n * dim);
            }
            if (reps < 1) {
                throw new InputException("--reps must be >= 1, was " + reps);
            }
            if (warmup < 0) {
                throw new InputException("--warmup must be >= 0, was " + warmup);
            }
            if (threads < 1) {
                throw new InputException("--threads must be >= 1, was " + threads);
            }
            InfoNce loss = InfoNce.builder().temperature(0.1).symmetric(symmetric).engine(engine).threads(threads)
                    .build();
            int workers = threads;
            Engine used = engine.resolveInfoNce(n, false);
            // inputs and their gradients; the dense engine also holds N×N logits, probabilities and their gradient
            Memory.expect(4L * 4 * n * dim + (used == Engine.DENSE ? 3L * 4 * n * n : used == Engine.STORED
                    ? 4L * n * (n + 16) : 0), "a " + n + "×" + dim + (used == Engine.TILED ? "" : " "
                    + used.name().toLowerCase(Locale.ROOT)) + " InfoNCE benchmark");
            Batch batch = Batch.of(Matrix.of(n, dim, inputs(n, dim, seed, 0)),
                    Matrix.of(n, dim, inputs(n, dim, seed, 1)));
            PrintWriter err = spec.commandLine().getErr();
            double value = 0;
            double[] seconds = new double[reps];
            double[] cpu = new double[reps];
            for (int r = -warmup; r < reps; r++) {
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                LossResult result = Options.check(null, () -> loss.compute(batch));
                double s = (System.nanoTime() - t0) / 1e9;
                double c = (processCpuNanos() - c0) / 1e9;
                value = result.value();
                if (r >= 0) {
                    seconds[r] = s;
                    cpu[r] = c;
                }
                err.printf(Locale.ROOT, "%s: %.3f s (CPU %.3f s)%n", r < 0 ? "warm-up" : "run " + (r + 1) + "/" + reps,
                        s, c);
                err.flush();
            }
            double median = median(seconds);
            double medianCpu = median(cpu);
            double flops = (symmetric ? 8.0 : 6.0) * n * (double) n * dim;
            double gflops = flops / median / 1e9;
            long rss = peakRss();

            Output.Table t = new Output.Table()
                    .row("loss", Output.settings(loss))
                    .row("inputs", n + "×" + dim + " anchors and positives, seed " + seed)
                    .row("engine", used.name().toLowerCase(Locale.ROOT))
                    .row("kernel", Kernels.kind().id())
                    .row("threads", used != Engine.DENSE ? String.valueOf(workers) : "1 (dense)")
                    .row("value", value)
                    .row("runs", reps + " after " + warmup + (warmup == 1 ? " warm-up: " : " warm-ups: ")
                            + Arrays.toString(round(seconds)) + " s")
                    .row("median seconds", median)
                    .row("median CPU seconds", Output.number(medianCpu) + " (all threads of the JVM)")
                    .row("GFLOP/s", gflops)
                    .row("peak RSS", rss < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MiB", rss / 1048576.0));
            PrintWriter out = spec.commandLine().getOut();
            t.print(out);
            if (json) {
                ObjectNode o = Output.object();
                o.put("n", n);
                o.put("dim", dim);
                o.put("symmetric", symmetric);
                o.put("threads", used != Engine.DENSE ? workers : 1);
                o.put("engine", used.name().toLowerCase(Locale.ROOT));
                o.put("kernel", Kernels.kind().id());
                o.put("seed", seed);
                o.put("value", value);
                o.put("seconds", median);
                o.put("cpu_seconds", medianCpu);
                ArrayNode all = o.putArray("runs");
                for (double s : seconds) {
                    all.add(s);
                }
                o.put("flops", flops);
                o.put("gflops", gflops);
                if (rss < 0) {
                    o.putNull("peak_rss_bytes");
                } else {
                    o.put("peak_rss_bytes", rss);
                }
                try {
                    out.println(Output.JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot serialise JSON", e);
                }
            }
            out.flush();
            return 0;
        }

        private static double median(double[] v) {
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            int k = sorted.length;
            return k % 2 == 1 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
        }

        /** CPU time of the whole process (every thread), or 0 when the JVM cannot tell. */
        private static long processCpuNanos() {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return Math.max(0, os.getProcessCpuTime());
            }
            return 0;
        }

        private static double[] round(double[] v) {
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = Math.round(v[i] * 1000) / 1000.0;
            }
            return r;
        }
    }

    /** {@code auto|dense|tiled|stored}. */
    static final class EngineConverter implements CommandLine.ITypeConverter<Engine> {
        @Override
        public Engine convert(String value) {
            return Choices.parse(Engine.class, value);
        }
    }

    /** Help candidates for {@code --engine}. */
    static final class EngineNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("auto", "dense", "tiled", "stored").iterator();
        }
    }
}
