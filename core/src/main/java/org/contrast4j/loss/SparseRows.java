package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import java.util.Arrays;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * Some rows of a tall matrix: the gradient of a class table W (V×D) that a sampled loss touched. {@link #ids()} are
 * the row numbers, strictly increasing, in [0, {@link #totalRows()}); row r of {@link #rows()} (ids().length × D)
 * holds row {@code ids()[r]} of the full matrix; every other row of the full matrix is zero.
 *
 * <p>A sampled class-scoring loss touches only its targets and sampled classes, O(B·k) rows, so a table of 10⁶ classes
 * is never written densely; {@link #addTo} applies an update in place (an SGD step is
 * {@code grad.addTo(W, -learningRate)}) and {@link #toDense()} expands it when a dense matrix is wanted. The full
 * softmax touches every class and returns all V ids.
 *
 * <p>Immutable except for the row matrix, which is freshly allocated and owned by the caller, like the gradients of a
 * {@link LossResult}.
 */
public final class SparseRows {
    private final int totalRows;
    private final int[] ids;
    private final Matrix rows;

    private SparseRows(int totalRows, int[] ids, Matrix rows) {
        this.totalRows = totalRows;
        this.ids = ids;
        this.rows = rows;
    }

    /**
     * Rows {@code ids} of a {@code totalRows}×{@code rows.cols()} matrix (ids copied, rows wrapped).
     *
     * @throws IllegalArgumentException if the ids are not strictly increasing within [0, totalRows), or their number
     *     differs from {@code rows.rows()}
     */
    public static SparseRows of(int totalRows, int[] ids, Matrix rows) {
        Checks.atLeast(totalRows, 0, "totalRows");
        Checks.notNull(ids, "ids");
        Checks.notNull(rows, "rows");
        if (ids.length != rows.rows()) {
            throw new IllegalArgumentException(ids.length + " ids but the row matrix is " + rows.shape());
        }
        checkIds(totalRows, ids);
        return new SparseRows(totalRows, ids.clone(), rows);
    }

    /** Strictly increasing ids within [0, size), or a message naming the first bad position. */
    static void checkIds(int size, int[] ids) {
        for (int r = 0; r < ids.length; r++) {
            if (ids[r] < 0 || ids[r] >= size) {
                throw new IllegalArgumentException("id " + ids[r] + " at position " + r + " is outside [0, " + size
                        + ")");
            }
            if (r > 0 && ids[r] <= ids[r - 1]) {
                throw new IllegalArgumentException("ids must be strictly increasing: position " + r + " holds "
                        + ids[r] + " after " + ids[r - 1]);
            }
        }
    }

    /** Wraps without checks or copies (the losses build valid ids). */
    static SparseRows wrap(int totalRows, int[] ids, Matrix rows) {
        return new SparseRows(totalRows, ids, rows);
    }

    /** The number of rows of the full matrix (V). */
    public int totalRows() {
        return totalRows;
    }

    /** The width of every row (D). */
    public int cols() {
        return rows.cols();
    }

    /** How many rows are present. */
    public int size() {
        return ids.length;
    }

    /** A copy of the row ids, strictly increasing. */
    public int[] ids() {
        return ids.clone();
    }

    /** The present rows, {@link #size()}×{@link #cols()}, in the order of {@link #ids()} (not a copy). */
    public Matrix rows() {
        return rows;
    }

    /** The position of row {@code id} in {@link #rows()}, or −1 if that row is absent (zero). */
    public int indexOf(int id) {
        int at = Arrays.binarySearch(ids, id);
        return at >= 0 ? at : -1;
    }

    /** A copy of row {@code id} of the full matrix (zeros if it is absent). */
    public float[] row(int id) {
        if (id < 0 || id >= totalRows) {
            throw new IndexOutOfBoundsException("row " + id + " is outside [0, " + totalRows + ")");
        }
        int at = indexOf(id);
        return at >= 0 ? rows.row(at) : new float[rows.cols()];
    }

    /** The full totalRows×cols matrix, zero outside {@link #ids()}. */
    public Matrix toDense() {
        Matrix dense = Matrix.zeros(totalRows, rows.cols());
        int d = rows.cols();
        for (int r = 0; r < ids.length; r++) {
            System.arraycopy(rows.data(), r * d, dense.data(), ids[r] * d, d);
        }
        return dense;
    }

    /**
     * table[ids[r]] += alpha·rows[r] for every present row: applies this gradient to the full matrix in place, in
     * O(size·D).
     *
     * @throws IllegalArgumentException if {@code table} is not totalRows×cols
     */
    public void addTo(Matrix table, float alpha) {
        if (table.rows() != totalRows || table.cols() != rows.cols()) {
            throw new IllegalArgumentException("table is " + table.shape() + " but this gradient is of a " + totalRows
                    + "×" + rows.cols() + " matrix");
        }
        int d = rows.cols();
        for (int r = 0; r < ids.length; r++) {
            Kernels.axpy(alpha, rows.data(), r * d, table.data(), ids[r] * d, d);
        }
    }

    @Override
    public String toString() {
        return "SparseRows[" + ids.length + " of " + totalRows + " rows × " + rows.cols() + "]";
    }
}
