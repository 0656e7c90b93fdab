package org.contrast4j.loss;

import java.util.Map;
import org.contrast4j.internal.Checks;

/**
 * Sampled softmax (Jean, Cho, Memisevic &amp; Bengio 2015, "On Using Very Large Target Vocabulary for Neural Machine
 * Translation"; TF's {@code sampled_softmax_loss}): the softmax cross-entropy of each query over its target and its k
 * sampled classes only, each logit corrected by the log of the class's expected count under the sampler, so that the
 * sampled objective's gradient is an estimate of the full softmax's.
 *
 * <p>With scores s(c|h) = h·W_c + b_c ({@link ClassBatch}) and E(c) the expected count of c among the k samples
 * (k·q(c) for sampling with replacement; the batch's per-position {@code expectedCounts} when given, e.g.
 * 1 − (1 − q(c))^tries for unique sampling), the logits of query i are z(c) = s(c|h_i) − log E(c) over the
 * candidates [t_i, c_i1 … c_ik] and
 * <pre>
 *   ℓ_i = −z(t_i) + log( e^{z(t_i)} + Σ_{j: c_ij kept} e^{z(c_ij)} )
 * </pre>
 * the value being the {@link Reduction} of the per-query ℓ_i. Repeated samples stay separate candidates (as TF).
 *
 * <p>Accidental hits: by default (as TF) a sampled class equal to the query's target is removed from that query's
 * candidates — exactly, where TF subtracts a large number from its logit. {@code removeAccidentalHits(false)} keeps
 * it. A query whose samples are all accidental hits is left with its target alone: ℓ_i = 0, gradient 0 (as TF).
 *
 * <p>Defaults: accidental hits removed, {@link Reduction#MEAN}. Needs targets, samples (shared or paired) and q or the
 * expected counts; q(c) = 0 for a target or sampled class is an error naming it, never a NaN. Result:
 * ∂L/∂h (dense), ∂L/∂W and ∂L/∂b over the touched classes (targets ∪ samples, sparse); no terms, no learnable scalar
 * (a softmax is invariant to a shared shift of its logits). Immutable and thread-safe.
 */
public final class SampledSoftmax implements ClassScoringLoss {
    private static final String NAME = "sampled softmax";

    private final boolean removeAccidentalHits;
    private final Reduction reduction;

    private SampledSoftmax(Builder b) {
        this.removeAccidentalHits = b.removeAccidentalHits;
        this.reduction = b.reduction;
    }

    /** A builder with the defaults: accidental hits removed, mean. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ClassLossResult compute(ClassBatch batch) {
        SampledScores sc = SampledScores.of(batch, NAME);
        double[] corr = sc.logExpectedCounts(NAME);
        int rows = sc.rows;
        int cols = sc.cols;
        double w = Reductions.rowWeight(reduction, rows);
        double[] perRow = new double[rows];
        double[] g = new double[Checks.product(rows, cols, "sampled-softmax gradients", 8)];
        double[] z = new double[cols];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                int p = i * cols + j;
                boolean kept = !(removeAccidentalHits && sc.accidentalHit(i, j));
                z[j] = kept ? sc.scores[p] - corr[p] : Double.NEGATIVE_INFINITY;
                max = Math.max(max, z[j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                if (z[j] != Double.NEGATIVE_INFINITY) {
                    sum += Math.exp(z[j] - max);
                }
            }
            double lse = max + Math.log(sum);
            perRow[i] = lse - z[0];
            for (int j = 0; j < cols; j++) {
                double prob = z[j] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(z[j] - lse);
                g[i * cols + j] = w * (prob - (j == 0 ? 1.0 : 0.0));
            }
        }
        return sc.result(g, Reductions.value(reduction, perRow, null), perRow, Map.of(), Map.of());
    }

    @Override
    public String toString() {
        return "SampledSoftmax{removeAccidentalHits=" + removeAccidentalHits + ", reduction=" + reduction + "}";
    }

    /** Builds a {@link SampledSoftmax}; every setter validates its argument at once. */
    public static final class Builder extends ClassLossBuilder<Builder> {
        private boolean removeAccidentalHits = true;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Whether sampled classes equal to the target are removed from its candidates (default true, as TF). */
        public Builder removeAccidentalHits(boolean remove) {
            removeAccidentalHits = remove;
            return this;
        }

        /** The configured loss. */
        public SampledSoftmax build() {
            return new SampledSoftmax(this);
        }
    }
}
