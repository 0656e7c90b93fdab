package org.contrast4j.linalg;

import java.util.Arrays;

/**
 * Plain Java loops: the portable fallback, used when the Vector API is not available or when forced with
 * {@code -Dcontrast4j.kernel=scalar}. Kept deliberately simple; every kernel, this one included, is tested against
 * the same double-precision reference loop.
 */
final class ScalarKernel implements Kernel {

    @Override
    public KernelKind kind() {
        return KernelKind.SCALAR;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        scale(m, n, beta, c, cOff, ldc); // C = beta·C first
        if (alpha == 0f) {
            return; // as in BLAS, A and B are not read
        }
        if (!transB) {
            // C[i,:] += alpha·op(A)[i,p]·B[p,:]: the inner loop runs along rows of B and C
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    float s = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += s * b[bp + j];
                    }
                }
            }
        } else if (!transA) {
            // C[i,j] += alpha·⟨A[i,:], B[j,:]⟩
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += alpha * (float) dot(a, ai, b, bOff + j * ldb, k);
                }
            }
        } else {
            // C[i,j] += alpha·Σ_p A[p,i]·B[j,p]
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        s += a[aOff + p * lda + i] * b[bj + p];
                    }
                    c[ci + j] += alpha * s;
                }
            }
        }
    }

    /**
     * C = beta·C, the first step of every kernel's gemm; beta == 0 writes zeros whatever C held (NaN included, BLAS
     * semantics), so garbage in C never reaches the result.
     */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int len) {
        // four independent float sums (breaks the add latency chain), combined in double
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < len; i++) {
            s0 += x[xOff + i] * y[yOff + i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
