/**
 * contrast4j for DJL (Deep Java Library): contrastive losses as DJL {@link ai.djl.training.loss.Loss}es, computed with
 * NDArray operations only (any engine, any device, autograd gradients), a model block that feeds them, and the
 * embedding-gradient bridge {@link org.contrast4j.djl.GradCache} that trains any DJL encoder with a core loss over a
 * batch of any size, one chunk of the encoder's memory at a time.
 *
 * <p><b>Losses</b>, each made from the core loss it computes and configured by it alone ({@code
 * InfoNceLoss.of(InfoNce.builder().temperature(0.07).build())}: one builder, one validation), and what they read from a
 * Trainer's predictions — the N×D embeddings first, then the learnable scalars (one-element arrays), log τ before b:
 * <ul>
 *   <li>{@link org.contrast4j.djl.InfoNceLoss}: {@code [anchors, positives(, log τ)]}; CLIP via
 *       {@code InfoNceLoss.of(InfoNce.clip().build(), "CLIP")} (symmetric, learnable τ, logit scale clamped at
 *       100);</li>
 *   <li>{@link org.contrast4j.djl.NtXentLoss} and {@link org.contrast4j.djl.DclLoss} (DCL / DCLW):
 *       {@code [view 1, view 2(, log τ)]};</li>
 *   <li>{@link org.contrast4j.djl.SupConLoss}: {@code [view 1(, view 2)(, log τ)]}, labels {@code [class ids]};</li>
 *   <li>{@link org.contrast4j.djl.SigLipLoss}: {@code [anchors, positives(, log τ)(, b)]};</li>
 *   <li>{@link org.contrast4j.djl.AlignUniformLoss} (Wang &amp; Isola): {@code [view 1, view 2]}.</li>
 * </ul>
 * Only SupCon reads labels; DJL's {@code EasyTrain.trainBatch} still needs one label array in every batch. Each loss
 * equals its core counterpart in {@code org.contrast4j.loss} (value and gradients, float32 rounding apart); masked log-sum-exps subtract the row maximum and fill masked entries with −1e30, so τ = 1e-3 stays finite.
 * {@link org.contrast4j.djl.TwoViewBlock} wraps an encoder so the model outputs exactly these predictions, with log τ
 * and b as parameters of the model.
 *
 * <p><b>The bridge</b>: {@code new GradCache(coreLoss, chunkSize).step(GradCache.Encoder.of(trainer), viewsA, viewsB)}
 * then {@code trainer.step()}; the encoder must be deterministic between its two passes (no dropout, no training-mode
 * batch norm) — see {@link org.contrast4j.djl.GradCache}.
 */
package org.contrast4j.djl;
