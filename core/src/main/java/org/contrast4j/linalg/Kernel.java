package org.contrast4j.linalg;

import org.contrast4j.internal.Checks;

/**
 * One implementation of the dense float32 primitives the losses and metrics are built from. Arrays are row-major
 * with explicit offsets and leading dimensions, as in BLAS, so a caller can work on blocks of a larger matrix.
 * Implementations are stateless and thread-safe.
 *
 * <p>A kernel whose {@link #blockInvariant()} is true (the Java kernels) guarantees that gemm results are
 * reproducible under blocking: the value of an entry of C may depend on its row of op(A), its column of op(B), k,
 * alpha, beta and its old value, but not on m, n or where the entry lies in the call. A caller that computes a
 * product in blocks of rows or columns (a tiled loss) then gets the same bits as one call on the whole. OpenBLAS
 * does not promise this (it picks blocking and micro-kernels by shape), so code must not rely on it in general:
 * every kernel is only required to be accurate (relative error ≤ 1e-4 of Σ|a·b|) and, for fixed arguments and
 * thread count, deterministic.
 */
interface Kernel {

    /** Which of the three implementations this is. */
    KernelKind kind();

    /** Whether splitting a gemm into blocks of rows or columns gives the same bits as one call (see above). */
    default boolean blockInvariant() {
        return true;
    }

    /** Threads one gemm call may use; a Java kernel runs each call in the caller's thread. */
    default int threads() {
        return 1;
    }

    /**
     * Sets the threads one gemm call may use, where the kernel has its own thread pool (OpenBLAS); a kernel that
     * runs in the caller's thread ignores it.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    default void setThreads(int threads) {
        Checks.atLeast(threads, 1, "threads");
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C, C m×n, op(A) m×k, op(B) k×n, op(X) = X or Xᵀ. When {@code beta == 0} the old
     * content of C is ignored (NaN in C does not propagate), as in BLAS.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /** Σ x[xOff + i]·y[yOff + i] for i &lt; len, accumulated at least in float and returned as double. */
    double dot(float[] x, int xOff, float[] y, int yOff, int len);

    /** y[yOff + i] += alpha·x[xOff + i] for i &lt; len. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);
}
