package org.contrast4j.metric;

/**
 * Collapse diagnostics of a set of N embeddings of dimension D, as computed by {@link Collapse#of}.
 *
 * @param meanCosine mean cosine similarity over the N(N−1)/2 pairs i &lt; j, always of the L2-normalised rows, in
 *     [−1/(N−1), 1]: 1 when every row points the same way (complete collapse), near 0 for rows spread over the sphere
 * @param effectiveRank exp of the Shannon entropy of the normalised eigenvalues of the D×D covariance (Roy &amp;
 *     Vetterli 2007), in [1, min(N−1, D)]: about k for data spread evenly over k directions, 1 for data on one line;
 *     defined as 1 when the covariance is zero (all rows equal)
 * @param minDimStd the smallest per-dimension standard deviation (population, over the rows); 0 means some
 *     dimension is constant, i.e. collapsed
 * @param meanDimStd the mean over the D dimensions of the per-dimension standard deviations; for L2-normalised rows
 *     spread evenly over the sphere it is about 1/√D (Chen &amp; He 2021), and it falls towards 0 under collapse
 */
public record CollapseReport(double meanCosine, double effectiveRank, double minDimStd, double meanDimStd) {
}
