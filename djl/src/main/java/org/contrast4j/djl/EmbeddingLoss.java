package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * The part every DJL contrastive loss shares: reading the embeddings and the learnable scalars out of the predictions,
 * validating them with precise messages, the temperature as a logit scale, and the reduction.
 *
 * <p>Predictions are {@code [embeddings…, log τ (if learnable), b (if learnable)]}: the leading entries are N×D
 * embedding matrices, the trailing ones one-element arrays holding the learnable scalars in that order.
 */
abstract class EmbeddingLoss extends Loss {
    final String display;
    final double temperature;
    final boolean learnableTemperature;
    final double maxLogitScale;
    final Similarity similarity;
    final Reduction reduction;

    EmbeddingLoss(String display, Builder<?> b) {
        super(b.name == null ? display : b.name);
        this.display = display;
        this.temperature = b.temperature;
        this.learnableTemperature = b.learnableTemperature;
        this.maxLogitScale = b.maxLogitScale;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
    }

    /** The fixed τ, or, when the temperature is learnable, the suggested initial τ (see {@link TwoViewBlock}). */
    public double temperature() {
        return temperature;
    }

    /** Whether log τ is read from the predictions. */
    public boolean learnableTemperature() {
        return learnableTemperature;
    }

    /** How many trailing scalar predictions this loss reads (log τ, then b). */
    int scalarCount() {
        return learnableTemperature ? 1 : 0;
    }

    /**
     * The N×D embeddings at the head of the predictions, checked: between {@code min} and {@code max} of them, each
     * 2-D, all of the same shape, with at least {@code minRows} rows.
     */
    NDArray[] embeddings(NDList predictions, int min, int max, int minRows) {
        return Nd.embeddings(display, predictions, scalarCount(), scalarNames(), min, max, minRows);
    }

    /** The learnable scalar at position {@code k} among the trailing scalars, reshaped to (1). */
    NDArray scalar(NDList predictions, int k, String what) {
        NDArray s = predictions.get(predictions.size() - scalarCount() + k);
        if (s.size() != 1) {
            throw new IllegalArgumentException(display + ": the learnable " + what + " prediction must hold one value, "
                    + "its shape is " + s.getShape());
        }
        return s.reshape(1);
    }

    /** sim·scale with scale = min(1/τ, max logit scale), τ fixed or exp(log τ) from the predictions. */
    NDArray logits(NDArray sim, NDList predictions) {
        if (!learnableTemperature) {
            return sim.mul((float) Math.min(1.0 / temperature, maxLogitScale));
        }
        NDArray scale = scalar(predictions, 0, "log temperature").neg().exp();
        if (Double.isFinite(maxLogitScale)) {
            scale = scale.minimum((float) maxLogitScale);
        }
        return sim.mul(scale);
    }

    /** τ as an NDArray (fixed or exp(log τ)), for losses whose value carries a factor of τ. */
    NDArray tau(NDArray like, NDList predictions) {
        if (!learnableTemperature) {
            return like.getManager().full(new Shape(1), (float) temperature, like.getDataType(), like.getDevice());
        }
        return scalar(predictions, 0, "log temperature").exp();
    }

    /** MEAN over all rows, SUM, or the per-row vector for NONE. */
    NDArray reduce(NDArray perRow) {
        return switch (reduction) {
            case MEAN -> perRow.mean();
            case SUM -> perRow.sum();
            case NONE -> perRow;
        };
    }

    String scalarNames() {
        return "log τ";
    }

    String config() {
        return "temperature=" + temperature + ", learnableTemperature=" + learnableTemperature
                + (Double.isInfinite(maxLogitScale) ? "" : ", maxLogitScale=" + maxLogitScale)
                + ", similarity=" + similarity + ", reduction=" + reduction + ", name=" + getName();
    }

    /**
     * Settings every DJL contrastive loss shares. Setters validate at once.
     *
     * @param <B> the concrete builder, returned by every setter for chaining
     */
    abstract static class Builder<B extends Builder<B>> {
        double temperature = 0.1;
        boolean learnableTemperature;
        double maxLogitScale = Double.POSITIVE_INFINITY;
        Similarity similarity = Similarity.COSINE;
        Reduction reduction = Reduction.MEAN;
        String name;

        abstract B self();

        /** τ &gt; 0 and finite (default 0.1); when learnable, only the suggested initial value. */
        public B temperature(double tau) {
            if (!(tau > 0) || !Double.isFinite(tau)) {
                throw new IllegalArgumentException("temperature must be > 0 and finite, was " + tau);
            }
            this.temperature = tau;
            return self();
        }

        /**
         * Whether log τ is learnable (default false): it is then read from the predictions (the last entry, or the one
         * before the bias), and autograd gives its gradient.
         */
        public B learnableTemperature(boolean learnable) {
            this.learnableTemperature = learnable;
            return self();
        }

        /** How embeddings are compared (default {@link Similarity#COSINE}). */
        public B similarity(Similarity similarity) {
            if (similarity == null) {
                throw new IllegalArgumentException("similarity must not be null");
            }
            this.similarity = similarity;
            return self();
        }

        /** How per-row losses are reduced (default {@link Reduction#MEAN}; NONE returns the per-row vector). */
        public B reduction(Reduction reduction) {
            if (reduction == null) {
                throw new IllegalArgumentException("reduction must not be null");
            }
            this.reduction = reduction;
            return self();
        }

        /** The name DJL's training listeners show (default: the loss's name, e.g. "InfoNCE"). */
        public B name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was \"" + name + "\"");
            }
            this.name = name;
            return self();
        }
    }
}
