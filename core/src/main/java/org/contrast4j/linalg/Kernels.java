package org.contrast4j.linalg;

import org.contrast4j.internal.Checks;

/**
 * The facade every loss and metric calls for dense float32 products and row operations. The kernel behind it is
 * chosen once per JVM, on first use, by the library's one kernel provider, which also chooses for the tiled engine's
 * epilogue and the word trainer ({@link #kind()} says which):
 * <ol>
 *   <li>{@link KernelKind#BLAS} — OpenBLAS {@code cblas_sgemm} through the FFM API, when the shared library is found
 *       ({@code libopenblas.so.0}; Debian/Ubuntu package {@code libopenblas0-pthread}; the system property
 *       {@code contrast4j.openblas=PATH} names another) and the JVM allows native access
 *       ({@code --enable-native-access=ALL-UNNAMED} on the class path, {@code =org.contrast4j.core} on the module
 *       path); dot, axpy and element-wise work then run on the Vector API when it can run, else on plain loops;
 *       under {@code auto}, when OpenBLAS's kernels use narrower vectors than the Vector API's (its
 *       {@code openblas_get_corename()}, e.g. Haswell on an AVX-512 CPU), so do the products of at least 256 in m, n
 *       and k that run single-threaded (see {@code BlasKernel});</li>
 *   <li>{@link KernelKind#VECTOR} — the Vector API ({@code jdk.incubator.vector}), when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector};</li>
 *   <li>{@link KernelKind#SCALAR} — plain loops, always available.</li>
 * </ol>
 * The choice is logged once ({@link System.Logger}, logger {@code org.contrast4j.linalg}): at INFO when a faster
 * kernel was not taken, with the reason, e.g. {@code contrast4j: kernel vector (auto); OpenBLAS is not used: native
 * access is not enabled (start the JVM with --enable-native-access=ALL-UNNAMED)}; at DEBUG otherwise. The system
 * property {@value #PROPERTY} ({@code auto} | {@code blas} | {@code vector} | {@code scalar}, default {@code auto})
 * forces one. A bad setting is an error on every call, never a failed class initialisation: an unknown value throws
 * {@link IllegalArgumentException} listing the valid ones, a forced kernel that cannot run
 * {@link IllegalStateException} naming why (for {@code blas}, the library it looked for).
 *
 * <p>Threads: the Java kernels run each call in the caller's thread; OpenBLAS runs a call on its own threads
 * ({@link #threadsPerCall()}, by default one per core or {@code OPENBLAS_NUM_THREADS}). Code that calls the kernels
 * from several threads of its own opens {@link #singleThreadedCalls()} so the two do not oversubscribe the cores
 * (see the package documentation for the measurements behind that default).
 *
 * <p>All methods are thread-safe. Matrices are row-major ({@link Matrix}).
 */
public final class Kernels {
    /** System property that forces a kernel: {@code auto}, {@code blas}, {@code vector} or {@code scalar}. */
    public static final String PROPERTY = "contrast4j.kernel";

    private static final Object THREADS_LOCK = new Object();
    /** Open {@link #singleThreadedCalls()} scopes, and the thread count to restore when the last one closes. */
    private static int singleThreadedScopes;
    private static int restoreThreads;

    private Kernels() {
    }

    /**
     * The kernel in use, chosen once per JVM (see the class comment).
     *
     * @throws IllegalArgumentException if {@value #PROPERTY} has an unknown value — thrown by this and every other
     *     method of this class, on every call, with the same message
     * @throws IllegalStateException    if {@value #PROPERTY} forces a kernel that cannot run here (likewise)
     */
    public static KernelKind kind() {
        return KernelProvider.kind();
    }

    /**
     * The threads one product may use: OpenBLAS's current setting ({@code openblas_get_num_threads}) for the blas
     * kernel, 1 for the Java kernels (they compute in the caller's thread).
     */
    public static int threadsPerCall() {
        return KernelProvider.kernel().threads();
    }

    /**
     * Sets the threads one product may use ({@code openblas_set_num_threads}, process-wide); no effect on the Java
     * kernels, which always compute in the caller's thread. While {@link #singleThreadedCalls()} scopes are open,
     * the value is remembered and applied when the last one closes.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static void setThreadsPerCall(int threads) {
        Checks.atLeast(threads, 1, "threads");
        synchronized (THREADS_LOCK) {
            if (singleThreadedScopes > 0) {
                restoreThreads = threads;
            } else {
                KernelProvider.kernel().setThreads(threads);
            }
        }
    }

    /** A scope opened by {@link #singleThreadedCalls()}; closing it twice has no further effect. */
    public interface Scope extends AutoCloseable {
        /** Ends the scope; the last open scope restores the previous thread count. */
        @Override
        void close();
    }

    /**
     * For callers that parallelise themselves (a pool of threads each calling the kernels): makes every product
     * single-threaded until the returned scope is closed, so the caller's threads and OpenBLAS's do not compete
     * for the same cores. Scopes may be opened from several threads and nest; the thread count in force before the
     * first one is restored when the last one closes. A no-op for the Java kernels.
     * <pre>{@code
     * try (Kernels.Scope ignored = Kernels.singleThreadedCalls()) {
     *     pool.invokeAll(rowBlocks);
     * }
     * }</pre>
     */
    public static Scope singleThreadedCalls() {
        synchronized (THREADS_LOCK) {
            if (singleThreadedScopes++ == 0) {
                restoreThreads = KernelProvider.kernel().threads();
                KernelProvider.kernel().setThreads(1);
            }
        }
        return new Scope() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (THREADS_LOCK) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    if (--singleThreadedScopes == 0) {
                        KernelProvider.kernel().setThreads(restoreThreads);
                    }
                }
            }
        };
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C, op(X) = X or Xᵀ (BLAS sgemm on whole matrices).
     *
     * @throws IllegalArgumentException if the shapes do not agree (naming all three)
     */
    public static void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes do not agree: op(A) is " + m + "×" + k + ", op(B) is "
                    + kb + "×" + n + ", C is " + c.shape());
        }
        KernelProvider.kernel().gemm(transA, transB, m, n, k, alpha, a.data(), 0, a.cols(), b.data(), 0, b.cols(),
                beta, c.data(), 0, c.cols());
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C on blocks of row-major arrays, with BLAS's arguments: C is m×n starting at
     * {@code c[cOff]} with rows {@code ldc} apart, op(A) is m×k and op(B) k×n (stored transposed when
     * {@code transA}/{@code transB}), rows {@code lda}/{@code ldb} apart. When {@code beta == 0} the old content of C
     * is ignored. With the Java kernels an entry of C does not depend on m, n or where it lies in the call, so a
     * product computed block by block gives the same bits as one call; OpenBLAS chooses its micro-kernels by shape
     * and may differ in the last bits between blockings, though it is deterministic for fixed arguments and thread
     * count (see the package notes).
     *
     * @throws IllegalArgumentException if a size is negative, a leading dimension is smaller than its row, or a
     *     block runs outside its array (naming it)
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be >= 0, were m = " + m + ", n = " + n + ", k = " + k);
        }
        checkBlock("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkBlock("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkBlock("C", c, cOff, ldc, m, n);
        KernelProvider.kernel().gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** A rows×cols block at {@code off} with rows {@code ld} apart must lie inside the array. */
    private static void checkBlock(String name, float[] x, int off, int ld, int rows, int cols) {
        Checks.notNull(x, name);
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("leading dimension of " + name + " must be >= max(1, " + cols
                    + "), was " + ld);
        }
        long end = rows == 0 || cols == 0 ? off : off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > x.length) {
            throw new IllegalArgumentException(name + ": a " + rows + "×" + cols + " block at offset " + off
                    + " with leading dimension " + ld + " runs outside an array of " + x.length + " values");
        }
    }

    /** A·Bᵀ (N×D times M×D gives N×M): all dot products between the rows of A and the rows of B. */
    public static Matrix multiplyTransposed(Matrix a, Matrix b) {
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException(
                    "A·Bᵀ needs rows of equal length: A is " + a.shape() + ", B is " + b.shape());
        }
        Matrix c = Matrix.zeros(a.rows(), b.rows());
        gemm(false, true, 1f, a, b, 0f, c);
        return c;
    }

    /**
     * The Euclidean norm of each row, exact to a few double roundings for rows of any finite float32 magnitude.
     *
     * <p>Each square is taken and summed in double, never in float32: a float32 square overflows once an entry
     * exceeds 1.8e19 and underflows below 1e-19 (so a float32 sum of squares turns rows of magnitude 1e25 into norm
     * ∞ and rows of magnitude 1e-30 into norm 0). In double nothing can: the square of a float32 is exact (24 + 24
     * significant bits ≤ 53), the largest is (3.4e38)² ≈ 1.2e77 and a sum of at most 2³¹ of them stays below
     * 3e86 ≪ 1.8e308; the smallest non-zero square, (1.4e-45)² ≈ 2e-90, is a normal double. That is the scaling
     * hypot and LAPACK's snrm2 do by hand, done here by the wider exponent range; the relative error of the norm is
     * at most (D + 1)·2⁻⁵³.
     */
    public static double[] rowNorms(Matrix a) {
        double[] norms = new double[a.rows()];
        int d = a.cols();
        float[] x = a.data();
        for (int i = 0; i < norms.length; i++) {
            // four independent sums: the additions' latency, not their count, bounds a single running sum
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int k = i * d;
            int end = k + d;
            for (; k + 3 < end; k += 4) {
                double v0 = x[k];
                double v1 = x[k + 1];
                double v2 = x[k + 2];
                double v3 = x[k + 3];
                s0 += v0 * v0;
                s1 += v1 * v1;
                s2 += v2 * v2;
                s3 += v3 * v3;
            }
            for (; k < end; k++) {
                double v = x[k];
                s0 += v * v;
            }
            norms[i] = Math.sqrt((s0 + s1) + (s2 + s3));
        }
        return norms;
    }

    /** ⟨a_i, b_i⟩ for each row i of two matrices of equal shape. */
    public static double[] rowDots(Matrix a, Matrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException("row dots need equal shapes: " + a.shape() + " vs " + b.shape());
        }
        Kernel kernel = KernelProvider.kernel();
        double[] dots = new double[a.rows()];
        int d = a.cols();
        for (int i = 0; i < dots.length; i++) {
            dots[i] = kernel.dot(a.data(), i * d, b.data(), i * d, d);
        }
        return dots;
    }

    /**
     * Σ x[xOff + i]·y[yOff + i], i &lt; len.
     *
     * @throws IllegalArgumentException if {@code len < 0} or a range runs outside its array (naming it)
     */
    public static double dot(float[] x, int xOff, float[] y, int yOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        return KernelProvider.kernel().dot(x, xOff, y, yOff, len);
    }

    /**
     * y[yOff + i] += alpha·x[xOff + i], i &lt; len: adds a scaled row to another.
     *
     * @throws IllegalArgumentException if {@code len < 0} or a range runs outside its array (naming it)
     */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        checkRange("x", x, xOff, len);
        checkRange("y", y, yOff, len);
        KernelProvider.kernel().axpy(alpha, x, xOff, y, yOff, len);
    }

    private static void checkRange(String name, float[] array, int off, int len) {
        Checks.notNull(array, name);
        Checks.atLeast(len, 0, "len");
        if (off < 0 || (long) off + len > array.length) {
            throw new IllegalArgumentException(name + "[" + off + " .. " + ((long) off + len) + ") is outside an array of "
                    + array.length + " values");
        }
    }
}
