package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.api.Test;

/**
 * The batched steps against references written out here in double loops, on the same samples: the shared-negatives
 * window step of neg, NCE and sampled softmax (every pair's loss summed, the gradient taken from the tables before
 * the step), and InfoNCE's per-center computation against the plain b×b masked softmax of every pair. Each runs on
 * every {@link SkipGramMath} of this JVM, with D = 100 so the vector code's tail columns run, and with repeated
 * query rows, repeated samples and a sample equal to the target.
 *
 * <p>Tolerances are derived per entry from {@link FloatBounds} (see {@link #bound}): a score of D float32 products
 * is within δs = γ_{D+1}·Σ|x_k y_k|; a coefficient g = lr·σ(·) moves by at most lr·(δ/4) (σ is ¼-Lipschitz) or, for a
 * softmax, lr·2.1·δ·p (each probability moves by at most p·(e^{2δ} − 1)), plus its float32 rounding; a table change
 * Σ_t g_t·v_t of T terms is then within Σ_t |Δg_t|·|v_t| + γ_{T+2}·(|old| + Σ_t |g_t·v_t|).
 */
class SkipGramBlockStepsTest {
    static final int V = 13;
    static final int D = 100;
    static final double U = FloatBounds.U;

    static float[] uniform(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * (2 * r.nextDouble() - 1));
        }
        return a;
    }

    static double dot(float[] a, int ao, float[] b, int bo) {
        double s = 0;
        for (int k = 0; k < D; k++) {
            s += (double) a[ao + k] * b[bo + k];
        }
        return s;
    }

    static double absDot(float[] a, int ao, float[] b, int bo) {
        double s = 0;
        for (int k = 0; k < D; k++) {
            s += Math.abs((double) a[ao + k] * b[bo + k]);
        }
        return s;
    }

    /**
     * A reference step in double: {@code want} the new tables, {@code tol} the bound per entry, accumulated as
     * Σ|Δg|·|v| (coefficient error) and Σ|g·v| (rounding of the products and sums, scaled by γ at the end).
     */
    static final class Reference {
        final double[] wantIn;
        final double[] wantOut;
        final double[] coeffErrIn = new double[V * D];
        final double[] coeffErrOut = new double[V * D];
        final double[] massIn = new double[V * D];
        final double[] massOut = new double[V * D];
        final int[] termsIn = new int[V];
        final int[] termsOut = new int[V];
        double loss;
        double lossTol;

        Reference(float[] in, float[] out) {
            wantIn = new double[V * D];
            wantOut = new double[V * D];
            for (int i = 0; i < V * D; i++) {
                wantIn[i] = in[i];
                wantOut[i] = out[i];
                massIn[i] = Math.abs(in[i]);
                massOut[i] = Math.abs(out[i]);
            }
        }

        /** Adds the term g·(x row → out row y, y row → in row x) with coefficient error dg. */
        void pair(float[] in, int x, float[] out, int y, double g, double dg) {
            for (int k = 0; k < D; k++) {
                double xv = in[x * D + k];
                double yv = out[y * D + k];
                wantIn[x * D + k] += g * yv;
                wantOut[y * D + k] += g * xv;
                coeffErrIn[x * D + k] += dg * Math.abs(yv);
                coeffErrOut[y * D + k] += dg * Math.abs(xv);
                massIn[x * D + k] += Math.abs(g * yv);
                massOut[y * D + k] += Math.abs(g * xv);
            }
            termsIn[x]++;
            termsOut[y]++;
        }

        void check(String what, float[] in, float[] out, double gotLoss) {
            for (int r = 0; r < V; r++) {
                for (int k = 0; k < D; k++) {
                    int e = r * D + k;
                    double tIn = coeffErrIn[e] + FloatBounds.gamma(termsIn[r] + 2) * massIn[e];
                    assertEquals(wantIn[e], in[e], tIn, what + ": input row " + r + " column " + k);
                    double tOut = coeffErrOut[e] + FloatBounds.gamma(termsOut[r] + 2) * massOut[e];
                    assertEquals(wantOut[e], out[e], tOut, what + ": output row " + r + " column " + k);
                }
            }
            if (!Double.isNaN(gotLoss)) {
                assertEquals(loss, gotLoss, lossTol + 1e-12 * Math.abs(loss), what + ": loss");
            }
        }
    }

    /** The error of a float32 score of D terms (and its rounding to float): γ_{D+1}·Σ|x_k y_k|. */
    static double scoreError(float[] in, int x, float[] out, int y) {
        return FloatBounds.gamma(D + 1) * absDot(in, x * D, out, y * D);
    }

    static final int[] CONTEXTS = {1, 4, 1, 7, 9, 4, 12};
    static final int[] IDS = {3, 5, 3, 8, 5, 11};   // target 3; samples 5, 3 (a hit), 8, 5 (repeated), 11

    enum Kind { NEG, NCE, SAMPLED_SOFTMAX }

    void sharedCase(SkipGramMath math, Kind kind, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] in = uniform(r, V * D, 0.3);
        float[] out = uniform(r, V * D, 0.3);
        float[] logCorrection = uniform(r, V, 3);
        float lr = 0.25f;
        int m = CONTEXTS.length;
        int n = IDS.length;
        boolean removeHits = kind != Kind.NCE;
        Reference ref = new Reference(in, out);
        for (int i = 0; i < m; i++) {
            int x = CONTEXTS[i];
            // the kept columns of this objective
            int[] cols = new int[n];
            int nk = 0;
            for (int j = 0; j < n; j++) {
                if (j == 0 || !removeHits || IDS[j] != IDS[0]) {
                    cols[nk++] = IDS[j];
                }
            }
            double[] z = new double[nk];
            double[] dz = new double[nk];
            for (int j = 0; j < nk; j++) {
                z[j] = dot(in, x * D, out, cols[j] * D);
                dz[j] = scoreError(in, x, out, cols[j]);
                if (kind != Kind.NEG) {
                    z[j] -= logCorrection[cols[j]];
                    dz[j] += U * (Math.abs(z[j]) + Math.abs(logCorrection[cols[j]]));
                }
            }
            if (kind == Kind.SAMPLED_SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                double dmax = 0;
                for (int j = 0; j < nk; j++) {
                    max = Math.max(max, z[j]);
                    dmax = Math.max(dmax, dz[j]);
                }
                double sum = 0;
                for (int j = 0; j < nk; j++) {
                    sum += Math.exp(z[j] - max);
                }
                double lse = max + Math.log(sum);
                ref.loss += lse - z[0];
                ref.lossTol += 2 * dmax;
                for (int j = 0; j < nk; j++) {
                    double pj = Math.exp(z[j] - lse);
                    double g = -lr * (pj - (j == 0 ? 1 : 0));
                    ref.pair(in, x, out, cols[j], g, lr * 2.1 * dmax * pj + 2 * U * Math.abs(g));
                }
            } else {
                for (int j = 0; j < nk; j++) {
                    double g;
                    if (j == 0) {
                        g = lr / (1 + Math.exp(z[j]));                 // lr·σ(−Δ)
                        ref.loss += Math.log1p(Math.exp(-z[j]));
                    } else {
                        g = -lr / (1 + Math.exp(-z[j]));               // −lr·σ(Δ)
                        ref.loss += Math.log1p(Math.exp(z[j]));
                    }
                    ref.lossTol += dz[j];
                    ref.pair(in, x, out, cols[j], g, lr * dz[j] / 4 + 3 * U * Math.abs(g));
                }
            }
        }
        SkipGramKernels kernels = new SkipGramKernels(math, D, n);
        double got = switch (kind) {
            case NEG -> kernels.sharedNoiseContrast(in, CONTEXTS, m, out, IDS, n, null, true, lr, true);
            case NCE -> kernels.sharedNoiseContrast(in, CONTEXTS, m, out, IDS, n, logCorrection, false, lr, true);
            case SAMPLED_SOFTMAX -> kernels.sharedSampledSoftmax(in, CONTEXTS, m, out, IDS, n, logCorrection, lr,
                    true);
        };
        ref.check(kind + " " + math.kind(), in, out, got);
    }

    @Test
    void sharedNegativesStepIsTheBlockGradientStepInDouble() {
        for (SkipGramMath math : SkipGramKernelsTest.maths()) {
            for (Kind kind : Kind.values()) {
                for (long seed = 1; seed <= 3; seed++) {
                    sharedCase(math, kind, seed);
                }
            }
        }
    }

    @Test
    void sharedStepWithoutLossIsTheSameStepAndReturnsZero() {
        for (SkipGramMath math : SkipGramKernelsTest.maths()) {
            SplittableRandom r = new SplittableRandom(9);
            float[] in = uniform(r, V * D, 0.3);
            float[] out = uniform(r, V * D, 0.3);
            float[] in2 = in.clone();
            float[] out2 = out.clone();
            SkipGramKernels k = new SkipGramKernels(math, D, IDS.length);
            k.sharedNoiseContrast(in, CONTEXTS, CONTEXTS.length, out, IDS, IDS.length, null, true, 0.1f, true);
            assertEquals(0.0, k.sharedNoiseContrast(in2, CONTEXTS, CONTEXTS.length, out2, IDS, IDS.length, null,
                    true, 0.1f, false));
            assertTrue(java.util.Arrays.equals(in, in2) && java.util.Arrays.equals(out, out2), math.kind().name());
        }
    }

    /**
     * InfoNCE written out pair by pair: logits s_ij = a_i·p_j/τ over the whole b×b batch, candidate j ≠ i masked when
     * context_j = context_i or center_j = center_i, ℓ_i = lse over the kept − s_ii, rows with no negative skipped,
     * G_ij = (softmax_ij − [i = j])/τ, A += −lr·G·P, P += −lr·Gᵀ·A.
     */
    static Reference infoNceReference(float[] in, float[] out, int[] centers, int[] contexts, float tau, float lr,
                                      double[] stats) {
        int b = centers.length;
        Reference ref = new Reference(in, out);
        for (int i = 0; i < b; i++) {
            boolean[] kept = new boolean[b];
            int nk = 0;
            for (int j = 0; j < b; j++) {
                kept[j] = j == i || contexts[j] != contexts[i] && centers[j] != centers[i];
                nk += kept[j] ? 1 : 0;
            }
            if (nk < 2) {
                continue;
            }
            double[] s = new double[b];
            double max = Double.NEGATIVE_INFINITY;
            double delta = 0;
            double maxAbs = 0;
            for (int j = 0; j < b; j++) {
                s[j] = dot(in, centers[i] * D, out, contexts[j] * D) / tau;
                maxAbs = Math.max(maxAbs, Math.abs(s[j]));
                delta = Math.max(delta, scoreError(in, centers[i], out, contexts[j]) / tau);
                if (kept[j]) {
                    max = Math.max(max, s[j]);
                }
            }
            // logit error: the product (γ_{D+1}), the float shift s − max (u·2·max|s|), exp rounded to float (≤ 2u,
            // and Math.exp within 1 ulp of double: 4u covers both)
            delta += U * 2 * maxAbs + 4 * U;
            double sum = 0;
            for (int j = 0; j < b; j++) {
                if (kept[j]) {
                    sum += Math.exp(s[j] - max);
                }
            }
            double lse = max + Math.log(sum);
            ref.loss += lse - s[i];
            ref.lossTol += 2 * delta;
            stats[1]++;
            for (int j = 0; j < b; j++) {
                if (!kept[j]) {
                    continue;
                }
                double pj = Math.exp(s[j] - lse);
                double g = -lr / tau * (pj - (j == i ? 1 : 0));
                ref.pair(in, centers[i], out, contexts[j], g, lr / tau * 2.1 * delta * pj + 2 * U * Math.abs(g));
            }
        }
        stats[0] = ref.loss;
        return ref;
    }

    void infoNceCase(SkipGramMath math, float[] in, float[] out, int[] centers, int[] contexts, float tau, float lr,
                     String what) {
        double[] want = new double[2];
        Reference ref = infoNceReference(in, out, centers, contexts, tau, lr, want);
        double[] stats = new double[2];
        new SkipGramKernels(math, D, 6).infoNce(in, out, centers, contexts, centers.length, tau, lr, stats);
        assertEquals(want[1], stats[1], what + ": rows counted");
        ref.check(what + " " + math.kind(), in, out, stats[0]);
    }

    @Test
    void infoNcePerCenterIsTheMaskedPairwiseStepInDouble() {
        for (SkipGramMath math : SkipGramKernelsTest.maths()) {
            for (long seed = 1; seed <= 3; seed++) {
                SplittableRandom r = new SplittableRandom(seed);
                int b = 40;
                int[] centers = new int[b];
                int[] contexts = new int[b];
                for (int i = 0; i < b; i++) {
                    centers[i] = r.nextInt(6);                 // many pairs per center, as windows in a batch
                    contexts[i] = r.nextInt(V);                // repeated contexts: masked false negatives
                }
                infoNceCase(math, uniform(r, V * D, 0.3), uniform(r, V * D, 0.3), centers, contexts, 0.5f, 0.1f,
                        "infonce seed " + seed);
            }
        }
    }

    @Test
    void infoNceRowsFarBelowTheirCentersMaximumAndRowsWithoutNegatives() {
        for (SkipGramMath math : SkipGramKernelsTest.maths()) {
            SplittableRandom r = new SplittableRandom(4);
            float[] in = uniform(r, V * D, 0.1);
            float[] out = uniform(r, V * D, 0.1);
            // center 2's input and context 5's output point the same way: s = 9/τ = 180 for that pair, so the other
            // pair of center 2 (context 6, its 5 masked as the same center's) has kept logits ~180 below the group's
            // maximum and is computed on its own
            for (int k = 0; k < D; k++) {
                in[2 * D + k] = 0;
                out[5 * D + k] = 0;
            }
            in[2 * D] = 3;
            out[5 * D] = 3;
            int[] centers = {2, 2, 0, 1, 3, 4, 0, 8};
            int[] contexts = {5, 6, 7, 8, 9, 10, 11, 12};
            infoNceCase(math, in, out, centers, contexts, 0.05f, 0.001f, "infonce far rows");
            // one center only: every candidate is the same center's, no row has a negative, nothing moves
            float[] in2 = uniform(r, V * D, 0.1);
            float[] out2 = uniform(r, V * D, 0.1);
            infoNceCase(math, in2, out2, new int[] {3, 3, 3}, new int[] {1, 2, 4}, 0.5f, 0.1f, "infonce one center");
        }
    }
}
