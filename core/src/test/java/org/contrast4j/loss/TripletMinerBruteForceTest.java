package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * {@link TripletMiner}'s sorted / binary-searched semi-hard choice (O(N² log N)) against the brute-force O(N³) rule it
 * replaced, on the very same double distances, so the comparison is exact — including every tie (inputs on a small
 * integer grid under the dot product make many distances exactly equal).
 */
class TripletMinerBruteForceTest {

    /** ‖x̃_i − x̃_j‖ in double from the prepared float rows, by the loop the miner documents. */
    static double[][] distances(Matrix x, Similarity s) {
        Matrix p = s.prepare(x);
        int n = p.rows();
        int d = p.cols();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    double diff = (double) p.get(i, k) - p.get(j, k);
                    sum += diff * diff;
                }
                out[i][j] = out[j][i] = Math.sqrt(sum);
            }
        }
        return out;
    }

    /**
     * The brute-force semi-hard rule (TF Addons' triplet_semihard_loss): for each anchor a and each positive p ≠ a in
     * row order, scan every row for the negative with the smallest d(a, n) &gt; d(a, p) (strictly smaller replaces:
     * ties to the lower row); if none, the negative with the largest d(a, n) (ties to the lower row); anchors without
     * a negative yield nothing. Returns {anchors, positives, negatives}.
     */
    static int[][] bruteSemiHard(double[][] dist, long[] labels) {
        int n = labels.length;
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            int farthest = -1;
            for (int j = 0; j < n; j++) {
                if (labels[j] != labels[a] && (farthest < 0 || dist[a][j] > dist[a][farthest])) {
                    farthest = j;
                }
            }
            if (farthest < 0) {
                continue;
            }
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                int outside = -1;
                for (int j = 0; j < n; j++) {
                    if (labels[j] != labels[a] && dist[a][j] > dist[a][p]
                            && (outside < 0 || dist[a][j] < dist[a][outside])) {
                        outside = j;
                    }
                }
                out.add(new int[] {a, p, outside >= 0 ? outside : farthest});
            }
        }
        int[][] t = new int[3][out.size()];
        for (int i = 0; i < out.size(); i++) {
            for (int c = 0; c < 3; c++) {
                t[c][i] = out.get(i)[c];
            }
        }
        return t;
    }

    @Test
    void semiHardEqualsTheBruteForceRuleExactlyIncludingTies() {
        SplittableRandom rnd = new SplittableRandom(2015);
        int cases = 0;
        int ties = 0;
        for (int trial = 0; trial < 120; trial++) {
            int n = 2 + rnd.nextInt(trial < 100 ? 30 : 200);
            int d = 1 + rnd.nextInt(4);
            int classes = 1 + rnd.nextInt(Math.max(1, n / 2));
            boolean grid = trial % 2 == 0;
            Similarity s = grid ? Similarity.DOT : (trial % 4 == 1 ? Similarity.COSINE : Similarity.DOT);
            float[] data = new float[n * d];
            for (int i = 0; i < data.length; i++) {
                data[i] = grid ? rnd.nextInt(-2, 3) : (float) LossTesting.gauss(rnd);
            }
            Matrix x = Matrix.of(n, d, data);
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                labels[i] = rnd.nextInt(classes);
            }
            double[][] dist = distances(x, s);
            int[][] want = bruteSemiHard(dist, labels);
            if (want[0].length == 0) {
                continue; // no triplet: the miner refuses the batch (tested in MinedTest)
            }
            TripletMiner.Triplets got = TripletMiner.semiHard().mine(x, labels, s);
            assertArrayEquals(want[0], got.anchors(), "anchors, trial " + trial);
            assertArrayEquals(want[1], got.positives(), "positives, trial " + trial);
            assertArrayEquals(want[2], got.negatives(), "negatives, trial " + trial);
            cases++;
            for (int i = 0; i < want[0].length; i++) {
                int a = want[0][i];
                for (int j = 0; j < n; j++) {
                    if (j != want[2][i] && labels[j] != labels[a] && dist[a][j] == dist[a][want[2][i]]) {
                        ties++;
                    }
                }
            }
        }
        assertTrue(cases > 100, "cases with triplets: " + cases);
        assertTrue(ties > 1000, "chosen negatives with an equally distant rival: " + ties);
    }

    @Test
    void handWorkedTies() {
        // 1-D, dot: rows at 0, 1, 1, 3, 3 with labels a a b b b. Anchor 0 (at 0), positive 1 (d 1): negatives 2 (d 1),
        // 3 and 4 (d 3): the first farther than 1 is d 3, rows 3 and 4 tie → 3. Anchor 1 (at 1), positive 0 (d 1):
        // negatives at d 0 (row 2), 2 (rows 3, 4): → 3. Anchor 2 (at 1, label b): positives 3, 4 (d 2); negatives 0 (d 1)
        // and 1 (d 0): none beyond 2 → the farthest, row 0. Anchors 3 and 4: positives at d 0 and d 2; negatives
        // 0 (d 3), 1 (d 2): beyond 0 → row 1 (d 2); beyond 2 → row 0 (d 3).
        Matrix x = Matrix.of(5, 1, new float[] {0, 1, 1, 3, 3});
        long[] labels = {7, 7, 8, 8, 8};
        TripletMiner.Triplets t = TripletMiner.semiHard().mine(x, labels, Similarity.DOT);
        assertArrayEquals(new int[] {0, 1, 2, 2, 3, 3, 4, 4}, t.anchors());
        assertArrayEquals(new int[] {1, 0, 3, 4, 2, 4, 2, 3}, t.positives());
        assertArrayEquals(new int[] {3, 3, 0, 0, 0, 1, 0, 1}, t.negatives());
        assertEquals(8, t.size());
    }
}
