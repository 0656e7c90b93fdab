package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.contrast4j.similarity.Similarity;

/**
 * The alignment + uniformity objective of Wang &amp; Isola 2020 ("Understanding Contrastive Representation Learning
 * through Alignment and Uniformity on the Hypersphere"), as a DJL {@link Loss} on NDArrays:
 * <pre>
 *   L        = L_align(x, y) + λ·(L_unif(x) + L_unif(y))/2
 *   L_align  = (1/N) Σ_i ‖x̂_i − ŷ_i‖₂^α
 *   L_unif(x) = log( (1/(N(N−1))) Σ_{i≠j} e^{−t‖x̂_i − x̂_j‖₂²} )    (= the mean over the pairs i &lt; j)
 * </pre>
 * with x̂ = x / max(‖x‖₂, 1e-12) (normalised, the paper's hypersphere) or the raw rows. The same quantities as core's
 * {@link org.contrast4j.metric.Alignment} and {@link org.contrast4j.metric.Uniformity}, here differentiable. The
 * uniformity is a masked, max-subtracted log-sum-exp over the off-diagonal pairs; squared distances are computed as
 * ‖x̂_i‖² + ‖x̂_j‖² − 2⟨x̂_i, x̂_j⟩ and clamped at 0. λ = 0 gives the alignment-only objective, which collapses every
 * point onto one (the uniformity term is then not computed).
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [view 1 (N×D), view 2 (N×D)]}; labels are not used. The value is a
 * scalar (the uniformity term is over pairs, so there is no per-row form).
 *
 * <p>Defaults, the paper's: α = 2, t = 2, λ = 1, normalised rows; N ≥ 2.
 */
public final class AlignUniformLoss extends Loss {
    private static final String DISPLAY = "align-uniform";
    private final double alpha;
    private final double t;
    private final double lambda;
    private final boolean normalize;

    private AlignUniformLoss(Builder b) {
        super(b.name == null ? DISPLAY : b.name);
        this.alpha = b.alpha;
        this.t = b.t;
        this.lambda = b.lambda;
        this.normalize = b.normalize;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** α, t and λ in that order, and whether rows are normalised, as configured. */
    public double alpha() {
        return alpha;
    }

    public double t() {
        return t;
    }

    public double lambda() {
        return lambda;
    }

    public boolean normalize() {
        return normalize;
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
        return "AlignUniformLoss{alpha=" + alpha + ", t=" + t + ", lambda=" + lambda + ", normalize=" + normalize
                + ", name=" + getName() + "}";
    }

    /** Builds an {@link AlignUniformLoss}; every setter validates its argument at once. */
    public static final class Builder {
        private double alpha = 2.0;
        private double t = 2.0;
        private double lambda = 1.0;
        private boolean normalize = true;
        private String name;

        private Builder() {
        }

        /** The alignment exponent α &gt; 0 and finite (default 2). */
        public Builder alpha(double alpha) {
            this.alpha = positive(alpha, "alpha");
            return this;
        }

        /** The uniformity scale t &gt; 0 and finite (default 2). */
        public Builder t(double t) {
            this.t = positive(t, "t");
            return this;
        }

        /** The uniformity weight λ ≥ 0 and finite (default 1; 0 = alignment only). */
        public Builder lambda(double lambda) {
            if (!(lambda >= 0) || !Double.isFinite(lambda)) {
                throw new IllegalArgumentException("lambda must be >= 0 and finite, was " + lambda);
            }
            this.lambda = lambda;
            return this;
        }

        /** Whether rows are L2-normalised first (default true, the paper's hypersphere). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** The name DJL's training listeners show (default "align-uniform"). */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was \"" + name + "\"");
            }
            this.name = name;
            return this;
        }

        /** The configured loss. */
        public AlignUniformLoss build() {
            return new AlignUniformLoss(this);
        }

        private static double positive(double v, String what) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " must be > 0 and finite, was " + v);
            }
            return v;
        }
    }
}
