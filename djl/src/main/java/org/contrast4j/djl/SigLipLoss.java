package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.SigLip;
import org.contrast4j.similarity.Similarity;

/**
 * The pairwise sigmoid loss of SigLIP (Zhai, Mustafa, Kolesnikov &amp; Beyer 2023, "Sigmoid Loss for Language Image
 * Pre-Training"), as a DJL {@link ai.djl.training.loss.Loss} on NDArrays; equals {@link org.contrast4j.loss.SigLip}.
 *
 * <p>Every anchor–candidate pair is an independent binary classification. With anchors a and positives p (N×D):
 * <pre>
 *   s_ij = sim(a_i, p_j)/τ + b,     z_ij = +1 if i = j, −1 otherwise
 *   ℓ_i  = Σ_j softplus(−z_ij·s_ij) = −Σ_j log σ(z_ij·s_ij)
 * </pre>
 * so {@link Reduction#MEAN} gives the paper's −(1/N)·Σ_i Σ_j log σ(z_ij·s_ij). softplus(x) = max(x, 0) +
 * log(1 + e^−|x|) is finite for any logit.
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [anchors (N×D), positives (N×D)]}, then {@code log τ} when the
 * temperature is learnable, then {@code b} when the bias is learnable (each one element; a {@link TwoViewBlock} built
 * with {@link TwoViewBlock#forLoss} supplies both as parameters starting at this loss's τ and b). The paper learns
 * t' = log(1/τ) = −log τ, the same parameter up to sign. Labels are not used.
 *
 * <p>Configured by a core {@link SigLip} ({@link #of}; its defaults are the paper's initialisation, τ = 0.1 and
 * b = −10). N = 1 is allowed (a single positive pair).
 */
public final class SigLipLoss extends EmbeddingLoss {
    private static final String DISPLAY = "SigLIP";
    private final double bias;
    private final boolean learnableBias;

    private SigLipLoss(SigLip core, String name) {
        super(DISPLAY, core, name, core.temperature(), core.learnableTemperature(), Double.POSITIVE_INFINITY,
                core.similarity(), core.reduction());
        this.bias = core.bias();
        this.learnableBias = core.learnableBias();
    }

    /**
     * The DJL form of a core {@link SigLip}: its temperature and bias (each fixed, or learnable: then only the
     * suggested initial value), similarity and reduction.
     */
    public static SigLipLoss of(SigLip loss) {
        return of(loss, DISPLAY);
    }

    /** As {@link #of(SigLip)}, shown by DJL's training listeners as {@code name} (not blank). */
    public static SigLipLoss of(SigLip loss, String name) {
        return new SigLipLoss(Checks.notNull(loss, "loss"), name);
    }

    /** The fixed bias b, or when learnable the suggested initial value. */
    public double bias() {
        return bias;
    }

    /** Whether b is read from the predictions. */
    public boolean learnableBias() {
        return learnableBias;
    }

    @Override
    int scalarCount() {
        return super.scalarCount() + (learnableBias ? 1 : 0);
    }

    @Override
    String scalarNames() {
        return learnableTemperature && learnableBias ? "log τ, b" : learnableBias ? "b" : "log τ";
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 2, 2, 1);
        int n = Math.toIntExact(e[0].getShape().get(0));
        NDArray a = Nd.prepare(e[0], similarity);
        NDArray p = Nd.prepare(e[1], similarity);
        NDArray s = logits(a.matMul(p.transpose()), predictions);
        s = learnableBias ? s.add(scalar(predictions, scalarCount() - 1, "bias")) : s.add((float) bias);
        // −z·s: −s on the diagonal, +s elsewhere
        NDArray sign = Nd.asWeights(Nd.eye(s, n), s).mul(2f).sub(1f);
        NDArray perRow = Nd.softplus(s.mul(sign).neg()).sum(new int[] {1});
        return reduce(perRow);
    }
}
