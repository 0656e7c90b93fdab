package org.contrast4j.metric;

/**
 * How the softmax of InfoNCE spreads over the negatives at one temperature, as computed by {@link Hardness#of}. Each
 * per-anchor quantity is summarised over the N anchors by a {@link Summary} (mean and the 10th, 50th and 90th
 * percentiles).
 *
 * @param temperature the temperature τ the logits were divided by
 * @param negatives the number of negatives per anchor, N − 1
 * @param effectiveNegatives exp of the entropy of the softmax over an anchor's negatives: in [1, N − 1]; N − 1 when
 *     the weight is spread evenly (large τ), 1 when a single negative takes it all (small τ)
 * @param top1Share the share of an anchor's negative softmax weight on its hardest negative: in [1/(N − 1), 1]
 * @param top10Share the share on its 10 hardest negatives (all of them when N − 1 ≤ 10, giving 1)
 * @param positiveProbability the softmax probability of the positive among all N candidates, exp(−ℓ_i)
 * @param infoNceLoss the one-way InfoNCE loss L = −(1/N) Σ_i log p_pos(i), ≥ 0
 */
public record HardnessReport(double temperature, int negatives, Summary effectiveNegatives, Summary top1Share,
                             Summary top10Share, Summary positiveProbability, double infoNceLoss) {

    /**
     * The mean and three percentiles of a per-anchor quantity. Percentiles interpolate linearly between the sorted
     * values (position q·(N − 1), NumPy's default "linear" method).
     *
     * @param mean the arithmetic mean over the anchors
     * @param p10 the 10th percentile
     * @param p50 the median
     * @param p90 the 90th percentile
     */
    public record Summary(double mean, double p10, double p50, double p90) {
    }
}
