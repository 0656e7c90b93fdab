package org.contrast4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * Hard-negative mining against a brute-force reference in double: full sort of every corpus row, positives removed,
 * rank window, margins to the (lowest) positive score, then the first K.
 */
class HardNegativeMinerTest {

    /** The qualifying candidates of query i in rank order, from the definitions. */
    static List<Integer> qualifying(double[] scores, Set<Integer> positives, int rangeMin, int rangeMax,
                                    double absMargin, double relMargin) {
        double pos = Double.POSITIVE_INFINITY;
        for (int p : positives) {
            pos = Math.min(pos, scores[p]);
        }
        List<Integer> out = new ArrayList<>();
        int rank = 0;
        for (int j : Brute.ranking(scores)) {
            if (positives.contains(j)) {
                continue;
            }
            boolean inWindow = rank >= rangeMin && rank < rangeMax;
            boolean abs = Double.isNaN(absMargin) || scores[j] <= pos - absMargin;
            boolean rel = Double.isNaN(relMargin) || scores[j] <= pos * (1 - relMargin);
            if (inWindow && abs && rel) {
                out.add(j);
            }
            rank++;
        }
        return out;
    }

    @Test
    void handWorked() {
        // D = 1, query 1: scores are the corpus values. Positive row 2 (score 6).
        // ranking: row 5 (9), row 0 (8), row 2 (6, positive), row 1 (6), row 4 (5), row 3 (4), row 6 (1)
        // non-positive ranks: 5→0, 0→1, 1→2, 4→3, 3→4, 6→5
        Matrix corpus = Matrix.of(7, 1, new float[] {8, 6, 6, 4, 5, 9, 1});
        Matrix query = Matrix.of(1, 1, new float[] {1});
        HardNegativeMiner top = HardNegativeMiner.builder(3).similarity(Similarity.DOT).build();
        MinedNegatives n = top.mine(query, corpus, new int[] {2});
        assertArrayEquals(new int[] {5, 0, 1}, n.negativeMatrix());
        assertEquals(6f, n.positiveScore(0));
        // margin 1: score ≤ 5 → rows 4, 3, 6
        n = HardNegativeMiner.builder(3).similarity(Similarity.DOT).absoluteMargin(1).build()
                .mine(query, corpus, new int[] {2});
        assertArrayEquals(new int[] {4, 3, 6}, n.negativeMatrix());
        // relative margin 0.2: score ≤ 4.8 → rows 3, 6, then padding; one short query
        n = HardNegativeMiner.builder(3).similarity(Similarity.DOT).relativeMargin(0.2).build()
                .mine(query, corpus, new int[] {2});
        assertArrayEquals(new int[] {3, 6, -1}, n.negativeMatrix());
        assertEquals(1, n.shortQueries());
        assertEquals(2, n.found(0));
        assertTrue(Float.isNaN(n.score(0, 2)));
        // window [1, 3): ranks 1 and 2 → rows 0, 1; the equal-scored row 1 is a negative, not dropped with row 2
        n = HardNegativeMiner.builder(3).similarity(Similarity.DOT).rangeMin(1).rangeMax(3).build()
                .mine(query, corpus, new int[] {2});
        assertArrayEquals(new int[] {0, 1, -1}, n.negativeMatrix());
        assertArrayEquals(new float[] {8, 6, Float.NaN}, n.scoreMatrix());
        // margin 0 keeps the row that ties with the positive (score ≤ positive score)
        n = HardNegativeMiner.builder(3).similarity(Similarity.DOT).absoluteMargin(0).build()
                .mine(query, corpus, new int[] {2});
        assertArrayEquals(new int[] {1, 4, 3}, n.negativeMatrix());
    }

    /** Integer data under DOT (exact scores, many ties), every option, against the definitions in double. */
    @Test
    void topSamplingMatchesBruteForce() {
        Random rnd = new Random(23);
        for (int trial = 0; trial < 40; trial++) {
            int b = 1 + rnd.nextInt(12);
            int m = 2 + rnd.nextInt(70);
            int d = 1 + rnd.nextInt(5);
            Matrix q = Brute.integers(rnd, b, d, 2);
            Matrix c = Brute.integers(rnd, m, d, 2);
            int[][] positives = new int[b][];
            for (int i = 0; i < b; i++) {
                positives[i] = new int[1 + rnd.nextInt(3)];
                for (int t = 0; t < positives[i].length; t++) {
                    positives[i][t] = rnd.nextInt(m);
                }
            }
            int k = 1 + rnd.nextInt(6);
            int rangeMin = rnd.nextInt(4);
            int rangeMax = rangeMin + 1 + rnd.nextInt(m + 2);
            double abs = rnd.nextBoolean() ? Double.NaN : rnd.nextInt(3) * 0.5;
            double rel = rnd.nextBoolean() ? Double.NaN : rnd.nextInt(4) * 0.25;
            HardNegativeMiner.Builder mb = HardNegativeMiner.builder(k).similarity(Similarity.DOT).rangeMin(rangeMin)
                    .rangeMax(rangeMax).threads(1 + rnd.nextInt(3));
            if (!Double.isNaN(abs)) {
                mb.absoluteMargin(abs);
            }
            if (!Double.isNaN(rel)) {
                mb.relativeMargin(rel);
            }
            MinedNegatives got = mb.build().mine(q, c, positives);
            double[][] s = Brute.scores(q, c, Similarity.DOT);
            int shortRef = 0;
            for (int i = 0; i < b; i++) {
                Set<Integer> pos = new HashSet<>();
                for (int p : positives[i]) {
                    pos.add(p);
                }
                List<Integer> ok = qualifying(s[i], pos, rangeMin, rangeMax, abs, rel);
                int take = Math.min(k, ok.size());
                if (take < k) {
                    shortRef++;
                }
                assertEquals(take, got.found(i));
                for (int j = 0; j < k; j++) {
                    int want = j < take ? ok.get(j) : -1;
                    assertEquals(want, got.negative(i, j), "trial " + trial + " query " + i + " j " + j);
                    if (want >= 0) {
                        assertEquals(s[i][want], got.score(i, j), 0.0);
                    }
                }
                double minPos = Double.POSITIVE_INFINITY;
                for (int p : pos) {
                    minPos = Math.min(minPos, s[i][p]);
                }
                assertEquals(minPos, got.positiveScore(i), 0.0);
            }
            assertEquals(shortRef, got.shortQueries());
        }
    }

    /** RANDOM: a subset of the qualifying candidates, in rank order, reproducible by seed, spread over all. */
    @Test
    void randomSamplingIsASeededUniformSubset() {
        Random rnd = new Random(4);
        int b = 50;
        int m = 40;
        Matrix q = Brute.gaussian(rnd, b, 6);
        Matrix c = Brute.gaussian(rnd, m, 6);
        int[] positives = new int[b];
        for (int i = 0; i < b; i++) {
            positives[i] = rnd.nextInt(m);
        }
        HardNegativeMiner.Builder mb = HardNegativeMiner.builder(4).similarity(Similarity.DOT).rangeMin(2).rangeMax(20)
                .sampling(HardNegativeMiner.Sampling.RANDOM).seed(99);
        MinedNegatives a = mb.threads(1).build().mine(q, c, positives);
        MinedNegatives again = mb.threads(3).build().mine(q, c, positives);
        assertArrayEquals(a.negativeMatrix(), again.negativeMatrix(), "same seed, any thread count");
        MinedNegatives other = mb.seed(100).build().mine(q, c, positives);
        assertNotEquals(Arrays.toString(a.negativeMatrix()), Arrays.toString(other.negativeMatrix()));
        TopK top = ExactSearch.of(Similarity.DOT).search(q, c, 20, Arrays.stream(positives).mapToObj(p -> new int[] {p})
                .toArray(int[][]::new));
        int[] counts = new int[18];
        for (int i = 0; i < b; i++) {
            int last = -1;
            for (int j = 0; j < 4; j++) {
                int id = a.negative(i, j);
                int rank = Arrays.asList(Arrays.stream(top.ids(i)).boxed().toArray(Integer[]::new)).indexOf(id);
                assertTrue(rank >= 2 && rank < 20, "rank in the window");
                assertTrue(rank > last, "listed in rank order");
                last = rank;
                counts[rank - 2]++;
            }
        }
        // 200 draws over 18 ranks: every rank drawn at least once (P(miss) per rank ≈ (1 − 4/18)^50 < 4e-6)
        for (int r = 0; r < counts.length; r++) {
            assertTrue(counts[r] > 0, "rank " + (r + 2) + " never drawn");
        }
        assertEquals(0, a.shortQueries());
    }

    /** Cosine on Gaussian data: the negatives' scores agree with the double reference within the float bound. */
    @Test
    void cosineScoresWithinErrorBound() {
        Random rnd = new Random(6);
        int b = 20;
        int m = 200;
        int d = 16;
        Matrix q = Brute.gaussian(rnd, b, d);
        Matrix c = Brute.gaussian(rnd, m, d);
        int[] positives = new int[b];
        for (int i = 0; i < b; i++) {
            positives[i] = rnd.nextInt(m);
        }
        MinedNegatives got = HardNegativeMiner.builder(5).rangeMin(3).rangeMax(50).absoluteMargin(0.05).build()
                .mine(q, c, positives);
        double[][] s = Brute.scores(q, c, Similarity.COSINE);
        double tol = Brute.cosineTolerance(d);
        for (int i = 0; i < b; i++) {
            assertEquals(s[i][positives[i]], got.positiveScore(i), tol);
            for (int j = 0; j < got.found(i); j++) {
                int id = got.negative(i, j);
                assertNotEquals(positives[i], id);
                assertEquals(s[i][id], got.score(i, j), tol);
                assertTrue(got.score(i, j) <= got.positiveScore(i) - 0.05 + 1e-7);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> HardNegativeMiner.builder(0));
        assertEquals("rangeMax must be > rangeMin, were rangeMin = 5, rangeMax = 5", assertThrows(
                IllegalArgumentException.class, () -> HardNegativeMiner.builder(1).rangeMin(5).rangeMax(5).build())
                .getMessage());
        assertEquals("relativeMargin must be in [0, 1), was 1.0", assertThrows(IllegalArgumentException.class,
                () -> HardNegativeMiner.builder(1).relativeMargin(1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> HardNegativeMiner.builder(1).absoluteMargin(-0.1));
        HardNegativeMiner miner = HardNegativeMiner.builder(1).build();
        Matrix q = Matrix.of(2, 1, new float[] {1, 2});
        Matrix c = Matrix.of(3, 1, new float[] {1, 2, 3});
        assertEquals("positives must have one entry per query: 1 for 2 queries", assertThrows(
                IllegalArgumentException.class, () -> miner.mine(q, c, new int[] {0})).getMessage());
        assertEquals("positives[1] contains corpus row 3, outside [0, 3)", assertThrows(
                IllegalArgumentException.class, () -> miner.mine(q, c, new int[] {0, 3})).getMessage());
        assertEquals("query 0 has no positive", assertThrows(IllegalArgumentException.class,
                () -> miner.mine(q, c, new int[][] {{}, {1}})).getMessage());
    }
}
