package org.contrast4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * MAP@R and precision@1 against pytorch-metric-learning's definitions (utils/accuracy_calculator.py:
 * {@code mean_average_precision_at_r} with the relevance mask of the first R = count − 1 neighbours when the
 * embeddings come from the same source, {@code precision_at_k} with k = 1, lone queries dropped by
 * {@code try_getting_not_lone_labels}), written here as a brute-force full sort in double.
 */
class LabelledEvaluationTest {

    @Test
    void handWorked() {
        // 1-D embeddings, dot product: the neighbours of a row are the rows with the largest values
        // rows: 0:[5] a, 1:[4] b, 2:[3] a, 3:[2] a, 4:[1] c (lone)
        Matrix x = Matrix.of(5, 1, new float[] {5, 4, 3, 2, 1});
        long[] y = {0, 1, 0, 0, 2};
        LabelledEvaluation e = LabelledEvaluation.of(ExactSearch.of(Similarity.DOT), x, y);
        // every query's neighbours by score: rows in order 0,1,2,3,4 minus itself (scores x_i·x_j, x_i > 0)
        // row 0 (a, R=2): 1 b, 2 a → P@1 = 0, AP = (1/2)/2 = 0.25
        // row 1 (b, R=0): lone, skipped
        // row 2 (a, R=2): 0 a, 1 b → P@1 = 1, AP = (1/1)/2 = 0.5
        // row 3 (a, R=2): 0 a, 1 b → P@1 = 1, AP = 0.5
        // row 4 (c): lone
        assertEquals(3, e.evaluatedQueries());
        assertEquals(2.0 / 3, e.precisionAt1(), 1e-15);
        assertEquals((0.25 + 0.5 + 0.5) / 3, e.mapAtR(), 1e-15);
        double[] per = e.mapAtRPerQuery();
        assertEquals(0.25, per[0], 0);
        assertTrue(Double.isNaN(per[1]) && Double.isNaN(per[4]));
        assertArrayEquals(new double[] {0, Double.NaN, 1, 1, Double.NaN}, e.precisionAt1PerQuery(), 0);
    }

    @Test
    void allLoneGivesNaN() {
        LabelledEvaluation e = LabelledEvaluation.of(ExactSearch.of(Similarity.COSINE),
                Matrix.of(2, 1, new float[] {1, 2}), new long[] {3, 4});
        assertEquals(0, e.evaluatedQueries());
        assertTrue(Double.isNaN(e.mapAtR()) && Double.isNaN(e.precisionAt1()));
    }

    @Test
    void randomCasesMatchBruteForce() {
        Random rnd = new Random(8);
        for (int trial = 0; trial < 15; trial++) {
            int n = 2 + rnd.nextInt(60);
            int d = 1 + rnd.nextInt(5);
            int classes = 1 + rnd.nextInt(6);
            Matrix x = Brute.integers(rnd, n, d, 2);
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = 100 + rnd.nextInt(classes);
            }
            double[][] s = Brute.scores(x, x, Similarity.DOT);
            double mapSum = 0;
            double p1Sum = 0;
            int evaluated = 0;
            double[] mapRef = new double[n];
            for (int i = 0; i < n; i++) {
                int r = -1;
                for (long v : y) {
                    if (v == y[i]) {
                        r++;
                    }
                }
                if (r == 0) {
                    mapRef[i] = Double.NaN;
                    continue;
                }
                evaluated++;
                // neighbours: the full ranking without the query itself
                int[] nn = new int[n - 1];
                int at = 0;
                for (int j : Brute.ranking(s[i])) {
                    if (j != i) {
                        nn[at++] = j;
                    }
                }
                p1Sum += y[nn[0]] == y[i] ? 1 : 0;
                // PML: cumulative_correct · equality / k_idx over the first R columns, divided by R
                double sum = 0;
                int cumulative = 0;
                for (int col = 0; col < r; col++) {
                    int eq = y[nn[col]] == y[i] ? 1 : 0;
                    cumulative += eq;
                    sum += cumulative * eq / (double) (col + 1);
                }
                mapRef[i] = sum / r;
                mapSum += mapRef[i];
            }
            LabelledEvaluation e = LabelledEvaluation.of(ExactSearch.of(Similarity.DOT).withThreads(2), x, y);
            assertEquals(evaluated, e.evaluatedQueries());
            if (evaluated > 0) {
                assertEquals(mapSum / evaluated, e.mapAtR(), 1e-12);
                assertEquals(p1Sum / evaluated, e.precisionAt1(), 1e-12);
                assertArrayEquals(mapRef, e.mapAtRPerQuery(), 1e-12);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        Matrix x = Matrix.zeros(3, 2);
        assertEquals("labels has 2 entries but embeddings has 3 rows (3×2)", assertThrows(
                IllegalArgumentException.class, () -> LabelledEvaluation.of(ExactSearch.of(Similarity.COSINE), x,
                        new long[2])).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LabelledEvaluation.of(ExactSearch.of(Similarity.COSINE), Matrix.zeros(1, 2), new long[1]));
        assertThrows(NullPointerException.class,
                () -> LabelledEvaluation.of(ExactSearch.of(Similarity.COSINE), x, null));
    }
}
