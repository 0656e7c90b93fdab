package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.AlignUniform;
import org.contrast4j.similarity.Similarity;

/**
 * The alignment + uniformity objective of Wang &amp; Isola 2020 ("Understanding Contrastive Representation Learning
 * through Alignment and Uniformity on the Hypersphere"), as a DJL {@link Loss} on NDArrays:
 * <pre>
 *   L        = L_align(x, y) + λ·(L_unif(x) + L_unif(y))/2
 *   L_align  = (1/N) Σ_i ‖x̂_i − ŷ_i‖₂^α
 *   L_unif(x) = log( (1/(N(N−1))) Σ_{i≠j} e^{−t‖x̂_i − x̂_j‖₂²} )    (= the mean over the pairs i &lt; j)
 * </pre>
 * with x̂ = x / max(‖x‖₂, 1e-12) (normalised, the paper's hypersphere) or the raw rows: the value of core's
 * {@link AlignUniform} (which gives the gradients on the JVM), here differentiable by DJL's autograd. The
 * uniformity is a masked, max-subtracted log-sum-exp over the off-diagonal pairs; squared distances are computed as
 * ‖x̂_i‖² + ‖x̂_j‖² − 2⟨x̂_i, x̂_j⟩ and clamped at 0. λ = 0 gives the alignment-only objective, which collapses every
 * point onto one (the uniformity term is then not computed).
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [view 1 (N×D), view 2 (N×D)]}; labels are not used. The value is a
 * scalar (the uniformity term is over pairs, so there is no per-row form).
 *
 * <p>Configured by a core {@link AlignUniform} ({@link #of}): α, t, λ and whether rows are normalised (the paper's
 * defaults α = 2, t = 2, λ = 1, normalised); N ≥ 2.
 */
public final class AlignUniformLoss extends Loss {
    private static final String DISPLAY = "align-uniform";
    private final AlignUniform core;
    private final double alpha;
    private final double t;
    private final double lambda;
    private final boolean normalize;

    private AlignUniformLoss(AlignUniform core, String name) {
        super(EmbeddingLoss.checkName(name));
        this.core = core;
        this.alpha = core.alpha();
        this.t = core.t();
        this.lambda = core.lambda();
        this.normalize = core.normalize();
    }

    /** The DJL form of a core {@link AlignUniform}, computing the same objective with NDArray operations. */
    public static AlignUniformLoss of(AlignUniform loss) {
        return of(loss, DISPLAY);
    }

    /** As {@link #of(AlignUniform)}, shown by DJL's training listeners as {@code name} (not blank). */
    public static AlignUniformLoss of(AlignUniform loss, String name) {
        return new AlignUniformLoss(Checks.notNull(loss, "loss"), name);
    }

    /** The core loss this one was made from, which holds its configuration and computes it on the JVM. */
    public AlignUniform coreLoss() {
        return core;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = Nd.embeddings(DISPLAY, predictions, 0, "", 2, 2, 2);
        Similarity prep = normalize ? Similarity.COSINE : Similarity.DOT;
        NDArray x = Nd.prepare(e[0], prep);
        NDArray y = Nd.prepare(e[1], prep);
        NDArray squared = x.sub(y).square().sum(new int[] {1});
        NDArray align = (alpha == 2.0 ? squared : squared.maximum(1e-24f).pow((float) (alpha / 2))).mean();
        if (lambda == 0) {
            return align;
        }
        return align.add(uniformity(x).add(uniformity(y)).mul((float) (lambda / 2)));
    }

    /** log of the mean of e^{−t‖x_i − x_j‖²} over the pairs i ≠ j. */
    private NDArray uniformity(NDArray x) {
        int n = Math.toIntExact(x.getShape().get(0));
        NDArray norms = x.square().sum(new int[] {1});
        NDArray distances = norms.reshape(n, 1).add(norms.reshape(1, n)).sub(x.matMul(x.transpose()).mul(2f))
                .maximum(0f);
        NDArray logits = distances.mul((float) -t).reshape(1, (long) n * n);
        NDArray pairs = Nd.eye(x, n).logicalNot().reshape(1, (long) n * n);
        return Nd.logSumExp(logits, pairs).sub((float) Math.log((double) n * (n - 1)));
    }

    @Override
    public String toString() {
        return "AlignUniformLoss{" + core + ", name=" + getName() + "}";
    }
}
