package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * The triplet loss of FaceNet (Schroff, Kalenichenko &amp; Philbin 2015; after Weinberger &amp; Saul 2009, large
 * margin nearest neighbour): each anchor should be closer to its positive than to each of its negatives by a
 * margin. The optional soft-margin form replaces the hinge by a softplus (Hermans, Beyer &amp; Leibe 2017, "In
 * Defense of the Triplet Loss for Person Re-Identification").
 *
 * <p>With d(x, y) = ‖x̃ − ỹ‖₂, x̃ the prepared row (unit-normalised for {@link Similarity#COSINE}, the raw row for
 * {@link Similarity#DOT}), row i has the loss
 * <pre>
 *   ℓ_i = mean_{n ∈ T(i)} h( d(a_i, p_i) − d(a_i, n) + margin ),   h(x) = max(0, x)  or  softplus(x) = log(1 + eˣ)
 * </pre>
 * and the value is the {@link Reduction} of the ℓ_i. T(i) is every row of the shared negatives (M×D: each anchor
 * against all M), or row i's own M paired negatives (an N×M×D array as an (N·M)×D matrix). A single negative per
 * anchor, row-aligned N×D as in PyTorch's {@code TripletMarginLoss(anchor, positive, negative)}, is passed as paired
 * negatives with M = 1: {@code Batch.builder(a).positives(p).pairedNegatives(n, 1)}. The softplus form keeps the
 * margin, as pytorch-metric-learning's {@code smooth_loss}; Hermans et al.'s soft margin is {@code margin(0)}.
 * Unlike PyTorch's {@code pairwise_distance}, no ε is added inside the norm.
 *
 * <p>Defaults: margin 0.2 (FaceNet's α; must be finite and ≥ 0), hinge (softplus false), {@link Similarity#COSINE},
 * {@link Reduction#MEAN}.
 *
 * <p>Inputs: anchors, positives (N×D) and explicit negatives, all required; labels are rejected (use explicit
 * negatives of other classes).
 *
 * <p>Result: gradients for {@link Input#ANCHORS}, {@link Input#POSITIVES} and {@link Input#NEGATIVES} with respect
 * to the raw inputs. The hinge's derivative at 0 is taken as 0 and so is the gradient of d at d = 0 (subgradients).
 * No scalar is learnable, no row is skipped, and there are no terms.
 */
public final class Triplet implements ContrastiveLoss {
    private static final String NAME = "Triplet";

    private final double margin;
    private final boolean softplus;
    private final Similarity similarity;
    private final Reduction reduction;

    private Triplet(Builder b) {
        this.margin = b.margin;
        this.softplus = b.softplus;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
    }

    /** A builder with the defaults: margin 0.2, hinge, cosine, mean. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix rawA = batch.anchors();
        Matrix rawP = Inputs.requirePositives(batch, NAME);
        Matrix rawN = Inputs.requireNegatives(batch, NAME);
        Inputs.rejectLabels(batch, NAME);
        Inputs.rejectInfoNceOnly(batch, NAME);
        int n = rawA.rows();
        int dim = rawA.cols();
        boolean paired = batch.pairedNegatives();
        int m = paired ? batch.negativesPerAnchor() : rawN.rows();

        if (!paired) {
            // distances and their weights (doubles), the Gram matrix and the far weights (floats), per anchor–negative
            DenseSize.require(NAME + " on N = " + n + " anchors and M = " + m + " shared negatives", n, m, 24,
                    DenseSize.noTiledEngine(NAME));
        }
        Matrix a = similarity.prepare(rawA);
        Matrix p = similarity.prepare(rawP);
        Matrix neg = similarity.prepare(rawN);
        double w = Reductions.rowWeight(reduction, n);
        double[] gA = new double[n * dim];
        double[] gP = new double[n * dim];
        double[] gN = new double[rawN.rows() * dim];
        double[] perRow = new double[n];

        double[] sharedDist = paired ? null : Distances.pairwise(a, neg);
        double[] c = paired ? null : new double[Checks.product(n, m, NAME + "'s distance weights", 8)];
        for (int i = 0; i < n; i++) {
            double dPos = Distances.distance(a, i, p, i);
            double sum = 0;
            double posSlope = 0; // Σ_k h'(v_ik)
            for (int k = 0; k < m; k++) {
                int row = paired ? i * m + k : k;
                double dNeg = paired ? Distances.distance(a, i, neg, row) : sharedDist[i * m + k];
                double v = dPos - dNeg + margin;
                double slope;
                if (softplus) {
                    sum += SigLip.softplus(v);
                    slope = SigLip.sigmoid(v);
                } else {
                    sum += Math.max(0, v);
                    slope = v > 0 ? 1 : 0;
                }
                if (slope == 0) {
                    continue;
                }
                posSlope += slope;
                if (dNeg > 0) {
                    double cNeg = -w * slope / (m * dNeg);
                    if (paired) {
                        Distances.addPair(cNeg, a, i, neg, row, gA, gN);
                    } else {
                        c[i * m + k] = cNeg;
                    }
                }
            }
            perRow[i] = sum / m;
            if (posSlope > 0 && dPos > 0) {
                Distances.addPair(w * posSlope / (m * dPos), a, i, p, i, gA, gP);
            }
        }
        if (!paired) {
            Distances.addPairwise(c, sharedDist, a, neg, gA, gN);
        }

        Map<Input, Matrix> grads = new EnumMap<>(Input.class);
        grads.put(Input.ANCHORS, similarity.backward(rawA, Distances.toMatrix(n, dim, gA)));
        grads.put(Input.POSITIVES, similarity.backward(rawP, Distances.toMatrix(n, dim, gP)));
        grads.put(Input.NEGATIVES, similarity.backward(rawN, Distances.toMatrix(rawN.rows(), dim, gN)));
        return new LossResult(Reductions.value(reduction, perRow, null), perRow, 0, grads, Map.of(), Map.of());
    }

    /** The similarity (for {@link Mined}: its miner measures the same distance). */
    Similarity similarity() {
        return similarity;
    }

    @Override
    public String toString() {
        return "Triplet{margin=" + margin + ", softplus=" + softplus + ", similarity=" + similarity
                + ", reduction=" + reduction + "}";
    }

    /** Builds a {@link Triplet}; every setter validates its argument at once. */
    public static final class Builder extends LossBuilder<Builder> {
        private double margin = 0.2;
        private boolean softplus;

        private Builder() {
        }

        /** The margin, finite and ≥ 0 (default 0.2). */
        public Builder margin(double value) {
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException("margin must be finite and >= 0, was " + value);
            }
            margin = value;
            return this;
        }

        /** Whether h is softplus (the soft margin) instead of the hinge max(0, ·) (default false). */
        public Builder softplus(boolean value) {
            softplus = value;
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /** The configured loss. */
        public Triplet build() {
            return new Triplet(this);
        }
    }
}
