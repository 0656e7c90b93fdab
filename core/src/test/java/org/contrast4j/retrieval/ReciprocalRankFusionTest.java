package org.contrast4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ReciprocalRankFusion} against hand-worked values and a brute-force reference in exact rationals. */
class ReciprocalRankFusionTest {
    @Test
    void handWorkedTwoRankings() {
        // A ranks 3, 1, 2; B ranks 1, 4, 3 (c = 60):
        //   row 1: 1/62 + 1/61 = 0.0325224...   row 3: 1/61 + 1/63 = 0.0322664...
        //   row 4: 1/62 = 0.0161290...          row 2: 1/63 = 0.0158730...      row 0: in neither → not listed
        TopK a = TopK.of(1, 3, 6, new int[] {3, 1, 2}, null);
        TopK b = TopK.of(1, 3, 6, new int[] {1, 4, 3}, new float[] {9f, 8f, 7f});
        TopK fused = ReciprocalRankFusion.fuse(List.of(a, b), 5);
        assertArrayEquals(new int[] {1, 3, 4, 2, -1}, fused.ids(0));
        assertEquals(4, fused.found(0));
        float[] s = fused.scores(0);
        double[] expected = {1.0 / 62 + 1.0 / 61, 1.0 / 61 + 1.0 / 63, 1.0 / 62, 1.0 / 63};
        for (int i = 0; i < 4; i++) {
            // one float rounding of a value < 1: within 2⁻²⁴ relative
            assertEquals(expected[i], s[i], expected[i] * 0x1p-23, "rank " + i);
        }
        assertTrue(Float.isNaN(s[4]));
        // top 2 of the same
        assertArrayEquals(new int[] {1, 3}, ReciprocalRankFusion.fuse(List.of(a, b), 2).ids(0));
    }

    @Test
    void equalSumsGoToTheLowerRowNeverToTheEarlierRanking() {
        // row 5 first in A, row 2 first in B: both 1/61, so row 2 leads although A is listed first
        TopK a = TopK.of(1, 2, 8, new int[] {5, 7}, null);
        TopK b = TopK.of(1, 2, 8, new int[] {2, 6}, null);
        assertArrayEquals(new int[] {2, 5, 6, 7}, ReciprocalRankFusion.fuse(List.of(a, b), 4).ids(0));
        assertArrayEquals(new int[] {2, 5, 6, 7}, ReciprocalRankFusion.fuse(List.of(b, a), 4).ids(0));
    }

    @Test
    void exactlyEqualFractionsTieEvenWhenTheirDoublesDiffer() {
        // with c = 60: 1/65 + 1/117 = 1/78 + 1/90 = 182/7605 exactly, but in double the first sum is one ulp larger.
        // Row 9 has ranks 5 and 57, row 4 ranks 18 and 30: a tie, so the lower row (4) must lead.
        assertTrue(1.0 / 65 + 1.0 / 117 > 1.0 / 78 + 1.0 / 90, "the double sums differ (premise of the test)");
        int m = 200;
        int[] a = filler(60, m, 9, 4);
        int[] b = filler(60, m, 9, 4);
        a[4] = 9;   // rank 5
        b[56] = 9;  // rank 57
        a[17] = 4;  // rank 18
        b[29] = 4;  // rank 30
        TopK fused = ReciprocalRankFusion.fuse(List.of(TopK.of(1, 60, m, a, null), TopK.of(1, 60, m, b, null)), m);
        int[] ids = fused.ids(0);
        int at4 = indexOf(ids, 4);
        int at9 = indexOf(ids, 9);
        assertEquals(at4 + 1, at9, "rows 4 and 9 tie, 4 first: " + at4 + ", " + at9);
        assertArrayEquals(brute(List.of(TopK.of(1, 60, m, a, null), TopK.of(1, 60, m, b, null)), m, 60)[0], ids);
    }

    @Test
    void matchesBruteForceOnRandomRankings() {
        Random random = new Random(2009);
        for (int trial = 0; trial < 60; trial++) {
            int queries = 1 + random.nextInt(4);
            int m = 3 + random.nextInt(40);
            int n = 1 + random.nextInt(4);
            int c = trial % 3 == 0 ? 60 : 1 + random.nextInt(5); // small constants make exact ties frequent
            List<TopK> rankings = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int k = 1 + random.nextInt(m);
                int[] ids = new int[queries * k];
                for (int q = 0; q < queries; q++) {
                    int[] perm = permutation(m, random);
                    int found = random.nextInt(4) == 0 ? random.nextInt(k + 1) : k;
                    for (int i = 0; i < k; i++) {
                        ids[q * k + i] = i < found ? perm[i] : -1;
                    }
                }
                rankings.add(TopK.of(queries, k, m, ids, null));
            }
            int k = 1 + random.nextInt(m);
            TopK fused = ReciprocalRankFusion.fuse(rankings, k, c);
            int[][] expected = brute(rankings, k, c);
            for (int q = 0; q < queries; q++) {
                assertArrayEquals(expected[q], fused.ids(q), "trial " + trial + ", query " + q);
                int found = 0;
                for (int id : expected[q]) {
                    found += id >= 0 ? 1 : 0;
                }
                assertEquals(found, fused.found(q));
            }
        }
    }

    @Test
    void badArguments() {
        TopK a = TopK.of(2, 2, 5, new int[] {0, 1, 2, 3}, null);
        assertThrows(NullPointerException.class, () -> ReciprocalRankFusion.fuse(null, 2));
        assertEquals("rankings must not be empty", assertThrows(IllegalArgumentException.class,
                () -> ReciprocalRankFusion.fuse(List.of(), 2)).getMessage());
        assertEquals("rankings[1] has 1 queries but rankings[0] has 2", assertThrows(IllegalArgumentException.class,
                () -> ReciprocalRankFusion.fuse(List.of(a, TopK.of(1, 2, 5, new int[] {0, 1}, null)), 2))
                .getMessage());
        assertEquals("rankings[1] ranks a corpus of 6 rows but rankings[0] one of 5",
                assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(
                        List.of(a, TopK.of(2, 2, 6, new int[] {0, 1, 2, 3}, null)), 2)).getMessage());
        assertEquals("k must be <= the corpus size 5, was 6", assertThrows(IllegalArgumentException.class,
                () -> ReciprocalRankFusion.fuse(List.of(a), 6)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(List.of(a), 0));
        assertThrows(IllegalArgumentException.class, () -> ReciprocalRankFusion.fuse(List.of(a), 2, 0));
        List<TopK> withNull = new ArrayList<>();
        withNull.add(a);
        withNull.add(null);
        assertEquals("rankings[1] must not be null", assertThrows(NullPointerException.class,
                () -> ReciprocalRankFusion.fuse(withNull, 2)).getMessage());
    }

    /**
     * For every query and every corpus row: its RRF value as an exact reduced fraction from a linear scan of each
     * ranking; rows listed nowhere dropped; order by value descending, then row; −1 padding to k.
     */
    private static int[][] brute(List<TopK> rankings, int k, int c) {
        int queries = rankings.get(0).queries();
        int m = rankings.get(0).corpusSize();
        int[][] out = new int[queries][];
        for (int q = 0; q < queries; q++) {
            List<Object[]> scored = new ArrayList<>();
            for (int d = 0; d < m; d++) {
                BigInteger num = BigInteger.ZERO;
                BigInteger den = BigInteger.ONE;
                boolean listed = false;
                for (TopK t : rankings) {
                    for (int rank = 0; rank < t.found(q); rank++) {
                        if (t.id(q, rank) == d) {
                            // num/den + 1/(c + rank + 1)
                            BigInteger x = BigInteger.valueOf(c + rank + 1);
                            num = num.multiply(x).add(den);
                            den = den.multiply(x);
                            BigInteger g = num.gcd(den);
                            num = num.divide(g);
                            den = den.divide(g);
                            listed = true;
                        }
                    }
                }
                if (listed) {
                    scored.add(new Object[] {d, num, den});
                }
            }
            scored.sort((x, y) -> {
                int byValue = ((BigInteger) y[1]).multiply((BigInteger) x[2])
                        .compareTo(((BigInteger) x[1]).multiply((BigInteger) y[2]));
                return byValue != 0 ? byValue : Integer.compare((int) x[0], (int) y[0]);
            });
            out[q] = new int[k];
            for (int i = 0; i < k; i++) {
                out[q][i] = i < scored.size() ? (int) scored.get(i)[0] : -1;
            }
        }
        return out;
    }

    private static int[] permutation(int m, Random random) {
        int[] p = new int[m];
        for (int i = 0; i < m; i++) {
            p[i] = i;
        }
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** k distinct rows from [0, m) other than the two given, in ascending order. */
    private static int[] filler(int k, int m, int skip1, int skip2) {
        int[] ids = new int[k];
        int next = 0;
        for (int i = 0; i < k; i++) {
            while (next == skip1 || next == skip2) {
                next++;
            }
            ids[i] = next++;
        }
        return ids;
    }

    private static int indexOf(int[] ids, int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }
}
