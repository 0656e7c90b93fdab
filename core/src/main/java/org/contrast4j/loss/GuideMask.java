package org.contrast4j.loss;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * GISTEmbed's guide mask (Solatorio 2024) for the self-similarity losses over z = [a; p] (NT-Xent, DCL/DCLW, SupCon
 * with positives). With the guide rows stacked the same way, ĝ = [ĝa; ĝp] (each row unit length) and
 * H = ĝ·ĝᵀ (2N×2N), row k's threshold is the guide similarity of its own pair, H_{k,k'} = cos(ga_i, gp_i) for both
 * k = i and k = i + N; a negative l of row k (a candidate with target 0, l ∉ {k, k'}) is removed when
 * H_kl &gt; H_{k,k'} − m. This is GISTEmbedLoss's mask on its anchor–positive, anchor–anchor and positive–positive
 * blocks, and, for the rows of the positives that NT-Xent and DCL also have, on the transposed blocks.
 */
final class GuideMask {
    private GuideMask() {
    }

    /** Bytes per entry of the 2N×2N matrix the mask adds to a dense computation (H, floats). */
    static final int BYTES_PER_ENTRY = 4;

    /** H = ĝ·ĝᵀ, row-major 2N×2N, for ĝ = [cos-prepared guide anchors; cos-prepared guide positives]. */
    static float[] similarity(Batch batch) {
        Matrix g = Blocks.stack(Similarity.COSINE.prepare(batch.guideAnchorsOrNull()),
                Similarity.COSINE.prepare(batch.guidePositivesOrNull()));
        return Kernels.multiplyTransposed(g, g).data();
    }

    /**
     * Removes the guide's false negatives from {@code candidate} (rows×rows) in place.
     *
     * @param h         H from {@link #similarity}
     * @param partner   k' of every row (its own pair)
     * @param target    the loss's targets: a candidate with target ≠ 0 is a positive and is never masked
     * @return the rows that had a negative before the mask and have none after (to be skipped), or null if none
     */
    static boolean[] apply(float[] h, int rows, int[] partner, double margin, float[] target, boolean[] candidate) {
        boolean[] emptied = null;
        for (int k = 0; k < rows; k++) {
            int off = k * rows;
            double threshold = (double) h[off + partner[k]] - margin;
            boolean before = false;
            boolean after = false;
            for (int l = 0; l < rows; l++) {
                if (l == k || l == partner[k] || !candidate[off + l] || target[off + l] != 0f) {
                    continue;
                }
                before = true;
                if (h[off + l] > threshold) {
                    candidate[off + l] = false;
                } else {
                    after = true;
                }
            }
            if (before && !after) {
                if (emptied == null) {
                    emptied = new boolean[rows];
                }
                emptied[k] = true;
            }
        }
        return emptied;
    }

    /** The number of true entries, 0 for null. */
    static int count(boolean[] flags) {
        int c = 0;
        for (int i = 0; flags != null && i < flags.length; i++) {
            c += flags[i] ? 1 : 0;
        }
        return c;
    }
}
