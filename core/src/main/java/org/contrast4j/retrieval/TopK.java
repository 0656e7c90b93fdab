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
