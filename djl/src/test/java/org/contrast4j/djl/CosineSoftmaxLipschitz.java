package org.contrast4j.djl;

/**
 * Test support: how far a cosine-similarity softmax cross-entropy loss (InfoNCE one-way or symmetric, CLIP, NT-Xent,
 * SupCon; mean reduction) and its gradients can move when its raw embeddings move, derived from the loss's form —
 * used to compare two computations that saw embeddings differing by a few float32 roundings (two forward passes
 * of one encoder with different batch shapes), with the difference <em>observed</em> in the test (0 when the two
 * passes agree bit for bit).
 *
 * <p>Notation: every embedding row moves by at most β (Euclidean norm) and has norm ≥ ρ on both sides; s = 1/τ.
 * The loss is L = Σ_r w_r·(lse_k(l_rk) − Σ_k y_rk·l_rk) over softmax rows r (rows, and for the symmetric loss
 * columns, of the logit matrix l = s·ûᵀv̂), with Σ_k y_rk = 1 and total weight W = Σ_r w_r = 1 (mean reductions;
 * the symmetric loss halves both directions; SupCon's skipped rows weigh 0). Then, step by step:
 * <ul>
 *   <li>normalised rows: ‖û' − û‖ ≤ 2β/ρ =: ν (‖a/‖a‖ − b/‖b‖‖ ≤ 2‖a − b‖/‖a‖);</li>
 *   <li>logits: |Δl| ≤ s·(2ν + ν²) =: λ;</li>
 *   <li>value: each row's lse − y·l is 2-Lipschitz in the max norm of its logits, so |ΔL| ≤ 2·W·λ;</li>
 *   <li>∂L/∂l = C, C_r = w_r·(p_r − y_r): softmax probabilities move by a factor within e^{±2λ}, so
 *       Σ|ΔC| over the pairs of one row ≤ w_r·κ with κ = e^{2λ} − 1, and Σ|C_r| ≤ 2·w_r;</li>
 *   <li>∂L/∂û_m = h_m = s·Σ_{pairs ∋ m} C_pair·û_other: the pairs of m's own softmax row (weight ≤ 1) and m's entry
 *       in every other row (weights summing to ≤ W = 1), so ‖h_m‖ ≤ s·A with A = 2·(1 + W) = 4 and
 *       ‖Δh_m‖ ≤ s·(κ·(1 + W) + A·ν) = s·(2κ + 4ν);</li>
 *   <li>∂L/∂e_m = (I − û_m û_mᵀ)·h_m/‖e_m‖: the projection moves by ≤ 2ν, 1/‖e‖ by ≤ β/ρ², so
 *       ‖Δ(∂L/∂e_m)‖ ≤ (2ν/ρ + β/ρ²)·4s + s·(2κ + 4ν)/ρ, a bound on every entry;</li>
 *   <li>∂L/∂log τ = −Σ C·l: |Δ| ≤ Σ|ΔC|·max|l| + Σ|C|·λ ≤ κ·W·s + 2·W·λ.</li>
 * </ul>
 * These are global (not first-order) bounds; with β = 0 every one is 0. When the two computations also use logit
 * scales differing by a relative σ (s' = s·(1 ± σ): a learnable log τ passed to one of them as float32), the logits
 * move by s·σ more (|cos| ≤ 1), so λ = s·(2ν + ν² + σ), h by s·σ·A more, and s becomes s·(1 + σ) in the bounds.
 */
public final class CosineSoftmaxLipschitz {
    private final double s;
    private final double beta;
    private final double rho;
    private final double nu;
    private final double lambda;
    private final double kappa;

    private final double sigma;

    private CosineSoftmaxLipschitz(double s, double sigma, double beta, double rho) {
        if (!(rho > 0)) {
            throw new IllegalArgumentException("rows of norm " + rho + ": no cosine bound");
        }
        this.s = s;
        this.sigma = sigma;
        this.beta = beta;
        this.rho = rho;
        this.nu = 2 * beta / rho;
        this.lambda = s * (2 * nu + nu * nu + sigma);
        this.kappa = Math.expm1(2 * lambda);
    }

    /**
     * The bounds for logit scale s = 1/τ and two versions x, y of the same embedding rows (pairs of arrays, each
     * rows × d, row-major): β = the largest row distance, ρ = the smallest row norm on either side.
     */
    public static CosineSoftmaxLipschitz of(double s, int d, float[]... pairs) {
        return of(s, 0, d, pairs);
    }

    /** {@link #of(double, int, float[]...)} when the two computations' logit scales differ by a relative σ. */
    public static CosineSoftmaxLipschitz of(double s, double sigma, int d, float[]... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("give the embeddings as pairs (x, y)");
        }
        double beta = 0;
        double rho = Double.POSITIVE_INFINITY;
        for (int p = 0; p < pairs.length; p += 2) {
            float[] x = pairs[p];
            float[] y = pairs[p + 1];
            if (x.length != y.length) {
                throw new IllegalArgumentException("pair " + p / 2 + ": " + x.length + " vs " + y.length + " entries");
            }
            for (int off = 0; off < x.length; off += d) {
                double dist = 0;
                double nx = 0;
                double ny = 0;
                for (int c = 0; c < d; c++) {
                    double diff = (double) x[off + c] - y[off + c];
                    dist += diff * diff;
                    nx += (double) x[off + c] * x[off + c];
                    ny += (double) y[off + c] * y[off + c];
                }
                beta = Math.max(beta, Math.sqrt(dist));
                rho = Math.min(rho, Math.min(Math.sqrt(nx), Math.sqrt(ny)));
            }
        }
        // the square roots and sums above in double: a relative 1e-15 that the bounds cover many times over
        return new CosineSoftmaxLipschitz(s, sigma, beta * (1 + 1e-12), rho * (1 - 1e-12));
    }

    /** β, the largest row distance observed. */
    public double beta() {
        return beta;
    }

    /** |ΔL| ≤ 2·λ. */
    public double value() {
        return 2 * lambda;
    }

    /** The bound on every entry of Δ(∂L/∂e). */
    public double gradient() {
        double s1 = s * (1 + sigma);
        return (2 * nu / rho + beta / (rho * rho)) * 4 * s1 + (s1 * (2 * kappa + 4 * nu) + 4 * s * sigma) / rho;
    }

    /** |Δ(∂L/∂log τ)| ≤ κ·s + 2·λ. */
    public double logTemperature() {
        return kappa * s * (1 + sigma) + 2 * lambda;
    }
}
