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
 * <p><b>Guide-model false negatives</b> (GISTEmbed, Solatorio 2024, as sentence-transformers' {@code GISTEmbedLoss}
 * masks its anchor–positive, anchor–anchor and positive–positive blocks): with guide embeddings ga, gp in the batch
 * ({@link Batch.Builder#guide}) stacked as g = [ga; gp] like z, H_kl = cos(g_k, g_l) and margin m
 * ({@link Builder#guideMargin}), negative l of row k leaves row k's denominator when H_kl &gt; H_{k,k'} − m — the
 * guide finds l at least as close to z_k as z_k's own positive (H_{k,k'} = cos(ga_i, gp_i) for both rows of pair
 * i). A row the guide leaves with no negative is skipped: loss and gradient 0, left out of the mean, counted in
 * {@link LossResult#skippedRows()}. A guided batch runs on the dense engine whatever the engine setting.
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
    private final double guideMargin;

    private NtXent(Builder b) {
        this.guideMargin = b.guideMargin;
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

    /** GISTEmbed's margin m for batches with a guide ({@link Batch.Builder#guide}); default 0. */
    public double guideMargin() {
        return guideMargin;
    }

    /** This loss with another temperature. */
    public NtXent withTemperature(double tau) {
        return new Builder().copy(temperature.withTau(tau), similarity, reduction).engineSettings(engine, threads)
                .guideMargin(guideMargin).build();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix a = batch.anchors();
        Matrix p = Inputs.requirePositives(batch, NAME);
        Inputs.rejectNegatives(batch, NAME);
        Inputs.rejectLogQ(batch, NAME);
        Inputs.rejectLabels(batch, NAME);
        int n = a.rows();
        if (n < 2) {
            throw new IllegalArgumentException(NAME + " needs N >= 2 pairs: with N = 1 a row's only other row is its "
                    + "positive, so it has no negative");
        }
        int rows = 2 * n;
        boolean guided = batch.guideAnchorsOrNull() != null;
        Matrix z = Blocks.stack(similarity.prepare(a), similarity.prepare(p));
        SelfSimilarity s;
        boolean[] skip = null;
        if (engine.resolve(n, guided) == Engine.TILED) {
            s = SelfSimilarity.tiled(new TiledSelfSimilarity(TiledLossBuilder.workers(threads))
                    .pairs(z, temperature.scale(), null, true, Reductions.rowWeight(reduction, rows)));
        } else {
            SelfSimilarity.requireDense(NAME, "2N", rows, guided ? GuideMask.BYTES_PER_ENTRY : 0);
            int[] partner = SelfSimilarity.partners(n);
            float[] target = new float[rows * rows];
            for (int k = 0; k < rows; k++) {
                target[k * rows + partner[k]] = 1f;
            }
            boolean[] candidate = SelfSimilarity.allButSelf(rows, null);
            if (guided) {
                skip = GuideMask.apply(GuideMask.similarity(batch), rows, partner, guideMargin, target, candidate);
            }
            int valid = rows - GuideMask.count(skip);
            double[] weights = new double[rows];
            java.util.Arrays.fill(weights, valid == 0 ? 0.0 : Reductions.rowWeight(reduction, valid));
            s = SelfSimilarity.compute(z, temperature.scale(), candidate, target, skip, weights);
        }

        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        gradients.put(Input.ANCHORS, similarity.backward(a, s.gradient.copyRows(0, n)));
        gradients.put(Input.POSITIVES, similarity.backward(p, s.gradient.copyRows(n, rows)));
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            scalars.put(Scalar.LOG_TEMPERATURE, temperature.logTemperatureGradient(s.weightedGradDotLogit));
        }
        return new LossResult(Reductions.value(reduction, s.loss, skip), s.loss, GuideMask.count(skip), gradients,
                scalars, Map.of());
    }

    @Override
    public String toString() {
        return "NtXent{" + temperature + ", similarity=" + similarity + ", reduction=" + reduction
                + TiledLossBuilder.describe(engine, threads) + TiledLossBuilder.describeGuide(guideMargin) + "}";
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
