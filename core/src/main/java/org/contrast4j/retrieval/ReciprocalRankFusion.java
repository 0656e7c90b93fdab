package org.contrast4j.retrieval;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.contrast4j.internal.Checks;

/**
 * Reciprocal-rank fusion (RRF; Cormack, Clarke and Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and
 * individual Rank Learning Methods", SIGIR 2009) of several rankings of the same corpus, as OpenSearch's and
 * Elasticsearch's {@code rrf}: for each query, document d scores
 *
 * <pre>
 *     RRF(d) = Σ_r 1 / (c + rank_r(d))
 * </pre>
 *
 * over the input rankings r in which d appears, with rank_r(d) its 1-based position in ranking r (the best result has
 * rank 1) and the rank constant c = {@value #DEFAULT_RANK_CONSTANT} by default. A document missing from a ranking
 * (beyond its k, or in its −1 padding) contributes nothing from it; the fused list holds only documents found in at
 * least one ranking, so a query whose rankings hold fewer than k distinct documents ends in −1 padding. The input
 * order is taken as given (a ranking's own ties were already broken by whoever produced it); input scores are ignored.
 *
 * <p>The fused k best are ordered by RRF descending and equal RRF values by ascending corpus row, never in any item's
 * favour. Equality is exact: the sums are compared as rationals whenever their doubles are within rounding of each
 * other, so two documents whose reciprocal ranks add up to the same value (ranks 5 and 57 against 18 and 30 with
 * c = 60 — equal as fractions, different in the last bit of a double) tie and go to the lower row. The
 * {@link TopK#score(int, int) scores} of the result are the RRF values rounded to float.
 *
 * <pre>{@code
 * TopK bm25 = index.bm25(queryTexts, 100);
 * TopK dense = ExactSearch.of(Similarity.COSINE).search(queries, corpus, 100);
 * TopK hybrid = ReciprocalRankFusion.fuse(List.of(bm25, dense), 10);      // c = 60
 * }</pre>
 */
public final class ReciprocalRankFusion {
    /** The rank constant c = 60 of Cormack et al. (2009) and the default of OpenSearch and Elasticsearch. */
    public static final int DEFAULT_RANK_CONSTANT = 60;

    private ReciprocalRankFusion() {
    }

    /**
     * Fuses {@code rankings} with the rank constant {@value #DEFAULT_RANK_CONSTANT}.
     *
     * @see #fuse(List, int, int)
     */
    public static TopK fuse(List<TopK> rankings, int k) {
        return fuse(rankings, k, DEFAULT_RANK_CONSTANT);
    }

    /**
     * The k best documents of every query by RRF over {@code rankings}.
     *
     * @param rankings one or more rankings over the same B queries and the same corpus of M rows (their own k may
     *     differ)
     * @param k results per query, 1 ≤ k ≤ M
     * @param rankConstant c ≥ 1, added to every 1-based rank
     * @return B rankings of k (−1 padded when fewer than k distinct documents were ranked for a query)
     * @throws NullPointerException if {@code rankings} or one of them is null
     * @throws IllegalArgumentException if {@code rankings} is empty, the rankings disagree on B or M (naming the
     *     ranking and both values), or k or c is out of range
     */
    public static TopK fuse(List<TopK> rankings, int k, int rankConstant) {
        Checks.notNull(rankings, "rankings");
        Checks.argument(!rankings.isEmpty(), "rankings must not be empty");
        for (int r = 0; r < rankings.size(); r++) {
            Checks.notNull(rankings.get(r), "rankings[" + r + "]");
        }
        TopK first = rankings.get(0);
        int queries = first.queries();
        int corpusSize = first.corpusSize();
        for (int r = 1; r < rankings.size(); r++) {
            TopK t = rankings.get(r);
            Checks.argument(t.queries() == queries, "rankings[%d] has %d queries but rankings[0] has %d", r,
                    t.queries(), queries);
            Checks.argument(t.corpusSize() == corpusSize, "rankings[%d] ranks a corpus of %d rows but rankings[0] "
                    + "one of %d", r, t.corpusSize(), corpusSize);
        }
        Checks.atLeast(k, 1, "k");
        Checks.argument(k <= corpusSize, "k must be <= the corpus size %d, was %d", corpusSize, k);
        Checks.atLeast(rankConstant, 1, "rankConstant");

        int total = 0;
        for (TopK t : rankings) {
            total += t.k();
        }
        long[] entries = new long[total];
        Candidate[] candidates = new Candidate[total];
        int[] ids = new int[queries * k];
        float[] scores = new float[queries * k];
        int[] found = new int[queries];
        for (int q = 0; q < queries; q++) {
            // (row, 1-based rank) of every listed document, sorted: each row's ranks become contiguous and ascending
            int n = 0;
            for (TopK t : rankings) {
                int[] raw = t.rawIds();
                int base = q * t.k();
                for (int rank = 0; rank < t.k(); rank++) {
                    int id = raw[base + rank];
                    if (id < 0) {
                        break;
                    }
                    entries[n++] = ((long) id << 32) | (rank + 1);
                }
            }
            Arrays.sort(entries, 0, n);
            int distinct = 0;
            for (int s = 0; s < n; ) {
                int id = (int) (entries[s] >>> 32);
                int e = s;
                double sum = 0;
                // ascending ranks, so equal rank multisets give bit-identical sums
                while (e < n && (int) (entries[e] >>> 32) == id) {
                    sum += 1.0 / ((long) rankConstant + (int) entries[e]);
                    e++;
                }
                candidates[distinct++] = new Candidate(id, sum, entries, s, e);
                s = e;
            }
            Candidate[] sorted = Arrays.copyOf(candidates, distinct);
            int c = rankConstant;
            Arrays.sort(sorted, (a, b) -> compare(a, b, c));
            int m = Math.min(k, distinct);
            for (int i = 0; i < m; i++) {
                ids[q * k + i] = sorted[i].id;
                scores[q * k + i] = (float) sorted[i].score;
            }
            for (int i = m; i < k; i++) {
                ids[q * k + i] = -1;
                scores[q * k + i] = Float.NaN;
            }
            found[q] = m;
        }
        return new TopK(queries, k, corpusSize, ids, scores, found);
    }

    /** RRF descending, exact ties by ascending row. */
    private static int compare(Candidate a, Candidate b, int c) {
        int bySum = compareSums(a, b, c);
        return bySum != 0 ? bySum : Integer.compare(a.id, b.id);
    }

    /** −1 when a's RRF value is larger than b's (a ranks first), 0 when exactly equal. */
    private static int compareSums(Candidate a, Candidate b, int c) {
        double hi = Math.max(a.score, b.score);
        // each sum of n ≤ total terms (each ≤ 1/c) carries at most n·2⁻⁵³·sum of rounding error: outside twice that, the
        // doubles order the exact values
        double bound = 2.0 * (a.ranks.length + b.ranks.length + 2) * Math.ulp(hi);
        if (Math.abs(a.score - b.score) > bound) {
            return a.score > b.score ? -1 : 1;
        }
        if (Arrays.equals(a.ranks, b.ranks)) {
            return 0;
        }
        // Σ 1/(c + r_i) = num/den exactly
        BigInteger[] fa = fraction(a.ranks, c);
        BigInteger[] fb = fraction(b.ranks, c);
        return fb[0].multiply(fa[1]).compareTo(fa[0].multiply(fb[1]));
    }

    private static BigInteger[] fraction(int[] ranks, int c) {
        BigInteger num = BigInteger.ZERO;
        BigInteger den = BigInteger.ONE;
        for (int r : ranks) {
            BigInteger x = BigInteger.valueOf((long) c + r);
            num = num.multiply(x).add(den);
            den = den.multiply(x);
        }
        return new BigInteger[] {num, den};
    }

    /** One document of one query: its row, RRF value in double and its 1-based ranks, ascending. */
    private static final class Candidate {
        final int id;
        final double score;
        final int[] ranks;

        Candidate(int id, double score, long[] entries, int from, int to) {
            this.id = id;
            this.score = score;
            this.ranks = new int[to - from];
            for (int i = from; i < to; i++) {
                ranks[i - from] = (int) entries[i];
            }
        }
    }
}
