package org.contrast4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/** Exact top-k search against a brute-force full sort in double. */
class ExactSearchTest {

    /** Integer data: float scores are exact, so ids, order (with many ties) and scores must match exactly. */
    @Test
    void integerDataMatchesFullSortExactlyAcrossTilings() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 6; trial++) {
            int b = 1 + rnd.nextInt(23);
            int m = 1 + rnd.nextInt(61);
            int d = 1 + rnd.nextInt(9);
            int k = 1 + rnd.nextInt(m);
            Matrix q = Brute.integers(rnd, b, d, 2);
            Matrix c = Brute.integers(rnd, m, d, 2);
            double[][] ref = Brute.scores(q, c, Similarity.DOT);
            int[][] tilings = {{512, 1024, 2}, {1, 1, 1}, {3, 5, 2}, {7, 2, 3}, {b, m, 1}};
            for (int[] t : tilings) {
                TopKEngine.Raw raw = TopKEngine.run(q.data(), b, c.data(), m, d, k, null, null, t[2], t[0], t[1]);
                for (int i = 0; i < b; i++) {
                    Integer[] order = Brute.ranking(ref[i]);
                    for (int r = 0; r < k; r++) {
                        assertEquals(order[r], raw.ids()[i * k + r], "query " + i + " rank " + r + " tiling "
                                + Arrays.toString(t));
                        assertEquals(ref[i][order[r]], raw.scores()[i * k + r], 0.0);
                    }
                    assertEquals(k, raw.found()[i]);
                }
            }
            TopK top = ExactSearch.of(Similarity.DOT).withThreads(2).search(q, c, k);
            for (int i = 0; i < b; i++) {
                Integer[] order = Brute.ranking(ref[i]);
                for (int r = 0; r < k; r++) {
                    assertEquals(order[r], top.id(i, r));
                }
            }
        }
    }

    @Test
    void equalScoresGoToTheLowerRow() {
        // corpus rows 1, 3, 4 are identical and best; row 0 and 2 tie below them
        Matrix q = Matrix.fromRows(new float[][] {{1, 0}});
        Matrix c = Matrix.fromRows(new float[][] {{0, 1}, {2, 0}, {0, 1}, {2, 0}, {2, 0}, {-1, 0}});
        TopK top = ExactSearch.of(Similarity.DOT).search(q, c, 5);
        assertArrayEquals(new int[] {1, 3, 4, 0, 2}, top.ids(0));
        assertArrayEquals(new float[] {2, 2, 2, 0, 0}, top.scores(0));
        // the same with one corpus row per tile, rows visited in every order of arrival into the heap
        TopKEngine.Raw raw = TopKEngine.run(q.data(), 1, c.data(), 6, 2, 5, null, null, 1, 1, 1);
        assertArrayEquals(new int[] {1, 3, 4, 0, 2}, Arrays.copyOf(raw.ids(), 5));
    }

    /** Gaussian data under cosine: scores within the float error bound of the double reference, ranks consistent. */
    @Test
    void cosineWithinErrorBoundOfDoubleReference() {
        Random rnd = new Random(5);
        int b = 40;
        int m = 300;
        int d = 24;
        int k = 17;
        Matrix q = Brute.gaussian(rnd, b, d);
        Matrix c = Brute.gaussian(rnd, m, d);
        double tol = Brute.cosineTolerance(d);
        double[][] ref = Brute.scores(q, c, Similarity.COSINE);
        TopK top = ExactSearch.of(Similarity.COSINE).withThreads(3).search(q, c, k);
        for (int i = 0; i < b; i++) {
            Integer[] order = Brute.ranking(ref[i]);
            Set<Integer> seen = new HashSet<>();
            for (int r = 0; r < k; r++) {
                int id = top.id(i, r);
                assertTrue(seen.add(id), "distinct ids");
                // the returned row's own score, and the r-th best score overall, agree within the bound
                assertEquals(ref[i][id], top.score(i, r), tol, "score of the returned row");
                assertEquals(ref[i][order[r]], top.score(i, r), tol, "r-th best score");
                if (r > 0) {
                    assertTrue(top.score(i, r - 1) > top.score(i, r)
                            || (top.score(i, r - 1) == top.score(i, r) && top.id(i, r - 1) < id), "order");
                }
            }
            // nothing left out scores clearly above the k-th
            for (int j = 0; j < m; j++) {
                if (!seen.contains(j)) {
                    assertTrue(ref[i][j] <= top.score(i, k - 1) + tol, "row " + j + " was left out");
                }
            }
        }
        // the inputs are not modified by the normalisation
        assertEquals(Brute.gaussian(new Random(5), b, d).get(3, 4), q.get(3, 4));
    }

    @Test
    void exclusionsAreNeverReturnedAndShortQueriesArePadded() {
        Random rnd = new Random(2);
        int b = 9;
        int m = 12;
        int d = 3;
        Matrix q = Brute.integers(rnd, b, d, 3);
        Matrix c = Brute.integers(rnd, m, d, 3);
        int[][] ex = new int[b][];
        for (int i = 0; i < b; i++) {
            if (i % 3 != 0) {
                ex[i] = new int[] {i, (i * 5) % m, i, (i + 7) % m};  // with a duplicate
            }
        }
        ex[3] = new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};  // leaves rows 10, 11
        double[][] ref = Brute.scores(q, c, Similarity.DOT);
        int k = 5;
        TopK top = ExactSearch.of(Similarity.DOT).withThreads(2).search(q, c, k, ex);
        for (int i = 0; i < b; i++) {
            Set<Integer> banned = new HashSet<>();
            if (ex[i] != null) {
                for (int x : ex[i]) {
                    banned.add(x);
                }
            }
            int r = 0;
            for (int id : Brute.ranking(ref[i])) {
                if (r == k) {
                    break;
                }
                if (!banned.contains(id)) {
                    assertEquals(id, top.id(i, r), "query " + i + " rank " + r);
                    r++;
                }
            }
            assertEquals(r, top.found(i));
            for (; r < k; r++) {
                assertEquals(-1, top.id(i, r));
                assertTrue(Float.isNaN(top.score(i, r)));
            }
        }
        assertEquals(2, top.found(3));
    }

    @Test
    void rejectsBadArguments() {
        Matrix q = Matrix.zeros(2, 3);
        Matrix c = Matrix.zeros(4, 3);
        ExactSearch s = ExactSearch.of(Similarity.COSINE);
        assertThrows(IllegalArgumentException.class, () -> s.search(q, c, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.search(q, c, 5));
        assertEquals("k must be in [1, 4] (the corpus rows), was 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.search(q, Matrix.zeros(4, 2), 1));
        assertTrue(e.getMessage().contains("queries is 2×3, corpus is 4×2"), e.getMessage());
        Matrix bad = Matrix.zeros(4, 3);
        bad.set(2, 1, Float.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> s.search(q, bad, 1));
        assertTrue(e.getMessage().startsWith("corpus[2, 1] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.search(q, c, 1, new int[][] {{0}}));
        assertTrue(e.getMessage().contains("1 rows for 2 queries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.search(q, c, 1, new int[][] {{0}, {4}}));
        assertEquals("exclude[1] contains corpus row 4, outside [0, 4)", e.getMessage());
        assertThrows(NullPointerException.class, () -> ExactSearch.of(null));
        assertThrows(IllegalArgumentException.class, () -> s.withThreads(0));
    }
}
