package org.contrast4j.loss;

import java.util.Arrays;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * Chooses triplets (anchor, positive, negative) from one labelled batch of embeddings, for {@link Triplet} and
 * {@link MarginContrastive} (through {@link Mined}). Distances are those of the losses, d(x, y) = ‖x̃ − ỹ‖₂ with x̃
 * the prepared row (unit-normalised under {@link Similarity#COSINE}, raw under {@link Similarity#DOT}), computed in
 * double. A positive of row a is another row with a's label; a negative is a row with another label. Ties go to the
 * lower row index.
 * <ul>
 *   <li><b>Batch-hard</b> (Hermans, Beyer &amp; Leibe 2017, "In Defense of the Triplet Loss for Person
 *       Re-Identification"): one triplet per anchor a — its farthest positive argmax_p d(a, p) and its closest
 *       negative argmin_n d(a, n). An anchor without a positive or without a negative yields no triplet.</li>
 *   <li><b>Semi-hard</b> (Schroff, Kalenichenko &amp; Philbin 2015, FaceNet), as TensorFlow Addons'
 *       {@code triplet_semihard_loss}: one triplet per ordered positive pair (a, p), p ≠ a — the negative with the
 *       smallest d(a, n) among those with d(a, n) &gt; d(a, p) ("negatives_outside"); when that lies below
 *       d(a, p) + margin it is FaceNet's hardest semi-hard negative, d(a,p) &lt; d(a,n) &lt; d(a,p) + margin (and
 *       otherwise the triplet's hinge is 0 anyway). When no negative is farther than p, the negative with the largest
 *       d(a, n) ("negatives_inside"). An anchor without a negative yields no triplet.</li>
 * </ul>
 * The choice is piecewise constant in the embeddings, so the gradient of a loss on the chosen rows is the gradient
 * through those rows (see {@link Mined}). Cost: the N×N distances (O(N²·D)); then batch-hard is O(N²) and semi-hard
 * O(N² log N) — each anchor's negatives are sorted once by distance and each positive's semi-hard negative is found by
 * a binary search — for up to N² triplets.
 */
public final class TripletMiner {
    /** How the triplets are chosen. */
    public enum Strategy {
        /** Hardest positive and hardest negative per anchor (Hermans et al. 2017). */
        BATCH_HARD,
        /** Per positive pair, the closest negative beyond the positive (FaceNet; TF Addons' fallback). */
        SEMI_HARD
    }

    private final Strategy strategy;

    private TripletMiner(Strategy strategy) {
        this.strategy = strategy;
    }

    /** The batch-hard miner. */
    public static TripletMiner batchHard() {
        return new TripletMiner(Strategy.BATCH_HARD);
    }

    /** The semi-hard miner. */
    public static TripletMiner semiHard() {
        return new TripletMiner(Strategy.SEMI_HARD);
    }

    /** The miner with {@code strategy}. */
    public static TripletMiner of(Strategy strategy) {
        return new TripletMiner(Checks.notNull(strategy, "strategy"));
    }

    /** The strategy. */
    public Strategy strategy() {
        return strategy;
    }

    /**
     * The triplets chosen among the rows of {@code embeddings} (N×D, finite) with their N labels.
     *
     * @throws IllegalArgumentException if the sizes disagree, an entry is not finite, or no triplet exists (no row
     *     has both a positive and a negative)
     */
    public Triplets mine(Matrix embeddings, long[] labels, Similarity similarity) {
        Checks.notNull(embeddings, "embeddings");
        Checks.notNull(labels, "labels");
        Checks.notNull(similarity, "similarity");
        int n = embeddings.rows();
        Checks.argument(labels.length == n, "labels has %d entries but there are %d embeddings", labels.length, n);
        Checks.argument(n > 0 && embeddings.cols() > 0, "embeddings must not be empty, was %s", embeddings.shape());
        Checks.finite(embeddings, "embeddings");
        DenseSize.require("TripletMiner on N = " + n + " rows", n, n, 8, DenseSize.noTiledEngine("TripletMiner"));
        double[] dist = distances(similarity.prepare(embeddings));
        int cap = strategy == Strategy.BATCH_HARD ? n : Checks.product(n, n, "the semi-hard triplets", 12);
        int[] ta = new int[cap];
        int[] tp = new int[cap];
        int[] tn = new int[cap];
        int count = 0;
        int[] order = strategy == Strategy.SEMI_HARD ? new int[n] : null;
        int[] scratch = strategy == Strategy.SEMI_HARD ? new int[n] : null;
        double[] sorted = strategy == Strategy.SEMI_HARD ? new double[n] : null;
        for (int a = 0; a < n; a++) {
            if (strategy == Strategy.BATCH_HARD) {
                int pos = -1;
                int neg = -1;
                for (int j = 0; j < n; j++) {
                    double d = dist[a * n + j];
                    if (labels[j] == labels[a]) {
                        if (j != a && (pos < 0 || d > dist[a * n + pos])) {
                            pos = j;
                        }
                    } else if (neg < 0 || d < dist[a * n + neg]) {
                        neg = j;
                    }
                }
                if (pos >= 0 && neg >= 0) {
                    ta[count] = a;
                    tp[count] = pos;
                    tn[count] = neg;
                    count++;
                }
                continue;
            }
            // semi-hard: the anchor's negatives sorted once by (distance, row); per positive, a binary search for
            // the first negative strictly farther than it — O(N log N) per anchor instead of O(N²)
            int m = 0;
            for (int j = 0; j < n; j++) {
                if (labels[j] != labels[a]) {
                    order[m++] = j;
                }
            }
            if (m == 0) {
                continue;
            }
            sortByDistance(order, m, dist, a * n, scratch);
            for (int t = 0; t < m; t++) {
                sorted[t] = dist[a * n + order[t]];
            }
            // the farthest negative, equal distances to the lower row: the first of the last run of equal distances
            int farthest = order[firstAbove(sorted, m, Math.nextDown(sorted[m - 1]))];
            for (int p = 0; p < n; p++) {
                if (p == a || labels[p] != labels[a]) {
                    continue;
                }
                int t = firstAbove(sorted, m, dist[a * n + p]);
                ta[count] = a;
                tp[count] = p;
                tn[count] = t < m ? order[t] : farthest;
                count++;
            }
        }
        Checks.argument(count > 0, "no triplet can be mined from the %d rows: no row has both a positive (another row "
                + "with its label) and a negative (a row with another label)", n);
        return new Triplets(Arrays.copyOf(ta, count), Arrays.copyOf(tp, count), Arrays.copyOf(tn, count));
    }

    /** The first position t &lt; m with {@code sorted[t] > x} (ascending {@code sorted}), m if none. */
    private static int firstAbove(double[] sorted, int m, double x) {
        int lo = 0;
        int hi = m;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Sorts {@code idx[0, m)} (ascending rows) by {@code dist[base + idx]} ascending, stably — equal distances stay in
     * row order — by a bottom-up merge sort through {@code scratch}.
     */
    private static void sortByDistance(int[] idx, int m, double[] dist, int base, int[] scratch) {
        int[] src = idx;
        int[] dst = scratch;
        for (int width = 1; width < m; width *= 2) {
            for (int lo = 0; lo < m; lo += 2 * width) {
                int mid = Math.min(lo + width, m);
                int hi = Math.min(lo + 2 * width, m);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    // take from the right run only when strictly closer: stability
                    dst[k++] = dist[base + src[j]] < dist[base + src[i]] ? src[j++] : src[i++];
                }
                while (i < mid) {
                    dst[k++] = src[i++];
                }
                while (j < hi) {
                    dst[k++] = src[j++];
                }
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != idx) {
            System.arraycopy(src, 0, idx, 0, m);
        }
    }

    /** All N×N distances ‖x_i − x_j‖ of the prepared rows, in double, from the differences. */
    private static double[] distances(Matrix x) {
        int n = x.rows();
        int d = x.cols();
        float[] v = x.data();
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double diff = (double) v[i * d + k] - v[j * d + k];
                    s += diff * diff;
                }
                out[i * n + j] = out[j * n + i] = Math.sqrt(s);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "TripletMiner{strategy=" + strategy + "}";
    }

    /** Chosen triplets: row indices of the anchor, positive and negative of each, in mining order. */
    public static final class Triplets {
        private final int[] anchors;
        private final int[] positives;
        private final int[] negatives;

        Triplets(int[] anchors, int[] positives, int[] negatives) {
            this.anchors = anchors;
            this.positives = positives;
            this.negatives = negatives;
        }

        /** The number of triplets T. */
        public int size() {
            return anchors.length;
        }

        /** A copy of the T anchor rows. */
        public int[] anchors() {
            return anchors.clone();
        }

        /** A copy of the T positive rows. */
        public int[] positives() {
            return positives.clone();
        }

        /** A copy of the T negative rows. */
        public int[] negatives() {
            return negatives.clone();
        }

        @Override
        public String toString() {
            return "Triplets{size=" + anchors.length + "}";
        }
    }
}
