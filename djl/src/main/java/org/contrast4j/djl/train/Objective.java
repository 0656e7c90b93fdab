package org.contrast4j.djl.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The training objective of the {@link ImageTrainer}, applied to the projection-head outputs z₁, z₂ (N×P each) of the
 * two augmented views of a batch of N images:
 * <ul>
 *   <li>{@link #NTXENT} — NT-Xent / InfoNCE of SimCLR (Chen et al. 2020), core {@link org.contrast4j.loss.NtXent};</li>
 *   <li>{@link #SUPCON} — supervised contrastive loss with the class labels (Khosla et al. 2020), core
 *       {@link org.contrast4j.loss.SupCon} on [z₁; z₂] with the labels repeated;</li>
 *   <li>{@link #DCL} — decoupled contrastive learning (Yeh et al. 2022), core {@link org.contrast4j.loss.Dcl};</li>
 *   <li>{@link #ALIGN_UNIFORM} — Wang &amp; Isola (2020)'s objective L_align(α = 2) + λ·(L_unif(z₁) + L_unif(z₂))/2
 *       with t = 2, λ = 1 on the L2-normalised outputs (their reference code's defaults), core
 *       {@link org.contrast4j.loss.AlignUniform};</li>
 *   <li>{@link #ALIGNMENT_ONLY} — L_align alone, (1/N) Σ_i ‖ẑ₁ᵢ − ẑ₂ᵢ‖² on the normalised outputs: nothing pushes
 *       different images apart, so it is minimised by mapping everything to one point (collapse).</li>
 * </ul>
 * The first three take a temperature τ (fixed or learnable); the last two have none.
 */
public enum Objective {
    /** NT-Xent (SimCLR's InfoNCE over 2N − 1 candidates). */
    NTXENT("ntxent", true),
    /** Supervised contrastive loss (uses the labels). */
    SUPCON("supcon", true),
    /** Decoupled contrastive loss (the positive left out of the denominator). */
    DCL("dcl", true),
    /** Alignment + uniformity (Wang &amp; Isola 2020). */
    ALIGN_UNIFORM("align-uniform", false),
    /** Alignment only: collapses. */
    ALIGNMENT_ONLY("alignment-only", false);

    private final String key;
    private final boolean usesTemperature;

    Objective(String key, boolean usesTemperature) {
        this.key = key;
        this.usesTemperature = usesTemperature;
    }

    /** The name used on the command line and in JSON: {@code ntxent}, {@code supcon}, … */
    public String key() {
        return key;
    }

    /** Whether the objective has a temperature τ (and so may learn it). */
    public boolean usesTemperature() {
        return usesTemperature;
    }

    /** Whether the objective needs the class labels. */
    public boolean usesLabels() {
        return this == SUPCON;
    }

    /**
     * The objective named {@code key} (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Objective of(String key) {
        for (Objective o : values()) {
            if (o.key.equals(key.toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown objective '" + key + "': expected one of "
                + Arrays.stream(values()).map(Objective::key).collect(Collectors.joining(", ")));
    }
}
