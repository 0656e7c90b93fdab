package org.contrast4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link TopK#of}: an externally produced ranking evaluated by {@link RetrievalEvaluation}, hand-worked values. */
class ExternalRankingTest {
    @Test
    void handWorkedMetricsOfAGivenRanking() {
        // query 0 ranks 4, 2, 7; relevant: 2 (grade 1), 5 (grade 2). query 1 ranks 1 then nothing; relevant: 1.
        TopK top = TopK.of(2, 3, 8, new int[] {4, 2, 7, 1, -1, -1}, new float[] {3f, 2f, 1f, 5f, 0f, 0f});
        assertEquals(3, top.found(0));
        assertEquals(1, top.found(1));
        assertTrue(Float.isNaN(top.score(1, 1)), "padding has score NaN");
        assertEquals(-1, top.id(1, 2));
        Qrels qrels = Qrels.builder(2, 8).add(0, 2, 1).add(0, 5, 2).add(1, 1, 1).build();
        RetrievalEvaluation e = RetrievalEvaluation.of(top, qrels);
        assertArrayEquals(new double[] {0.5, 1.0}, e.perQuery(RetrievalMetric.RECALL, 3), 1e-15);
        assertArrayEquals(new double[] {0.5, 1.0}, e.perQuery(RetrievalMetric.MRR, 3), 1e-15);
        // query 0: DCG = 1/log2(3); ideal = 2/log2(2) + 1/log2(3)
        double dcg = 1 / (Math.log(3) / Math.log(2));
        assertEquals(dcg / (2 + dcg), e.perQuery(RetrievalMetric.NDCG, 3)[0], 1e-15);
        // query 0: AP = (1/2) / 2 relevant
        assertEquals(0.25, e.perQuery(RetrievalMetric.MAP, 3)[0], 1e-15);
    }

    @Test
    void withoutScoresAndCopied() {
        int[] ids = {0, 1};
        TopK top = TopK.of(1, 2, 2, ids, null);
        ids[0] = 1;
        assertEquals(0, top.id(0, 0));
        assertTrue(Float.isNaN(top.score(0, 0)));
        assertTrue(top.complete());
    }

    @Test
    void badRankings() {
        assertEquals("ids has 5 values but queries × k = 2 × 3",
                assertThrows(IllegalArgumentException.class, () -> TopK.of(2, 3, 8, new int[5], null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopK.of(1, 2, 8, new int[] {3, 8}, null))
                .getMessage().contains("query 0, rank 1: id 8 is outside [-1, 8)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopK.of(1, 3, 8, new int[] {3, -1, 2}, null))
                .getMessage().contains("query 0, rank 2: id 2 follows -1 padding"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopK.of(1, 2, 8, new int[] {3, 3}, null))
                .getMessage().contains("query 0, rank 1: id 3 is listed twice"));
        assertThrows(IllegalArgumentException.class, () -> TopK.of(1, 3, 2, new int[3], null));
        assertThrows(NullPointerException.class, () -> TopK.of(1, 1, 2, null, null));
    }
}
