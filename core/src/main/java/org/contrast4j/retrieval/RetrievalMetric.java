package org.contrast4j.retrieval;

/**
 * The ranking metrics of {@link RetrievalEvaluation}, each at a cutoff k, for one query with ranked list d_1 … d_k
 * (best first), grades g(d) from {@link Qrels} (relevant: g &gt; 0) and R relevant rows in all:
 * <ul>
 *   <li>{@link #RECALL}: |{i ≤ k : g(d_i) &gt; 0}| / R (trec_eval {@code recall_k});</li>
 *   <li>{@link #PRECISION}: |{i ≤ k : g(d_i) &gt; 0}| / k (trec_eval {@code P_k}: divided by k even when fewer
 *       rows were retrieved);</li>
 *   <li>{@link #MRR}: 1 / (first i ≤ k with g(d_i) &gt; 0), 0 if none (reciprocal rank cut at k, as BEIR's
 *       MRR@k);</li>
 *   <li>{@link #NDCG}: DCG@k / IDCG@k with DCG@k = Σ_{i ≤ k} g(d_i) / log₂(i + 1) and IDCG@k the same sum over the
 *       judged grades sorted descending — all judged relevant rows of the query, retrieved or not (trec_eval
 *       {@code ndcg_cut_k}, which BEIR reports as NDCG@k);</li>
 *   <li>{@link #MAP}: (1/R) Σ_{i ≤ k, g(d_i) &gt; 0} P@i (trec_eval {@code map_cut_k}, BEIR's MAP@k).</li>
 * </ul>
 */
public enum RetrievalMetric {
    RECALL("recall"),
    PRECISION("precision"),
    MRR("mrr"),
    NDCG("ndcg"),
    MAP("map");

    private final String key;

    RetrievalMetric(String key) {
        this.key = key;
    }

    /** The name at cutoff k, as BEIR and the command line report it: "ndcg@10". */
    public String key(int k) {
        return key + "@" + k;
    }
}
