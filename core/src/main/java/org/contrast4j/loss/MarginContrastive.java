package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * The margin-based contrastive loss of Hadsell, Chopra &amp; LeCun (2006, "Dimensionality Reduction by Learning an
 * Invariant Mapping"), on pairs as in pytorch-metric-learning's {@code ContrastiveLoss}: positives are pulled
 * within a margin m⁺, negatives pushed beyond a margin m⁻.
 *
 * <p>With d(x, y) = ‖x̃ − ỹ‖₂, x̃ the prepared row (unit-normalised for {@link Similarity#COSINE}, so d ∈ [0, 2]
 * and d² = 2 − 2·cos; the raw row for {@link Similarity#DOT}), row i of the batch has the loss
 * <pre>
 *   ℓ_i = ½·max(0, d(a_i, p_i) − m⁺)²  +  ½·mean_{n ∈ N(i)} max(0, m⁻ − d(a_i, n))²
 *   N(i) = { p_j : j ≠ i, and labels[j] ≠ labels[i] when labels are given }  ∪  the explicit negatives of row i
 * </pre>
 * and the value is the {@link Reduction} of the ℓ_i. The explicit negatives of row i are all M rows of shared
 * negatives (M×D), or its own M rows of paired negatives (an N×M×D array as (N·M)×D); labels apply only to the
 * in-batch candidates p_j (explicit negatives carry no label and are always negatives). The negative half is a mean,
 * so rows with more negatives do not weigh more. pytorch-metric-learning's {@code ContrastiveLoss} has the same
 * default margins but unsquared hinges, max(0, d − m⁺) and max(0, m⁻ − d), averaged over the non-zero pair losses
 * of the whole batch, so its values differ from these.
 *
 * <p>Defaults: m⁺ = 0, m⁻ = 1, {@link Similarity#COSINE}, {@link Reduction#MEAN}. The margins must be finite with
 * m⁺ ≥ 0 and m⁻ &gt; m⁺ (checked at {@link Builder#build()}): with m⁻ ≤ m⁺ a pair at a distance between the two
 * margins would count both as close enough for a positive and far enough for a negative, so the loss could not
 * separate them.
 *
 * <p>Inputs: anchors and positives (N×D), optional explicit negatives, optional labels (length N). A row left with
 * no negative at all — N = 1 without explicit negatives, or every other positive sharing its label — is an
 * {@link IllegalArgumentException} naming the row.
 *
 * <p>Result: gradients for {@link Input#ANCHORS}, {@link Input#POSITIVES} and, when given, {@link Input#NEGATIVES},
 * with respect to the raw inputs. The gradient of d at d = 0 (a negative identical to its anchor) is taken as 0, a
 * subgradient. Terms {@code "positive"} and {@code "negative"}: the two halves, each reduced like the value, which is
 * their sum. No scalar is learnable and no row is skipped.
 */
public final class MarginContrastive implements ContrastiveLoss {
    private static final String NAME = "MarginContrastive";

    private final double positiveMargin;
    private final double negativeMargin;
    private final Similarity similarity;
    private final Reduction reduction;

    private MarginContrastive(Builder b) {
        this.positiveMargin = b.positiveMargin;
        this.negativeMargin = b.negativeMargin;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
    }

    /** A builder with the defaults: m⁺ = 0, m⁻ = 1, cosine, mean. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix rawA = batch.anchors();
        Matrix rawP = Inputs.requirePositives(batch, NAME);
        Matrix rawN = batch.negativesOrNull();
        Inputs.rejectNegativeLabels(batch, NAME);
        Inputs.rejectInfoNceOnly(batch, NAME);
        long[] labels = batch.labelsOrNull();
        int n = rawA.rows();
        int dim = rawA.cols();
        boolean paired = batch.pairedNegatives();
        int explicitPerRow = rawN == null ? 0 : paired ? batch.negativesPerAnchor() : rawN.rows();

        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            int inBatch = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && (labels == null || labels[j] != labels[i])) {
                    inBatch++;
                }
            }
            count[i] = inBatch + explicitPerRow;
            if (count[i] == 0) {
                throw new IllegalArgumentException(n == 1
                        ? NAME + " needs a negative for every anchor: the batch has N = 1 and no explicit negatives"
                        : NAME + ": anchor " + i + " has no negative: every in-batch candidate shares its label "
                                + labels[i] + " and no explicit negatives were given");
            }
        }

        // pairwise distances and their weights (doubles), the Gram matrix and the far weights (floats), per entry of
        // the N×N in-batch block and of the N×M shared-negative block
        int sharedM = rawN == null || batch.pairedNegatives() ? 0 : rawN.rows();
        DenseSize.require(NAME + " on N = " + n + " rows", n, Math.max(n, sharedM), 24, DenseSize.noTiledEngine(NAME));
        Matrix a = similarity.prepare(rawA);
        Matrix p = similarity.prepare(rawP);
        Matrix neg = rawN == null ? null : similarity.prepare(rawN);
        double w = Reductions.rowWeight(reduction, n);
        double[] gA = new double[n * dim];
        double[] gP = new double[n * dim];
        double[] gN = rawN == null ? null : new double[rawN.rows() * dim];
        double[] posRow = new double[n];
        double[] negRow = new double[n];
        double[] perRow = new double[n];

        // positive pairs, from their differences
        for (int i = 0; i < n; i++) {
            double d = Distances.distance(a, i, p, i);
            double excess = Math.max(0, d - positiveMargin);
            posRow[i] = 0.5 * excess * excess;
            if (excess > 0 && d > 0) {
                Distances.addPair(w * excess / d, a, i, p, i, gA, gP);
            }
        }

        // in-batch negatives: the other positives
        if (n > 1) {
            double[] dist = Distances.pairwise(a, p);
            double[] c = new double[Checks.product(n, n, NAME + "'s in-batch distance weights", 8)];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i || (labels != null && labels[j] == labels[i])) {
                        continue;
                    }
                    double d = dist[i * n + j];
                    double shortfall = Math.max(0, negativeMargin - d);
                    sum += shortfall * shortfall;
                    if (shortfall > 0 && d > 0) {
                        c[i * n + j] = -w * shortfall / (count[i] * d);
                    }
                }
                negRow[i] += 0.5 * sum / count[i];
            }
            Distances.addPairwise(c, dist, a, p, gA, gP);
        }

        // explicit negatives
        if (neg != null && !paired) {
            int m = neg.rows();
            double[] dist = Distances.pairwise(a, neg);
            double[] c = new double[Checks.product(n, m, NAME + "'s distance weights", 8)];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < m; k++) {
                    double d = dist[i * m + k];
                    double shortfall = Math.max(0, negativeMargin - d);
                    sum += shortfall * shortfall;
                    if (shortfall > 0 && d > 0) {
                        c[i * m + k] = -w * shortfall / (count[i] * d);
                    }
                }
                negRow[i] += 0.5 * sum / count[i];
            }
            Distances.addPairwise(c, dist, a, neg, gA, gN);
        } else if (neg != null) {
            int m = batch.negativesPerAnchor();
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < m; k++) {
                    int row = i * m + k;
                    double d = Distances.distance(a, i, neg, row);
                    double shortfall = Math.max(0, negativeMargin - d);
                    sum += shortfall * shortfall;
                    if (shortfall > 0 && d > 0) {
                        Distances.addPair(-w * shortfall / (count[i] * d), a, i, neg, row, gA, gN);
                    }
                }
                negRow[i] += 0.5 * sum / count[i];
            }
        }
        for (int i = 0; i < n; i++) {
            perRow[i] = posRow[i] + negRow[i];
        }

        Map<Input, Matrix> grads = new EnumMap<>(Input.class);
        grads.put(Input.ANCHORS, similarity.backward(rawA, Distances.toMatrix(n, dim, gA)));
        grads.put(Input.POSITIVES, similarity.backward(rawP, Distances.toMatrix(n, dim, gP)));
        if (rawN != null) {
            grads.put(Input.NEGATIVES, similarity.backward(rawN, Distances.toMatrix(rawN.rows(), dim, gN)));
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("positive", Reductions.value(reduction, posRow, null));
        terms.put("negative", Reductions.value(reduction, negRow, null));
        return new LossResult(Reductions.value(reduction, perRow, null), perRow, 0, grads, Map.of(), terms);
    }

    /** The similarity (for {@link Mined}: its miner measures the same distance). */
    Similarity similarity() {
        return similarity;
    }

    @Override
    public String toString() {
        return "MarginContrastive{positiveMargin=" + positiveMargin + ", negativeMargin=" + negativeMargin
                + ", similarity=" + similarity + ", reduction=" + reduction + "}";
    }

    /** Builds a {@link MarginContrastive}; setters validate at once, {@link #build()} checks m⁻ &gt; m⁺. */
    public static final class Builder extends LossBuilder<Builder> {
        private double positiveMargin = 0.0;
        private double negativeMargin = 1.0;

        private Builder() {
        }

        /** m⁺, finite and ≥ 0 (default 0): positives closer than this cost nothing. */
        public Builder positiveMargin(double margin) {
            if (!Double.isFinite(margin) || margin < 0) {
                throw new IllegalArgumentException("positiveMargin must be finite and >= 0, was " + margin);
            }
            positiveMargin = margin;
            return this;
        }

        /** m⁻, finite and &gt; 0 (default 1): negatives farther than this cost nothing. */
        public Builder negativeMargin(double margin) {
            if (!Double.isFinite(margin) || !(margin > 0)) {
                throw new IllegalArgumentException("negativeMargin must be finite and > 0, was " + margin);
            }
            negativeMargin = margin;
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The configured loss.
         *
         * @throws IllegalArgumentException if m⁻ ≤ m⁺
         */
        public MarginContrastive build() {
            if (!(negativeMargin > positiveMargin)) {
                throw new IllegalArgumentException("negativeMargin (" + negativeMargin
                        + ") must be greater than positiveMargin (" + positiveMargin + ")");
            }
            return new MarginContrastive(this);
        }
    }
}
