package org.contrast4j.metric;

import java.util.Arrays;
import org.contrast4j.linalg.Matrix;

/**
 * Temperature hardness of in-batch InfoNCE (Wang &amp; Liu, "Understanding the Behaviour of Contrastive Loss", CVPR
 * 2021): the gradient InfoNCE puts on negative j of anchor i is proportional to its softmax weight, so a small
 * temperature concentrates the gradient on the hardest few negatives and a large one spreads it evenly.
 *
 * <p>Anchor i is row i of {@code anchors} (N×D); its candidates are all N rows of {@code candidates} (N×D): the
 * positive is candidate i and the negatives are the N − 1 candidates j ≠ i. The logits are l_ij = s(x_i, y_j)/τ,
 * s the cosine similarity ({@code normalize = true}: rows L2-normalised with norm floor 1e-12) or the dot product of
 * the raw rows ({@code false}). Per anchor, with q_j = exp(l_ij) / Σ_{k≠i} exp(l_ik) the softmax over the negatives:
 * <ul>
 *   <li>effective number of negatives exp(−Σ_{j≠i} q_j log q_j), in [1, N − 1];</li>
 *   <li>top-1 share max_j q_j and top-10 share (sum of the 10 largest q_j; all of them when N − 1 ≤ 10);</li>
 *   <li>positive probability p_pos(i) = exp(l_ii) / Σ_j exp(l_ij) over all N candidates.</li>
 * </ul>
 * The {@link HardnessReport} holds the mean and 10th/50th/90th percentiles of each over the anchors, and the one-way
 * InfoNCE loss L = −(1/N) Σ_i log p_pos(i) (van den Oord et al. 2018).
 *
 * <p>Everything is computed in double with the maximum subtracted before exponentiating, so results are finite for
 * any τ &gt; 0 (e.g. τ = 1e-3 with identical rows). Anchors are processed in blocks of at most 256 rows (fewer when N
 * is so large that a block×N buffer would pass 2^22 floats): one float32 product per block, memory O(block·N). The 10
 * hardest negatives of a row are found by a partial selection into a 10-slot buffer (O(N) per row), not a sort.
 */
public final class Hardness {
    /** How many of the hardest negatives the top-k share sums: {@value}. */
    public static final int TOP_K = 10;

    private Hardness() {
    }

    /**
     * Hardness statistics of the in-batch softmax at temperature τ.
     *
     * @param anchors N×D, N ≥ 2, D ≥ 1, finite
     * @param candidates N×D, row i the positive of anchor i and a negative of every other anchor
     * @param temperature τ &gt; 0 and finite
     * @param normalize cosine similarity (true) or dot product of the raw rows (false)
     * @return per-anchor statistics summarised over the anchors, and the InfoNCE loss
     * @throws IllegalArgumentException when N &lt; 2, the shapes differ (naming both), an entry is NaN or infinite
     *     (naming its row, column and value), or τ is not &gt; 0 and finite
     */
    public static HardnessReport of(Matrix anchors, Matrix candidates, double temperature, boolean normalize) {
        return of(anchors, candidates, temperature, normalize, Blocks.DEFAULT_BLOCK);
    }

    static HardnessReport of(Matrix anchors, Matrix candidates, double temperature, boolean normalize, int block) {
        InBatchLogits.check(anchors, "anchors", candidates, "candidates", temperature);
        int n = anchors.rows();
        double[] effective = new double[n];
        double[] top1 = new double[n];
        double[] topK = new double[n];
        double[] positive = new double[n];
        double[] lossSum = new double[1];
        int k = Math.min(TOP_K, n - 1);
        double[] best = new double[k];
        InBatchLogits.forEachRow(anchors, candidates, temperature, normalize, block,
                (i, l) -> {
                    // the hardest k negatives (ascending in best[]) and their maximum m
                    Arrays.fill(best, Double.NEGATIVE_INFINITY);
                    for (int j = 0; j < l.length; j++) {
                        if (j != i && l[j] > best[0]) {
                            insert(best, l[j]);
                        }
                    }
                    double m = best[k - 1];
                    double z = 0;        // Σ_{j≠i} exp(l_j − m), ≥ 1
                    double weighted = 0; // Σ_{j≠i} exp(l_j − m)·(l_j − m)
                    for (int j = 0; j < l.length; j++) {
                        if (j != i) {
                            double u = l[j] - m;
                            double e = Math.exp(u);
                            z += e;
                            weighted += e * u;
                        }
                    }
                    double entropy = Math.max(0.0, Math.log(z) - weighted / z);
                    effective[i] = Math.exp(entropy);
                    top1[i] = 1.0 / z;
                    double kept = 0;
                    for (double v : best) {
                        kept += Math.exp(v - m);
                    }
                    topK[i] = Math.min(1.0, kept / z);
                    // log Σ_all exp(l_j) from the negatives' partial sum and the positive
                    double top = Math.max(m, l[i]);
                    double logAll = top + Math.log(z * Math.exp(m - top) + Math.exp(l[i] - top));
                    double loss = logAll - l[i];
                    lossSum[0] += loss;
                    positive[i] = Math.exp(-loss);
                });
        return new HardnessReport(temperature, n - 1, summary(effective), summary(top1), summary(topK),
                summary(positive), lossSum[0] / n);
    }

    /** Inserts v into the ascending array best[] (v &gt; best[0]), dropping the smallest. */
    private static void insert(double[] best, double v) {
        int p = 0;
        while (p + 1 < best.length && best[p + 1] < v) {
            best[p] = best[p + 1];
            p++;
        }
        best[p] = v;
    }

    static HardnessReport.Summary summary(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new HardnessReport.Summary(sum / values.length, quantile(sorted, 0.1), quantile(sorted, 0.5),
                quantile(sorted, 0.9));
    }

    /** Linear interpolation at position q·(n − 1) of ascending values (NumPy's default). */
    static double quantile(double[] sorted, double q) {
        double h = q * (sorted.length - 1);
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
