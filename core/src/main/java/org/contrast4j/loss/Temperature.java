package org.contrast4j.loss;

import org.contrast4j.internal.Checks;

/**
 * A loss's temperature τ: fixed or learnable, with an optional maximum logit scale (CLIP clamps 1/τ at 100). The
 * logits are sim/τ; when 1/τ exceeds the maximum the scale is the maximum and the temperature gradient is 0, as
 * {@code logit_scale.clamp(max=100)} in open_clip.
 */
record Temperature(double tau, boolean learnable, double maxLogitScale) {

    Temperature {
        Checks.positive(tau, "temperature");
        if (!(maxLogitScale > 0)) {
            throw new IllegalArgumentException("maximum logit scale must be > 0, was " + maxLogitScale);
        }
    }

    static Temperature fixed(double tau) {
        return new Temperature(tau, false, Double.POSITIVE_INFINITY);
    }

    Temperature withTau(double newTau) {
        return new Temperature(newTau, learnable, maxLogitScale);
    }

    Temperature withLearnable(boolean newLearnable) {
        return new Temperature(tau, newLearnable, maxLogitScale);
    }

    Temperature withMaxLogitScale(double newMax) {
        return new Temperature(tau, learnable, newMax);
    }

    /** Whether 1/τ is above the maximum logit scale. */
    boolean clamped() {
        return 1.0 / tau > maxLogitScale;
    }

    /** The factor the similarities are multiplied by: min(1/τ, max logit scale). */
    double scale() {
        return clamped() ? maxLogitScale : 1.0 / tau;
    }

    /**
     * ∂L/∂(log τ) given Σ ∂L/∂logit · logit over every logit of the form sim·scale: since logit = sim/τ,
     * ∂logit/∂(log τ) = −logit. Zero when clamped.
     */
    double logTemperatureGradient(double sumGradTimesLogit) {
        return clamped() ? 0.0 : -sumGradTimesLogit;
    }

    @Override
    public String toString() {
        return "temperature=" + tau + ", learnableTemperature=" + learnable
                + (Double.isInfinite(maxLogitScale) ? "" : ", maxLogitScale=" + maxLogitScale);
    }
}
