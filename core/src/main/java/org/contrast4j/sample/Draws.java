package org.contrast4j.sample;

/**
 * The ids of one {@link Sampler} draw: rows×k ids stored row-major (one row = the candidates shared by a batch, or
 * one row per example), how many draws each row took, and the expected counts sampled softmax needs.
 *
 * <p>{@link #expectedCount(int, int)} is E(c) for any id c (a sampled one or a target) given that row's tries, as
 * TensorFlow's {@code true_expected_count} / {@code sampled_expected_count}: k·q(c) with replacement (or unique with
 * no draw rejected), else 1 − (1 − q(c))^tries; see {@link NoiseDistribution}. Immutable.
 */
public final class Draws {
    private final NoiseDistribution noise;
    private final int rows;
    private final int k;
    private final boolean unique;
    private final int[] ids;
    private final int[] tries;

    Draws(NoiseDistribution noise, int rows, int k, boolean unique, int[] ids, int[] tries) {
        this.noise = noise;
        this.rows = rows;
        this.k = k;
        this.unique = unique;
        this.ids = ids;
        this.tries = tries;
    }

    /** The distribution the ids were drawn from. */
    public NoiseDistribution distribution() {
        return noise;
    }

    /** The number of rows. */
    public int rows() {
        return rows;
    }

    /** k, ids per row. */
    public int k() {
        return k;
    }

    /** Whether each row holds k distinct ids. */
    public boolean unique() {
        return unique;
    }

    /** A copy of all ids, rows×k row-major. */
    public int[] ids() {
        return ids.clone();
    }

    /** A copy of row {@code row}'s k ids. */
    public int[] row(int row) {
        checkRow(row);
        int[] out = new int[k];
        System.arraycopy(ids, row * k, out, 0, k);
        return out;
    }

    /** The j-th id of row {@code row}. */
    public int id(int row, int j) {
        checkRow(row);
        if (j < 0 || j >= k) {
            throw new IllegalArgumentException("j = " + j + " is outside [0, " + k + ")");
        }
        return ids[row * k + j];
    }

    /** How many draws row {@code row} took: k with replacement, ≥ k when unique. */
    public int tries(int row) {
        checkRow(row);
        return tries[row];
    }

    /** E(c) of {@code id} under row {@code row}'s draw (k·q(c) if tries = k, else −expm1(tries·log1p(−q(c)))). */
    public double expectedCount(int row, int id) {
        checkRow(row);
        return noise.expectedCount(id, k, tries[row]);
    }

    /** E(c) of every sampled id, rows×k row-major (TensorFlow's {@code sampled_expected_count}). */
    public double[] sampledExpectedCounts() {
        double[] e = new double[ids.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                e[r * k + j] = noise.expectedCount(ids[r * k + j], k, tries[r]);
            }
        }
        return e;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("row " + row + " is outside [0, " + rows + ")");
        }
    }

    @Override
    public String toString() {
        return "Draws{" + rows + "×" + k + (unique ? ", unique" : ", with replacement") + ", " + noise + "}";
    }
}
