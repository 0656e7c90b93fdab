/**
 * contrast4j for DJL (Deep Java Library): contrastive losses as DJL {@link ai.djl.training.loss.Loss}es, computed with
 * NDArray operations only (any engine, any device, autograd gradients), and the embedding-gradient bridge
 * {@link org.contrast4j.djl.GradCache} that trains any DJL encoder with a core loss over a batch of any size, one
 * chunk of the encoder's memory at a time.
 *
 * <p>Losses and what they read from a Trainer's predictions (embeddings N×D first, then the learnable scalars):
 * {@link org.contrast4j.djl.InfoNceLoss} ({@code [anchors, positives(, log τ)]}, CLIP via
 * {@link org.contrast4j.djl.InfoNceLoss#clip()}). Each equals its core counterpart in {@code org.contrast4j.loss}
 * (value and gradients, float32 rounding apart).
 *
 * <p>The bridge: {@code new GradCache(coreLoss, chunkSize).step(GradCache.Encoder.of(trainer), viewsA, viewsB)}, then
 * {@code trainer.step()}; the encoder must be deterministic between its two passes (no dropout, no training-mode batch
 * norm) — see {@link org.contrast4j.djl.GradCache}.
 */
package org.contrast4j.djl;
