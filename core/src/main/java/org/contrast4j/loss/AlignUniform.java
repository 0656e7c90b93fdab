package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * The alignment + uniformity objective of Wang &amp; Isola 2020 ("Understanding Contrastive Representation Learning
 * through Alignment and Uniformity on the Hypersphere", ICML 2020), with exact gradients. With anchors x and
 * positives y (N×D, row i of y the positive of x_i) and û = u / max(‖u‖₂, 1e-12) the normalised rows (or the raw
 * rows when {@code normalize(false)}):
 * <pre>
 *   L         = L_align + λ·(L_unif(x̂) + L_unif(ŷ))/2
 *   L_align   = (1/N) Σ_i ‖x̂_i − ŷ_i‖₂^α
 *   L_unif(u) = log( (2/(N(N−1))) Σ_{i&lt;j} e^{−t‖u_i − u_j‖₂²} )
 * </pre>
 * — the paper's reference code ({@code align_loss(x, y, alpha) + lam * (uniform_loss(x, t) + uniform_loss(y, t)) / 2}).
 * λ = 0 gives the alignment-only objective, which is minimised by mapping every point to one (collapse). The values
 * are those of {@link org.contrast4j.metric.Alignment} and {@link org.contrast4j.metric.Uniformity}; this class adds
 * the gradients with respect to the raw inputs (through the normalisation):
 * <pre>
 *   ∂L_align/∂x̂_i = (α/N)·‖x̂_i − ŷ_i‖^{α−2}·(x̂_i − ŷ_i)       (0 where x̂_i = ŷ_i)
 *   ∂L_unif/∂u_i  = −2t Σ_{j≠i} w_ij (u_i − u_j),   w_ij = e^{−t d_ij} / Σ_{k&lt;l} e^{−t d_kl}
 * </pre>
 *
 * <p>Result: {@link LossResult#value()} is L; {@link LossResult#perRow()} holds each pair's alignment term
 * ‖x̂_i − ŷ_i‖^α (the uniformity is over pairs of rows and has no per-row form, so the value is the mean of the
 * per-row terms only when λ = 0); {@link LossResult#terms()} holds {@code alignment}, {@code uniformity_anchors} and
 * {@code uniformity_positives} (the uniformity terms only when λ &gt; 0); gradients for anchors and positives; no
 * learnable scalar. There is no reduction setting: the objective is defined with means.
 *
 * <p>Computation: the uniformity runs over square tiles of rows ({@value #BLOCK}×{@value #BLOCK}) of the upper
 * triangle i &lt; j, never holding the N×N matrix: one pass streams the log-sum-exp (in double, with a running
 * maximum), a second recomputes each tile, forms its weights w_ij and accumulates Σ_j w_ij·u_j with one
 * {@link Kernels#gemm} per tile. Squared distances are ‖u_i‖² + ‖u_j‖² − 2⟨u_i, u_j⟩ (norms in double, the dot
 * products from the GEMM), clamped at 0. Time O(N²·D), memory O(N·D + {@value #BLOCK}²).
 *
 * <p>Defaults, the paper's: α = 2, t = 2, λ = 1, normalised rows. Needs N ≥ 2 when λ &gt; 0 (uniformity averages over
 * pairs), N ≥ 1 otherwise; labels and explicit negatives are rejected. A value or gradient that would not be finite
 * (raw rows near the float32 range) is an {@link ArithmeticException} naming it. Immutable and thread-safe.
 */
public final class AlignUniform implements ContrastiveLoss {
    private static final String NAME = "align-uniform";
    /** Rows per tile side of the uniformity. */
    static final int BLOCK = 256;

    private final double alpha;
    private final double t;
    private final double lambda;
    private final boolean normalize;

    private AlignUniform(Builder b) {
        this.alpha = b.alpha;
        this.t = b.t;
        this.lambda = b.lambda;
        this.normalize = b.normalize;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** The alignment exponent α. */
    public double alpha() {
        return alpha;
    }

    /** The uniformity scale t. */
    public double t() {
        return t;
    }

    /** The uniformity weight λ (0 = alignment only). */
    public double lambda() {
        return lambda;
    }

    /** Whether rows are L2-normalised first. */
    public boolean normalize() {
        return normalize;
    }

    @Override
    public LossResult compute(Batch batch) {
        return compute(batch, BLOCK);
    }

    /** {@link #compute(Batch)} with tiles of {@code block} rows (package-private so tests can cover many tiles). */
    LossResult compute(Batch batch, int block) {
        Checks.notNull(batch, "batch");
        Matrix x = batch.anchors();
        Matrix y = Inputs.requirePositives(batch, NAME);
        Inputs.rejectNegatives(batch, NAME);
        Inputs.rejectInfoNceOnly(batch, NAME);
        Inputs.rejectLabels(batch, NAME);
        int n = x.rows();
        int d = x.cols();
        if (lambda > 0 && n < 2) {
            throw new IllegalArgumentException(NAME + " needs N >= 2 pairs when lambda > 0 (uniformity averages over "
                    + "pairs of rows), the batch has N = " + n);
        }
        Similarity prep = normalize ? Similarity.COSINE : Similarity.DOT;
        Matrix u = prep.prepare(x);
        Matrix v = prep.prepare(y);
        float[] pu = u.data();
        float[] pv = v.data();

        // alignment: per row ‖u_i − v_i‖^α and its gradient coefficient α‖·‖^{α−2}/N
        double[] perRow = new double[n];
        double[] du = new double[n * d];
        double align = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = i * d; c < (i + 1) * d; c++) {
                double diff = (double) pu[c] - pv[c];
                s += diff * diff;
            }
            perRow[i] = alpha == 2.0 ? s : Math.pow(s, alpha / 2);
            align += perRow[i];
            double coeff = s == 0 ? 0.0 : (alpha == 2.0 ? 2.0 : alpha * Math.pow(s, alpha / 2 - 1)) / n;
            for (int c = i * d; c < (i + 1) * d; c++) {
                du[c] = coeff * ((double) pu[c] - pv[c]);
            }
        }
        align /= n;
        double[] dv = new double[n * d];
        for (int k = 0; k < du.length; k++) {
            dv[k] = -du[k];
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("alignment", align);
        double value = align;
        if (lambda > 0) {
            double unifX = uniformity(u, t, lambda / 2, du, block);
            double unifY = uniformity(v, t, lambda / 2, dv, block);
            terms.put("uniformity_anchors", unifX);
            terms.put("uniformity_positives", unifY);
            value += lambda * (unifX + unifY) / 2;
        }
        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        gradients.put(Input.ANCHORS, finite(prep.backward(x, toMatrix(du, n, d)), "anchors", value));
        gradients.put(Input.POSITIVES, finite(prep.backward(y, toMatrix(dv, n, d)), "positives", value));
        return new LossResult(value, perRow, 0, gradients, Map.of(), terms);
    }

    /**
     * L_unif of the rows of {@code p}; adds {@code weight}·∂L_unif/∂p to {@code grad}. Two passes over the tiles of
     * the upper triangle: the log-sum-exp, then the weights and Σ_j w_ij·p_j.
     */
    static double uniformity(Matrix p, double t, double weight, double[] grad, int block) {
        int n = p.rows();
        int d = p.cols();
        float[] a = p.data();
        double[] sq = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = i * d; c < (i + 1) * d; c++) {
                s += (double) a[c] * a[c];
            }
            sq[i] = s;
        }
        int side = Math.min(block, n);
        float[] tile = new float[side * side];
        double[] dist = new double[side * side];
        // pass 1: log Σ_{i<j} e^{−t d_ij}, tile by tile with a running maximum
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i0 = 0; i0 < n; i0 += block) {
            int i1 = Math.min(n, i0 + block);
            for (int j0 = i0; j0 < n; j0 += block) {
                int j1 = Math.min(n, j0 + block);
                distances(a, sq, d, i0, i1, j0, j1, tile, dist);
                int w = j1 - j0;
                double tileMax = Double.NEGATIVE_INFINITY;
                for (int i = i0; i < i1; i++) {
                    for (int j = Math.max(j0, i + 1); j < j1; j++) {
                        tileMax = Math.max(tileMax, -t * dist[(i - i0) * w + j - j0]);
                    }
                }
                if (tileMax == Double.NEGATIVE_INFINITY) {
                    continue; // a diagonal tile of one row
                }
                double tileSum = 0;
                for (int i = i0; i < i1; i++) {
                    for (int j = Math.max(j0, i + 1); j < j1; j++) {
                        tileSum += Math.exp(-t * dist[(i - i0) * w + j - j0] - tileMax);
                    }
                }
                if (tileMax <= max) {
                    sum += tileSum * Math.exp(tileMax - max);
                } else {
                    sum = sum * Math.exp(max - tileMax) + tileSum;
                    max = tileMax;
                }
            }
        }
        double lse = max + Math.log(sum);
        double pairs = (double) n * (n - 1) / 2;

        // pass 2: w_ij = e^{−t d_ij − lse}; r_i = Σ_{j≠i} w_ij and (W·p)_i accumulate; ∂/∂p_i = −2t(r_i p_i − (Wp)_i)
        double[] rowWeight = new double[n];
        float[] wp = new float[n * d];
        for (int i0 = 0; i0 < n; i0 += block) {
            int i1 = Math.min(n, i0 + block);
            for (int j0 = i0; j0 < n; j0 += block) {
                int j1 = Math.min(n, j0 + block);
                distances(a, sq, d, i0, i1, j0, j1, tile, dist);
                int w = j1 - j0;
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        int k = (i - i0) * w + j - j0;
                        if (j > i) {
                            double wij = Math.exp(-t * dist[k] - lse);
                            tile[k] = (float) wij;
                            rowWeight[i] += wij;
                            rowWeight[j] += wij;
                        } else {
                            tile[k] = 0f;
                        }
                    }
                }
                int h = i1 - i0;
                // (Wp)_{i-block} += W·p_{j-block};  (Wp)_{j-block} += Wᵀ·p_{i-block}
                Kernels.gemm(false, false, h, d, w, 1f, tile, 0, w, a, j0 * d, d, 1f, wp, i0 * d, d);
                Kernels.gemm(true, false, w, d, h, 1f, tile, 0, w, a, i0 * d, d, 1f, wp, j0 * d, d);
            }
        }
        double f = -2 * t * weight;
        for (int i = 0; i < n; i++) {
            for (int c = i * d; c < (i + 1) * d; c++) {
                grad[c] += f * (rowWeight[i] * a[c] - wp[c]);
            }
        }
        return lse - Math.log(pairs);
    }

    /**
     * Squared distances ‖p_i − p_j‖² of one tile (rows i0…i1−1 against j0…j1−1) into {@code dist}, clamped at 0;
     * {@code tile} receives the dot products.
     */
    private static void distances(float[] a, double[] sq, int d, int i0, int i1, int j0, int j1, float[] tile,
                                  double[] dist) {
        int h = i1 - i0;
        int w = j1 - j0;
        Kernels.gemm(false, true, h, w, d, 1f, a, i0 * d, d, a, j0 * d, d, 0f, tile, 0, w);
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                int k = (i - i0) * w + j - j0;
                double dot = tile[k];
                if (!Double.isFinite(dot)) { // the float32 product overflowed: this pair again in double
                    dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) a[i * d + c] * a[j * d + c];
                    }
                }
                dist[k] = Math.max(0.0, sq[i] + sq[j] - 2.0 * dot);
            }
        }
    }

    /**
     * The gradient, or an {@link ArithmeticException} naming the first entry that overflowed float32 (only raw rows,
     * {@code normalize(false)}, of magnitude near the float range can get there) — never a silent ±∞ or NaN.
     */
    private Matrix finite(Matrix g, String input, double value) {
        float[] a = g.data();
        for (int k = 0; k < a.length; k++) {
            if (!Float.isFinite(a[k]) || !Double.isFinite(value)) {
                throw new ArithmeticException(NAME + ": the " + (Double.isFinite(value) ? "gradient for " + input
                        + " at [" + k / g.cols() + ", " + k % g.cols() + "] is " + a[k] : "value is " + value)
                        + ", beyond float32; " + this + " needs smaller raw rows (or normalize(true))");
            }
        }
        return g;
    }

    private static Matrix toMatrix(double[] g, int n, int d) {
        float[] f = new float[g.length];
        for (int k = 0; k < g.length; k++) {
            f[k] = (float) g[k];
        }
        return Matrix.of(n, d, f);
    }

    @Override
    public String toString() {
        return "AlignUniform{alpha=" + alpha + ", t=" + t + ", lambda=" + lambda + ", normalize=" + normalize + "}";
    }

    /** Builds an {@link AlignUniform}; every setter validates its argument at once. */
    public static final class Builder {
        private double alpha = 2.0;
        private double t = 2.0;
        private double lambda = 1.0;
        private boolean normalize = true;

        private Builder() {
        }

        /** The alignment exponent α &gt; 0 and finite (default 2). */
        public Builder alpha(double alpha) {
            this.alpha = Checks.positive(alpha, "alpha");
            return this;
        }

        /** The uniformity scale t &gt; 0 and finite (default 2). */
        public Builder t(double t) {
            this.t = Checks.positive(t, "t");
            return this;
        }

        /** The uniformity weight λ ≥ 0 and finite (default 1; 0 = alignment only, which collapses). */
        public Builder lambda(double lambda) {
            this.lambda = Checks.nonNegative(lambda, "lambda");
            return this;
        }

        /** Whether rows are L2-normalised first (default true, the paper's hypersphere). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** The configured loss. */
        public AlignUniform build() {
            return new AlignUniform(this);
        }
    }
}
