package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.IntBinaryOperator;
import org.contrast4j.linalg.Matrix;

/**
 * The self-similarity softmax of {@link TiledSelfSimilarity} in double, from the definition with the M×M matrix in
 * memory (plain loops), together with an error bound for any float32 computation of it — the tiled engine or the
 * dense loss path — so that tests compare against the exact value with a tolerance derived from D, M, σ, the row
 * norms and the float unit roundoff u = 2⁻²⁴, never tuned on one machine.
 *
 * <p>The bound, for row k with R_k = ‖z_k‖, R = max_l R_l, γ_n = n·u/(1 − n·u), A = 2σR² (the largest exponent
 * magnitude) and T_k = |t_k|·|P(k)| (the targets' total):
 * <ul>
 *   <li>each float similarity is off by ≤ γ_D·R_k·R_l, a logit by ρ_k = σ·γ_D·R_k·R;</li>
 *   <li>an exponent argument formed in float is off by ≤ 2u·A, a float exponential by ≤ 2 ulp (4u), so each term of a
 *       softmax sum by a relative ε_k = ρ_k + 2u·A + 4u (first order), the log of the sum by ε_k;</li>
 *   <li>ℓ_k = LSE − target term: the log-sum-exp is 1-Lipschitz in the logits, so |δℓ_k| ≤ ε_k + T_k·ρ_k;</li>
 *   <li>a softmax weight P_kl is off by a relative η_k = e^{2ε_k} − 1, a gradient weight W_kl = G_kl + G_lk then by
 *       w·σ·(P_kl·η_k + P_lk·η_l) plus 4u·|W_kl| for its own float operations, and each entry of W·Z, a sum of M
 *       float products and partial sums, by γ_{M+4}·Σ_l |W_kl|·|z_lj| more;</li>
 *   <li>the temperature sum Σ_k w·σ·Σ_l (P_kl − t_k[l∈P(k)])·(S_kl) by Σ_k |w|·(σ·Σ_l P_kl·(η_k + u)·|S_kl − S̄_k| +
 *       2ρ_k + σ·u·|S̄_k|), S̄_k the row's target similarity.</li>
 * </ul>
 * Two float computations then differ by at most twice the bound.
 */
public final class SelfSimilarityReference {
    /** The float unit roundoff. */
    public static final double U = 0x1p-24;

    public final double[] perRow;
    public final boolean[] skipped;
    /** ∂L/∂Z, M×D row-major. */
    public final double[] gradient;
    public final double gradDotLogit;
    public final double[] perRowBound;
    public final double[] gradientBound;
    public final double gradDotLogitBound;
    private final double weight;

    private SelfSimilarityReference(double[] perRow, boolean[] skipped, double[] gradient, double gradDotLogit,
                                    double[] perRowBound, double[] gradientBound, double gradDotLogitBound,
                                    double weight) {
        this.perRow = perRow;
        this.skipped = skipped;
        this.gradient = gradient;
        this.gradDotLogit = gradDotLogit;
        this.perRowBound = perRowBound;
        this.gradientBound = gradientBound;
        this.gradDotLogitBound = gradDotLogitBound;
        this.weight = weight;
    }

    /** NT-Xent (partnerCandidate) or DCL on z = [a; p]; pairWeight null = 1. */
    public static SelfSimilarityReference pairs(Matrix z, double scale, double[] pairWeight, boolean partnerCandidate,
                                                double weight) {
        int n = z.rows() / 2;
        double[] t = new double[2 * n];
        for (int k = 0; k < 2 * n; k++) {
            t[k] = pairWeight == null ? 1 : pairWeight[k % n];
        }
        // 1 = positive, 2 = positive and candidate, 0 = candidate, −1 = neither
        return compute(z, scale, weight, t, (k, l) -> {
            if (l == k) {
                return -1;
            }
            if (l == (k + n) % (2 * n)) {
                return partnerCandidate ? 2 : 1;
            }
            return 0;
        });
    }

    /** SupCon: positives the other rows with the label, t = 1/|P(k)|, rows without a positive skipped. */
    public static SelfSimilarityReference labels(Matrix z, double scale, long[] labels, double weight) {
        int m = z.rows();
        double[] t = new double[m];
        for (int k = 0; k < m; k++) {
            int count = 0;
            for (int l = 0; l < m; l++) {
                count += l != k && labels[l] == labels[k] ? 1 : 0;
            }
            t[k] = count == 0 ? 0 : 1.0 / count;
        }
        return compute(z, scale, weight, t, (k, l) -> l == k ? -1 : labels[l] == labels[k] ? 2 : 0);
    }

    private static SelfSimilarityReference compute(Matrix zm, double scale, double w, double[] t,
                                                   IntBinaryOperator kind) {
        int m = zm.rows();
        int d = zm.cols();
        double[][] z = new double[m][d];
        double[] norm = new double[m];
        double big = 0;
        for (int k = 0; k < m; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                z[k][j] = zm.get(k, j);
                s += z[k][j] * z[k][j];
            }
            norm[k] = Math.sqrt(s);
            big = Math.max(big, norm[k]);
        }
        double gammaD = gamma(d);
        double gammaM = gamma(m + 4);
        double range = 2 * scale * big * big;
        double[][] sim = new double[m][m];
        for (int k = 0; k < m; k++) {
            for (int l = 0; l < m; l++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += z[k][j] * z[l][j];
                }
                sim[k][l] = s;
            }
        }
        double[] perRow = new double[m];
        boolean[] skipped = new boolean[m];
        double[] perRowBound = new double[m];
        double[] eta = new double[m];
        double[] rho = new double[m];
        double[][] p = new double[m][m];
        double[][] g = new double[m][m];  // G_kl / (w·σ)
        double dot = 0;
        double dotBound = 0;
        for (int k = 0; k < m; k++) {
            boolean anyPositive = false;
            for (int l = 0; l < m; l++) {
                int c = kind.applyAsInt(k, l);
                anyPositive |= c == 1 || c == 2;
            }
            if (!anyPositive) {
                skipped[k] = true;
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < m; l++) {
                int c = kind.applyAsInt(k, l);
                if (c == 0 || c == 2) {
                    max = Math.max(max, scale * sim[k][l]);
                }
            }
            double sum = 0;
            for (int l = 0; l < m; l++) {
                int c = kind.applyAsInt(k, l);
                if (c == 0 || c == 2) {
                    sum += Math.exp(scale * sim[k][l] - max);
                }
            }
            double lse = max + Math.log(sum);
            double target = 0;
            int positives = 0;
            for (int l = 0; l < m; l++) {
                int c = kind.applyAsInt(k, l);
                if (c == 1 || c == 2) {
                    target += t[k] * sim[k][l];
                    positives++;
                }
            }
            perRow[k] = lse - scale * target;
            rho[k] = scale * gammaD * norm[k] * big;
            double eps = rho[k] + 2 * U * range + 4 * U;
            eta[k] = Math.expm1(2 * eps);
            perRowBound[k] = eps + Math.abs(t[k]) * positives * rho[k];
            double rowDot = 0;
            double rowDotBound = 0;
            for (int l = 0; l < m; l++) {
                int c = kind.applyAsInt(k, l);
                double pk = c == 0 || c == 2 ? Math.exp(scale * sim[k][l] - lse) : 0;
                p[k][l] = pk;
                g[k][l] = pk - (c == 1 || c == 2 ? t[k] : 0);
                rowDot += g[k][l] * sim[k][l];
                rowDotBound += pk * (eta[k] + U) * Math.abs(sim[k][l] - target);
            }
            dot += w * scale * rowDot;
            dotBound += Math.abs(w) * (scale * rowDotBound + 2 * rho[k] + scale * U * Math.abs(target));
        }
        double[] gradient = new double[m * d];
        double[] gradientBound = new double[m * d];
        double ws = w * scale;
        for (int k = 0; k < m; k++) {
            for (int l = 0; l < m; l++) {
                double wkl = ws * (g[k][l] + g[l][k]);
                double err = Math.abs(ws) * (p[k][l] * eta[k] + p[l][k] * eta[l]) + (4 * U + gammaM) * Math.abs(wkl);
                if (wkl == 0 && err == 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    gradient[k * d + j] += wkl * z[l][j];
                    gradientBound[k * d + j] += err * Math.abs(z[l][j]);
                }
            }
        }
        return new SelfSimilarityReference(perRow, skipped, gradient, dot, perRowBound, gradientBound, dotBound, w);
    }

    /** γ_n = n·u/(1 − n·u). */
    public static double gamma(long n) {
        return n * U / (1 - n * U);
    }

    /** The bound of the reduced value w·Σ_k ℓ_k. */
    public double valueBound() {
        double b = 0;
        for (double v : perRowBound) {
            b += Math.abs(weight) * v;
        }
        return b;
    }

    /**
     * Checks a float computation against this reference within {@code factor} × the bound (1: one computation against
     * the exact values), naming the first quantity outside it.
     */
    public void assertWithin(String what, double[] perRowActual, boolean[] skippedActual, float[] gradientActual,
                             double gradDotLogitActual, double factor) {
        assertEquals(perRow.length, perRowActual.length, what + " rows");
        for (int k = 0; k < perRow.length; k++) {
            if (skippedActual != null) {
                assertEquals(skipped[k], skippedActual[k], what + " skipped " + k);
            }
            double err = Math.abs(perRow[k] - perRowActual[k]);
            if (!(err <= factor * perRowBound[k])) {
                fail(what + " row " + k + ": reference " + perRow[k] + ", was " + perRowActual[k] + " (bound "
                        + factor * perRowBound[k] + ")");
            }
        }
        for (int i = 0; i < gradient.length; i++) {
            double err = Math.abs(gradient[i] - gradientActual[i]);
            if (!(err <= factor * gradientBound[i])) {
                fail(what + " gradient [" + i + "]: reference " + gradient[i] + ", was " + gradientActual[i]
                        + " (bound " + factor * gradientBound[i] + ")");
            }
        }
        double err = Math.abs(gradDotLogit - gradDotLogitActual);
        if (!(err <= factor * gradDotLogitBound)) {
            fail(what + " Σ ∂L/∂l·l: reference " + gradDotLogit + ", was " + gradDotLogitActual + " (bound "
                    + factor * gradDotLogitBound + ")");
        }
    }
}
