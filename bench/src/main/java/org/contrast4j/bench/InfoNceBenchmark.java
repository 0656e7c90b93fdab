package org.contrast4j.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.LossResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The public loss end to end: symmetric InfoNCE (CLIP at a fixed τ = 0.1, cosine, mean), forward and backward —
 * value, per-row losses and the gradients with respect to both raw N×D inputs — per engine ({@code dense} holds the
 * N×N matrices, {@code tiled} recomputes tiles in O(N·D) memory), kernel and thread count. The dense engine at
 * N = 8192 needs several N×N float matrices (about 2 GiB); the fork gets {@code -Xmx6g}.
 *
 * <p>Scores: forward+backward calls per second (seconds per call = 1 / score) and the secondary {@code gflops}
 * counter ({@link Flops}), which adds the effective 8·N²·D·10⁻⁹ per call (the four products of the symmetric loss:
 * S, S again in the tiled engine's second pass, ∂L/∂A = G·B, ∂L/∂B = Gᵀ·A), so the dense and tiled figures are on
 * the same scale.
 * <pre>
 * java -jar bench/target/benchmarks.jar InfoNceBenchmark -f 1 -wi 1 -i 3
 * java -jar bench/target/benchmarks.jar InfoNceBenchmark -p n=8192 -p engine=tiled -p kernel=vector
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx6g"})
public class InfoNceBenchmark {

    @Param({"2048", "8192"})
    public int n;

    @Param({"256"})
    public int d;

    @Param({"dense", "tiled"})
    public String engine;

    /** The kernel, set in each fork before the facade loads ({@code auto} = the best available). */
    @Param({"auto"})
    public String kernel;

    /** Worker threads of the tiled engine (the dense engine is single-threaded apart from the kernel). */
    @Param({"2"})
    public int threads;

    private InfoNce loss;
    private Batch batch;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty(Kernels.PROPERTY, kernel);
        KernelKind used = Kernels.kind(); // a bad value of the parameter fails here, listing the valid ones
        if (!kernel.equalsIgnoreCase("auto") && used != KernelKind.valueOf(kernel.trim().toUpperCase(Locale.ROOT))) {
            throw new IllegalStateException("asked for the " + kernel + " kernel but Kernels already uses "
                    + used.id() + ": run each parameter in its own fork (-f 1 or more)");
        }
        SplittableRandom random = new SplittableRandom(44);
        batch = Batch.of(Flops.randomMatrix(random, n, d), Flops.randomMatrix(random, n, d));
        loss = InfoNce.builder().temperature(0.1).symmetric(true)
                .engine(Engine.valueOf(engine.toUpperCase(java.util.Locale.ROOT))).threads(threads).build();
        gflopPerCall = 8.0 * n * n * d * 1e-9;
    }

    /** Value and gradients of the symmetric loss. */
    @Benchmark
    public LossResult symmetricForwardBackward(Flops work) {
        LossResult r = loss.compute(batch);
        work.gflops += gflopPerCall;
        return r;
    }
}
