package org.contrast4j.retrieval;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * Ranking metrics ({@link RetrievalMetric}: Recall@k, Precision@k, MRR@k, nDCG@k, MAP@k, defined as trec_eval /
 * pytrec_eval and BEIR) of a ranking against relevance judgments, with the per-query values and their mean.
 *
 * <p>The ranking is a {@link TopK} from {@link ExactSearch}: every rank comes from the one score the search computed
 * for each (query, row) pair — a relevant row's score is never recomputed another way — and equal scores are ordered
 * by ascending corpus row, never by relevance. Metrics are available at every cutoff k up to the ranking's depth, and at any cutoff when the ranking covers
 * the whole corpus.
 *
 * <p>Averages run over the evaluated queries: those with at least one relevant row (grade &gt; 0). A query without
 * any is skipped (its per-query values are NaN) and counted by {@link #skippedQueries()}; trec_eval likewise
 * evaluates only queries that have judgments, and BEIR's qrels hold only queries with relevant documents.
 * <pre>{@code
 * RetrievalEvaluation e = RetrievalEvaluation.search(ExactSearch.of(Similarity.COSINE), queries, corpus, qrels, 100);
 * double ndcg10 = e.mean(RetrievalMetric.NDCG, 10);
 * }</pre>
 * Immutable.
 */
public final class RetrievalEvaluation {
    private final TopK ranking;
    private final Qrels qrels;
    private final int evaluated;

    private RetrievalEvaluation(TopK ranking, Qrels qrels) {
        this.ranking = ranking;
        this.qrels = qrels;
        int n = 0;
        for (int q = 0; q < qrels.queries(); q++) {
            if (qrels.relevantCount(q) > 0) {
                n++;
            }
        }
        this.evaluated = n;
    }

    /**
     * Evaluates {@code ranking} against {@code qrels}.
     *
     * @throws IllegalArgumentException if they disagree on the number of queries
     */
    public static RetrievalEvaluation of(TopK ranking, Qrels qrels) {
        Checks.notNull(ranking, "ranking");
        Checks.notNull(qrels, "qrels");
        Checks.argument(ranking.queries() == qrels.queries(),
                "the ranking has %d queries but the qrels have %d", ranking.queries(), qrels.queries());
        return new RetrievalEvaluation(ranking, qrels);
    }

    /**
     * Searches the {@code depth} best corpus rows of every query with {@code search} and evaluates them; metrics
     * are then available at every cutoff ≤ depth.
     *
     * @throws IllegalArgumentException if the qrels do not match the queries (rows) or corpus (size), or as
     *     {@link ExactSearch#search(Matrix, Matrix, int)}
     */
    public static RetrievalEvaluation search(ExactSearch search, Matrix queries, Matrix corpus, Qrels qrels,
                                             int depth) {
        Checks.notNull(search, "search");
        Checks.notNull(queries, "queries");
        Checks.notNull(corpus, "corpus");
        Checks.notNull(qrels, "qrels");
        Checks.argument(qrels.queries() == queries.rows(), "the qrels are for %d queries but queries is %s",
                qrels.queries(), queries.shape());
        Checks.argument(qrels.corpusSize() == corpus.rows(), "the qrels are for a corpus of %d rows but corpus is %s",
                qrels.corpusSize(), corpus.shape());
        return of(search.search(queries, corpus, depth), qrels);
    }

    /** The deepest cutoff available: the ranking's k. */
    public int depth() {
        return ranking.k();
    }

    /** The ranking evaluated. */
    public TopK ranking() {
        return ranking;
    }

    /** How many queries have at least one relevant row, and are averaged over. */
    public int evaluatedQueries() {
        return evaluated;
    }

    /** How many queries have no relevant row and are skipped. */
    public int skippedQueries() {
        return qrels.queries() - evaluated;
    }

    /**
     * The mean of {@code metric} at cutoff {@code k} over the evaluated queries; NaN if there are none.
     *
     * @throws IllegalArgumentException as {@link #perQuery}
     */
    public double mean(RetrievalMetric metric, int k) {
        double[] v = perQuery(metric, k);
        double sum = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                sum += x;
            }
        }
        return evaluated == 0 ? Double.NaN : sum / evaluated;
    }

    /**
     * {@code metric} at cutoff {@code k} for every query (index = query row); NaN for a query without relevant
     * rows. A cutoff past the depth is allowed when the ranking is {@linkplain TopK#complete() complete} (it ranks
     * the whole corpus): the ranks past the corpus hold nothing, so Precision@k still divides by k.
     *
     * @throws IllegalArgumentException if k is outside [1, depth] and the ranking is not complete
     */
    public double[] perQuery(RetrievalMetric metric, int k) {
        Checks.notNull(metric, "metric");
        Checks.argument(k >= 1 && (k <= ranking.k() || ranking.complete()),
                "k must be in [1, %d] (the depth of the ranking), was %d", ranking.k(), k);
        double[] out = new double[qrels.queries()];
        int[] ids = ranking.rawIds();
        int depth = ranking.k();
        for (int q = 0; q < out.length; q++) {
            int r = qrels.relevantCount(q);
            if (r == 0) {
                out[q] = Double.NaN;
                continue;
            }
            out[q] = switch (metric) {
                case RECALL -> hits(q, ids, q * depth, Math.min(k, depth)) / (double) r;
                case PRECISION -> hits(q, ids, q * depth, Math.min(k, depth)) / (double) k;
                case MRR -> reciprocalRank(q, ids, q * depth, Math.min(k, depth));
                case NDCG -> ndcg(q, ids, q * depth, Math.min(k, depth), k);
                case MAP -> averagePrecision(q, ids, q * depth, Math.min(k, depth), r);
            };
        }
        return out;
    }

    private int hits(int q, int[] ids, int off, int k) {
        int h = 0;
        for (int i = 0; i < k; i++) {
            if (qrels.gradeUnchecked(q, ids[off + i]) > 0) {
                h++;
            }
        }
        return h;
    }

    private double reciprocalRank(int q, int[] ids, int off, int k) {
        for (int i = 0; i < k; i++) {
            if (qrels.gradeUnchecked(q, ids[off + i]) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    /** DCG over the first {@code n} ranks, ideal DCG at the cutoff {@code k} ≥ n. */
    private double ndcg(int q, int[] ids, int off, int n, int k) {
        double dcg = 0;
        for (int i = 0; i < n; i++) {
            int g = qrels.gradeUnchecked(q, ids[off + i]);
            if (g > 0) {
                dcg += g / log2(i + 2);
            }
        }
        int[] ideal = qrels.positiveGradesDescending(q);
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.length); i++) {
            idcg += ideal[i] / log2(i + 2);
        }
        return dcg / idcg;
    }

    private double averagePrecision(int q, int[] ids, int off, int k, int relevant) {
        double sum = 0;
        int h = 0;
        for (int i = 0; i < k; i++) {
            if (qrels.gradeUnchecked(q, ids[off + i]) > 0) {
                h++;
                sum += h / (double) (i + 1);
            }
        }
        return sum / relevant;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public String toString() {
        return "RetrievalEvaluation[" + evaluated + " queries, depth " + ranking.k() + "]";
    }
}
