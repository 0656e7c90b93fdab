package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * In-batch InfoNCE (van den Oord, Li &amp; Vinyals 2018, "Representation Learning with Contrastive Predictive Coding")
 * as a DJL {@link ai.djl.training.loss.Loss}, and through {@link #clip()} the symmetric CLIP loss (Radford et al. 2021,
 * "Learning Transferable Visual Models From Natural Language Supervision"). Computed with NDArray operations only, so
 * it runs on any DJL engine and device and autograd gives every gradient; it equals
 * {@link org.contrast4j.loss.InfoNce} on in-batch inputs.
 *
 * <p>With anchors a and positives p (N×D, row i of p the positive of a_i), logits l_ij = scale·sim(a_i, p_j):
 * <pre>
 *   ℓ_i = −l_ii + log Σ_j e^{l_ij}                         (anchor → positive)
 *   ℓ_i = ½(ℓ_i^{a→p} + ℓ_i^{p→a}),  ℓ_i^{p→a} = −l_ii + log Σ_j e^{l_ji}     (symmetric)
 * </pre>
 * scale = min(1/τ, max logit scale). The log-sum-exp subtracts the row maximum, so any τ (down to 1e-3) and logits up
 * to 1e4 stay finite.
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [anchors (N×D), positives (N×D)]}, followed by {@code log τ} (a
 * one-element array) when the temperature is learnable — e.g. the output of a {@link TwoViewBlock} whose log τ is a
 * model parameter, so the optimiser updates it and autograd gives ∂L/∂log τ (0 while the scale is clamped, as
 * {@code logit_scale.clamp(max=100)} in open_clip). Labels are not used; DJL's {@code EasyTrain.trainBatch} reads
 * {@code labels.get(0)}, so the dataset must still supply one label array (any, e.g. the class ids).
 *
 * <p>Configured by a core {@link InfoNce} ({@link #of}); needs N ≥ 2.
 */
public final class InfoNceLoss extends EmbeddingLoss {
    private static final String DISPLAY = "InfoNCE";
    private final boolean symmetric;

    private InfoNceLoss(InfoNce core, String name) {
        super(DISPLAY, core, name, core.temperature(), core.learnableTemperature(), core.maxLogitScale(),
                core.similarity(), core.reduction());
        this.symmetric = core.symmetric();
    }

    /**
     * The DJL form of a core {@link InfoNce}, with its temperature (fixed, or learnable: then only the suggested
     * initial value), logit-scale clamp, symmetry, similarity and reduction. CLIP:
     * {@code InfoNceLoss.of(InfoNce.clip().build(), "CLIP")}, predictions {@code [anchors, positives, log τ]}. Core
     * settings that concern batches this loss never sees (the engine and its threads) do not apply; labels are not
     * used.
     */
    public static InfoNceLoss of(InfoNce loss) {
        return of(loss, DISPLAY);
    }

    /** As {@link #of(InfoNce)}, shown by DJL's training listeners as {@code name} (not blank). */
    public static InfoNceLoss of(InfoNce loss, String name) {
        return new InfoNceLoss(Checks.notNull(loss, "loss"), name);
    }

    /** Whether both directions are averaged. */
    public boolean symmetric() {
        return symmetric;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 2, 2, 2);
        NDArray a = Nd.prepare(e[0], similarity);
        NDArray p = Nd.prepare(e[1], similarity);
        NDArray logits = logits(a.matMul(p.transpose()), predictions);
        NDArray positive = logits.diagonal();
        NDArray perRow = Nd.logSumExp(logits, null).sub(positive);
        if (symmetric) {
            NDArray reverse = Nd.logSumExp(logits.transpose(), null).sub(positive);
            perRow = perRow.add(reverse).mul(0.5f);
        }
        return reduce(perRow);
    }
}
