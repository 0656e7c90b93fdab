package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What is specific to the OpenBLAS kernel (its gemm is also in every {@link KernelGemmTest} case): products split
 * into several native calls, the bounds checks that stand in for Java's, and the thread controls. Skipped where
 * OpenBLAS is absent, but required where Debian's package is installed (as in CI).
 */
class BlasKernelTest {

    static BlasKernel blas() {
        for (Kernel kernel : KernelProvider.available()) {
            if (kernel instanceof BlasKernel blas) {
                return blas;
            }
        }
        if (KernelSelectionTest.debianOpenBlasInstalled()) {
            fail("OpenBLAS is installed but the blas kernel is not available: " + KernelProvider.blasProblem());
        }
        Assumptions.abort("OpenBLAS is not available: " + KernelProvider.blasProblem());
        return null;
    }

    @Test
    void productsSplitIntoSeveralCallsMatchTheReference() {
        // a threshold of 2·64·64·k flops splits every product below into blocks of 64 rows (m ≥ n) or 64 columns
        // (n > m), with a ragged last block: the offsets of A, B and C for each block must be right in all four
        // transpose combinations, with leading dimensions wider than the matrices
        Random random = new Random(21);
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 2) != 0;
            boolean transB = (t & 1) != 0;
            for (int[] s : new int[][] {{300, 70, 33}, {70, 300, 33}, {129, 129, 5}, {1, 1000, 3}, {1000, 1, 3}}) {
                int m = s[0], n = s[1], k = s[2];
                BlasKernel kernel = blas().withMaxFlopsPerCall(2L * 64 * 64 * k);
                int aRows = transA ? k : m, aCols = transA ? m : k;
                int bRows = transB ? n : k, bCols = transB ? k : n;
                int aOff = 3, lda = aCols + 2, bOff = 1, ldb = bCols + 5, cOff = 4, ldc = n + 1;
                float[] a = KernelGemmTest.strided(random, aOff, aRows, aCols, lda, Float.NaN);
                float[] b = KernelGemmTest.strided(random, bOff, bRows, bCols, ldb, Float.NaN);
                float[] c = KernelGemmTest.strided(random, cOff, m, n, ldc, KernelGemmTest.SENTINEL);
                GemmReference ref = GemmReference.compute(transA, transB, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb,
                        -2f, c, cOff, ldc);
                kernel.gemm(transA, transB, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, -2f, c, cOff, ldc);
                for (int idx = 0; idx < c.length; idx++) {
                    int rel = idx - cOff;
                    int i = rel >= 0 ? rel / ldc : -1;
                    int j = rel >= 0 ? rel % ldc : -1;
                    String where = "transA=" + transA + " transB=" + transB + " " + m + "×" + n + "×" + k
                            + " at " + idx;
                    if (i < 0 || i >= m || j >= n) {
                        assertEquals(KernelGemmTest.SENTINEL, c[idx], where + " outside C");
                    } else {
                        double tol = KernelGemmTest.tolerance(k) * ref.scale[i * n + j] + Float.MIN_VALUE;
                        assertTrue(Math.abs(c[idx] - ref.value[i * n + j]) <= tol,
                                where + ": " + c[idx] + " vs " + ref.value[i * n + j]);
                    }
                }
            }
        }
    }

    @Test
    void windowsOutsideTheArraysAreRejectedBeforeTheNativeCall() {
        BlasKernel kernel = blas();
        float[] a = new float[6];   // 2×3
        float[] b = new float[12];  // 4×3
        float[] c = new float[8];   // 2×4
        // A·Bᵀ 2×4×3 fits exactly
        kernel.gemm(false, true, 2, 4, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 4);
        assertEquals("A: 2×3 at offset 1 with leading dimension 3 needs 7 values, the array has 6",
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.gemm(false, true, 2, 4, 3, 1f, a, 1, 3, b, 0, 3, 0f, c, 0, 4)).getMessage());
        assertEquals("B: 5×3 at offset 0 with leading dimension 3 needs 15 values, the array has 12",
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.gemm(false, true, 2, 5, 3, 1f, a, 0, 3, b, 0, 3, 0f, new float[10], 0, 5))
                        .getMessage());
        assertEquals("C: 2×4 at offset 0 with leading dimension 5 needs 9 values, the array has 8",
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.gemm(false, true, 2, 4, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 5)).getMessage());
        assertEquals("leading dimension of A must be >= max(1, 3), was 2",
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.gemm(false, true, 2, 4, 3, 1f, a, 0, 2, b, 0, 3, 0f, c, 0, 4)).getMessage());
        assertEquals("A: offset must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.gemm(false, true, 2, 4, 3, 1f, a, -1, 3, b, 0, 3, 0f, c, 0, 4)).getMessage());
        assertEquals("gemm sizes must be >= 0, were m=2 n=-4 k=3",
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.gemm(false, true, 2, -4, 3, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 4)).getMessage());
    }

    @Test
    void coreNamesMapToTheWidthOfTheirKernels() {
        assertEquals(256, BlasKernel.coreBits("Haswell"));
        assertEquals(256, BlasKernel.coreBits(" ZEN "));
        assertEquals(512, BlasKernel.coreBits("SkylakeX"));
        assertEquals(512, BlasKernel.coreBits("Cooperlake"));
        assertEquals(128, BlasKernel.coreBits("Nehalem"));
        assertEquals(Integer.MAX_VALUE, BlasKernel.coreBits("POWER10"));
        assertEquals(Integer.MAX_VALUE, BlasKernel.coreBits("unknown"));
    }

    /**
     * With wide products, a product of at least {@value BlasKernel#WIDE_MIN} in m, n and k gives the Vector API
     * kernel's bits while OpenBLAS is set to one thread, and OpenBLAS's bits with two threads or below the size; only
     * offered when OpenBLAS's kernels are narrower than the vectors given. (Which kernel ran, not how accurately: each
     * kernel's products are checked against the reference in {@link KernelGemmTest}.)
     */
    @Test
    void wideProductsRunOnTheVectorKernelOnlyWhenLargeAndSingleThreaded() {
        BlasKernel blas = blas();
        Kernel vector = null;
        for (Kernel k : KernelProvider.available()) {
            vector = k.kind() == KernelKind.VECTOR ? k : vector;
        }
        Assumptions.assumeTrue(vector != null, "the Vector API kernel is not available");
        BlasKernel wide = blas.withWideProducts(vector, Integer.MAX_VALUE);
        int width = BlasKernel.coreBits(blas.core());
        if (width == Integer.MAX_VALUE) {
            assertNull(wide, "core " + blas.core() + " of unknown width");
            return;
        }
        assertNotNull(wide, "core " + blas.core());
        assertNull(blas.withWideProducts(vector, width), "vectors as wide as OpenBLAS's");
        Random random = new Random(5);
        int before = blas.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                blas.setThreads(threads);
                for (int[] s : new int[][] {{256, 300, 256}, {255, 300, 300}, {300, 300, 200}}) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = KernelGemmTest.strided(random, 0, m, k, k, 0f);
                    float[] b = KernelGemmTest.strided(random, 0, n, k, k, 0f);
                    boolean delegated = threads == 1 && Math.min(m, Math.min(n, k)) >= BlasKernel.WIDE_MIN;
                    float[] expected = new float[m * n];
                    (delegated ? vector : blas).gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, expected, 0, n);
                    float[] c = new float[m * n];
                    wide.gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
                    assertArrayEquals(expected, c, m + "×" + n + "×" + k + ", " + threads + " OpenBLAS threads: the "
                            + (delegated ? "Vector API" : "OpenBLAS") + " kernel's bits");
                }
            }
        } finally {
            blas.setThreads(before);
        }
    }

    @Test
    void threadCountCanBeReadAndSet() {
        BlasKernel kernel = blas();
        int before = kernel.threads();
        assertTrue(before >= 1, "openblas_get_num_threads() = " + before);
        try {
            kernel.setThreads(1);
            assertEquals(1, kernel.threads());
            kernel.setThreads(2);
            assertEquals(2, kernel.threads());
            assertEquals("threads must be >= 1, was 0",
                    assertThrows(IllegalArgumentException.class, () -> kernel.setThreads(0)).getMessage());
        } finally {
            kernel.setThreads(before);
        }
        assertEquals(before, kernel.threads());
    }

    @Test
    void singleThreadedScopesNestAndRestoreTheCount() {
        Assumptions.assumeTrue(Kernels.kind() == KernelKind.BLAS, "the facade uses " + Kernels.kind());
        int before = Kernels.threadsPerCall();
        Kernels.Scope outer = Kernels.singleThreadedCalls();
        assertEquals(1, Kernels.threadsPerCall());
        Kernels.Scope inner = Kernels.singleThreadedCalls();
        // a count set while scopes are open is the one restored at the end
        Kernels.setThreadsPerCall(before);
        assertEquals(1, Kernels.threadsPerCall());
        outer.close();
        outer.close(); // a second close does not count
        assertEquals(1, Kernels.threadsPerCall());
        inner.close();
        assertEquals(before, Kernels.threadsPerCall());
    }
}
