package org.contrast4j.metric;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/** Row blocks and the other small pieces the blocked metrics share. */
final class Blocks {
    /** Rows per block (and the side of a square tile) used by default. */
    static final int DEFAULT_BLOCK = 256;

    /** Upper bound, in floats, on a block×N buffer (16 MiB): the block shrinks for very large N. */
    static final long MAX_BUFFER_FLOATS = 1L << 22;

    private Blocks() {
    }

    /** The number of anchor rows per block against {@code n} candidates: ≤ {@code block}, buffer ≤ 2^22 floats. */
    static int rowsPerBlock(int block, int n) {
        long cap = Math.max(1L, MAX_BUFFER_FLOATS / Math.max(1, n));
        return (int) Math.max(1, Math.min(block, cap));
    }

    /** The rows the metric works on: L2-normalised ({@link Similarity#COSINE}) or the raw rows themselves. */
    static Matrix prepare(Matrix x, boolean normalize) {
        return (normalize ? Similarity.COSINE : Similarity.DOT).prepare(x);
    }

    /**
     * ⟨x_i, y_j⟩ recomputed in double; used when the float32 product overflowed (raw rows with entries near the
     * float range), so that an overflow never turns into a silently wrong distance or logit.
     */
    static double dotDouble(Matrix x, int i, Matrix y, int j) {
        int d = x.cols();
        float[] a = x.data();
        float[] b = y.data();
        double s = 0;
        for (int c = 0, ai = i * d, bj = j * d; c < d; c++) {
            s += (double) a[ai + c] * b[bj + c];
        }
        return s;
    }

    /**
     * The power of two e that brings the largest |entry| of x near 1, or 0 when it is already within 2^±60 (where
     * float32 products of rows of any dimension can neither overflow nor underflow).
     */
    static int exponent(Matrix x) {
        float max = 0f;
        for (float v : x.data()) {
            max = Math.max(max, Math.abs(v));
        }
        int e = max == 0f ? 0 : Math.getExponent(max);
        return Math.abs(e) <= 60 ? 0 : e;
    }

    /** x·2^k (exact unless an entry falls below the float32 normal range), a new matrix. */
    static Matrix scalb(Matrix x, int k) {
        float[] a = x.data();
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.scalb(a[i], k);
        }
        return Matrix.of(x.rows(), x.cols(), out);
    }

    /**
     * Returns {@code value} if it is finite; else throws naming the metric and the cause (a result beyond the double
     * range, from rows near the float32 limit with a large exponent).
     */
    static double finite(String metric, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(metric + " is " + value + ": it overflows double for these inputs "
                    + "(scale the inputs down)");
        }
        return value;
    }

    /** ‖x_i‖² for every row, accumulated in double. */
    static double[] squaredNorms(Matrix x) {
        int d = x.cols();
        float[] a = x.data();
        double[] out = new double[x.rows()];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int c = 0, off = i * d; c < d; c++) {
                double v = a[off + c];
                s += v * v;
            }
            out[i] = s;
        }
        return out;
    }

    /** A block×N product buffer as a matrix, reusing {@code previous} when it has the right shape. */
    static Matrix buffer(Matrix previous, int rows, int cols) {
        if (previous != null && previous.rows() == rows && previous.cols() == cols) {
            return previous;
        }
        return Matrix.zeros(rows, cols);
    }

    /** C = A·Bᵀ into the buffer {@code c}, through the kernel facade. */
    static void product(Matrix a, Matrix b, Matrix c) {
        Kernels.gemm(false, true, 1f, a, b, 0f, c);
    }
}
