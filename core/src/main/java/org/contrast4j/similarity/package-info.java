/**
 * How embeddings are compared: {@link org.contrast4j.similarity.Similarity#COSINE} (dot product of L2-normalised
 * rows, norm floor 1e-12 as PyTorch's {@code F.normalize}) or {@link org.contrast4j.similarity.Similarity#DOT}, with
 * the backward pass through the normalisation so that losses report gradients with respect to raw inputs.
 */
package org.contrast4j.similarity;
