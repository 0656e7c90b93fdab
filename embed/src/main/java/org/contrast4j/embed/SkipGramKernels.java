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
    private double[] z;
    // shared-negatives block scratch
    private int[] xr = new int[0];
    private int[] yr = new int[0];
    private int[] bIds = new int[0];
    private float[] bs = new float[0];
    private float[] scratch = new float[0];
    // batch scratch
    private float[] h = new float[0];
    private float[] s = new float[0];
    private float[] dh = new float[0];
    private float[] p = new float[0];
    // InfoNCE grouping scratch: by center (c*) and by context (x*)
    private float[] er = new float[0];
    private double[] gw = new double[0];
    private double[] zi = new double[0];
    private final Groups byCenter = new Groups();
    private final Groups byContext = new Groups();

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

    /**
     * Negative sampling ({@code logCorrection == null}) or NCE for the block of one window with shared negatives
     * (pWord2Vec, Ji, Shin, Sundaram &amp; Dubey 2016; BlazingText, Gupta &amp; Khare 2017): the m queries
     * {@code contexts[0..m)} (rows of {@code in}: the window's context words) each against the same target
     * {@code ids[0]} (the center word) and the same noise samples {@code ids[1..n)} (samples equal to the target
     * dropped when {@code removeHits}). With S = X·Yᵀ (m×n', X the query rows, Y the kept output rows),
     * Δ = S − logCorrection[id] (NCE) or S (neg), the loss is the sum of the m pairs' losses of
     * {@link #noiseContrast} and the step is −lr times its gradient, G_i0 = lr·σ(−Δ_i0), G_ij = −lr·σ(Δ_ij), applied
     * as ΔX = G·Y and ΔY = Gᵀ·X ({@link SkipGramMath#blockUpdate}), both from the rows before the step.
     *
     * @return the block's summed loss if {@code withLoss}, else 0
     */
    double sharedNoiseContrast(float[] in, int[] contexts, int m, float[] out, int[] ids, int n,
                               float[] logCorrection, boolean removeHits, float lr, boolean withLoss) {
        int nk = sharedRows(in, contexts, m, out, ids, n, removeHits);
        float[] sc = bs;
        double loss = 0;
        for (int i = 0; i < m; i++) {
            int o = i * nk;
            for (int j = 0; j < nk; j++) {
                float delta = sc[o + j];
                if (logCorrection != null) {
                    delta -= logCorrection[bIds[j]];
                }
                if (j == 0) {
                    sc[o] = lr * sigmoid(-delta);
                    if (withLoss) {
                        loss += softplus(-delta);
                    }
                } else {
                    sc[o + j] = -lr * sigmoid(delta);
                    if (withLoss) {
                        loss += softplus(delta);
                    }
                }
            }
        }
        math.blockUpdate(in, xr, m, out, yr, nk, sc, d, scratch);
        return loss;
    }

    /**
     * Sampled softmax for the block of one window with shared samples: each query {@code contexts[i]} gets the logits
     * z_ij = s_ij − logCorrection[id_j] over the target {@code ids[0]} and the samples {@code ids[1..n)} that differ
     * from it; the loss is the sum of the m pairs' losses of {@link #sampledSoftmax}, the step −lr times its gradient,
     * G_ij = −lr·(softmax_ij − [j = 0]), applied as in {@link #sharedNoiseContrast}.
     *
     * @return the block's summed loss if {@code withLoss}, else 0
     */
    double sharedSampledSoftmax(float[] in, int[] contexts, int m, float[] out, int[] ids, int n,
                                float[] logCorrection, float lr, boolean withLoss) {
        int nk = sharedRows(in, contexts, m, out, ids, n, true);
        float[] sc = bs;
        double loss = 0;
        for (int i = 0; i < m; i++) {
            int o = i * nk;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < nk; j++) {
                z[j] = sc[o + j] - logCorrection[bIds[j]];
                max = Math.max(max, z[j]);
            }
            double sum = 0;
            for (int j = 0; j < nk; j++) {
                sum += Math.exp(z[j] - max);
            }
            double lse = max + Math.log(sum);
            for (int j = 0; j < nk; j++) {
                sc[o + j] = (float) (-lr * (Math.exp(z[j] - lse) - (j == 0 ? 1.0 : 0.0)));
            }
            if (withLoss) {
                loss += lse - z[0];
            }
        }
        math.blockUpdate(in, xr, m, out, yr, nk, sc, d, scratch);
        return loss;
    }

    /**
     * Fills the block's row offsets (queries in {@code xr}, the target and the kept samples in {@code yr}, their ids in
     * {@code bIds}) and the m×n' scores in {@code bs}; returns n', the output rows kept.
     */
    private int sharedRows(float[] in, int[] contexts, int m, float[] out, int[] ids, int n, boolean removeHits) {
        if (xr.length < m) {
            xr = new int[m];
        }
        if (yr.length < n) {
            yr = new int[n];
            bIds = new int[n];
        }
        if (z.length < n) {
            z = new double[n];
        }
        for (int i = 0; i < m; i++) {
            xr[i] = contexts[i] * d;
        }
        int t = ids[0];
        int nk = 0;
        for (int j = 0; j < n; j++) {
            int c = ids[j];
            if (j > 0 && removeHits && c == t) {
                continue;
            }
            bIds[nk] = c;
            yr[nk++] = c * d;
        }
        if (bs.length < m * nk) {
            bs = new float[m * nk];
        }
        if (scratch.length < m * math.blockWidth()) {
            scratch = new float[m * math.blockWidth()];
        }
        math.blockScores(in, xr, m, out, yr, nk, d, bs);
        return nk;
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
     * <p>Computed per distinct center word, not per pair: the rows of the pairs of one center word u share their
     * logits s_u· = a_u·Pᵀ/τ and (same center) mask each other's positives, so the U distinct centers give
     * S = A_U·Pᵀ/τ (U×b), e_uj = exp(s_uj − max_j s_uj) once per entry, and the rows' gradients summed per center,
     * <pre>
     *   Z_i   = e_ui + Σ_{j ∉ u} e_uj − Σ_{j ∉ u, ctx_j = ctx_i} e_uj           (row i of center u, kept entries)
     *   G_uj  = (e_uj·(Σ_{i ∈ u} 1/Z_i − Σ_{i ∈ u, ctx_i = ctx_j} 1/Z_i)) / τ    (j ∉ u)
     *   G_ui  = (e_ui/Z_i − 1) / τ                                              (i ∈ u)
     *   A_U += −lr·G·P,   P += −lr·Gᵀ·A_U
     * </pre>
     * — the same step as the b×b computation (equal up to float rounding) at U/b of its cost: three U×b×D products
     * ({@link Kernels#gemm}) and U·b exponentials. A row whose kept entries fall far below its group's maximum (Z_i
     * under 10⁻²⁰, or the masked entries holding all but 10⁻⁹ of the group's mass) is computed on its own, with its
     * own maximum, so nothing underflows.
     *
     * @param stats {@code stats[0]} += the summed loss, {@code stats[1]} += the rows counted (not skipped)
     */
    void infoNce(float[] in, float[] out, int[] centers, int[] contexts, int b, float tau, float lr, double[] stats) {
        int nu = byCenter.build(centers, b);
        byContext.build(contexts, b);
        int[] cGroup = byCenter.group;
        int[] cStart = byCenter.start;
        int[] cMembers = byCenter.members;
        int[] xGroup = byContext.group;
        int[] xStart = byContext.start;
        int[] xMembers = byContext.members;
        h = atLeast(h, nu * d);
        p = atLeast(p, b * d);
        s = atLeast(s, nu * b);
        dh = atLeast(dh, nu * d);
        if (er.length < b) {
            er = new float[b];
            gw = new double[b];
        }
        if (zi.length < b) {
            zi = new double[b];
        }
        for (int u = 0; u < nu; u++) {
            System.arraycopy(in, centers[cMembers[cStart[u]]] * d, h, u * d, d);
        }
        for (int j = 0; j < b; j++) {
            System.arraycopy(out, contexts[j] * d, p, j * d, d);
        }
        Kernels.gemm(false, true, nu, b, d, 1f / tau, h, 0, d, p, 0, d, 0f, s, 0, b);
        double loss = 0;
        int counted = 0;
        double scale = -lr / tau;
        for (int u = 0; u < nu; u++) {
            int o = u * b;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < b; j++) {
                max = Math.max(max, s[o + j]);
            }
            System.arraycopy(s, o, er, 0, b);
            math.expShifted(er, 0, b, max);
            double cu = 0;
            for (int j = 0; j < b; j++) {
                if (cGroup[j] != u) {
                    cu += er[j];
                }
            }
            int size = cStart[u + 1] - cStart[u];
            java.util.Arrays.fill(gw, 0, b, 0.0);
            double r = 0;
            // rows of this center: Z_i from the group sums, or on their own when that would lose precision
            for (int a = cStart[u]; a < cStart[u + 1]; a++) {
                int i = cMembers[a];
                int g = xGroup[i];
                double same = 0;
                int sameCount = 0;
                for (int q = xStart[g]; q < xStart[g + 1]; q++) {
                    int j = xMembers[q];
                    if (cGroup[j] != u) {
                        same += er[j];
                        sameCount++;
                    }
                }
                zi[i] = 0;
                if (1 + b - size - sameCount < 2) {
                    continue;                          // no negative left: the row is skipped
                }
                double rest = cu - same;
                double z = er[i] + rest;
                counted++;
                if (z < 1e-20 || rest < 1e-9 * cu) {
                    loss += slowRow(o, i, u, b);
                    continue;
                }
                zi[i] = z;
                r += 1 / z;
                loss += max + Math.log(z) - s[o + i];
                gw[i] += er[i] / z - 1;
            }
            if (r > 0) {
                for (int j = 0; j < b; j++) {
                    if (cGroup[j] != u) {
                        gw[j] += er[j] * r;
                    }
                }
                for (int a = cStart[u]; a < cStart[u + 1]; a++) {
                    int i = cMembers[a];
                    if (zi[i] == 0) {
                        continue;
                    }
                    double inv = 1 / zi[i];
                    int g = xGroup[i];
                    for (int q = xStart[g]; q < xStart[g + 1]; q++) {
                        int j = xMembers[q];
                        if (cGroup[j] != u) {
                            gw[j] -= er[j] * inv;
                        }
                    }
                }
            }
            for (int j = 0; j < b; j++) {
                s[o + j] = (float) (scale * gw[j]);
            }
        }
        Kernels.gemm(false, false, nu, d, b, 1f, s, 0, b, p, 0, d, 0f, dh, 0, d);
        // ΔP = Gᵀ·A, written over P's copy (P is not read again)
        Kernels.gemm(true, false, b, d, nu, 1f, s, 0, b, h, 0, d, 0f, p, 0, d);
        for (int u = 0; u < nu; u++) {
            int qa = centers[cMembers[cStart[u]]] * d;
            for (int k = 0; k < d; k++) {
                in[qa + k] += dh[u * d + k];
            }
        }
        for (int j = 0; j < b; j++) {
            int qp = contexts[j] * d;
            for (int k = 0; k < d; k++) {
                out[qp + k] += p[j * d + k];
            }
        }
        stats[0] += loss;
        stats[1] += counted;
    }

    /**
     * Row i (of center group u, logits at s[o ..]) with its own maximum over its kept entries: adds its gradient to
     * {@code gw} and returns its loss.
     */
    private double slowRow(int o, int i, int u, int b) {
        double max = Double.NEGATIVE_INFINITY;
        int[] cGroup = byCenter.group;
        int[] xGroup = byContext.group;
        int g = xGroup[i];
        for (int j = 0; j < b; j++) {
            if (j == i || cGroup[j] != u && xGroup[j] != g) {
                max = Math.max(max, s[o + j]);
            }
        }
        double sum = 0;
        for (int j = 0; j < b; j++) {
            if (j == i || cGroup[j] != u && xGroup[j] != g) {
                sum += Math.exp(s[o + j] - max);
            }
        }
        for (int j = 0; j < b; j++) {
            if (j == i || cGroup[j] != u && xGroup[j] != g) {
                gw[j] += Math.exp(s[o + j] - max) / sum;
            }
        }
        gw[i] -= 1;
        return max + Math.log(sum) - s[o + i];
    }

    /**
     * The b keys of a batch grouped by value: {@code group[i]} is key i's group (numbered in order of first
     * appearance), {@code members[start[g] .. start[g + 1])} the indices of group g in increasing order. Open
     * addressing on a table of at least 2b slots; the arrays are reused from batch to batch.
     */
    static final class Groups {
        int[] group = new int[0];
        int[] start = new int[1];
        int[] members = new int[0];
        private int[] table = new int[0];
        private int[] fill = new int[0];

        /** Groups {@code keys[0..b)}; returns the number of groups. */
        int build(int[] keys, int b) {
            int cap = Integer.highestOneBit(Math.max(4, 2 * b - 1)) << 1;
            if (table.length < 2 * cap) {
                table = new int[2 * cap];             // slot t: key at 2t, group at 2t + 1 (−1 = empty)
            }
            if (group.length < b) {
                group = new int[b];
                members = new int[b];
                start = new int[b + 1];
                fill = new int[b];
            }
            java.util.Arrays.fill(table, 0, 2 * cap, -1);
            int mask = cap - 1;
            int ng = 0;
            for (int i = 0; i < b; i++) {
                int key = keys[i];
                int t = (key * 0x9E3779B9) >>> 7 & mask;
                while (true) {
                    int g = table[2 * t + 1];
                    if (g < 0) {
                        table[2 * t] = key;
                        table[2 * t + 1] = ng;
                        group[i] = ng++;
                        break;
                    }
                    if (table[2 * t] == key) {
                        group[i] = g;
                        break;
                    }
                    t = (t + 1) & mask;
                }
            }
            java.util.Arrays.fill(start, 0, ng + 1, 0);
            for (int i = 0; i < b; i++) {
                start[group[i] + 1]++;
            }
            for (int g = 0; g < ng; g++) {
                start[g + 1] += start[g];
            }
            System.arraycopy(start, 0, fill, 0, ng);
            for (int i = 0; i < b; i++) {
                members[fill[group[i]]++] = i;
            }
            return ng;
        }
    }

    private static float[] atLeast(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private static float[] sized(float[] a, int n) {
        return a.length == n ? a : new float[n];
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * log(1 + e^x) = max(x, 0) + log1p(e^{−|x|}), stable for large |x|. log1p(t) as log(u)·t/(u − 1) with u = 1 + t
     * rounded (Goldberg 1991, "What every computer scientist should know about floating-point arithmetic", thm. 4:
     * within a few ulps, as accurate as {@link Math#log1p}), because {@link Math#log} is compiled to a fast intrinsic
     * and {@link Math#log1p} is not (it took 7 % of the shared step's time, computed for one block in 16).
     */
    static double softplus(double x) {
        double t = Math.exp(-Math.abs(x));
        double u = 1 + t;
        return Math.max(x, 0) + (u == 1 ? t : Math.log(u) * (t / (u - 1)));
    }
}
