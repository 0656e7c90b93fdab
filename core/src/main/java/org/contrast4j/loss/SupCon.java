package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import java.util.EnumMap;
import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.contrast4j.tiled.TiledSelfSimilarity;

/**
 * Supervised contrastive loss, the L_out form of Khosla et al. 2020 ("Supervised Contrastive Learning").
 *
 * <p>Embeddings z (N×D) with labels y: the batch's anchors, or, when the batch also has positives,
 * z = [anchors; positives] (2N×D) with the labels repeated. With s = sim/τ, P(i) = {p ≠ i : y_p = y_i} and
 * A(i) = {a ≠ i}:
 * <pre>
 *   ℓ_i = −(1/|P(i)|) Σ_{p∈P(i)} ( s(z_i, z_p) − log Σ_{a∈A(i)} e^{s(z_i, z_a)} )
 * </pre>
 * A row with empty P(i) (a label seen once) is <em>skipped</em>: its per-row loss is 0, it is counted in
 * {@link LossResult#skippedRows()} and left out of the mean; it still serves as a negative for the others. If every
 * row is skipped the value is 0. Optional base temperature: every ℓ_i is multiplied by τ/τ_base (the reference code's
 * {@code temperature / base_temperature}); off by default.
 *
 * <p>Defaults: τ = 0.1 fixed, no base temperature, {@link Similarity#COSINE}, {@link Reduction#MEAN}. Needs labels
 * and at least 2 embeddings; explicit negatives are not used. Gradients for anchors (and positives when given).
 *
 * <p><b>Guide-model false negatives</b> (GISTEmbed, Solatorio 2024), for a batch with positives and a guide
 * ({@link Batch.Builder#guide}): with the guide rows stacked as z, g = [ga; gp], H_kl = cos(g_k, g_l), row k of pair
 * i and margin m ({@link Builder#guideMargin}), a <em>negative</em> l of row k (y_l ≠ y_k) leaves A(k) when
 * H_kl &gt; H_{k,k'} − m, H_{k,k'} = cos(ga_i, gp_i) being the guide similarity of row k's own pair; same-label rows
 * are positives and always stay. A row that had a negative and is left with none by the guide is skipped: loss and
 * gradient 0, left out of the mean, counted in {@link LossResult#skippedRows()} (once, also if it has no positive);
 * a row that never had a negative (every row shares its label) is computed as without a guide. A guided batch runs
 * on the dense engine whatever the engine setting.
 *
 * <p>Engine ({@link Engine}, default AUTO): from {@value Engine#AUTO_TILED_FROM} anchors the tiled engine
 * ({@link org.contrast4j.tiled.TiledSelfSimilarity}) computes the same result without the rows×rows similarity matrix
 * (memory O(N·D), {@link Builder#threads} workers); below, or with {@link Engine#DENSE}, the matrix is formed (a dense
 * batch too large for it is refused before anything is allocated, naming the size).
 */
public final class SupCon implements ContrastiveLoss {
    private static final String NAME = "SupCon";
    private final Temperature temperature;
    private final double baseTemperature;
    private final Similarity similarity;
    private final Reduction reduction;
    private final Engine engine;
    private final int threads;
    private final double guideMargin;

    private SupCon(Builder b) {
        this.guideMargin = b.guideMargin;
        this.engine = b.engine;
        this.threads = b.threads;
        this.temperature = b.temperature;
        this.baseTemperature = b.baseTemperature;
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

    /** τ_base when each row's loss is multiplied by τ/τ_base, empty when off. */
    public java.util.OptionalDouble baseTemperature() {
        return Double.isNaN(baseTemperature) ? java.util.OptionalDouble.empty()
                : java.util.OptionalDouble.of(baseTemperature);
    }

    /** GISTEmbed's margin m for batches with a guide ({@link Batch.Builder#guide}); default 0. */
    public double guideMargin() {
        return guideMargin;
    }

    /** This loss with another temperature. */
    public SupCon withTemperature(double tau) {
        Builder b = new Builder().copy(temperature.withTau(tau), similarity, reduction).engineSettings(engine, threads)
                .guideMargin(guideMargin);
        b.baseTemperature = baseTemperature;
        return b.build();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix a = batch.anchors();
        Matrix p = batch.positivesOrNull();
        long[] given = Inputs.requireLabels(batch, NAME);
        Inputs.rejectNegatives(batch, NAME);
        Inputs.rejectLogQ(batch, NAME);
        int n = a.rows();
        Matrix z = p == null ? similarity.prepare(a) : Blocks.stack(similarity.prepare(a), similarity.prepare(p));
        int rows = z.rows();
        if (rows < 2) {
            throw new IllegalArgumentException(NAME + " needs at least 2 embeddings, the batch has 1");
        }
        long[] labels = new long[rows];
        for (int k = 0; k < rows; k++) {
            labels[k] = given[k % n];
        }
        // skipped rows (a label seen once) from the label counts, in O(rows)
        java.util.Map<Long, Integer> counts = new java.util.HashMap<>();
        for (long y : labels) {
            counts.merge(y, 1, Integer::sum);
        }
        boolean[] skip = new boolean[rows];
        int skipped = 0;
        for (int i = 0; i < rows; i++) {
            skip[i] = counts.get(labels[i]) == 1;
            skipped += skip[i] ? 1 : 0;
        }
        double factor = Double.isNaN(baseTemperature) ? 1.0 : temperature.tau() / baseTemperature;
        boolean guided = batch.guideAnchorsOrNull() != null; // the batch then has positives: rows = 2N
        SelfSimilarity s;
        if (engine.resolve(n, guided) == Engine.TILED) {
            int valid = rows - skipped;
            double weight = valid == 0 ? 0.0 : Reductions.rowWeight(reduction, valid) * factor;
            s = SelfSimilarity.tiled(new TiledSelfSimilarity(TiledLossBuilder.workers(threads))
                    .labels(z, temperature.scale(), labels, weight));
        } else {
            SelfSimilarity.requireDense(NAME, p == null ? "N" : "2N", rows, guided ? GuideMask.BYTES_PER_ENTRY : 0);
            float[] target = new float[rows * rows];
            for (int i = 0; i < rows; i++) {
                if (skip[i]) {
                    continue;
                }
                float w = 1f / (counts.get(labels[i]) - 1);
                for (int j = 0; j < rows; j++) {
                    if (j != i && labels[j] == labels[i]) {
                        target[i * rows + j] = w;
                    }
                }
            }
            boolean[] candidate = SelfSimilarity.allButSelf(rows, null);
            if (guided) {
                boolean[] emptied = GuideMask.apply(GuideMask.similarity(batch), rows, SelfSimilarity.partners(n),
                        guideMargin, target, candidate);
                for (int i = 0; emptied != null && i < rows; i++) {
                    if (emptied[i] && !skip[i]) {
                        skip[i] = true;
                        skipped++;
                    }
                }
            }
            int valid = rows - skipped;
            double[] weights = new double[rows];
            java.util.Arrays.fill(weights, valid == 0 ? 0.0 : Reductions.rowWeight(reduction, valid) * factor);
            s = SelfSimilarity.compute(z, temperature.scale(), candidate, target, skip, weights);
        }
        double[] perRow = s.loss;
        for (int i = 0; i < rows; i++) {
            perRow[i] *= factor;
        }
        double value = Reductions.value(reduction, perRow, skip);

        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        if (p == null) {
            gradients.put(Input.ANCHORS, similarity.backward(a, s.gradient));
        } else {
            gradients.put(Input.ANCHORS, similarity.backward(a, s.gradient.copyRows(0, n)));
            gradients.put(Input.POSITIVES, similarity.backward(p, s.gradient.copyRows(n, rows)));
        }
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            // L = f(τ)·L₀(τ) with f = τ/τ_base: ∂L/∂log τ = f·L₀ (= L) + f·∂L₀/∂log τ
            double fromFactor = Double.isNaN(baseTemperature) ? 0.0 : value;
            scalars.put(Scalar.LOG_TEMPERATURE,
                    fromFactor + temperature.logTemperatureGradient(s.weightedGradDotLogit));
        }
        return new LossResult(value, perRow, skipped, gradients, scalars, Map.of());
    }

    @Override
    public String toString() {
        return "SupCon{" + temperature + (Double.isNaN(baseTemperature) ? "" : ", baseTemperature=" + baseTemperature)
                + ", similarity=" + similarity + ", reduction=" + reduction
                + TiledLossBuilder.describe(engine, threads) + TiledLossBuilder.describeGuide(guideMargin) + "}";
    }

    /** Builds a {@link SupCon}; every setter validates its argument at once. */
    public static final class Builder extends TiledLossBuilder<Builder> {
        private double baseTemperature = Double.NaN;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Multiplies each row's loss by τ/τ_base (default: off); τ_base &gt; 0 and finite (Khosla: 0.07). */
        public Builder baseTemperature(double tauBase) {
            Checks.positive(tauBase, "base temperature");
            this.baseTemperature = tauBase;
            return this;
        }

        public SupCon build() {
            return new SupCon(this);
        }
    }
}
