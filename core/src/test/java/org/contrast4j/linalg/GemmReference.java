package org.contrast4j.linalg;

/**
 * The independent reference every kernel is checked against: the gemm definition written as three plain loops in
 * double, C = alpha·op(A)·op(B) + beta·C with op(X) = X or Xᵀ, and beta == 0 meaning "ignore the old C".
 * It also returns, per entry, the scale |alpha|·Σ_p |op(A)[i,p]·op(B)[p,j]| + |beta·C[i,j]| that float32 rounding
 * errors are proportional to, so tests can use a relative tolerance that does not break on cancellation.
 */
final class GemmReference {
    final double[] value;
    final double[] scale;

    private GemmReference(double[] value, double[] scale) {
        this.value = value;
        this.scale = scale;
    }

    static GemmReference compute(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        double[] value = new double[m * n];
        double[] scale = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += x * y;
                    abs += Math.abs(x * y);
                }
                double old = beta == 0f ? 0 : (double) beta * c[cOff + i * ldc + j];
                value[i * n + j] = alpha * sum + old;
                scale[i * n + j] = Math.abs(alpha) * abs + Math.abs(old);
            }
        }
        return new GemmReference(value, scale);
    }
}
