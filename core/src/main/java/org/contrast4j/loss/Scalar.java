package org.contrast4j.loss;

import java.util.Locale;

/** The learnable scalars a loss can report a gradient for. */
public enum Scalar {
    /** log τ: the gradient ∂L/∂(log τ) lets an optimiser learn the temperature (CLIP learns log(1/τ) = −log τ). */
    LOG_TEMPERATURE,
    /** The additive logit bias b of SigLIP. */
    BIAS,
    /** The learned log-normaliser log Z of {@link Nce} (Gutmann &amp; Hyvärinen 2010), when configured learnable. */
    LOG_NORMALISER;

    /** The lower-case name used in JSON ({@code "log_temperature"}, {@code "bias"}, {@code "log_normaliser"}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
