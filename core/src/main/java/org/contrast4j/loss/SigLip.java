package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * The pairwise sigmoid loss of SigLIP (Zhai, Mustafa, Kolesnikov &amp; Beyer 2023, "Sigmoid Loss for Language Image
 * Pre-Training"): every anchor–candidate pair is an independent binary classification, so there is no softmax over
 * the batch.
 *
 * <p>With N anchors a and N positives p (both N×D, row i of p the positive of a_i), the logits are
 * <pre>
 *   s_ij = sim(a_i, p_j)/τ + b,     z_ij = +1 if i = j, −1 otherwise
 *   ℓ_i  = −Σ_j log σ(z_ij·s_ij) = Σ_j softplus(−z_ij·s_ij)
 * </pre>
 * and the value is the {@link Reduction} of the per-row ℓ_i, so {@code MEAN} gives the paper's
 * −(1/N)·Σ_i Σ_j log σ(z_ij·s_ij). softplus(x) = max(x, 0) + log(1 + e^−|x|) keeps every term finite for any logit.
 * The similarity is cosine ({@link Similarity#COSINE}, the paper's normalised embeddings) or the raw dot product.
 *
 * <p>Defaults, the paper's initialisation: temperature τ = 0.1 (t' = log 10, scale 1/τ = 10), bias b = −10, both
 * fixed (not learnable), {@link Similarity#COSINE}, {@link Reduction#MEAN}.
 *
 * <p>Inputs: anchors and positives (N×D). Labels and explicit negatives are rejected: the N − 1 other positives
 * of each row are its negatives. N = 1 is allowed: the single positive pair is then the whole loss
 * (softplus(−s_11)), a valid if degenerate binary objective, since SigLIP — unlike a softmax — needs no negative.
 *
 * <p>Result: gradients for {@link Input#ANCHORS} and {@link Input#POSITIVES} with respect to the raw (unnormalised)
 * inputs; when learnable, ∂L/∂(log τ) as {@link Scalar#LOG_TEMPERATURE} (SigLIP learns t' = log(1/τ) = −log τ,
 * whose gradient is the negative of this) and ∂L/∂b as {@link Scalar#BIAS}; terms {@code "positive"} (the
 * diagonal terms, −log σ(s_ii)) and {@code "negative"} (the off-diagonal terms), each reduced like the value,
 * which is their sum. No row is ever skipped.
 */
public final class SigLip implements ContrastiveLoss {
    private static final String NAME = "SigLIP";

    private final Temperature temperature;
    private final double bias;
    private final boolean learnableBias;
    private final Similarity similarity;
    private final Reduction reduction;

    private SigLip(Builder b) {
        this.temperature = b.temperature;
        this.bias = b.bias;
        this.learnableBias = b.learnableBias;
        this.similarity = b.similarity;
        this.reduction = b.reduction;
    }

    /** A builder with the defaults: τ = 0.1, b = −10, neither learnable, cosine, mean. */
    public static Builder builder() {
        return new Builder();
    }

    /** τ. */
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

    /** The logit bias b (its initial value when learnable). */
    public double bias() {
        return bias;
    }

    /** Whether the result reports ∂L/∂b. */
    public boolean learnableBias() {
        return learnableBias;
    }

    /** This loss with another temperature, everything else unchanged. */
    public SigLip withTemperature(double tau) {
        return new Builder().copy(temperature.withTau(tau), similarity, reduction).bias(bias)
                .learnableBias(learnableBias).build();
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix rawA = batch.anchors();
        Matrix rawP = Inputs.requirePositives(batch, NAME);
        Inputs.rejectNegatives(batch, NAME);
        Inputs.rejectInfoNceOnly(batch, NAME);
        Inputs.rejectLabels(batch, NAME);
        int n = rawA.rows();
        // the N×N similarities and their gradient, floats
        DenseSize.require(NAME + " on N = " + n + " rows", n, n, 8, DenseSize.noTiledEngine(NAME));
        Matrix a = similarity.prepare(rawA);
        Matrix p = similarity.prepare(rawP);
        float[] sim = Kernels.multiplyTransposed(a, p).data();
        Finite.similarities(sim, n, n);

        double scale = temperature.scale();
        double w = Reductions.rowWeight(reduction, n);
        double[] perRow = new double[n];
        double[] posRow = new double[n];
        double[] negRow = new double[n];
        float[] g = new float[n * n]; // ∂L/∂sim_ij
        double biasGrad = 0; // Σ ∂L/∂s_ij
        double gradTimesScaled = 0; // Σ ∂L/∂s_ij · sim_ij/τ
        for (int i = 0; i < n; i++) {
            double neg = 0;
            for (int j = 0; j < n; j++) {
                double scaled = scale * sim[i * n + j];
                double s = scaled + bias;
                double zs = i == j ? s : -s;
                double term = softplus(-zs);
                // ∂softplus(−z·s)/∂s = −z·σ(−z·s)
                double dS = w * (i == j ? -sigmoid(-zs) : sigmoid(-zs));
                if (i == j) {
                    posRow[i] = term;
                } else {
                    neg += term;
                }
                g[i * n + j] = (float) (dS * scale);
                biasGrad += dS;
                gradTimesScaled += dS * scaled;
            }
            negRow[i] = neg;
            perRow[i] = posRow[i] + neg;
        }

        Matrix gm = Matrix.of(n, n, g);
        Matrix gradA = Matrix.zeros(n, a.cols());
        Kernels.gemm(false, false, 1f, gm, p, 0f, gradA);
        Matrix gradP = Matrix.zeros(n, p.cols());
        Kernels.gemm(true, false, 1f, gm, a, 0f, gradP);

        Map<Input, Matrix> grads = new EnumMap<>(Input.class);
        grads.put(Input.ANCHORS, similarity.backward(rawA, gradA));
        grads.put(Input.POSITIVES, similarity.backward(rawP, gradP));
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            scalars.put(Scalar.LOG_TEMPERATURE, temperature.logTemperatureGradient(gradTimesScaled));
        }
        if (learnableBias) {
            scalars.put(Scalar.BIAS, biasGrad);
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("positive", Reductions.value(reduction, posRow, null));
        terms.put("negative", Reductions.value(reduction, negRow, null));
        return new LossResult(Reductions.value(reduction, perRow, null), perRow, 0, grads, scalars, terms);
    }

    /** log(1 + eˣ) without overflow or loss of precision for large |x|. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** 1/(1 + e⁻ˣ) without overflow. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override
    public String toString() {
        return "SigLip{" + temperature + ", bias=" + bias + ", learnableBias=" + learnableBias + ", similarity="
                + similarity + ", reduction=" + reduction + "}";
    }

    /**
     * Builds a {@link SigLip}; every setter validates its argument at once. τ ({@code temperature}, default 0.1),
     * {@code learnableTemperature} (default false), {@code similarity} (default COSINE) and {@code reduction}
     * (default MEAN) are set as for every temperature loss.
     */
    public static final class Builder extends TemperatureLossBuilder<Builder> {
        private double bias = -10.0;
        private boolean learnableBias;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The logit bias b, finite (default −10, the paper's initialisation). */
        public Builder bias(double b) {
            if (!Double.isFinite(b)) {
                throw new IllegalArgumentException("bias must be finite, was " + b);
            }
            bias = b;
            return this;
        }

        /** Whether to report ∂L/∂b as {@link Scalar#BIAS} (default false). */
        public Builder learnableBias(boolean learnable) {
            learnableBias = learnable;
            return this;
        }

        /** The configured loss. */
        public SigLip build() {
            return new SigLip(this);
        }
    }
}
