package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of {@link Kernels#available()} against {@link GemmReference}, for the four transpose combinations,
 * odd sizes (including sizes that cross the vector kernel's register tile and its KC/MC/NC cache blocks), offsets,
 * leading dimensions wider than the matrix, and several alpha/beta pairs. The tolerance is Higham's bound for a
 * float32 product of inner dimension k in any summation order, with or without FMA: γ_{k+2} times the natural error
 * scale |alpha|·Σ|a·b| + |beta·c| (see {@link GemmReference} and {@link FloatBounds}).
 */
class KernelGemmTest {
    /** γ_{k+2}: the relative error bound of one entry of alpha·A·B + beta·C with inner dimension k. */
    static double tolerance(int k) {
        return FloatBounds.gamma(k + 2L);
    }

    /** Written around the C window; must survive every call unchanged. */
    static final float SENTINEL = -12345.5f;

    /** m, n, k. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 3, 17}, {3, 1, 5}, {3, 5, 2}, {5, 7, 0},
            {17, 33, 100}, {33, 17, 257}, {6, 32, 171}, {7, 33, 64},
            {100, 100, 100}, {150, 70, 513}, {300, 40, 40}, {7, 4100, 3}, {64, 64, 256},
    };

    /** alpha, beta; beta == 0 runs with NaN in C. */
    private static final float[][] SCALARS = {{1f, 0f}, {-0.5f, 1f}, {2f, -1.5f}, {0.75f, 0f}, {0f, 0.5f}, {0f, 0f}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Kernel kernel : KernelProvider.available()) {
            for (int t = 0; t < 4; t++) {
                for (int[] s : SHAPES) {
                    cases.add(Arguments.of(kernel.kind(), (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5}")
    @MethodSource("cases")
    void gemmMatchesDoubleReference(KernelKind kernelName, boolean transA, boolean transB, int m, int n, int k) {
        Kernel kernel = kernel(kernelName);
        Random random = new Random(31L * m + 17L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));
        // tight layout, then offsets with leading dimensions larger than the width
        int[][] layouts = {{0, 0, 0, 0, 0, 0}, {5, 3, 9, 2, 7, 4}};
        for (int[] layout : layouts) {
            for (float[] ab : SCALARS) {
                run(kernel, random, transA, transB, m, n, k, ab[0], ab[1], layout);
            }
        }
    }

    private static void run(Kernel kernel, Random random, boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float beta, int[] layout) {
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int aOff = layout[0], lda = aCols + layout[1];
        int bOff = layout[2], ldb = bCols + layout[3];
        int cOff = layout[4], ldc = n + layout[5];
        // padding of A and B is NaN: a kernel that reads outside its window poisons the result
        float[] a = strided(random, aOff, aRows, aCols, lda, Float.NaN);
        float[] b = strided(random, bOff, bRows, bCols, ldb, Float.NaN);
        float[] c = strided(random, cOff, m, n, ldc, SENTINEL);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
            }
        }
        GemmReference ref = GemmReference.compute(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc);

        kernel.gemm(transA, transB, m, n, k, alpha, a, aOff, Math.max(lda, 1), b, bOff, Math.max(ldb, 1),
                beta, c, cOff, ldc);

        String where = kernel.kind() + " transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " offsets/lds=" + Arrays.toString(layout);
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            int i = rel >= 0 ? rel / ldc : -1;
            int j = rel >= 0 ? rel % ldc : -1;
            if (i < 0 || i >= m || j >= n) {
                if (c[idx] != SENTINEL) {
                    fail(where + ": C[" + idx + "] outside the m×n window changed to " + c[idx]);
                }
                continue;
            }
            double expected = ref.value[i * n + j];
            double tol = tolerance(k) * ref.scale[i * n + j] + Float.MIN_VALUE;
            float got = c[idx];
            if (!(Math.abs(got - expected) <= tol)) {
                fail(where + ": C[" + i + "," + j + "] = " + got + ", reference " + expected + " (tolerance " + tol
                        + ")");
            }
        }
    }

    /** rows×cols values in [-1, 1) at off + r·ld + c; everything else (offset, padding, tail) is {@code fill}. */
    static float[] strided(Random random, int off, int rows, int cols, int ld, float fill) {
        float[] x = new float[off + rows * Math.max(ld, 1) + 3];
        Arrays.fill(x, fill);
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                x[off + r * ld + col] = random.nextFloat() * 2f - 1f;
            }
        }
        return x;
    }

    static Kernel kernel(KernelKind name) {
        for (Kernel kernel : KernelProvider.available()) {
            if (kernel.kind() == name) {
                return kernel;
            }
        }
        throw new AssertionError("no kernel named " + name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelNames")
    void largeProductsAcrossEveryCacheBlock(KernelKind kernelName) {
        // one shape past KC, MC and two NR panels at once, A·Bᵀ as the losses use it, compared entry by entry
        Kernel kernel = kernel(kernelName);
        Random random = new Random(7);
        int m = 301, n = 203, k = 600;
        float[] a = strided(random, 0, m, k, k, 0f);
        float[] b = strided(random, 0, n, k, k, 0f);
        float[] c = new float[m * n];
        GemmReference ref = GemmReference.compute(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
        kernel.gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
        double worst = 0;
        for (int i = 0; i < c.length; i++) {
            worst = Math.max(worst, Math.abs(c[i] - ref.value[i]) / ref.scale[i]);
        }
        assertFalse(worst > tolerance(k), kernelName + ": worst relative error " + worst);
    }

    /** Shapes one past (or just short of) the vector kernel's tile and block sizes, read from the kernel itself. */
    static Stream<Arguments> blockBoundaryCases() {
        int mr = VectorKernel.MR, nr = VectorKernel.NR, kc = VectorKernel.KC, mc = VectorKernel.MC;
        int nc = VectorKernel.NC;
        int[][] shapes = {{mr, nr, kc}, {mr + 1, nr + 1, kc + 1}, {mc + 1, 2 * nr - 1, 2 * kc + 3},
                {2 * mc + mr - 1, nr, 5}, {mr, nc + 1, 2}, {mr + 2, nc + nr + 3, kc - 1}};
        List<Arguments> cases = new ArrayList<>();
        for (Kernel kernel : KernelProvider.available()) {
            for (int t = 0; t < 4; t++) {
                for (int[] s : shapes) {
                    cases.add(Arguments.of(kernel.kind(), (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5}")
    @MethodSource("blockBoundaryCases")
    void gemmAtTheVectorKernelBlockBoundaries(KernelKind kernelName, boolean transA, boolean transB, int m, int n,
                                              int k) {
        Kernel kernel = kernel(kernelName);
        Random random = new Random(97L * m + n + 13L * k);
        int[] layout = {3, 1, 0, 5, 2, 3};
        for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 1f}, {2f, -1.5f}}) {
            run(kernel, random, transA, transB, m, n, k, ab[0], ab[1], layout);
        }
    }

    static Stream<Arguments> kernelsAndTransposes() {
        List<Arguments> cases = new ArrayList<>();
        for (Kernel kernel : KernelProvider.available()) {
            for (int t = 0; t < 4; t++) {
                cases.add(Arguments.of(kernel.kind(), (t & 2) != 0, (t & 1) != 0));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("kernelsAndTransposes")
    void splittingAProductIntoRowOrColumnBlocks(KernelKind kernelName, boolean transA, boolean transB) {
        // The Kernel contract for a block-invariant kernel (the Java ones): an entry of C depends on its row of op(A),
        // its column of op(B), k, alpha and beta, never on m, n or where it lies in the call, so a tiled caller
        // reproduces a whole product bit for bit. OpenBLAS picks its blocking and micro-kernel by shape, so for it
        // the split product need only agree within the float32 tolerance of the reference.
        Kernel kernel = kernel(kernelName);
        Random random = new Random(5);
        int m = 150, n = 90, k = 300;
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        float[] a = strided(random, 0, transA ? k : m, lda, lda, 0f);
        float[] b = strided(random, 0, transB ? n : k, ldb, ldb, 0f);
        float[] c0 = strided(random, 0, m, n, n, 0f);
        for (float beta : new float[] {0f, 1f, 0.5f}) {
            float[] whole = c0.clone();
            kernel.gemm(transA, transB, m, n, k, 1.25f, a, 0, lda, b, 0, ldb, beta, whole, 0, n);
            GemmReference ref = GemmReference.compute(transA, transB, m, n, k, 1.25f, a, 0, lda, b, 0, ldb,
                    beta, c0, 0, n);
            for (int block : new int[] {1, 5, 13, 64}) {
                float[] byRows = c0.clone();
                for (int r = 0; r < m; r += block) {
                    int rows = Math.min(block, m - r);
                    kernel.gemm(transA, transB, rows, n, k, 1.25f, a, transA ? r : r * lda, lda, b, 0, ldb,
                            beta, byRows, r * n, n);
                }
                float[] byCols = c0.clone();
                for (int j = 0; j < n; j += block) {
                    int cols = Math.min(block, n - j);
                    kernel.gemm(transA, transB, m, cols, k, 1.25f, a, 0, lda, b, transB ? j * ldb : j, ldb,
                            beta, byCols, j, n);
                }
                String where = kernelName + " in blocks of " + block + ", beta " + beta;
                if (kernel.blockInvariant()) {
                    // exact: a block-invariant kernel runs the same arithmetic for an entry whatever the blocking
                    // (by design, see Kernels#gemm), so the bits must be equal
                    assertArrayEquals(whole, byRows, where + " (rows)");
                    assertArrayEquals(whole, byCols, where + " (columns)");
                } else {
                    for (int idx = 0; idx < m * n; idx++) {
                        double tol = tolerance(k) * ref.scale[idx] + Float.MIN_VALUE;
                        assertTrue(Math.abs(byRows[idx] - ref.value[idx]) <= tol, where + " (rows) at " + idx);
                        assertTrue(Math.abs(byCols[idx] - ref.value[idx]) <= tol, where + " (columns) at " + idx);
                    }
                }
            }
        }
    }

    @Test
    void theJavaKernelsAreBlockInvariantAndOpenBlasIsNotClaimedToBe() {
        // which kernels the exact-split test above holds to bit equality: both Java kernels must be among them
        for (Kernel kernel : KernelProvider.available()) {
            assertEquals(kernel.kind() != KernelKind.BLAS, kernel.blockInvariant(), kernel.kind().id());
        }
    }

    static Stream<KernelKind> kernelNames() {
        return KernelProvider.available().stream().map(Kernel::kind);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelNames")
    void nanInInputsPropagates(KernelKind kernelName) {
        // IEEE semantics: a NaN in A reaches every entry of its row of C, even through a zero in B
        Kernel kernel = kernel(kernelName);
        int m = 40, n = 40, k = 40;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        Arrays.fill(a, 1f);
        a[3 * k + 5] = Float.NaN;
        float[] c = new float[m * n];
        kernel.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        for (int j = 0; j < n; j++) {
            assertEquals(Float.NaN, c[3 * n + j], kernelName + " C[3," + j + "]");
            assertEquals(0f, c[4 * n + j], kernelName + " C[4," + j + "]");
        }
    }
}
