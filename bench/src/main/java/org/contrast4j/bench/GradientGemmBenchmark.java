package org.contrast4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
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
 * The two products of a loss's backward pass through S = A·Bᵀ, with G = ∂L/∂S (N×N) and A, B N×D:
 * dA = G·B ({@code gemm(false, false, …)}) and dB = Gᵀ·A ({@code gemm(true, false, …)}); 2·N·N·D flops each.
 * One fork per kernel variant, selected like {@link KernelBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g"})
public class GradientGemmBenchmark {

    @Param({"SCALAR", "VECTOR", "BLAS"})
    public KernelKind kernel;

    /** Threads per product: OpenBLAS's count for blas (1 by default, to compare per core); the Java kernels use 1. */
    @Param({"1"})
    public int threads;

    @Param({"2048"})
    public int n;

    @Param({"256"})
    public int d;

    private Matrix g;
    private Matrix a;
    private Matrix b;
    private Matrix out;
    private double gflopPerProduct;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty(Kernels.PROPERTY, kernel.id());
        if (Kernels.kind() != kernel) {
            throw new IllegalStateException("asked for the " + kernel.id() + " kernel but Kernels already uses "
                    + Kernels.kind().id() + ": run each parameter in its own fork (-f 1 or more)");
        }
        Kernels.setThreadsPerCall(threads);
        SplittableRandom random = new SplittableRandom(43);
        g = Flops.randomMatrix(random, n, n);
        a = Flops.randomMatrix(random, n, d);
        b = Flops.randomMatrix(random, n, d);
        out = Matrix.zeros(n, d);
        gflopPerProduct = 2.0 * n * n * d * 1e-9;
    }

    /** dA = G·B. */
    @Benchmark
    public Matrix gradientOfAnchors(Flops work) {
        Kernels.gemm(false, false, 1f, g, b, 0f, out);
        work.gflops += gflopPerProduct;
        return out;
    }

    /** dB = Gᵀ·A. */
    @Benchmark
    public Matrix gradientOfCandidates(Flops work) {
        Kernels.gemm(true, false, 1f, g, a, 0f, out);
        work.gflops += gflopPerProduct;
        return out;
    }
}
