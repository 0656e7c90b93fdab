package org.contrast4j.metric;

import org.contrast4j.linalg.Matrix;

/** Argument checks shared by the metrics; every failure is an {@link IllegalArgumentException} naming the input. */
final class Checks {
    private Checks() {
    }

    /**
     * Checks that {@code x} is present, has at least {@code minRows} rows and one column, and holds only finite
     * values.
     *
     * @param why what the rows are needed for, quoted when there are too few (e.g. "a pair")
     */
    static Matrix rows(Matrix x, String name, int minRows, String why) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (x.rows() < minRows) {
            throw new IllegalArgumentException(name + " needs at least " + minRows + (minRows == 1 ? " row" : " rows")
                    + (why == null ? "" : " (" + why + ")") + ", was " + x.shape());
        }
        if (x.cols() < 1) {
            throw new IllegalArgumentException(name + " has dimension 0: " + name + " is " + x.shape());
        }
        finite(x, name);
        return x;
    }

    /** Throws at the first NaN or infinite entry, naming its row, column and value. */
    static void finite(Matrix x, String name) {
        float[] a = x.data();
        int d = x.cols();
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalArgumentException(name + "[" + i / d + ", " + i % d + "] is " + a[i]
                        + ": inputs must be finite");
            }
        }
    }

    /** Checks that two inputs have the same shape, naming both. */
    static void sameShape(Matrix x, String xName, Matrix y, String yName) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException(xName + " and " + yName + " must have the same shape: " + xName
                    + " is " + x.shape() + ", " + yName + " is " + y.shape());
        }
    }

    /** Checks that a parameter is strictly positive and finite. */
    static double positive(double value, String name) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, was " + value);
        }
        return value;
    }
}
