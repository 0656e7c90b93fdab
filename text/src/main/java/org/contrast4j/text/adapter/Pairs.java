package org.contrast4j.text.adapter;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * Query–document pairs as frozen embeddings, the input of {@link AdapterTrainer}: N query rows, a corpus of M
 * distinct documents, the corpus row of each query's positive and, optionally, explicit negative rows per query (the
 * third and later columns of a sentence-transformers triplet file). A document appears once in the corpus however
 * many queries it answers; the corpus row is its id, which {@link AdapterTrainer} uses to mask duplicates in a batch
 * (two queries with the same positive are not each other's negatives).
 *
 * <p>{@link TextPairs#encode} builds one from a TSV file and a sentence encoder. Immutable (the matrices are not
 * copied: do not modify them).
 */
public final class Pairs {
    private final Matrix queries;
    private final Matrix documents;
    private final int[] positives;
    private final int[][] negatives;

    private Pairs(Matrix queries, Matrix documents, int[] positives, int[][] negatives) {
        this.queries = queries;
        this.documents = documents;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * N queries (N×D), M documents (M×D) and each query's positive corpus row, without explicit negatives.
     *
     * @throws IllegalArgumentException if a matrix is empty or has a non-finite entry, the dimensions differ, or
     *     {@code positives} does not hold N rows in [0, M) (naming the query and the value)
     */
    public static Pairs of(Matrix queries, Matrix documents, int[] positives) {
        return of(queries, documents, positives, null);
    }

    /**
     * As {@link #of(Matrix, Matrix, int[])}, with explicit negatives: {@code negatives[i]} lists corpus rows that
     * are negatives of query i (null or empty: none; copied).
     *
     * @throws IllegalArgumentException as {@link #of(Matrix, Matrix, int[])}, or if {@code negatives} does not have
     *     N entries, names a row outside [0, M), or names the query's own positive
     */
    public static Pairs of(Matrix queries, Matrix documents, int[] positives, int[][] negatives) {
        Checks.rows(queries, "queries", 1, null);
        Checks.rows(documents, "documents", 1, null);
        Checks.notNull(positives, "positives");
        Checks.argument(queries.cols() == documents.cols(),
                "queries and documents must have the same dimension: queries is %s, documents is %s",
                queries.shape(), documents.shape());
        int n = queries.rows();
        int m = documents.rows();
        Checks.argument(positives.length == n, "positives has %d entries but there are %d queries",
                positives.length, n);
        for (int i = 0; i < n; i++) {
            Checks.argument(positives[i] >= 0 && positives[i] < m,
                    "positives[%d] = %d is not a document row: there are %d documents", i, positives[i], m);
        }
        int[][] neg = new int[n][];
        if (negatives != null) {
            Checks.argument(negatives.length == n, "negatives has %d entries but there are %d queries",
                    negatives.length, n);
        }
        for (int i = 0; i < n; i++) {
            int[] row = negatives == null || negatives[i] == null ? new int[0] : negatives[i].clone();
            for (int k = 0; k < row.length; k++) {
                Checks.argument(row[k] >= 0 && row[k] < m,
                        "negatives[%d][%d] = %d is not a document row: there are %d documents", i, k, row[k], m);
                Checks.argument(row[k] != positives[i],
                        "negatives[%d][%d] = %d is query %d's positive", i, k, row[k], i);
            }
            neg[i] = row;
        }
        return new Pairs(queries, documents, positives.clone(), neg);
    }

    /** The N×D query embeddings. */
    public Matrix queries() {
        return queries;
    }

    /** The M×D document embeddings (the corpus). */
    public Matrix documents() {
        return documents;
    }

    /** The positive corpus row of query {@code i}. */
    public int positive(int i) {
        return positives[Checks.index(i, positives.length, "query")];
    }

    /** A copy of the positive corpus rows, one per query. */
    public int[] positives() {
        return positives.clone();
    }

    /** A copy of query {@code i}'s explicit negative rows (empty when none). */
    public int[] negatives(int i) {
        return negatives[Checks.index(i, negatives.length, "query")].clone();
    }

    /** Whether any query has explicit negatives. */
    public boolean hasNegatives() {
        for (int[] r : negatives) {
            if (r.length > 0) {
                return true;
            }
        }
        return false;
    }

    /** N. */
    public int size() {
        return queries.rows();
    }

    /** M. */
    public int corpusSize() {
        return documents.rows();
    }

    /** D. */
    public int dimension() {
        return queries.cols();
    }

    int[][] negativesView() {
        return negatives;
    }

    int[] positivesView() {
        return positives;
    }

    /**
     * A 64-bit fingerprint of the embeddings, positives and negatives (FNV-1a over their bits), so a checkpoint can
     * tell whether it is resumed on the same data.
     */
    long fingerprint() {
        long h = 0xcbf29ce484222325L;
        h = mix(h, queries.rows());
        h = mix(h, queries.cols());
        for (float f : queries.data()) {
            h = mix(h, Float.floatToRawIntBits(f));
        }
        h = mix(h, documents.rows());
        for (float f : documents.data()) {
            h = mix(h, Float.floatToRawIntBits(f));
        }
        for (int p : positives) {
            h = mix(h, p);
        }
        for (int[] r : negatives) {
            h = mix(h, r.length);
            for (int v : r) {
                h = mix(h, v);
            }
        }
        return h;
    }

    private static long mix(long h, int v) {
        for (int s = 0; s < 32; s += 8) {
            h ^= (v >>> s) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        return "Pairs{queries=" + queries.shape() + ", documents=" + documents.shape()
                + (hasNegatives() ? ", with explicit negatives" : "") + "}";
    }
}
