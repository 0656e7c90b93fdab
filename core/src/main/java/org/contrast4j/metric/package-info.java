/**
 * Metrics that tell whether a representation is any good, all on float32 N×D embeddings ({@link
 * org.contrast4j.linalg.Matrix}, row i = example i), computed in double with max-subtracted log-sum-exp. Unless a
 * method says otherwise, rows are L2-normalised first, x̂ = x / max(‖x‖₂, 1e-12) (as {@code F.normalize} and
 * {@link org.contrast4j.similarity.Similarity#COSINE}).
 * <ul>
 *   <li>{@link org.contrast4j.metric.Alignment}: L_align = (1/N) Σ_i ‖x_i − y_i‖₂^α, α = 2 (Wang &amp; Isola,
 *       "Understanding Contrastive Representation Learning through Alignment and Uniformity on the Hypersphere",
 *       ICML 2020). Lower is better.</li>
 *   <li>{@link org.contrast4j.metric.Uniformity}: L_unif = log (2/(N(N−1))) Σ_{i&lt;j} exp(−t‖x_i − x_j‖₂²), t = 2
 *       (Wang &amp; Isola 2020): exact in row tiles without the N×N matrix, or a seeded estimate from sampled pairs.
 *       0 = total collapse; lower is better.</li>
 *   <li>{@link org.contrast4j.metric.Collapse} → {@link org.contrast4j.metric.CollapseReport}: mean pairwise cosine
 *       (in O(N·D) from ‖Σ_i x̂_i‖²), per-dimension standard deviation (minimum, mean; Chen &amp; He 2021), and the
 *       effective rank exp(−Σ_k p_k log p_k), p_k = λ_k / Σ λ, of the covariance eigenvalues (Roy &amp; Vetterli,
 *       "The effective rank", EUSIPCO 2007; the entropy RankMe uses, Garrido et al., ICML 2023).</li>
 *   <li>{@link org.contrast4j.metric.Hardness} → {@link org.contrast4j.metric.HardnessReport}: how the in-batch
 *       InfoNCE softmax at temperature τ spreads over the negatives — effective number of negatives exp(H(q)),
 *       top-1 and top-10 shares of the negative weight, the positive's probability and the loss
 *       L = −(1/N) Σ_i log p_pos(i) (Wang &amp; Liu, "Understanding the Behaviour of Contrastive Loss", CVPR 2021).</li>
 *   <li>{@link org.contrast4j.metric.MutualInformation}: I(X; Y) ≥ log N − L (nats), L the one-way in-batch InfoNCE
 *       with cosine similarity at τ (van den Oord et al. 2018; Poole et al., "On Variational Bounds of Mutual
 *       Information", ICML 2019); at most log N.</li>
 * </ul>
 * Every method checks its input and throws {@link IllegalArgumentException} naming the problem: too few rows (with
 * the shape), dimension 0, differing shapes (naming both), the first NaN or infinite entry (row, column, value), a
 * parameter that is not &gt; 0 and finite. The products go through {@link org.contrast4j.linalg.Kernels}; methods are
 * stateless and thread-safe, and results are immutable records or doubles.
 */
package org.contrast4j.metric;
