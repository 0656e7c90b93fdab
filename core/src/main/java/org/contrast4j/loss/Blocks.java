package org.contrast4j.loss;

import org.contrast4j.linalg.Matrix;

/** Copies between whole matrices and their row / column blocks, for the dense loss paths. */
final class Blocks {
    private Blocks() {
    }

    /** [a; b]: the rows of a, then the rows of b. */
    static Matrix stack(Matrix a, Matrix b) {
        Matrix out = Matrix.zeros(a.rows() + b.rows(), a.cols());
        System.arraycopy(a.data(), 0, out.data(), 0, a.data().length);
        System.arraycopy(b.data(), 0, out.data(), a.data().length, b.data().length);
        return out;
    }

    /** Columns from (inclusive) to to (exclusive) of a rows×cols array, as a new matrix. */
    static Matrix columns(float[] data, int rows, int cols, int from, int to) {
        int w = to - from;
        Matrix out = Matrix.zeros(rows, w);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(data, r * cols + from, out.data(), r * w, w);
        }
        return out;
    }

    /** The transpose of an n×n array. */
    static float[] transposeSquare(float[] a, int n) {
        float[] t = new float[a.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = a[i * n + j];
            }
        }
        return t;
    }

    /** Multiplies every entry by f, in place. */
    static void scale(float[] a, double f) {
        float s = (float) f;
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
    }

    static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }
}
