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
 * through those rows (see {@link Mined}).
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
            int farthest = -1;
            for (int j = 0; j < n; j++) {
                if (labels[j] != labels[a] && (farthest < 0 || dist[a * n + j] > dist[a * n + farthest])) {
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
                double dp = dist[a * n + p];
                int outside = -1;
                for (int j = 0; j < n; j++) {
                    double d = dist[a * n + j];
                    if (labels[j] != labels[a] && d > dp && (outside < 0 || d < dist[a * n + outside])) {
                        outside = j;
                    }
                }
                ta[count] = a;
                tp[count] = p;
                tn[count] = outside >= 0 ? outside : farthest;
                count++;
            }
        }
        Checks.argument(count > 0, "no triplet can be mined from the %d rows: no row has both a positive (another row "
                + "with its label) and a negative (a row with another label)", n);
        return new Triplets(Arrays.copyOf(ta, count), Arrays.copyOf(tp, count), Arrays.copyOf(tn, count));
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
