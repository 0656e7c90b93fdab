package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen, Kornblith, Norouzi &amp; Hinton 2020,
 * "A Simple Framework for Contrastive Learning of Visual Representations"), as a DJL
 * {@link ai.djl.training.loss.Loss} on NDArrays; equals {@link org.contrast4j.loss.NtXent}.
 *
 * <p>The two views a and p (N×D) are stacked into z = [a; p] (2N×D); row k's positive is its partner k' = k ± N and
 * every other row is a negative. With l_kl = scale·sim(z_k, z_l), scale = 1/τ:
 * <pre>
 *   ℓ_k = −l_kk' + log Σ_{l ≠ k} e^{l_kl}
 * </pre>
 * reduced over the 2N rows (per-row vector for {@link Reduction#NONE}: rows 0…N−1 the anchors, N…2N−1 the positives).
 * The self-similarity is removed by a masked, max-subtracted log-sum-exp, finite at any τ.
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [view 1 (N×D), view 2 (N×D)]}, then {@code log τ} (one element)
 * when the temperature is learnable (e.g. from a {@link TwoViewBlock}). Labels are not used (DJL's
 * {@code EasyTrain} still needs one label array, any will do).
 *
 * <p>Configured by a core {@link NtXent} ({@link #of}); needs N ≥ 2.
 */
public final class NtXentLoss extends EmbeddingLoss {
    private static final String DISPLAY = "NT-Xent";

    private NtXentLoss(NtXent core, String name) {
        super(DISPLAY, core, name, core.temperature(), core.learnableTemperature(), Double.POSITIVE_INFINITY,
                core.similarity(), core.reduction());
    }

    /** The DJL form of a core {@link NtXent}: its temperature (fixed or learnable), similarity and reduction. */
    public static NtXentLoss of(NtXent loss) {
        return of(loss, DISPLAY);
    }

    /** As {@link #of(NtXent)}, shown by DJL's training listeners as {@code name} (not blank). */
    public static NtXentLoss of(NtXent loss, String name) {
        return new NtXentLoss(Checks.notNull(loss, "loss"), name);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 2, 2, 2);
        int n = Math.toIntExact(e[0].getShape().get(0));
        NDArray z = NDArrays.concat(new NDList(Nd.prepare(e[0], similarity), Nd.prepare(e[1], similarity)));
        NDArray logits = logits(z.matMul(z.transpose()), predictions);
        NDArray notSelf = Nd.eye(z, 2 * n).logicalNot();
        NDArray positive = Nd.rowSum(logits, Nd.asWeights(Nd.partners(z, n), logits));
        return reduce(Nd.logSumExp(logits, notSelf).sub(positive));
    }
}
