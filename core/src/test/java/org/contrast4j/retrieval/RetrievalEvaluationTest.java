package org.contrast4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * The ranking metrics against their definitions in trec_eval (the C code pytrec_eval wraps, which BEIR calls with
 * {@code {"ndcg_cut.k", "map_cut.k", "recall.k", "P.k"}}); pytrec_eval is not installable here (no PyPI), so the
 * reference below is written from those definitions:
 * <ul>
 *   <li>P_k: relevant retrieved in the top k / k (m_P.c: divided by the cutoff, not by the number retrieved);</li>
 *   <li>recall_k: relevant retrieved in the top k / num_rel (m_recall.c);</li>
 *   <li>ndcg_cut_k: Σ_{i ≤ k} gain_i / log₂(i + 1), gain = relevance level, over the ideal DCG at k of all judged
 *       relevant docs sorted by gain (m_ndcg_cut.c);</li>
 *   <li>map_cut_k: Σ over relevant docs retrieved at rank i ≤ k of (relevant in top i)/i, divided by num_rel
 *       (m_map_cut.c);</li>
 *   <li>MRR@k: 1/rank of the first relevant doc within the top k, else 0 (BEIR's custom mrr).</li>
 * </ul>
 */
class RetrievalEvaluationTest {
    private static final double EPS = 1e-12;

    /** One query D = 1, query value 1, so the score of corpus row j is its value: the ranking is chosen by hand. */
    private static Matrix column(float... values) {
        return Matrix.of(values.length, 1, values.clone());
    }

    @Test
    void handWorkedQuery() {
        // scores: row 4 = 10, row 0 = 9, row 2 = 8, row 7 = 7, row 1 = 6, then rows 6, 5, 3 → top 5 = [4, 0, 2, 7, 1]
        Matrix corpus = column(9, 6, 8, 1, 10, 2, 3, 7);
        Matrix queries = column(1, 1);
        // query 0: row 0 grade 2, row 1 grade 1, row 3 grade 3 (never in the top 5), row 4 judged 0; R = 3
        // query 1: only a grade-0 judgment → skipped
        Qrels qrels = Qrels.builder(2, 8).add(0, 0, 2).add(0, 1, 1).add(0, 3, 3).add(0, 4, 0).add(1, 2, 0).build();
        RetrievalEvaluation e = RetrievalEvaluation.search(ExactSearch.of(Similarity.DOT), queries, corpus, qrels, 5);
        assertEquals(1, e.evaluatedQueries());
        assertEquals(1, e.skippedQueries());
        // relevant at ranks 2 (grade 2) and 5 (grade 1)
        assertEquals(0.0, e.mean(RetrievalMetric.RECALL, 1), EPS);
        assertEquals(1.0 / 3, e.mean(RetrievalMetric.RECALL, 3), EPS);
        assertEquals(2.0 / 3, e.mean(RetrievalMetric.RECALL, 5), EPS);
        assertEquals(0.0, e.mean(RetrievalMetric.PRECISION, 1), EPS);
        assertEquals(1.0 / 3, e.mean(RetrievalMetric.PRECISION, 3), EPS);
        assertEquals(2.0 / 5, e.mean(RetrievalMetric.PRECISION, 5), EPS);
        assertEquals(0.0, e.mean(RetrievalMetric.MRR, 1), EPS);
        assertEquals(0.5, e.mean(RetrievalMetric.MRR, 2), EPS);
        assertEquals(0.5, e.mean(RetrievalMetric.MRR, 5), EPS);
        // DCG@5 = 2/log2(3) + 1/log2(6) = 1.6487123143774567; IDCG@5 = 3/1 + 2/log2(3) + 1/log2(4) = 4.7618595071429155
        assertEquals(1.6487123143774567 / 4.7618595071429155, e.mean(RetrievalMetric.NDCG, 5), 1e-12);
        assertEquals(0.0, e.mean(RetrievalMetric.NDCG, 1), EPS);
        // DCG@3 = 2/log2(3); IDCG@3 = same as IDCG@5 (only three relevant)
        assertEquals(1.261859507142915 / 4.7618595071429155, e.mean(RetrievalMetric.NDCG, 3), 1e-12);
        // IDCG@2 = 3 + 2/log2(3)
        assertEquals(1.261859507142915 / 4.2618595071429155, e.mean(RetrievalMetric.NDCG, 2), 1e-12);
        // MAP@5 = (1/2 + 2/5) / 3; MAP@3 = (1/2) / 3
        assertEquals(0.3, e.mean(RetrievalMetric.MAP, 5), EPS);
        assertEquals(1.0 / 6, e.mean(RetrievalMetric.MAP, 3), EPS);
        double[] per = e.perQuery(RetrievalMetric.MAP, 5);
        assertEquals(0.3, per[0], EPS);
        assertTrue(Double.isNaN(per[1]));
        assertEquals("ndcg@10", RetrievalMetric.NDCG.key(10));
    }

    @Test
    void tiesAreBrokenByRowNeverByRelevance() {
        // rows 1 and 2 tie at the top; row 2 is relevant, row 1 not: the relevant one is ranked second
        Matrix corpus = column(0, 5, 5, 1);
        Qrels late = Qrels.builder(1, 4).add(0, 2, 1).build();
        RetrievalEvaluation e = RetrievalEvaluation.search(ExactSearch.of(Similarity.DOT), column(1), corpus, late, 2);
        assertEquals(0.5, e.mean(RetrievalMetric.MRR, 2), EPS);
        assertEquals(0.0, e.mean(RetrievalMetric.RECALL, 1), EPS);
        // and when the relevant row is the lower one, the same rule puts it first
        Qrels early = Qrels.builder(1, 4).add(0, 1, 1).build();
        e = RetrievalEvaluation.search(ExactSearch.of(Similarity.DOT), column(1), corpus, early, 2);
        assertEquals(1.0, e.mean(RetrievalMetric.MRR, 2), EPS);
    }

    @Test
    void precisionDividesByKWhenFewerWereRetrieved() {
        // the query excludes three of four rows: one retrieved, relevant → P@3 = 1/3 as trec_eval's P_3
        Matrix corpus = column(1, 2, 3, 4);
        TopK top = ExactSearch.of(Similarity.DOT).search(column(1), corpus, 3, new int[][] {{1, 2, 3}});
        Qrels q = Qrels.builder(1, 4).add(0, 0, 1).build();
        RetrievalEvaluation e = RetrievalEvaluation.of(top, q);
        assertEquals(1.0 / 3, e.mean(RetrievalMetric.PRECISION, 3), EPS);
        assertEquals(1.0, e.mean(RetrievalMetric.RECALL, 3), EPS);
        assertEquals(1.0, e.mean(RetrievalMetric.NDCG, 3), EPS);
        assertThrows(IllegalArgumentException.class, () -> e.mean(RetrievalMetric.PRECISION, 4));
        // a ranking of the whole corpus (k = M = 4) answers any cutoff: nothing past rank 4
        TopK all = ExactSearch.of(Similarity.DOT).search(column(1), corpus, 4);
        assertTrue(all.complete());
        Qrels two = Qrels.builder(1, 4).add(0, 0, 1).add(0, 3, 2).build();
        RetrievalEvaluation f = RetrievalEvaluation.of(all, two);
        // ranking [3, 2, 1, 0]: relevant at ranks 1 (grade 2) and 4 (grade 1)
        assertEquals(2.0 / 10, f.mean(RetrievalMetric.PRECISION, 10), EPS);
        assertEquals(1.0, f.mean(RetrievalMetric.RECALL, 10), EPS);
        assertEquals((1 + 2.0 / 4) / 2, f.mean(RetrievalMetric.MAP, 100), EPS);
        assertEquals((2 + 1 / (Math.log(5) / Math.log(2))) / (2 + 1 / (Math.log(3) / Math.log(2))),
                f.mean(RetrievalMetric.NDCG, 10), 1e-12);
    }

    /** Random graded judgments on integer data (exact scores), against a full sort and the definitions above. */
    @Test
    void randomCasesMatchBruteForce() {
        Random rnd = new Random(17);
        for (int trial = 0; trial < 20; trial++) {
            int b = 1 + rnd.nextInt(15);
            int m = 2 + rnd.nextInt(80);
            int d = 1 + rnd.nextInt(6);
            int depth = 1 + rnd.nextInt(m);
            Matrix q = Brute.integers(rnd, b, d, 2);
            Matrix c = Brute.integers(rnd, m, d, 2);
            Qrels.Builder qb = Qrels.builder(b, m);
            int[][] grade = new int[b][m];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < m; j++) {
                    if (rnd.nextInt(4) == 0) {
                        grade[i][j] = rnd.nextInt(4);  // 0 … 3, judged
                        qb.add(i, j, grade[i][j]);
                    }
                }
            }
            RetrievalEvaluation e = RetrievalEvaluation.search(ExactSearch.of(Similarity.DOT).withThreads(2), q, c,
                    qb.build(), depth);
            double[][] s = Brute.scores(q, c, Similarity.DOT);
            for (int k = 1; k <= depth; k++) {
                double[][] ref = new double[RetrievalMetric.values().length][b];
                double[] sums = new double[ref.length];
                int evaluated = 0;
                for (int i = 0; i < b; i++) {
                    Integer[] order = Brute.ranking(s[i]);
                    List<Integer> relevantRanks = new ArrayList<>();  // 1-based ranks ≤ k of relevant rows
                    List<Integer> gains = new ArrayList<>();
                    int numRel = 0;
                    for (int j = 0; j < m; j++) {
                        if (grade[i][j] > 0) {
                            numRel++;
                            gains.add(grade[i][j]);
                        }
                    }
                    for (int r = 0; r < k; r++) {
                        if (grade[i][order[r]] > 0) {
                            relevantRanks.add(r + 1);
                        }
                    }
                    if (numRel == 0) {
                        for (double[] row : ref) {
                            row[i] = Double.NaN;
                        }
                        continue;
                    }
                    evaluated++;
                    gains.sort((x, y) -> y - x);
                    double dcg = 0;
                    for (int r = 0; r < k; r++) {
                        dcg += grade[i][order[r]] / (Math.log(r + 2) / Math.log(2));
                    }
                    double idcg = 0;
                    for (int r = 0; r < Math.min(k, gains.size()); r++) {
                        idcg += gains.get(r) / (Math.log(r + 2) / Math.log(2));
                    }
                    double ap = 0;
                    for (int h = 0; h < relevantRanks.size(); h++) {
                        ap += (h + 1) / (double) relevantRanks.get(h);
                    }
                    ref[RetrievalMetric.RECALL.ordinal()][i] = relevantRanks.size() / (double) numRel;
                    ref[RetrievalMetric.PRECISION.ordinal()][i] = relevantRanks.size() / (double) k;
                    ref[RetrievalMetric.MRR.ordinal()][i] = relevantRanks.isEmpty() ? 0 : 1.0 / relevantRanks.get(0);
                    ref[RetrievalMetric.NDCG.ordinal()][i] = dcg / idcg;
                    ref[RetrievalMetric.MAP.ordinal()][i] = ap / numRel;
                    for (int t = 0; t < ref.length; t++) {
                        sums[t] += ref[t][i];
                    }
                }
                assertEquals(evaluated, e.evaluatedQueries());
                for (RetrievalMetric metric : RetrievalMetric.values()) {
                    double[] got = e.perQuery(metric, k);
                    for (int i = 0; i < b; i++) {
                        assertEquals(ref[metric.ordinal()][i], got[i], 1e-12, metric.key(k) + " query " + i);
                    }
                    double mean = evaluated == 0 ? Double.NaN : sums[metric.ordinal()] / evaluated;
                    assertEquals(mean, e.mean(metric, k), 1e-12, metric.key(k));
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        Qrels.Builder b = Qrels.builder(2, 3);
        assertEquals("corpus row 3 is outside [0, 3)",
                assertThrows(IllegalArgumentException.class, () -> b.add(0, 3, 1)).getMessage());
        assertEquals("grade must be >= 0, was -1 (query 1, corpus row 0)",
                assertThrows(IllegalArgumentException.class, () -> b.add(1, 0, -1)).getMessage());
        b.add(0, 1, 1).add(0, 1, 2);
        assertEquals("query 0 judges corpus row 1 twice (grades 1 and 2)",
                assertThrows(IllegalArgumentException.class, b::build).getMessage());
        Qrels q = Qrels.builder(1, 3).add(0, 1, 1).build();
        TopK top = ExactSearch.of(Similarity.DOT).search(column(1), column(1, 2, 3), 2);
        RetrievalEvaluation e = RetrievalEvaluation.of(top, q);
        assertEquals("k must be in [1, 2] (the depth of the ranking), was 3",
                assertThrows(IllegalArgumentException.class, () -> e.mean(RetrievalMetric.MAP, 3)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RetrievalEvaluation.of(top, Qrels.builder(2, 3).build()));
        assertThrows(IllegalArgumentException.class, () -> RetrievalEvaluation.search(ExactSearch.of(Similarity.DOT),
                column(1), column(1, 2), q, 1));
    }
}
