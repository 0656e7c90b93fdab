package org.contrast4j.retrieval;

import org.contrast4j.internal.Checks;

/**
 * The negatives a {@link HardNegativeMiner} found: for each of B queries up to K corpus rows in rank order (best
 * score first), padded with −1 (score NaN) when fewer qualified; the positive score each margin was measured from;
 * and how many queries were short. Immutable; array accessors return copies.
 */
public final class MinedNegatives {
    private final int queries;
    private final int k;
    private final int[] negatives;
    private final float[] scores;
    private final float[] positiveScores;
    private final int[] found;
    private final int shortQueries;

    MinedNegatives(int queries, int k, int[] negatives, float[] scores, float[] positiveScores, int[] found,
                   int shortQueries) {
        this.queries = queries;
        this.k = k;
        this.negatives = negatives;
        this.scores = scores;
        this.positiveScores = positiveScores;
        this.found = found;
        this.shortQueries = shortQueries;
    }

    public int queries() {
        return queries;
    }

    /** K, the negatives asked for per query. */
    public int numNegatives() {
        return k;
    }

    /** The j-th negative of {@code query} (a corpus row), or −1 past {@link #found(int)}. */
    public int negative(int query, int j) {
        Checks.index(query, queries, "query");
        Checks.index(j, k, "j");
        return negatives[query * k + j];
    }

    /** The score of the j-th negative of {@code query}, NaN past {@link #found(int)}. */
    public float score(int query, int j) {
        Checks.index(query, queries, "query");
        Checks.index(j, k, "j");
        return scores[query * k + j];
    }

    /** The positive score of {@code query} (the lowest of its positives), from the same GEMM as the ranking. */
    public float positiveScore(int query) {
        Checks.index(query, queries, "query");
        return positiveScores[query];
    }

    /** How many negatives {@code query} got (≤ K). */
    public int found(int query) {
        Checks.index(query, queries, "query");
        return found[query];
    }

    /** How many queries got fewer than K negatives. */
    public int shortQueries() {
        return shortQueries;
    }

    /** All negatives as a row-major B×K array, −1 padded (a copy). */
    public int[] negativeMatrix() {
        return negatives.clone();
    }

    /** All negative scores as a row-major B×K array, NaN padded (a copy). */
    public float[] scoreMatrix() {
        return scores.clone();
    }

    @Override
    public String toString() {
        return "MinedNegatives[" + queries + " queries × " + k + ", " + shortQueries + " short]";
    }
}
