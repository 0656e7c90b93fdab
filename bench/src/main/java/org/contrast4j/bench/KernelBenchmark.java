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
 * The product the contrastive losses spend their time in: all similarities S = A·Bᵀ of N anchors against N
 * candidates, both N×D row-major ({@code Kernels.gemm(false, true, …)}), once per kernel variant.
 *
 * <p>The variant is chosen by {@code @Param kernel}: the trial setup sets {@code -Dcontrast4j.kernel} before
 * {@link Kernels} is first touched, and JMH runs each parameter value in its own fork, so every fork measures one
 * kernel (the setup fails if the facade picked another, e.g. when run with {@code -f 0}).
 *
 * <p>Scores: the primary score is products per second; the secondary {@code gflops} counter ({@link Flops}) adds 2·N·N·D·10⁻⁹
 * per product (one multiply and one add per term of each of the N·N dot products of length D), so its ops/s is
 * GFLOP/s directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g"})
public class KernelBenchmark {

    @Param({"SCALAR", "VECTOR", "BLAS"})
    public KernelKind kernel;

    /** Threads per product: OpenBLAS's count for blas (1 by default, to compare per core); the Java kernels use 1. */
    @Param({"1"})
    public int threads;

    @Param({"2048"})
    public int n;

    @Param({"256"})
    public int d;

    private Matrix a;
    private Matrix b;
    private Matrix c;
    private double gflopPerProduct;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty(Kernels.PROPERTY, kernel.id());
        if (Kernels.kind() != kernel) {
            throw new IllegalStateException("asked for the " + kernel.id() + " kernel but Kernels already uses "
                    + Kernels.kind().id() + ": run each parameter in its own fork (-f 1 or more)");
        }
        Kernels.setThreadsPerCall(threads);
        SplittableRandom random = new SplittableRandom(42);
        a = Flops.randomMatrix(random, n, d);
        b = Flops.randomMatrix(random, n, d);
        c = Matrix.zeros(n, n);
        gflopPerProduct = 2.0 * n * n * d * 1e-9;
    }

    /** S = A·Bᵀ into a preallocated N×N matrix (beta = 0), as a loss computes its similarity matrix. */
    @Benchmark
    public Matrix similarities(Flops work) {
        Kernels.gemm(false, true, 1f, a, b, 0f, c);
        work.gflops += gflopPerProduct;
        return c;
    }
}
