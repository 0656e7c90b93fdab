/**
 * Contrastive training of image encoders with DJL: {@link org.contrast4j.djl.train.ImageTrainer} (SimCLR-style
 * two-view training with the core losses, Adam, atomic checkpoints and exact resume), its
 * {@link org.contrast4j.djl.train.TrainingConfig}, the {@link org.contrast4j.djl.train.Objective objectives} and
 * {@link org.contrast4j.djl.train.EncoderKind encoders}, and the held-out
 * {@link org.contrast4j.djl.train.Evaluation} (kNN and linear-probe accuracy on the encoder output; alignment,
 * uniformity, effective rank and temperature hardness on the projection-head output) with its
 * {@link org.contrast4j.djl.train.Baselines raw-pixel baseline}.
 */
package org.contrast4j.djl.train;
