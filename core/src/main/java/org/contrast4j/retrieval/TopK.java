package org.contrast4j.retrieval;

import java.util.Arrays;
import org.contrast4j.internal.Checks;

/**
 * The result of an {@link ExactSearch}: for each of B queries the ids (corpus rows) and scores of its k best corpus
 * rows, best first — score descending, equal scores by ascending corpus row. A query left with fewer than k
 * candidates (only possible with exclusions) has {@link #found(int)} &lt; k; its remaining slots hold id −1 and score
 * NaN. Immutable; the accessors that return arrays return copies.
 */
public final class TopK {
    private final int queries;
    private final int k;
    private final int[] ids;
    private final float[] scores;
    private final int[] found;
    private final int corpusSize;

    TopK(int queries, int k, int corpusSize, int[] ids, float[] scores, int[] found) {
        this.queries = queries;
        this.k = k;
        this.corpusSize = corpusSize;
        this.ids = ids;
        this.scores = scores;
        this.found = found;
    }

    /**
     * A ranking produced elsewhere (an approximate index, BM25, another library), to be evaluated by
     * {@link RetrievalEvaluation#of(TopK, Qrels)} like an exact search's. For each query its ids are listed best first
     * (the caller ranked them, ties included); a query with fewer than k results ends with id −1 (score NaN) in its
     * remaining slots, and no real id follows a −1. The arrays are copied.
     *
     * @param queries B ≥ 0
     * @param k results per query, ≥ 1
     * @param corpusSize M ≥ k, the number of corpus rows ranked
     * @param ids row-major B×k corpus rows in [0, M), or −1 padding; distinct within a query
     * @param scores row-major B×k scores (NaN where the id is −1), or null when the ranking has no scores (all NaN)
     * @throws IllegalArgumentException on a size mismatch, an id outside [−1, M), an id repeated within a query, or a
     *     real id after −1 padding (naming the query and rank)
     */
    public static TopK of(int queries, int k, int corpusSize, int[] ids, float[] scores) {
        Checks.atLeast(queries, 0, "queries");
        Checks.atLeast(k, 1, "k");
        Checks.atLeast(corpusSize, k, "corpusSize");
        Checks.notNull(ids, "ids");
        Checks.argument(ids.length == (long) queries * k, "ids has %d values but queries × k = %d × %d",
                ids.length, queries, k);
        Checks.argument(scores == null || scores.length == ids.length, "scores has %d values but ids has %d",
                scores == null ? 0 : scores.length, ids.length);
        int[] idCopy = ids.clone();
        float[] scoreCopy = scores == null ? new float[ids.length] : scores.clone();
        int[] found = new int[queries];
        java.util.HashSet<Integer> seen = new java.util.HashSet<>();
        for (int q = 0; q < queries; q++) {
            seen.clear();
            int n = 0;
            for (int r = 0; r < k; r++) {
                int id = idCopy[q * k + r];
                Checks.argument(id >= -1 && id < corpusSize, "query %d, rank %d: id %d is outside [-1, %d)", q, r,
                        id, corpusSize);
                if (id == -1) {
                    scoreCopy[q * k + r] = Float.NaN;
                    continue;
                }
                Checks.argument(n == r, "query %d, rank %d: id %d follows -1 padding", q, r, id);
                Checks.argument(seen.add(id), "query %d, rank %d: id %d is listed twice", q, r, id);
                if (scores == null) {
                    scoreCopy[q * k + r] = Float.NaN;
                }
                n++;
            }
            found[q] = n;
        }
        return new TopK(queries, k, corpusSize, idCopy, scoreCopy, found);
    }

    /** B, the number of queries. */
    public int queries() {
        return queries;
    }

    /** k, the number of results per query (including −1 padding). */
    public int k() {
        return k;
    }

    /** M, the number of corpus rows searched. */
    public int corpusSize() {
        return corpusSize;
    }

    /** Whether every query's list ranks the whole corpus (k = M): ranks past k then hold nothing. */
    public boolean complete() {
        return k == corpusSize;
    }

    /** How many real results query {@code query} has (k unless exclusions left fewer candidates). */
    public int found(int query) {
        Checks.index(query, queries, "query");
        return found[query];
    }

    /** The corpus row at 0-based {@code rank} of {@code query}, or −1 past {@link #found(int)}. */
    public int id(int query, int rank) {
        Checks.index(query, queries, "query");
        Checks.index(rank, k, "rank");
        return ids[query * k + rank];
    }

    /** The score at 0-based {@code rank} of {@code query} (the float the search ranked by), NaN past found. */
    public float score(int query, int rank) {
        Checks.index(query, queries, "query");
        Checks.index(rank, k, "rank");
        return scores[query * k + rank];
    }

    /** The k ids of {@code query}, best first (a copy). */
    public int[] ids(int query) {
        Checks.index(query, queries, "query");
        return Arrays.copyOfRange(ids, query * k, query * k + k);
    }

    /** The k scores of {@code query}, best first (a copy). */
    public float[] scores(int query) {
        Checks.index(query, queries, "query");
        return Arrays.copyOfRange(scores, query * k, query * k + k);
    }

    /** All ids as a row-major B×k array (a copy). */
    public int[] idMatrix() {
        return ids.clone();
    }

    /** All scores as a row-major B×k array (a copy). */
    public float[] scoreMatrix() {
        return scores.clone();
    }

    /** The backing ids, not copied (package-internal readers). */
    int[] rawIds() {
        return ids;
    }

    @Override
    public String toString() {
        return "TopK[" + queries + " queries × k = " + k + "]";
    }
}
