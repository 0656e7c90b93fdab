package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import java.util.Arrays;

/**
 * Some entries of a long vector: the gradient of a class bias b (length V) that a sampled loss touched.
 * {@link #ids()} are strictly increasing in [0, {@link #length()}), {@link #values()}[r] is entry {@code ids()[r]}, and
 * every other entry is zero. Values are double: each is a sum over the batch, reported at full precision like the
 * scalar gradients. Immutable.
 */
public final class SparseVector {
    private final int length;
    private final int[] ids;
    private final double[] values;

    private SparseVector(int length, int[] ids, double[] values) {
        this.length = length;
        this.ids = ids;
        this.values = values;
    }

    /**
     * Entries {@code ids} of a vector of {@code length} (both arrays copied).
     *
     * @throws IllegalArgumentException if the ids are not strictly increasing within [0, length), or the two arrays
     *     differ in length
     */
    public static SparseVector of(int length, int[] ids, double[] values) {
        Checks.atLeast(length, 0, "length");
        Checks.notNull(ids, "ids");
        Checks.notNull(values, "values");
        if (ids.length != values.length) {
            throw new IllegalArgumentException(ids.length + " ids but " + values.length + " values");
        }
        SparseRows.checkIds(length, ids);
        return new SparseVector(length, ids.clone(), values.clone());
    }

    /** Wraps without checks or copies (the losses build valid ids). */
    static SparseVector wrap(int length, int[] ids, double[] values) {
        return new SparseVector(length, ids, values);
    }

    /** The length of the full vector (V). */
    public int length() {
        return length;
    }

    /** How many entries are present. */
    public int size() {
        return ids.length;
    }

    /** A copy of the entry ids, strictly increasing. */
    public int[] ids() {
        return ids.clone();
    }

    /** A copy of the present values, in the order of {@link #ids()}. */
    public double[] values() {
        return values.clone();
    }

    /** Entry {@code id} of the full vector (0 if absent). */
    public double get(int id) {
        if (id < 0 || id >= length) {
            throw new IndexOutOfBoundsException("entry " + id + " is outside [0, " + length + ")");
        }
        int at = Arrays.binarySearch(ids, id);
        return at >= 0 ? values[at] : 0.0;
    }

    /** The full vector, zero outside {@link #ids()}. */
    public double[] toDense() {
        double[] dense = new double[length];
        for (int r = 0; r < ids.length; r++) {
            dense[ids[r]] = values[r];
        }
        return dense;
    }

    /**
     * target[ids[r]] += alpha·values[r]: applies this gradient to the full vector in place.
     *
     * @throws IllegalArgumentException if {@code target.length != length()}
     */
    public void addTo(float[] target, double alpha) {
        if (target.length != length) {
            throw new IllegalArgumentException("target has " + target.length + " entries but this gradient is of a"
                    + " vector of " + length);
        }
        for (int r = 0; r < ids.length; r++) {
            target[ids[r]] = (float) (target[ids[r]] + alpha * values[r]);
        }
    }

    @Override
    public String toString() {
        return "SparseVector[" + ids.length + " of " + length + "]";
    }
}
