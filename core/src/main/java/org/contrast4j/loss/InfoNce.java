package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * InfoNCE (van den Oord, Li &amp; Vinyals 2018, "Representation Learning with Contrastive Predictive Coding"), and
 * through {@link #clip()} the symmetric CLIP loss (Radford et al. 2021).
 *
 * <p>Anchors a and positives p are N×D; with s(x, y) = sim(x, y)/τ, anchor i's loss is
 * <pre>
 *   ℓ_i = −s(a_i, p_i) + log Σ_{c ∈ C(i)} e^{s(a_i, c)}
 * </pre>
 * over its candidates C(i): every in-batch positive p_j, plus the batch's explicit negatives — shared (M×D, every
 * anchor sees all M) or paired (N×M×D, anchor i its own M). With labels, in-batch candidates p_j (j ≠ i) that share
 * anchor i's label are false negatives and are removed from C(i); so are labelled shared negatives with anchor i's
 * label ({@link Batch.Builder#sharedNegatives(Matrix, long[])}, e.g. a MoCo queue,
 * {@link org.contrast4j.sample.NegativeQueue}). Duplicates by id (several rows with the same positive): give the
 * positives' ids as labels. The positive's share of the denominator measures
 * alignment, the rest uniformity; log N − L lower-bounds the mutual information I(a; p).
 *
 * <p>{@code symmetric(true)}: per-row ℓ_i = ½(ℓ_i^{a→p} + ℓ_i^{p→a}); the reverse direction scores p_i against the
 * in-batch anchors only (explicit negatives belong to the anchor side). The result's {@link LossResult#terms()} then
 * hold {@code anchor_to_positive} and {@code positive_to_anchor}, each reduced like the value.
 *
 * <p><b>Guide-model false negatives</b> (GISTEmbed, Solatorio 2024, "GISTEmbed: Guided In-sample Selection of
 * Training Negatives for Text Embedding Fine-tuning"): with guide embeddings ga, gp in the batch
 * ({@link Batch.Builder#guide}), G_ij = cos(ga_i, gp_j) and margin m ({@link Builder#guideMargin}), in-batch
 * candidate p_j (j ≠ i) leaves anchor i's candidates when G_ij &gt; G_ii − m; in the reverse direction of the
 * symmetric loss anchor a_i leaves positive j's candidates when G_ij &gt; G_jj − m (the transposed guide
 * similarities). Explicit negatives are not guide-masked. A row (or, symmetric, a direction of a row) that the guide
 * leaves with no negative is skipped: loss and gradient 0, left out of its direction's mean, counted in
 * {@link LossResult#skippedRows()} (once per direction). With skips, the symmetric value is ½(mean of the valid
 * anchor→positive rows + mean of the valid positive→anchor rows), and {@link LossResult#perRow()} holds
 * ½(ℓ_i^{a→p} + ℓ_i^{p→a}) with 0 for a skipped direction. The one-way guided loss runs on either engine, the
 * symmetric one on the dense engine.
 *
 * <p><b>Sampling-bias (logQ) correction</b> (Yi et al. 2019, "Sampling-Bias-Corrected Neural Modeling for Large
 * Corpus Item Recommendations"): with {@link Batch.Builder#logQ} every logit of in-batch column j, the positive's
 * included, becomes s(a_i, p_j) − log q_j, and with {@link Batch.Builder#negativeLogQ} every logit of shared negative
 * m becomes s(a_i, n_m) − log q_m (mixed negative sampling, Yang et al. 2020):
 * <pre>
 *   ℓ_i = −(s(a_i, p_i) − log q_i) + log Σ_{c ∈ C(i)} e^{s(a_i, c) − log q_c}
 * </pre>
 * One-way only (a symmetric loss with logQ is rejected). q is e.g. from {@link org.contrast4j.sample.FrequencyEstimator}.
 *
 * <p>Temperature: fixed, or learnable, in which case the result reports ∂L/∂(log τ). An optional maximum logit scale
 * clamps 1/τ (CLIP: 100); while clamped the logits use the clamp and the temperature gradient is 0.
 *
 * <p>Defaults: τ = 0.1 fixed, no clamp, one-way, {@link Similarity#COSINE}, {@link Reduction#MEAN}. Gradients are
 * returned for anchors, positives and negatives (when given) with respect to the raw inputs (none for the guide or
 * log q: they are constants). Every anchor (and, when symmetric, every positive) needs at least one negative
 * candidate after the label mask, else {@link #compute} throws naming the row.
 * Thread-safe and immutable.
 *
 * <p>Engine ({@link Engine}, default AUTO): batches without explicit negatives can run on the tiled engine
 * ({@link org.contrast4j.tiled.TiledInfoNce}; with labels, a one-way guide and logQ too — a symmetric guide runs
 * dense), which never forms the N×N similarity matrix (memory O(N·D)) and runs on
 * {@link Builder#threads} workers (default: the available processors), or on its stored-logits path
 * ({@link Engine#STORED}: the N×N similarities kept, 6·N²·D flops instead of 8·N²·D for the symmetric loss, the same
 * workers; the 4·N·(N + 16)-byte array stays allocated between calls, one per calling thread, softly referenced and
 * sized by the largest batch so far). AUTO ({@link Engine#resolveInfoNce}) runs dense below {@value Engine#AUTO_STORED_FROM} rows, stored
 * logits up to {@value Engine#AUTO_STORED_MAX}, tiled above (thresholds measured: docs/tiled-engine.md).
 * The result has the same contents either way. With the tiled engine an
 * interrupt of the calling thread stops {@link #compute} with a {@link java.util.concurrent.CancellationException}.
 */
public final class InfoNce implements ContrastiveLoss {
    private static final String NAME = "InfoNCE";
    private final Temperature temperature;
    private final boolean symmetric;
    private final Similarity similarity;
    private final Reduction reduction;
    private final Engine engine;
    /** Tiled-engine workers; 0 = {@link Runtime#availableProcessors()} at each {@link #compute}. */
    private final int threads;
    /** GISTEmbed's margin m (used only when the batch has a guide). */
    private final double guideMargin;

    private InfoNce(Builder b) {
        this.guideMargin = b.guideMargin;
        this.temperature = b.temperature;
        this.symmetric = b.symmetric;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
        this.engine = b.engine;
        this.threads = b.threads;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The CLIP loss (Radford et al. 2021) as an InfoNCE preset: symmetric, cosine, learnable temperature starting at
     * τ = 0.07, logit scale clamped at 100 (as open_clip).
     */
    public static Builder clip() {
        return new Builder().symmetric(true).learnableTemperature(true).temperature(0.07).maxLogitScale(100);
    }

    /** This loss with another temperature (e.g. after an optimiser step on log τ). */
    public InfoNce withTemperature(double tau) {
        Builder b = new Builder().copy(temperature.withTau(tau), similarity, reduction).symmetric(symmetric)
                .engine(engine).guideMargin(guideMargin);
        b.threads = threads;
        return b.build();
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

    /** The largest logit scale 1/τ used (+∞ = no clamp). */
    public double maxLogitScale() {
        return temperature.maxLogitScale();
    }

    /** GISTEmbed's margin m for batches with a guide ({@link Batch.Builder#guide}); default 0. */
    public double guideMargin() {
        return guideMargin;
    }

    /** Whether both directions are averaged. */
    public boolean symmetric() {
        return symmetric;
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix a = batch.anchors();
        Matrix p = Inputs.requirePositives(batch, NAME);
        Matrix neg = batch.negativesOrNull();
        int paired = batch.negativesPerAnchor();
        long[] labels = batch.labelsOrNull();
        long[] negLabels = batch.negativeLabelsOrNull(); // only with shared negatives, and then labels != null
        int n = a.rows();
        Matrix guideA = batch.guideAnchorsOrNull();
        double[] logQ = batch.logQOrNull();
        Checks.argument(logQ == null || !symmetric, "%s: the logQ correction is for one-way InfoNCE (the candidates "
                + "it corrects are the positives); the batch has logQ but the loss is symmetric", NAME);
        // the tiled engine takes labels, a one-way guide and logQ; explicit negatives and a symmetric guide run dense
        boolean dense = neg != null || (guideA != null && symmetric);
        Engine path = engine.resolveInfoNce(n, dense);
        if (path != Engine.DENSE) {
            if (path == Engine.STORED) {
                DenseSize.require(NAME + " (stored-logits engine) on N = " + n + " rows", n, n + 16L, 4,
                        "use the tiled engine (Engine.TILED or AUTO), which never forms the N×N matrix");
            }
            requireNegatives(labels, null, n, n, "anchor", "");
            if (symmetric) {
                requireNegatives(labels, null, n, n, "positive", " in the reverse (positive → anchor) direction");
            }
            return InfoNceTiled.compute(batch, p, temperature, symmetric, similarity, reduction,
                    threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), guideMargin,
                    path == Engine.STORED);
        }
        int shared = neg != null && paired == 0 ? neg.rows() : 0;
        int main = n + shared;          // columns computed by one product: in-batch positives, then shared negatives
        int cols = main + paired;       // then each row's own paired negatives
        // per entry of N×cols: similarities, targets, gradients (floats), candidates; symmetric: the N×N reverse copies
        DenseSize.require(NAME + " (dense engine) on N = " + n + " rows and " + cols + " candidates", n, cols,
                13 + (symmetric ? 17 : 0) + (guideA != null ? 6 : 0), dense
                        ? "the tiled engine takes no " + (neg != null ? "explicit negatives"
                                : "guide with the symmetric loss")
                                + ": use fewer rows or negatives, or give the JVM more heap (-Xmx; CONTRAST4J_JAVA_OPTS "
                                + "for the command line)"
                        : "use the tiled engine (Engine.TILED or AUTO, the default; --engine tiled or auto on the "
                                + "command line), which never forms the N×N matrix");

        Matrix ah = similarity.prepare(a);
        Matrix ph = similarity.prepare(p);
        Matrix nh = neg == null ? null : similarity.prepare(neg);
        Matrix keys = shared > 0 ? Blocks.stack(ph, nh) : ph;

        Matrix mainSim = Kernels.multiplyTransposed(ah, keys);
        float[] sim = mainSim.data();
        int d = a.cols();
        if (paired > 0) {
            sim = new float[n * cols];
            for (int i = 0; i < n; i++) {
                System.arraycopy(mainSim.data(), i * main, sim, i * cols, main);
                for (int m = 0; m < paired; m++) {
                    sim[i * cols + main + m] = (float) Kernels.dot(ah.data(), i * d, nh.data(), (i * paired + m) * d, d);
                }
            }
        }

        requireNegatives(labels, negLabels, n, cols, "anchor", "");
        boolean[] candidate = labels == null && guideA == null ? null : candidates(labels, negLabels, n, cols);
        float[] guideSim = guideA == null ? null
                : Kernels.multiplyTransposed(Similarity.COSINE.prepare(guideA),
                        Similarity.COSINE.prepare(batch.guidePositivesOrNull())).data();
        if (guideSim != null) {
            guideMask(guideSim, n, candidate, cols, false);
        }
        boolean[] skipF = rowsWithoutNegatives(candidate, n, cols);
        double[] offset = null;
        if (logQ != null) {
            offset = new double[cols];
            double[] negLogQ = batch.negativeLogQOrNull();
            for (int j = 0; j < main; j++) {
                offset[j] = -(j < n ? logQ[j] : negLogQ[j - n]);
            }
        }
        float[] target = new float[n * cols];
        for (int i = 0; i < n; i++) {
            target[i * cols + i] = 1f;
        }
        double scale = temperature.scale();
        double[] lossF = new double[n];
        double[] dotF = new double[n];
        float[] gF = new float[n * cols];
        SoftmaxRows.crossEntropy(sim, n, cols, scale, offset, candidate, target, skipF, lossF, gF, dotF);

        double[] lossR = null;
        double[] dotR = null;
        float[] gR = null;
        boolean[] skipR = null;
        if (symmetric) {
            requireNegatives(labels, null, n, n, "positive", " in the reverse (positive → anchor) direction");
            float[] simR = Blocks.transposeSquare(Blocks.columns(sim, n, cols, 0, n).data(), n);
            lossR = new double[n];
            dotR = new double[n];
            gR = new float[n * n];
            float[] targetR = new float[n * n];
            for (int i = 0; i < n; i++) {
                targetR[i * n + i] = 1f;
            }
            boolean[] candidateR = labels == null && guideA == null ? null : candidates(labels, null, n, n);
            if (guideSim != null) {
                guideMask(guideSim, n, candidateR, n, true);
            }
            skipR = rowsWithoutNegatives(candidateR, n, n);
            SoftmaxRows.crossEntropy(simR, n, n, scale, candidateR, targetR, skipR, lossR, gR, dotR);
        }

        int skippedF = count(skipF);
        int skippedR = count(skipR);
        double half = symmetric ? 0.5 : 1.0;
        // each direction's mean is over its own rows that have a negative; a direction with none has weight 0
        double wF = skippedF == n ? 0.0 : Reductions.rowWeight(reduction, n - skippedF) * half;
        double wR = skippedR == n ? 0.0 : Reductions.rowWeight(reduction, n - skippedR) * half;
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            perRow[i] = symmetric ? 0.5 * (lossF[i] + lossR[i]) : lossF[i];
        }
        double value;
        Map<String, Double> terms = new LinkedHashMap<>();
        if (symmetric) {
            double tF = Reductions.value(reduction, lossF, skipF);
            double tR = Reductions.value(reduction, lossR, skipR);
            value = 0.5 * (tF + tR);
            terms.put("anchor_to_positive", tF);
            terms.put("positive_to_anchor", tR);
        } else {
            value = Reductions.value(reduction, lossF, skipF);
        }
        double w = wF;

        // ∂L/∂S = w·scale·∂ℓ/∂logit, then the products back to the prepared rows
        Blocks.scale(gF, w * scale);
        Matrix dMain = paired > 0 ? Blocks.columns(gF, n, cols, 0, main) : Matrix.of(n, main, gF);
        Matrix dAh = Matrix.zeros(n, d);
        Kernels.gemm(false, false, 1f, dMain, keys, 0f, dAh);
        Matrix dKeys = Matrix.zeros(main, d);
        Kernels.gemm(true, false, 1f, dMain, ah, 0f, dKeys);
        Matrix dPh = shared > 0 ? dKeys.copyRows(0, n) : dKeys;
        Matrix dNh = null;
        if (shared > 0) {
            dNh = dKeys.copyRows(n, main);
        } else if (paired > 0) {
            dNh = Matrix.zeros(n * paired, d);
            for (int i = 0; i < n; i++) {
                for (int m = 0; m < paired; m++) {
                    float g = gF[i * cols + main + m];
                    Kernels.axpy(g, nh.data(), (i * paired + m) * d, dAh.data(), i * d, d);
                    Kernels.axpy(g, ah.data(), i * d, dNh.data(), (i * paired + m) * d, d);
                }
            }
        }
        if (symmetric) {
            Blocks.scale(gR, wR * scale);
            Matrix dR = Matrix.of(n, n, gR);
            Kernels.gemm(false, false, 1f, dR, ah, 1f, dPh);
            Kernels.gemm(true, false, 1f, dR, ph, 1f, dAh);
        }

        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        gradients.put(Input.ANCHORS, similarity.backward(a, dAh));
        gradients.put(Input.POSITIVES, similarity.backward(p, dPh));
        if (neg != null) {
            gradients.put(Input.NEGATIVES, similarity.backward(neg, dNh));
        }
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            double dot = wF * Blocks.sum(dotF) + (symmetric ? wR * Blocks.sum(dotR) : 0.0);
            scalars.put(Scalar.LOG_TEMPERATURE, temperature.logTemperatureGradient(dot));
        }
        return new LossResult(value, perRow, skippedF + skippedR, gradients, scalars, terms);
    }

    /**
     * GISTEmbed's mask on the in-batch columns: with G_ij = cos(ga_i, gp_j) (N×N, {@code guide}), forward row i drops
     * column j ≠ i when G_ij &gt; G_ii − m; the reverse (transposed) row j drops anchor i ≠ j when G_ij &gt; G_jj − m.
     */
    private void guideMask(float[] guide, int n, boolean[] candidate, int cols, boolean reverse) {
        for (int r = 0; r < n; r++) {
            double threshold = (double) guide[r * n + r] - guideMargin;
            for (int c = 0; c < n; c++) {
                float g = reverse ? guide[c * n + r] : guide[r * n + c];
                if (c != r && g > threshold) {
                    candidate[r * cols + c] = false;
                }
            }
        }
    }

    /** Rows whose only candidate is their positive (column r): skipped and counted; null = none (no mask). */
    private static boolean[] rowsWithoutNegatives(boolean[] candidate, int n, int cols) {
        if (candidate == null) {
            return null;
        }
        boolean[] skip = new boolean[n];
        for (int r = 0; r < n; r++) {
            boolean any = false;
            for (int c = 0; c < cols && !any; c++) {
                any = c != r && candidate[r * cols + c];
            }
            skip[r] = !any;
        }
        return skip;
    }

    private static int count(boolean[] flags) {
        int k = 0;
        for (int i = 0; flags != null && i < flags.length; i++) {
            k += flags[i] ? 1 : 0;
        }
        return k;
    }

    /**
     * In-batch columns j ≠ i with row i's label are not candidates, nor shared-negative columns n + m whose label
     * {@code shared[m]} (null = unlabelled) is row i's; every other column is.
     */
    private static boolean[] candidates(long[] labels, long[] shared, int n, int cols) {
        boolean[] c = new boolean[n * cols];
        java.util.Arrays.fill(c, true);
        for (int i = 0; labels != null && i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j != i && labels[j] == labels[i]) {
                    c[i * cols + j] = false;
                }
            }
            for (int m = 0; shared != null && m < shared.length; m++) {
                if (shared[m] == labels[i]) {
                    c[i * cols + n + m] = false;
                }
            }
        }
        return c;
    }

    /**
     * Each row needs a candidate besides its positive: an unlabelled explicit negative (cols &gt; n), a differently
     * labelled j, or a shared negative whose label ({@code shared}) differs from the row's.
     */
    private static void requireNegatives(long[] labels, long[] shared, int n, int cols, String row, String where) {
        if (cols > n && shared == null) {
            return;
        }
        if (n == 1 && shared == null) {
            throw new IllegalArgumentException(NAME + " needs a negative for every " + row + where
                    + ": the batch has N = 1 and no explicit negatives");
        }
        if (labels == null) {
            return;
        }
        for (int i = 0; i < n; i++) {
            boolean found = false;
            for (int j = 0; j < n && !found; j++) {
                found = labels[j] != labels[i];
            }
            for (int m = 0; shared != null && m < shared.length && !found; m++) {
                found = shared[m] != labels[i];
            }
            if (!found && shared != null) {
                throw new IllegalArgumentException(NAME + ": " + row + " " + i + " has no negative" + where
                        + ": every in-batch candidate and all " + shared.length + " shared negatives share its label "
                        + labels[i]);
            }
            if (!found) {
                throw new IllegalArgumentException(NAME + ": " + row + " " + i + " has no negative" + where
                        + ": every in-batch candidate shares its label " + labels[i]
                        + " and no explicit negatives were given");
            }
        }
    }

    @Override
    public String toString() {
        return "InfoNce{" + temperature + ", symmetric=" + symmetric + ", similarity=" + similarity
                + ", reduction=" + reduction + (engine == Engine.AUTO ? "" : ", engine=" + engine)
                + (threads == 0 ? "" : ", threads=" + threads)
                + (guideMargin == 0 ? "" : ", guideMargin=" + guideMargin) + "}";
    }

    /** Builds an {@link InfoNce}; every setter validates its argument at once. */
    public static final class Builder extends TemperatureLossBuilder<Builder> {
        private boolean symmetric;
        private Engine engine = Engine.AUTO;
        private int threads;
        private double guideMargin;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The largest logit scale 1/τ used (default +∞ = no clamp; CLIP: 100). */
        public Builder maxLogitScale(double max) {
            temperature = temperature.withMaxLogitScale(max);
            return this;
        }

        /** ½(anchor→positive + positive→anchor) (default false). */
        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        /**
         * How the loss is computed (default {@link Engine#AUTO}: by batch size, {@link Engine#resolveInfoNce}; a batch
         * with explicit negatives, logQ or a symmetric guide runs dense).
         */
        public Builder engine(Engine engine) {
            this.engine = Checks.notNull(engine, "engine");
            return this;
        }

        /**
         * Worker threads of the tiled engine, ≥ 1 (default: {@link Runtime#availableProcessors()} when the loss is
         * computed). The dense engine is single-threaded and ignores it. For a fixed thread count the tiled result is
         * the same bits on every run.
         */
        public Builder threads(int threads) {
            Checks.atLeast(threads, 1, "threads");
            this.threads = threads;
            return this;
        }

        /**
         * GISTEmbed's margin m ≥ 0, finite (default 0): with a guide in the batch, candidate p_j (j ≠ i) is masked for
         * anchor i when cos(ga_i, gp_j) &gt; cos(ga_i, gp_i) − m. A larger m masks more.
         */
        public Builder guideMargin(double margin) {
            this.guideMargin = Checks.nonNegative(margin, "guideMargin");
            return this;
        }

        public InfoNce build() {
            return new InfoNce(this);
        }
    }
}
