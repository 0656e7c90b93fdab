package org.contrast4j.text.adapter;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.Qrels;
import org.contrast4j.retrieval.RetrievalEvaluation;
import org.contrast4j.retrieval.RetrievalMetric;
import org.contrast4j.similarity.Similarity;

/**
 * Recall@1, recall@10 and MRR@10 of queries against a corpus with one relevant row per query, as
 * {@link RetrievalEvaluation} defines them (trec_eval / BEIR), from one exact cosine search ({@link ExactSearch}):
 * every rank reads the one score the search's GEMM computed for that (query, row), and equal scores go to the lower
 * corpus row, never to the relevant one.
 *
 * @param recallAt1 the fraction of queries whose positive is ranked first
 * @param recallAt10 the fraction whose positive is among the first 10 (all of them when the corpus is smaller)
 * @param mrrAt10 the mean reciprocal rank of the positive, 0 beyond rank 10
 * @param queries the number of queries
 */
public record RetrievalScores(double recallAt1, double recallAt10, double mrrAt10, int queries) {

    /**
     * Scores {@code queries} (N×D) against {@code corpus} (M×D), query i's relevant row being {@code positives[i]}.
     *
     * @param threads worker threads of the search (≥ 1)
     * @throws IllegalArgumentException on differing dimensions, a non-finite entry, or positives that are not N rows
     *     in [0, M)
     */
    public static RetrievalScores of(Matrix queries, Matrix corpus, int[] positives, int threads) {
        Checks.notNull(queries, "queries");
        Checks.notNull(corpus, "corpus");
        Checks.notNull(positives, "positives");
        Checks.argument(positives.length == queries.rows(), "positives has %d entries but there are %d queries",
                positives.length, queries.rows());
        Qrels.Builder q = Qrels.builder(queries.rows(), corpus.rows());
        for (int i = 0; i < positives.length; i++) {
            Checks.argument(positives[i] >= 0 && positives[i] < corpus.rows(),
                    "positives[%d] = %d is not a corpus row: the corpus has %d rows", i, positives[i], corpus.rows());
            q.add(i, positives[i], 1);
        }
        RetrievalEvaluation e = RetrievalEvaluation.search(ExactSearch.of(Similarity.COSINE).withThreads(threads),
                queries, corpus, q.build(), Math.min(10, corpus.rows()));
        return new RetrievalScores(e.mean(RetrievalMetric.RECALL, 1), e.mean(RetrievalMetric.RECALL, 10),
                e.mean(RetrievalMetric.MRR, 10), queries.rows());
    }

    /** Whether these scores are better than {@code other}: higher recall@1, or equal recall@1 and higher MRR@10. */
    public boolean betterThan(RetrievalScores other) {
        return recallAt1 > other.recallAt1 || (recallAt1 == other.recallAt1 && mrrAt10 > other.mrrAt10);
    }
}
