package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;

/**
 * Decoupled contrastive learning, DCL and its weighted form DCLW (Yeh et al. 2022, "Decoupled Contrastive Learning",
 * Eq. 6), as a DJL {@link ai.djl.training.loss.Loss} on NDArrays; equals {@link org.contrast4j.loss.Dcl}.
 *
 * <p>The positive pair is removed from the denominator. With z = [a; p] (2N×D), row k's partner k' = k ± N and
 * l_kl = scale·sim(z_k, z_l):
 * <pre>
 *   ℓ_k = −w_k·l_kk' + log Σ_{l ∉ {k, k'}} e^{l_kl}
 * </pre>
 * — one log-sum-exp over the other samples of both views, as the paper's Eq. 6 (not two per-view log-sum-exps).
 * DCL: w_k = 1. DCLW: w_i = 2 − N·softmax_i(sim(a_i, p_i)/σ) over the batch, the same for row i and its partner, a
 * constant (no gradient flows through it). Reduced over the 2N rows.
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [view 1 (N×D), view 2 (N×D)]}, then {@code log τ} when learnable.
 * Labels are not used.
 *
 * <p>Configured by a core {@link Dcl} ({@link #of}); needs N ≥ 2.
 */
public final class DclLoss extends EmbeddingLoss {
    private final boolean weighted;
    private final double sigma;

    private DclLoss(Dcl core, String name) {
        super(display(core), core, name, core.temperature(), core.learnableTemperature(), Double.POSITIVE_INFINITY,
                core.similarity(), core.reduction());
        this.weighted = core.weighted();
        this.sigma = core.sigma();
    }

    private static String display(Dcl core) {
        return Checks.notNull(core, "loss").weighted() ? "DCLW" : "DCL";
    }

    /**
     * The DJL form of a core {@link Dcl}: DCL or DCLW (with its σ), the temperature (fixed or learnable), similarity
     * and reduction. Shown as "DCL" or "DCLW".
     */
    public static DclLoss of(Dcl loss) {
        return of(loss, display(loss));
    }

    /** As {@link #of(Dcl)}, shown by DJL's training listeners as {@code name} (not blank). */
    public static DclLoss of(Dcl loss, String name) {
        return new DclLoss(Checks.notNull(loss, "loss"), name);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 2, 2, 2);
        int n = Math.toIntExact(e[0].getShape().get(0));
        NDArray a = Nd.prepare(e[0], similarity);
        NDArray p = Nd.prepare(e[1], similarity);
        NDArray z = NDArrays.concat(new NDList(a, p));
        NDArray logits = logits(z.matMul(z.transpose()), predictions);
        NDArray partner = Nd.partners(z, n);
        NDArray candidates = Nd.eye(z, 2 * n).logicalOr(partner).logicalNot();
        NDArray positive = Nd.rowSum(logits, Nd.asWeights(partner, logits));
        if (weighted) {
            NDArray w = a.mul(p).sum(new int[] {1}).div((float) sigma).softmax(0).mul(-n).add(2f).stopGradient();
            positive = positive.mul(NDArrays.concat(new NDList(w, w)));
        }
        return reduce(Nd.logSumExp(logits, candidates).sub(positive));
    }
}
