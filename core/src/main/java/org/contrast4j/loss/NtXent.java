package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen, Kornblith, Norouzi &amp; Hinton 2020,
 * "A Simple Framework for Contrastive Learning of Visual Representations").
 *
 * <p>The two views a and p (N×D each) are stacked into z = [a; p] (2N×D). Row k's positive is its partner
 * k' = k ± N, and every other row is a negative:
 * <pre>
 *   ℓ_k = −s(z_k, z_k') + log Σ_{l ≠ k} e^{s(z_k, z_l)},   s = sim/τ
 * </pre>
 * The value is the mean over the 2N rows (per-row losses: rows 0…N−1 for the anchors, N…2N−1 for the positives).
 * Needs N ≥ 2 (with N = 1 the only other row is the positive). Labels and explicit negatives are not used.
 *
 * <p>Defaults: τ = 0.1 fixed, {@link Similarity#COSINE}, {@link Reduction#MEAN}. Learnable temperature reports
 * ∂L/∂(log τ). Gradients for anchors and positives, with respect to the raw inputs.
 */
public final class NtXent implements ContrastiveLoss {
    private static final String NAME = "NT-Xent";
    private final Temperature temperature;
    private final Similarity similarity;
    private final Reduction reduction;

    private NtXent(Builder b) {
        this.temperature = b.temperature;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double temperature() {
        return temperature.tau();
    }

    /** Whether the result reports ∂L/∂(log τ). */
    public boolean learnableTemperature() {
        return temperature.learnable();
    }

    /** How embeddings are compared. */
    public Similarity similarity() {
        return similarity;
    }

    /** How per-row losses are reduced. */
    public Reduction reduction() {
        return reduction;
    }

    /** This loss with another temperature. */
    public NtXent withTemperature(double tau) {
        return new Builder().copy(temperature.withTau(tau), similarity, reduction).build();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix a = batch.anchors();
        Matrix p = Inputs.requirePositives(batch, NAME);
        Inputs.rejectNegatives(batch, NAME);
        Inputs.rejectLabels(batch, NAME);
        int n = a.rows();
        if (n < 2) {
            throw new IllegalArgumentException(NAME + " needs N >= 2 pairs: with N = 1 a row's only other row is its "
                    + "positive, so it has no negative");
        }
        int rows = 2 * n;
        Matrix z = Blocks.stack(similarity.prepare(a), similarity.prepare(p));
        int[] partner = SelfSimilarity.partners(n);
        float[] target = new float[rows * rows];
        for (int k = 0; k < rows; k++) {
            target[k * rows + partner[k]] = 1f;
        }
        double[] weights = new double[rows];
        java.util.Arrays.fill(weights, Reductions.rowWeight(reduction, rows));
        SelfSimilarity s = SelfSimilarity.compute(z, temperature.scale(), SelfSimilarity.allButSelf(rows, null),
                target, null, weights);

        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        gradients.put(Input.ANCHORS, similarity.backward(a, s.gradient.copyRows(0, n)));
        gradients.put(Input.POSITIVES, similarity.backward(p, s.gradient.copyRows(n, rows)));
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            scalars.put(Scalar.LOG_TEMPERATURE, temperature.logTemperatureGradient(s.weightedGradDotLogit));
        }
        return new LossResult(Reductions.value(reduction, s.loss, null), s.loss, 0, gradients, scalars, Map.of());
    }

    @Override
    public String toString() {
        return "NtXent{" + temperature + ", similarity=" + similarity + ", reduction=" + reduction + "}";
    }

    /** Builds an {@link NtXent}; every setter validates its argument at once. */
    public static final class Builder extends TemperatureLossBuilder<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        public NtXent build() {
            return new NtXent(this);
        }
    }
}
