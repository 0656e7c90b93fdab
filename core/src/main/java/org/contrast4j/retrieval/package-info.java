/**
 * Retrieval over embeddings: exact top-k search, the ranking metrics of information retrieval and metric learning,
 * and hard-negative mining — the tools of training and evaluating a query tower and an item tower.
 * <ul>
 *   <li>{@link org.contrast4j.retrieval.ExactSearch} → {@link org.contrast4j.retrieval.TopK}: the k best corpus rows
 *       of every query by cosine or dot product, tiled on the GEMM kernels ({@link org.contrast4j.linalg.Kernels})
 *       over worker threads in O((B + M)·D + B·k) memory, never the B×M score matrix; optional exclusions per
 *       query; score descending, ties to the lower corpus row.</li>
 *   <li>{@link org.contrast4j.retrieval.RetrievalEvaluation} of a ranking against graded
 *       {@link org.contrast4j.retrieval.Qrels}: Recall@k, Precision@k, MRR@k, nDCG@k and MAP@k
 *       ({@link org.contrast4j.retrieval.RetrievalMetric}) as trec_eval / pytrec_eval define them and BEIR reports
 *       them, per query and averaged.</li>
 *   <li>{@link org.contrast4j.retrieval.LabelledEvaluation}: pytorch-metric-learning's MAP@R and precision@1 of
 *       labelled embeddings (each row a query against the others).</li>
 *   <li>{@link org.contrast4j.retrieval.HardNegativeMiner} → {@link org.contrast4j.retrieval.MinedNegatives}:
 *       sentence-transformers' {@code mine_hard_negatives} — rank window, absolute or relative margin to the
 *       positive, top or seeded random sampling, −1 padding and a count of short queries.</li>
 *   <li>{@link org.contrast4j.retrieval.ReciprocalRankFusion}: hybrid search by reciprocal-rank fusion of several
 *       {@link org.contrast4j.retrieval.TopK} rankings (Cormack et al. 2009, c = 60 as OpenSearch/Elasticsearch).</li>
 * </ul>
 * One score per (query, row): ranks, exclusions, metrics and the positive score of a margin all read the float the
 * search's GEMM produced, so a relevant row is never re-scored by a second, differently rounded computation (a
 * row-wise dot beside a GEMM differs in the last bits and can make an item lose to itself). Equal scores are ordered
 * by corpus row, never by relevance. Argument errors are {@link java.lang.IllegalArgumentException}s naming the
 * argument, its value or shape.
 */
package org.contrast4j.retrieval;
