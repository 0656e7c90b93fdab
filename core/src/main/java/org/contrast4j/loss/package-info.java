/**
 * Contrastive losses, and the class-scoring losses of the NCE family, with exact gradients.
 *
 * <p>One contract: a {@link org.contrast4j.loss.ContrastiveLoss} takes a validated
 * {@link org.contrast4j.loss.Batch} (anchors, positives, shared or paired negatives, labels) and returns one immutable
 * {@link org.contrast4j.loss.LossResult}: the reduced value, per-row losses, skipped rows, the gradient with respect to
 * every raw input (through the cosine normalisation) and every learnable scalar, and named sub-terms.
 *
 * <table>
 *   <caption>Losses</caption>
 *   <tr><th>class</th><th>loss</th><th>paper</th></tr>
 *   <tr><td>{@link org.contrast4j.loss.InfoNce}</td><td>InfoNCE; {@code InfoNce.clip()} the CLIP loss</td>
 *       <td>van den Oord et al. 2018; Radford et al. 2021</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.NtXent}</td><td>NT-Xent (SimCLR)</td><td>Chen et al. 2020</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.SupCon}</td><td>supervised contrastive, L_out</td>
 *       <td>Khosla et al. 2020</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.SigLip}</td><td>pairwise sigmoid loss</td><td>Zhai et al. 2023</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.Dcl}</td><td>DCL and DCLW (decoupled)</td><td>Yeh et al. 2022</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.MarginContrastive}</td><td>margin contrastive loss</td><td>Hadsell et al. 2006</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.Triplet}</td><td>triplet margin loss (hinge or softplus)</td>
 *       <td>Schroff et al. 2015; Hermans et al. 2017</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.AlignUniform}</td><td>alignment + uniformity (λ = 0: alignment only)</td>
 *       <td>Wang &amp; Isola 2020</td></tr>
 * </table>
 *
 * <p>Wrappers, themselves {@link org.contrast4j.loss.ContrastiveLoss}es: {@link org.contrast4j.loss.Matryoshka} sums
 * any loss over nested prefix dimensions (Kusupati et al. 2022); {@link org.contrast4j.loss.Mined} computes
 * {@link org.contrast4j.loss.Triplet} or {@link org.contrast4j.loss.MarginContrastive} on the triplets a
 * {@link org.contrast4j.loss.TripletMiner} picks from a labelled batch (batch-hard, Hermans et al. 2017; semi-hard,
 * Schroff et al. 2015).
 *
 * <p>A loss of your own implements {@link org.contrast4j.loss.ContrastiveLoss} and returns a result built with
 * {@link org.contrast4j.loss.LossResult#builder(org.contrast4j.loss.Batch)}, which checks each gradient against the
 * batch's inputs (present, same shape, finite) and every number for finiteness.
 *
 * <p>A second contract for a query scored against a table of V classes, s(c|h) = h·W_c + b_c (word, item or
 * retrieval embeddings): a {@link org.contrast4j.loss.ClassScoringLoss} takes a validated
 * {@link org.contrast4j.loss.ClassBatch} (queries, class table, optional bias, targets, sampled classes shared or per
 * query, noise distribution or expected counts) and returns a {@link org.contrast4j.loss.ClassLossResult} whose
 * class-table and bias gradients are sparse ({@link org.contrast4j.loss.SparseRows},
 * {@link org.contrast4j.loss.SparseVector}: only the touched rows, with their class ids), so a table of 10⁶ classes is
 * never touched densely except by the full softmax.
 *
 * <table>
 *   <caption>Class-scoring losses</caption>
 *   <tr><th>class</th><th>loss</th><th>paper</th></tr>
 *   <tr><td>{@link org.contrast4j.loss.FullSoftmax}</td><td>softmax cross-entropy over all V classes (the exact
 *       baseline)</td><td>—</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.Nce}</td><td>noise-contrastive estimation, optional learned log Z</td>
 *       <td>Gutmann &amp; Hyvärinen 2010; Mnih &amp; Teh 2012</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.NegativeSampling}</td><td>negative sampling (NCE without log(k·q))</td>
 *       <td>Mikolov et al. 2013</td></tr>
 *   <tr><td>{@link org.contrast4j.loss.SampledSoftmax}</td><td>sampled softmax with the log E(c) correction and
 *       accidental-hit removal</td><td>Jean et al. 2015</td></tr>
 * </table>
 *
 * <p>Numerics: max-subtracted log-sum-exps in double, masked candidates never exponentiated, finite values and
 * gradients for τ from 1e-3 to 10 and logits up to 1e4. The softmax-type losses share one row kernel
 * ({@code SoftmaxRows}); their N×N similarity matrices are formed densely by the {@link org.contrast4j.linalg.Kernels}
 * facade — except on the tiled engine ({@link org.contrast4j.loss.Engine}), which InfoNCE / CLIP, NT-Xent, SupCon and
 * DCL / DCLW use from 128 pairs on and which never forms them (memory O(N·D)). The losses that have only a dense form
 * (SigLIP, margin, triplet with shared negatives, InfoNCE with explicit negatives) refuse a batch whose matrices would
 * not fit a Java array or the heap before allocating anything, naming the size.
 */
package org.contrast4j.loss;
