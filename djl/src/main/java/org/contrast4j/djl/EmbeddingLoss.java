package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * The part every DJL contrastive loss shares: reading the embeddings and the learnable scalars out of the predictions,
 * validating them with precise messages, the temperature as a logit scale, and the reduction. Each loss is made from a
 * core loss ({@code InfoNceLoss.of(InfoNce)}, …) and takes its whole configuration from it, so a configuration is
 * validated in one place, the core builder; {@code toString()} prints the core loss's configuration.
 *
 * <p>Predictions are {@code [embeddings…, log τ (if learnable), b (if learnable)]}: the leading entries are N×D
 * embedding matrices, the trailing ones one-element arrays holding the learnable scalars in that order.
 */
abstract class EmbeddingLoss extends Loss {
    final String display;
    final ContrastiveLoss core;
    final double temperature;
    final boolean learnableTemperature;
    final double maxLogitScale;
    final Similarity similarity;
    final Reduction reduction;

    /**
     * The settings come from the core loss, which validated them when it was built: this class only reads them.
     *
     * @param display the loss's name in messages ("InfoNCE", …)
     * @param core the core loss whose configuration this one computes
     * @param name the name DJL's training listeners show, not blank
     */
    EmbeddingLoss(String display, ContrastiveLoss core, String name, double temperature, boolean learnableTemperature,
                  double maxLogitScale, Similarity similarity, Reduction reduction) {
        super(checkName(name));
        this.display = display;
        this.core = core;
        this.temperature = temperature;
        this.learnableTemperature = learnableTemperature;
        this.maxLogitScale = maxLogitScale;
        this.similarity = similarity;
        this.reduction = reduction;
    }

    static String checkName(String name) {
        Checks.notNull(name, "name");
        Checks.argument(!name.isBlank(), "name must not be blank, was \"%s\"", name);
        return name;
    }

    /** The core loss this one was made from, which holds its configuration and computes it on the JVM. */
    public ContrastiveLoss coreLoss() {
        return core;
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

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + core + ", name=" + getName() + "}";
    }
}
