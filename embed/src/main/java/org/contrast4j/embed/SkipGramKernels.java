package org.contrast4j.embed;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * The SGD step of each objective on the shared tables — the hot loop of {@link SkipGram}, written over flat float
 * rows (no batch objects per pair) and tested against the library's losses ({@code NegativeSampling}, {@code Nce},
 * {@code SampledSoftmax}, {@code FullSoftmax}, {@code InfoNce}): for the same inputs each step changes the tables by
 * exactly −lr times the gradient the loss reports (reduction SUM), and returns the same loss value.
 *
 * <p>{@code in} is the V×D input table (the word vectors), {@code out} the V×D output table, both row-major. The
 * per-pair steps compute every score first, then one fused update ({@link SkipGramMath#update}) with repeated ids
 * merged, so a step is the exact gradient step of the pair's loss even when a sample repeats. Losses are accumulated
 * in double; a score is the library's one dot product ({@link Kernels#dot}: float lanes added in lane order in double)
 * rounded to float.
 *
 * <p>One instance per thread: it holds the scratch arrays. Not thread-safe; the tables are shared without locks
 * (Hogwild, Recht et al. 2011).
 */
final class SkipGramKernels {
    private final SkipGramMath math;
    private final int d;
    // per-pair scratch
    private final int[] rows;
    private final float[] g;
    private final double[] z;
    // batch scratch
    private float[] h = new float[0];
    private float[] s = new float[0];
    private float[] dh = new float[0];
    private float[] p = new float[0];

    SkipGramKernels(SkipGramMath math, int d, int maxIdsPerPair) {
        this.math = math;
        this.d = d;
        this.rows = new int[maxIdsPerPair];
        this.g = new float[maxIdsPerPair];
        this.z = new double[maxIdsPerPair];
    }

    /**
     * Negative sampling ({@code logCorrection == null}) or NCE (Δ(c) = s(c) − logCorrection[c], the correction
     * log(k·q(c))) for one pair: query row {@code query} of {@code in}, {@code ids[0]} the target, {@code ids[1..n)}
     * the noise samples. Samples equal to the target are skipped when {@code removeHits}.
     * <pre>
     *   ℓ = softplus(−Δ(t)) + Σ_j softplus(Δ(c_j)),   ∂ℓ/∂s(t) = −σ(−Δ(t)),   ∂ℓ/∂s(c_j) = σ(Δ(c_j))
     * </pre>
     *
     * @return ℓ if {@code withLoss}, else 0
     */
    double noiseContrast(float[] in, int query, float[] out, int[] ids, int n, float[] logCorrection,
                         boolean removeHits, float lr, boolean withLoss) {
        int q = query * d;
        int t = ids[0];
        int u = 0;
        double loss = 0;
        for (int j = 0; j < n; j++) {
            int c = ids[j];
            if (j > 0 && removeHits && c == t) {
                continue;
            }
            float delta = (float) Kernels.dot(in, q, out, c * d, d);
            if (logCorrection != null) {
                delta -= logCorrection[c];
            }
            float gj;
            if (j == 0) {
                gj = lr * sigmoid(-delta);            // −lr·∂ℓ/∂s = lr·σ(−Δ)
                if (withLoss) {
                    loss += softplus(-delta);
                }
            } else {
                gj = -lr * sigmoid(delta);            // −lr·σ(Δ)
                if (withLoss) {
                    loss += softplus(delta);
                }
            }
            u = merge(c * d, gj, u);
        }
        math.update(in, q, out, rows, g, u, d);
        return loss;
    }

    /**
     * Sampled softmax for one pair: logits z(c) = s(c) − logCorrection[c] over the target {@code ids[0]} and the
     * samples {@code ids[1..n)} that differ from it (accidental hits removed),
     * ℓ = −z(t) + log Σ e^{z}, ∂ℓ/∂s(c_j) = softmax_j − [j = 0].
     *
     * @return ℓ if {@code withLoss}, else 0
     */
    double sampledSoftmax(float[] in, int query, float[] out, int[] ids, int n, float[] logCorrection, float lr,
                          boolean withLoss) {
        int q = query * d;
        int t = ids[0];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            int c = ids[j];
            if (j > 0 && c == t) {
                z[j] = Double.NEGATIVE_INFINITY;
                continue;
            }
            z[j] = (float) Kernels.dot(in, q, out, c * d, d) - logCorrection[c];
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            if (z[j] != Double.NEGATIVE_INFINITY) {
                sum += Math.exp(z[j] - max);
            }
        }
        double lse = max + Math.log(sum);
        int u = 0;
        for (int j = 0; j < n; j++) {
            if (z[j] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double prob = Math.exp(z[j] - lse);
            u = merge(ids[j] * d, (float) (-lr * (prob - (j == 0 ? 1.0 : 0.0))), u);
        }
        math.update(in, q, out, rows, g, u, d);
        return withLoss ? lse - z[0] : 0;
    }

    /** Adds (row, gj) to the pending update, summing gj into an entry of the same row. */
    private int merge(int row, float gj, int u) {
        for (int i = 0; i < u; i++) {
            if (rows[i] == row) {
                g[i] += gj;
                return u;
            }
        }
        rows[u] = row;
        g[u] = gj;
        return u + 1;
    }

    /**
     * The full softmax for a batch of {@code nc} centers: center i's input vector h_i is the query for each of its
     * contexts {@code ctx[ctxStart[i] .. ctxStart[i+1])}, over all V classes:
     * <pre>
     *   ℓ = Σ_i Σ_{t ∈ ctx(i)} (−s(t|h_i) + log Σ_c e^{s(c|h_i)})
     *   ∂ℓ/∂s(c|h_i) = n_i·softmax(s(·|h_i))_c − #{t ∈ ctx(i) : t = c}
     * </pre>
     * computed with three products through {@link Kernels}: S = H·Wᵀ (nc×V), ΔH = G·W, W += Gᵀ·H (in place, on the
     * shared table), G = −lr·∂ℓ/∂S. Centers repeated in the batch get the sum of their steps.
     *
     * @return ℓ (always computed: it costs nothing next to the products)
     */
    double softmax(float[] in, float[] out, int v, int[] centers, int nc, int[] ctxStart, int[] ctx, float lr) {
        Matrix w = Matrix.of(v, d, out);
        Matrix hm = Matrix.of(nc, d, h = sized(h, nc * d));
        for (int i = 0; i < nc; i++) {
            System.arraycopy(in, centers[i] * d, h, i * d, d);
        }
        Matrix sm = Matrix.of(nc, v, s = sized(s, nc * v));
        Kernels.gemm(false, true, 1f, hm, w, 0f, sm);
        double loss = 0;
        for (int i = 0; i < nc; i++) {
            int o = i * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < v; c++) {
                max = Math.max(max, s[o + c]);
            }
            int n = ctxStart[i + 1] - ctxStart[i];
            for (int j = ctxStart[i]; j < ctxStart[i + 1]; j++) {
                loss += max - s[o + ctx[j]];
            }
            double sum = 0;
            for (int c = 0; c < v; c++) {
                float e = (float) Math.exp(s[o + c] - max);
                s[o + c] = e;
                sum += e;
            }
            loss += n * Math.log(sum);
            float f = (float) (-lr * n / sum);
            for (int c = 0; c < v; c++) {
                s[o + c] *= f;
            }
            for (int j = ctxStart[i]; j < ctxStart[i + 1]; j++) {
                s[o + ctx[j]] += lr;
            }
        }
        Matrix dhm = Matrix.of(nc, d, dh = sized(dh, nc * d));
        Kernels.gemm(false, false, 1f, sm, w, 0f, dhm);
        Kernels.gemm(true, false, 1f, sm, hm, 1f, w);
        for (int i = 0; i < nc; i++) {
            int q = centers[i] * d;
            for (int k = 0; k < d; k++) {
                in[q + k] += dh[i * d + k];
            }
        }
        return loss;
    }

    /**
     * InfoNCE over a batch of b (center, context) pairs: a_i = in[center_i], p_j = out[context_j], logits
     * s_ij = a_i·p_j / τ; candidate j ≠ i is masked for row i when it has the same context or the same center
     * (a false negative); ℓ_i = −s_ii + log Σ_{j kept} e^{s_ij}; a row with no negative left is skipped. Steps:
     * A += −lr·G·P, P += −lr·Gᵀ·A with G_ij = (softmax_ij − [i = j])/τ, scattered back onto the rows (repeated ids
     * get the sum).
     *
     * @param stats {@code stats[0]} += the summed loss, {@code stats[1]} += the rows counted (not skipped)
     */
    void infoNce(float[] in, float[] out, int[] centers, int[] contexts, int b, float tau, float lr, double[] stats) {
        Matrix am = Matrix.of(b, d, h = sized(h, b * d));
        Matrix pm = Matrix.of(b, d, p = sized(p, b * d));
        for (int i = 0; i < b; i++) {
            System.arraycopy(in, centers[i] * d, h, i * d, d);
            System.arraycopy(out, contexts[i] * d, p, i * d, d);
        }
        Matrix sm = Matrix.of(b, b, s = sized(s, b * b));
        Kernels.gemm(false, true, 1f / tau, am, pm, 0f, sm);
        double loss = 0;
        int counted = 0;
        double scale = -lr / tau;
        for (int i = 0; i < b; i++) {
            int o = i * b;
            // pass 1: the max over the kept candidates; masked ones become −∞ (e^−∞ = 0 below)
            double max = Double.NEGATIVE_INFINITY;
            int kept = 0;
            for (int j = 0; j < b; j++) {
                if (j == i || contexts[j] != contexts[i] && centers[j] != centers[i]) {
                    max = Math.max(max, s[o + j]);
                    kept++;
                } else {
                    s[o + j] = Float.NEGATIVE_INFINITY;
                }
            }
            if (kept < 2) {
                java.util.Arrays.fill(s, o, o + b, 0f);
                continue;
            }
            double positive = s[o + i];
            // pass 2: e_j = exp(s_j − max), kept in place; pass 3: G = scale·(e_j / Σe − [j = i])
            double sum = 0;
            for (int j = 0; j < b; j++) {
                float e = (float) Math.exp(s[o + j] - max);
                s[o + j] = e;
                sum += e;
            }
            loss += max + Math.log(sum) - positive;
            counted++;
            float f = (float) (scale / sum);
            for (int j = 0; j < b; j++) {
                s[o + j] *= f;
            }
            s[o + i] -= (float) scale;
        }
        Matrix dam = Matrix.of(b, d, dh = sized(dh, b * d));
        Kernels.gemm(false, false, 1f, sm, pm, 0f, dam);
        // ΔP = Gᵀ·A, written over P's copy (P is not read again)
        Kernels.gemm(true, false, 1f, sm, am, 0f, pm);
        for (int i = 0; i < b; i++) {
            int qa = centers[i] * d;
            int qp = contexts[i] * d;
            for (int k = 0; k < d; k++) {
                in[qa + k] += dh[i * d + k];
                out[qp + k] += p[i * d + k];
            }
        }
        stats[0] += loss;
        stats[1] += counted;
    }

    private static float[] sized(float[] a, int n) {
        return a.length == n ? a : new float[n];
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** log(1 + e^x), stable for large |x|. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
