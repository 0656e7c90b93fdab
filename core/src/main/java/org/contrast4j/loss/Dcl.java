package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import java.util.EnumMap;
import java.util.Map;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.contrast4j.tiled.TiledSelfSimilarity;

/**
 * Decoupled contrastive learning, DCL and its weighted form DCLW (Yeh et al. 2022, "Decoupled Contrastive Learning",
 * Eq. 6): the positive pair is removed from the denominator.
 *
 * <p>With z = [a; p] (2N×D), row k's partner k' = k ± N and s = sim/τ:
 * <pre>
 *   ℓ_k = −w_k·s(z_k, z_k') + log Σ_{l ∉ {k, k'}} e^{s(z_k, z_l)}
 * </pre>
 * — one log-sum-exp over the other samples of <em>both</em> views, as the paper. (lightly's {@code DCLLoss} sums two
 * separate log-sum-exps, one per view, which is a different loss.) The value is the mean over the 2N rows, i.e.
 * ½(loss(a, p) + loss(p, a)). DCL: w_k = 1. DCLW: w_i = 2 − N·softmax_i(sim(a_i, p_i)/σ) over the batch, σ = 0.5,
 * the same for row i and its partner, treated as a constant (no gradient flows through the weight).
 *
 * <p>Defaults: τ = 0.1 fixed, unweighted, σ = 0.5, {@link Similarity#COSINE}, {@link Reduction#MEAN}. Needs N ≥ 2;
 * labels and explicit negatives are not used.
 *
 * <p><b>Guide-model false negatives</b> (GISTEmbed, Solatorio 2024): with guide embeddings in the batch
 * ({@link Batch.Builder#guide}), negative l of row k leaves its log-sum-exp when H_kl &gt; H_{k,k'} − m, exactly as
 * {@link NtXent} (H the cosines of the stacked guide rows [ga; gp], m = {@link Builder#guideMargin}). A row left with
 * no negative is skipped (its log-sum-exp would be over nothing): loss and gradient 0, left out of the mean, counted
 * in {@link LossResult#skippedRows()}. DCLW's weights stay those of the whole batch. A guided batch runs on the dense
 * engine whatever the engine setting.
 *
 * <p>Engine ({@link Engine}, default AUTO): from {@value Engine#AUTO_TILED_FROM} pairs the tiled engine
 * ({@link org.contrast4j.tiled.TiledSelfSimilarity}) computes the same result without the 2N×2N similarity matrix
 * (memory O(N·D), {@link Builder#threads} workers); below, or with {@link Engine#DENSE}, the matrix is formed (a dense
 * batch too large for it is refused before anything is allocated, naming the size).
 */
public final class Dcl implements ContrastiveLoss {
    private static final String NAME = "DCL";
    private final Temperature temperature;
    private final boolean weighted;
    private final double sigma;
    private final Similarity similarity;
    private final Reduction reduction;
    private final Engine engine;
    private final int threads;
    private final double guideMargin;

    private Dcl(Builder b) {
        this.guideMargin = b.guideMargin;
        this.engine = b.engine;
        this.threads = b.threads;
        this.temperature = b.temperature;
        this.weighted = b.weighted;
        this.sigma = b.sigma;
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

    /** Whether the positive term is weighted (DCLW). */
    public boolean weighted() {
        return weighted;
    }

    /** σ of the DCLW weighting. */
    public double sigma() {
        return sigma;
    }

    /** GISTEmbed's margin m for batches with a guide ({@link Batch.Builder#guide}); default 0. */
    public double guideMargin() {
        return guideMargin;
    }

    /** This loss with another temperature. */
    public Dcl withTemperature(double tau) {
        Builder b = new Builder().copy(temperature.withTau(tau), similarity, reduction).engineSettings(engine, threads)
                .guideMargin(guideMargin);
        b.weighted = weighted;
        b.sigma = sigma;
        return b.build();
    }

    @Override
    public LossResult compute(Batch batch) {
        String name = weighted ? "DCLW" : NAME;
        Matrix a = batch.anchors();
        Matrix p = Inputs.requirePositives(batch, name);
        Inputs.rejectNegatives(batch, name);
        Inputs.rejectLogQ(batch, name);
        Inputs.rejectLabels(batch, name);
        int n = a.rows();
        if (n < 2) {
            throw new IllegalArgumentException(name + " needs N >= 2 pairs: with N = 1 a row has no negative once "
                    + "its positive is removed from the denominator");
        }
        int rows = 2 * n;
        Matrix ah = similarity.prepare(a);
        Matrix ph = similarity.prepare(p);
        Matrix z = Blocks.stack(ah, ph);
        double[] pairWeight = weighted ? misesFisherWeights(ah, ph) : null;
        boolean guided = batch.guideAnchorsOrNull() != null;
        SelfSimilarity s;
        boolean[] skip = null;
        if (engine.resolve(n, guided) == Engine.TILED) {
            s = SelfSimilarity.tiled(new TiledSelfSimilarity(TiledLossBuilder.workers(threads))
                    .pairs(z, temperature.scale(), pairWeight, false, Reductions.rowWeight(reduction, rows)));
        } else {
            SelfSimilarity.requireDense(name, "2N", rows, guided ? GuideMask.BYTES_PER_ENTRY : 0);
            int[] partner = SelfSimilarity.partners(n);
            float[] target = new float[rows * rows];
            for (int k = 0; k < rows; k++) {
                target[k * rows + partner[k]] = weighted ? (float) pairWeight[k % n] : 1f;
            }
            boolean[] candidate = SelfSimilarity.allButSelf(rows, partner);
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

    /** w_i = 2 − N·softmax_i(⟨â_i, p̂_i⟩/σ), in double. */
    private double[] misesFisherWeights(Matrix ah, Matrix ph) {
        double[] logits = Kernels.rowDots(ah, ph);
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            logits[i] /= sigma;
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 2 - n * Math.exp(logits[i] - max) / sum;
        }
        return w;
    }

    @Override
    public String toString() {
        return (weighted ? "Dcl{weighted=true, sigma=" + sigma + ", " : "Dcl{weighted=false, ") + temperature
                + ", similarity=" + similarity + ", reduction=" + reduction
                + TiledLossBuilder.describe(engine, threads) + TiledLossBuilder.describeGuide(guideMargin) + "}";
    }

    /** Builds a {@link Dcl}; every setter validates its argument at once. */
    public static final class Builder extends TiledLossBuilder<Builder> {
        private boolean weighted;
        private double sigma = 0.5;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** DCLW: weight the positive term by the von Mises–Fisher weights (default false = DCL). */
        public Builder weighted(boolean weighted) {
            this.weighted = weighted;
            return this;
        }

        /** σ of the DCLW weighting, &gt; 0 and finite (default 0.5). */
        public Builder sigma(double sigma) {
            Checks.positive(sigma, "sigma");
            this.sigma = sigma;
            return this;
        }

        public Dcl build() {
            return new Dcl(this);
        }
    }
}
