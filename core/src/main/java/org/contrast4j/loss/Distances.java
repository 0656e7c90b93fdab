package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * Euclidean distances d(x, y) = ‖x − y‖₂ between rows of prepared matrices, and their gradients, for the
 * distance-based losses ({@link MarginContrastive}, {@link Triplet}).
 *
 * <p>All-pairs distances come from the Gram matrix (one {@link Kernels#multiplyTransposed} product):
 * d² = ‖x‖² + ‖y‖² − 2⟨x, y⟩. That subtraction cancels when x ≈ y, and the float32 product carries about 1e-7 of
 * ‖x‖² + ‖y‖² in error, so a pair whose d² falls below {@link #EXACT_BELOW}·(‖x‖² + ‖y‖²) is "near": its distance
 * is recomputed from the differences in double, and its gradient is added directly too (the Gram form
 * Σ_j c_ij·x_i − Σ_j c_ij·y_j would amplify the float32 error by ‖x‖/d). Far pairs go through two more products.
 * Row-aligned pairs (a positive, a paired negative) are always computed from the differences, in double.
 *
 * <p>The gradient of d at d = 0 is taken as 0 (a subgradient): callers pass c = (∂L/∂d)/d only for d &gt; 0.
 */
final class Distances {
    /** Pairs with d² below this fraction of ‖x‖² + ‖y‖² are computed from their differences. */
    static final double EXACT_BELOW = 0.1;

    private Distances() {
    }

    /** ‖x_i‖² for each row, in double. */
    static double[] squaredNorms(Matrix x) {
        int d = x.cols();
        float[] a = x.data();
        double[] out = new double[x.rows()];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int k = i * d, end = k + d; k < end; k++) {
                s += (double) a[k] * a[k];
            }
            out[i] = s;
        }
        return out;
    }

    /** ‖x_i − y_j‖₂ from the differences, in double. */
    static double distance(Matrix x, int i, Matrix y, int j) {
        int d = x.cols();
        float[] a = x.data();
        float[] b = y.data();
        int ai = i * d;
        int bj = j * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double diff = (double) a[ai + k] - b[bj + k];
            s += diff * diff;
        }
        return Math.sqrt(s);
    }

    /**
     * All distances between the n rows of x and the m rows of y, row-major n·m (entry i·m + j is d(x_i, y_j)).
     */
    static double[] pairwise(Matrix x, Matrix y) {
        int n = x.rows();
        int m = y.rows();
        // the Gram product runs on rows scaled by 2^−e (exact) so that its float32 products neither overflow (rows
        // beyond 1e19) nor underflow (rows below 1e-19); d² is scaled back in double
        int e = exponent(x, y);
        Matrix xs = scalb(x, -e);
        Matrix ys = scalb(y, -e);
        double[] xx = squaredNorms(xs);
        double[] yy = squaredNorms(ys);
        float[] gram = Kernels.multiplyTransposed(xs, ys).data();
        double[] dist = new double[Checks.product(n, m, "pairwise distances", 8)];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double norms = xx[i] + yy[j];
                double dot = gram[i * m + j];
                double sq = norms - 2.0 * dot;
                // a float32 product that still overflowed is redone in double too
                dist[i * m + j] = !Double.isFinite(dot) || sq < EXACT_BELOW * norms
                        ? distance(x, i, y, j) : Math.scalb(Math.sqrt(sq), e);
            }
        }
        return dist;
    }

    /**
     * The power of two e that brings the largest |entry| of x and y near 1, or 0 when it is already within 2^±60
     * (where float32 products of rows of any dimension can neither overflow nor underflow).
     */
    static int exponent(Matrix x, Matrix y) {
        float max = 0f;
        for (float v : x.data()) {
            max = Math.max(max, Math.abs(v));
        }
        for (float v : y.data()) {
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0f) {
            return 0;
        }
        int e = Math.getExponent(max);
        return Math.abs(e) <= 60 ? 0 : e;
    }

    /** x·2^k, exact unless an entry falls below the float32 normal range; x itself when k = 0. */
    static Matrix scalb(Matrix x, int k) {
        if (k == 0) {
            return x;
        }
        float[] a = x.data();
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.scalb(a[i], k);
        }
        return Matrix.of(x.rows(), x.cols(), out);
    }

    /**
     * Adds c·(x_i − y_j) to gx row i and c·(y_j − x_i) to gy row j, in double: the gradient of a term whose
     * derivative with respect to d(x_i, y_j) is c·d.
     */
    static void addPair(double c, Matrix x, int i, Matrix y, int j, double[] gx, double[] gy) {
        int d = x.cols();
        float[] a = x.data();
        float[] b = y.data();
        int ai = i * d;
        int bj = j * d;
        for (int k = 0; k < d; k++) {
            double v = c * ((double) a[ai + k] - b[bj + k]);
            gx[ai + k] += v;
            gy[bj + k] -= v;
        }
    }

    /**
     * Adds the gradient of Σ_ij L_ij(d(x_i, y_j)) given c_ij = (∂L/∂d_ij)/d_ij (row-major n·m, 0 where the pair is
     * inactive or d = 0): Σ_j c_ij·(x_i − y_j) to gx row i and Σ_i c_ij·(y_j − x_i) to gy row j. Near pairs (see
     * the class comment) are added from their differences; the rest as diag(Σ_j c)·X − C·Y and
     * diag(Σ_i c)·Y − Cᵀ·X.
     *
     * @param dist the distances from {@link #pairwise}, used to tell near pairs
     */
    static void addPairwise(double[] c, double[] dist, Matrix x, Matrix y, double[] gx, double[] gy) {
        int n = x.rows();
        int m = y.rows();
        int d = x.cols();
        // the far pairs' products run on rows scaled by 2^−e and weights scaled by 2^−ec (both exact), and the
        // result is scaled back by 2^(e+ec) in double: for rows near the float32 range c ~ 1/d would be subnormal in
        // float32, for tiny rows c·y would underflow, and a squared hinge's c ~ 1 times rows of 1e38 would overflow
        int e = exponent(x, y);
        double maxC = 0;
        for (double v : c) {
            maxC = Math.max(maxC, Math.abs(v));
        }
        int ec = maxC == 0 ? 0 : Math.getExponent(maxC);
        double[] xx = squaredNorms(x);
        double[] yy = squaredNorms(y);
        float[] far = null;
        double[] rowSum = new double[n];
        double[] colSum = new double[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double cij = c[i * m + j];
                if (cij == 0) {
                    continue;
                }
                double dij = dist[i * m + j];
                if (dij * dij < EXACT_BELOW * (xx[i] + yy[j])) {
                    addPair(cij, x, i, y, j, gx, gy);
                } else {
                    if (far == null) {
                        far = new float[n * m];  // n·m ≤ dist.length, checked by pairwise
                    }
                    double cs = Math.scalb(cij, -ec);
                    far[i * m + j] = (float) cs;
                    rowSum[i] += cs;
                    colSum[j] += cs;
                }
            }
        }
        if (far == null) {
            return;
        }
        x = scalb(x, -e);
        y = scalb(y, -e);
        Matrix cm = Matrix.of(n, m, far);
        Matrix cy = Matrix.zeros(n, d);
        Kernels.gemm(false, false, 1f, cm, y, 0f, cy);
        Matrix ctx = Matrix.zeros(m, d);
        Kernels.gemm(true, false, 1f, cm, x, 0f, ctx);
        float[] xa = x.data();
        float[] ya = y.data();
        float[] cya = cy.data();
        float[] ctxa = ctx.data();
        for (int i = 0; i < n; i++) {
            for (int k = i * d, end = k + d; k < end; k++) {
                gx[k] += Math.scalb(rowSum[i] * xa[k] - cya[k], e + ec);
            }
        }
        for (int j = 0; j < m; j++) {
            for (int k = j * d, end = k + d; k < end; k++) {
                gy[k] += Math.scalb(colSum[j] * ya[k] - ctxa[k], e + ec);
            }
        }
    }

    /** A float32 matrix of the given shape holding a double accumulator. */
    static Matrix toMatrix(int rows, int cols, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Matrix.of(rows, cols, f);
    }
}
