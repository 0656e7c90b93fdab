package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.contrast4j.tiled.TiledSelfSimilarity;

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
 *
 * <p>Engine ({@link Engine}, default AUTO): from {@value Engine#AUTO_TILED_FROM} pairs the tiled engine
 * ({@link org.contrast4j.tiled.TiledSelfSimilarity}) computes the same result without the 2N×2N similarity matrix
 * (memory O(N·D), {@link Builder#threads} workers); below, or with {@link Engine#DENSE}, the matrix is formed (about
 * 13 bytes per entry of the 2N×2N matrix; a dense batch too large for that is refused before anything is allocated,
 * naming the size). With the tiled engine an interrupt of the calling thread stops {@link #compute} with a
 * {@link java.util.concurrent.CancellationException}.
 */
public final class NtXent implements ContrastiveLoss {
    private static final String NAME = "NT-Xent";
    private final Temperature temperature;
    private final Similarity similarity;
    private final Reduction reduction;
    private final Engine engine;
    private final int threads;

    private NtXent(Builder b) {
        this.temperature = b.temperature;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
        this.engine = b.engine;
        this.threads = b.threads;
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
        return new Builder().copy(temperature.withTau(tau), similarity, reduction).engineSettings(engine, threads)
                .build();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix a = batch.anchors();
        Matrix p = Inputs.requirePositives(batch, NAME);
        Inputs.rejectNegatives(batch, NAME);
        Inputs.rejectInfoNceOnly(batch, NAME);
        Inputs.rejectLabels(batch, NAME);
        int n = a.rows();
        if (n < 2) {
            throw new IllegalArgumentException(NAME + " needs N >= 2 pairs: with N = 1 a row's only other row is its "
                    + "positive, so it has no negative");
        }
        int rows = 2 * n;
        Matrix z = Blocks.stack(similarity.prepare(a), similarity.prepare(p));
        double weight = Reductions.rowWeight(reduction, rows);
        SelfSimilarity s;
        if (engine.resolve(n, false) == Engine.TILED) {
            s = SelfSimilarity.tiled(new TiledSelfSimilarity(TiledLossBuilder.workers(threads))
                    .pairs(z, temperature.scale(), null, true, weight));
        } else {
            SelfSimilarity.requireDense(NAME, "2N", rows);
            int[] partner = SelfSimilarity.partners(n);
            float[] target = new float[rows * rows];
            for (int k = 0; k < rows; k++) {
                target[k * rows + partner[k]] = 1f;
            }
            double[] weights = new double[rows];
            java.util.Arrays.fill(weights, weight);
            s = SelfSimilarity.compute(z, temperature.scale(), SelfSimilarity.allButSelf(rows, null), target, null,
                    weights);
        }

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
        return "NtXent{" + temperature + ", similarity=" + similarity + ", reduction=" + reduction
                + TiledLossBuilder.describe(engine, threads) + "}";
    }

    /** Builds an {@link NtXent}; every setter validates its argument at once. */
    public static final class Builder extends TiledLossBuilder<Builder> {

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
