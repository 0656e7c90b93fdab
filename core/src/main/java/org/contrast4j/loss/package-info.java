/**
 * Contrastive losses with exact gradients.
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
 * </table>
 *
 * <p>Numerics: max-subtracted log-sum-exps in double, masked candidates never exponentiated, finite values and
 * gradients for τ from 1e-3 to 10 and logits up to 1e4. The softmax-type losses share one row kernel
 * ({@code SoftmaxRows}); their N×N similarity matrices are formed densely by the {@link org.contrast4j.linalg.Kernels}
 * facade.
 */
package org.contrast4j.loss;
