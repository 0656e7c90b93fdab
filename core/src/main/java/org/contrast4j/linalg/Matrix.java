package org.contrast4j.linalg;

import java.util.Arrays;
import org.contrast4j.internal.Checks;

/**
 * A dense float32 matrix stored row-major in one {@code float[]}: element (r, c) is {@code data()[r * cols() + c]}.
 *
 * <p>This is deliberately not a linear-algebra library: it is the one container the losses, metrics and kernels
 * exchange. The backing array is shared, not copied ({@link #of} wraps, {@link #data()} exposes), so a caller can hand
 * its own buffers in and read results out without a copy. Matrices returned by the library (for example the gradients
 * in a {@code LossResult}) are freshly allocated and owned by the caller.
 *
 * <p>A batch of N vectors of dimension D is an N×D matrix. A three-dimensional N×M×D array (M vectors per row, as the
 * paired negatives of InfoNCE) is an (N·M)×D matrix whose rows i·M … i·M+M−1 belong to row i.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    private Matrix(int rows, int cols, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /**
     * Wraps {@code data} (not copied) as a rows×cols matrix.
     *
     * @throws IllegalArgumentException if a dimension is negative or {@code data.length != rows * cols}
     */
    public static Matrix of(int rows, int cols, float[] data) {
        checkShape(rows, cols);
        Checks.notNull(data, "data");
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "a " + rows + "×" + cols + " matrix needs " + (long) rows * cols + " values, got " + data.length);
        }
        return new Matrix(rows, cols, data);
    }

    /** A rows×cols matrix of zeros. */
    public static Matrix zeros(int rows, int cols) {
        checkShape(rows, cols);
        return new Matrix(rows, cols, new float[Checks.product(rows, cols, "a matrix", 4)]);
    }

    /**
     * Copies a rectangular {@code float[rows][cols]} array.
     *
     * @throws IllegalArgumentException if the rows have different lengths (naming the first ragged row)
     */
    public static Matrix fromRows(float[][] values) {
        int rows = values.length;
        int cols = rows == 0 ? 0 : values[0].length;
        float[] data = new float[Checks.product(rows, cols, "a matrix", 4)];
        for (int r = 0; r < rows; r++) {
            if (values[r].length != cols) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + values[r].length + " values, row 0 has " + cols);
            }
            System.arraycopy(values[r], 0, data, r * cols, cols);
        }
        return new Matrix(rows, cols, data);
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("matrix dimensions must be >= 0, were " + rows + "×" + cols);
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing row-major array (not a copy). */
    public float[] data() {
        return data;
    }

    public float get(int row, int col) {
        return data[index(row, col)];
    }

    public void set(int row, int col, float value) {
        data[index(row, col)] = value;
    }

    private int index(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException(
                    "(" + row + ", " + col + ") is outside a " + rows + "×" + cols + " matrix");
        }
        return row * cols + col;
    }

    /** A copy of row {@code row}. */
    public float[] row(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " is outside a " + rows + "×" + cols + " matrix");
        }
        return Arrays.copyOfRange(data, row * cols, (row + 1) * cols);
    }

    /** A new matrix holding rows {@code from} (inclusive) to {@code to} (exclusive). */
    public Matrix copyRows(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException(
                    "rows [" + from + ", " + to + ") are outside a " + rows + "×" + cols + " matrix");
        }
        return new Matrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
    }

    /** A deep copy. */
    public Matrix copy() {
        return new Matrix(rows, cols, data.clone());
    }

    /** The shape as {@code "rows×cols"}, the form every error message uses. */
    public String shape() {
        return rows + "×" + cols;
    }

    @Override
    public String toString() {
        return "Matrix[" + shape() + "]";
    }
}
