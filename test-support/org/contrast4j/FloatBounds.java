package org.contrast4j;

/**
 * Error bounds for float32 computations, the one source of every float tolerance in the tests of
 * every module (test-support/ is added to each module's test sources by the build-helper plugin). A tolerance
 * derived here holds on any machine: it bounds the error of any summation order, blocking, FMA use or kernel
 * (scalar, Vector API, OpenBLAS on Intel or AMD), so a test never depends on one CPU's rounding.
 *
 * <p>Notation (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §2–3): u = 2⁻²⁴ is the unit
 * roundoff of float32, γ_n = n·u / (1 − n·u). A sum or dot product of n terms computed in float32 in <em>any</em>
 * order (recursive, pairwise, blocked, SIMD lanes, with or without FMA) satisfies
 * |fl(Σ x_i y_i) − Σ x_i y_i| ≤ γ_n · Σ |x_i y_i| (Higham (3.5)). A log-sum-exp is 1-Lipschitz in the max norm of
 * its arguments, so logits each within δ give a log-sum-exp within δ, and a softmax cross-entropy row
 * ℓ = lse(l) − l_pos within 2δ.
 */
public final class FloatBounds {
    /** u = 2⁻²⁴, the unit roundoff of float32 (half the machine epsilon 2⁻²³). */
    public static final double U = 0x1p-24;
    /** The unit roundoff of double, 2⁻⁵³. */
    public static final double U64 = 0x1p-53;

    private FloatBounds() {
    }

    /** γ_n = n·u / (1 − n·u) for float32. */
    public static double gamma(long n) {
        double nu = n * U;
        if (nu >= 0.5) {
            throw new IllegalArgumentException("γ_" + n + " is not a useful bound for float32 (n·u = " + nu + ")");
        }
        return nu / (1 - nu);
    }

    /** γ_n for double: the bound of an n-term sum accumulated in double. */
    public static double gamma64(long n) {
        double nu = n * U64;
        return nu / (1 - nu);
    }

    /**
     * |fl(⟨x, y⟩) − ⟨x, y⟩| for a float32 dot product of length n with Σ|x_i y_i| = {@code sumAbs}: γ_n·sumAbs.
     */
    public static double dot(int n, double sumAbs) {
        return gamma(n) * sumAbs;
    }

    /**
     * The bound of a float32 dot product of length n between two vectors whose Euclidean norms are at most
     * {@code normX} and {@code normY}: γ_n·‖x‖·‖y‖ (Σ|x_i y_i| ≤ ‖x‖‖y‖, Cauchy–Schwarz).
     */
    public static double dotByNorms(int n, double normX, double normY) {
        return gamma(n) * normX * normY;
    }

    /**
     * The bound on a cosine similarity of D-dimensional rows computed in float32: the normalised rows carry one
     * rounding per entry (relative u, from the division or the multiplication by 1/‖x‖) and the product γ_D, so
     * |Δs| ≤ γ_{D+2} (both normalised rows have norm ≤ 1 + u).
     */
    public static double cosine(int d) {
        return gamma(d + 2L);
    }

    /**
     * The error of a log-sum-exp or softmax cross-entropy row evaluated with float32 arithmetic on the logits
     * themselves (the shift l − max, the multiplication by 1/τ, a float32 exponential of at most {@code expUlps}
     * ulps, the sum accumulated in double): with L = the largest |logit| in the row, at most
     * (4·L + 2·expUlps + 4)·u. Add 2δ for logits that are only known to within δ.
     */
    public static double logSumExpArithmetic(double maxAbsLogit, int expUlps) {
        return (4 * maxAbsLogit + 2.0 * expUlps + 4) * U;
    }

    /**
     * A softmax cross-entropy row ℓ = lse(l) − l_pos whose logits are within {@code logitError} of the exact ones
     * and are evaluated in float32 arithmetic as {@link #logSumExpArithmetic}: 2·logitError + that.
     */
    public static double softmaxRow(double logitError, double maxAbsLogit, int expUlps) {
        return 2 * logitError + logSumExpArithmetic(maxAbsLogit, expUlps);
    }

    /**
     * The bound on a softmax probability p = e^{l_j − lse} whose logits are each within δ: |Δp| ≤ p·(e^{2δ} − 1),
     * returned as the relative factor e^{2δ} − 1.
     */
    public static double softmaxRelative(double delta) {
        return Math.expm1(2 * delta);
    }

    /**
     * How far the effective rank exp(H(p)), p_k = λ_k / Σλ, of a k×k covariance C can move when C moves by ΔC with
     * ‖ΔC‖₂ ≤ {@code relativeDeltaC}·tr(C): by Weyl each |Δλ_k| ≤ ‖ΔC‖₂, so T = ½‖Δp‖₁ ≤ k·‖ΔC‖₂/tr(C); by the
     * Fannes–Audenaert inequality |ΔH| ≤ T·log(k − 1) + h₂(T) (h₂ the binary entropy); the effective rank then moves
     * by at most erank·(e^{|ΔH|} − 1). The symmetric eigen-decomposition (backward stable in double) adds γ64(k).
     */
    public static double effectiveRank(double erank, int k, double relativeDeltaC) {
        double t = k * (relativeDeltaC + gamma64((long) k * k));
        if (t >= 1 - 1.0 / k) {
            throw new IllegalArgumentException("perturbation too large for a useful bound: T = " + t);
        }
        double h2 = t <= 0 ? 0 : -t * Math.log(t) - (1 - t) * Math.log1p(-t);
        double dh = t * Math.log(Math.max(1, k - 1)) + h2;
        return erank * Math.expm1(dh);
    }

    /**
     * Uniformity log mean exp(−t·d²) over n rows of dimension d: it is t-Lipschitz in the max norm of the d². On
     * rows of norm ≤ R (normalised: R = 1) the Gram form ‖x‖² + ‖y‖² − 2⟨x, y⟩ has |Δd²| ≤ 2·γ_{d+2}·R² (the
     * product) + 2·u·R² (the float32 rounding of normalised rows, counted in γ_{d+2}) + γ64 of the double norms; the
     * log-mean-exp itself adds γ64(n²) of its magnitude.
     */
    public static double uniformity(int d, double t, int n, double maxSquaredNorm, double value) {
        return t * (4 * gamma(d + 2L) * maxSquaredNorm + gamma64(2L * d + 4) * 4 * maxSquaredNorm)
                + gamma64((long) n * n + 4) * (Math.abs(value) + 1);
    }

    /**
     * Alignment mean ‖x_i − y_i‖^α of pairs at distance ≤ {@code maxDistance}, each distance within Δ
     * ({@code distanceError}: 2u for normalised float32 rows, whose entries carry one rounding each, by the triangle
     * inequality; 0 for raw rows, whose differences are taken in double): |Δ(d^α)| ≤ α·(d + Δ)^{α−1}·Δ for α ≥ 1 and
     * Δ^α for α &lt; 1 (Hölder), plus γ64 of the double arithmetic on the value.
     */
    public static double alignment(double alpha, double maxDistance, double distanceError, int terms, double value) {
        double power = alpha >= 1 ? alpha * Math.pow(maxDistance + distanceError, alpha - 1) * distanceError
                : Math.pow(distanceError, alpha);
        return power + gamma64(4L * terms + 8) * alpha * (Math.abs(value) + 1);
    }

    /** The largest Euclidean norm of a row of a row-major rows×cols array, in double. */
    public static double maxRowNorm(float[] a, int cols) {
        double max = 0;
        for (int off = 0; off < a.length; off += cols) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += (double) a[off + c] * a[off + c];
            }
            max = Math.max(max, Math.sqrt(s));
        }
        return max;
    }

    /** max |a_k|. */
    public static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    /** max |a_k|. */
    public static double maxAbs(double[] a) {
        double max = 0;
        for (double v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
