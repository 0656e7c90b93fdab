package org.contrast4j.tiled;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * Exact softmax cross-entropy over the rows of a self-similarity S = Z·Zᵀ — NT-Xent, DCL / DCLW and SupCon — forward
 * and backward without the M×M matrix.
 *
 * <p>Input: prepared rows Z (M×D; L2-normalised for cosine), a logit scale σ (1/τ) and each row's positives P(k),
 * given as groups: row k's positives are the other members of its group, each with the target weight t_k. With
 * logits l_kl = σ·S_kl and candidates C(k):
 * <pre>
 *   ℓ_k = log Σ_{l∈C(k)} e^{l_kl} − t_k·Σ_{l∈P(k)} l_kl,      L = w·Σ_k ℓ_k
 *   ∂L/∂Z = (G + Gᵀ)·Z,   G_kl = w·σ·(softmax_{C(k)}(l_k)_l − [l∈P(k)]·t_k)
 * </pre>
 * <ul>
 *   <li>{@link #pairs pairs} — Z = [a; p] with 2N rows, P(k) = {k ± N}: NT-Xent (C(k) = every l ≠ k, t = 1) and DCL
 *       (C(k) = every l ∉ {k, k ± N}, t = 1 or the DCLW weight of the pair);</li>
 *   <li>{@link #labels labels} — P(k) = the other rows with k's label, C(k) = every l ≠ k, t_k = 1/|P(k)|: SupCon.
 *       A row whose label occurs once has no positive: it is skipped (ℓ_k = 0, no gradient from its row), as SupCon
 *       defines it, and still serves as a candidate for the others.</li>
 * </ul>
 * Returns the per-row losses ℓ_k (unweighted), ∂L/∂Z and w·Σ_k Σ_l (∂ℓ_k/∂l_kl)·l_kl (for the temperature gradient:
 * ∂L/∂log τ = −that sum when σ = 1/τ).
 *
 * <h2>Algorithm</h2>
 * {@link TiledInfoNce}'s symmetric two passes, on the upper triangle only: S is symmetric, so tile (R, C) of
 * {@code block} × {@code block} similarities Z_R·Z_Cᵀ with R above C serves row k ∈ R in its row direction and row
 * l ∈ C in its column direction; a diagonal tile (R = C) holds both S_kl and S_lk and serves its row direction only.
 * Pass 1 accumulates each row's softmax normaliser (running maxima, or one shift; see below); pass 2 recomputes each
 * tile and overwrites it with W_kl = G_kl + G_lk (diagonal tiles: G_kl), then ∂L/∂Z_R += W·Z_C and ∂L/∂Z_C += Wᵀ·Z_R.
 * Four products over half the tiles: 4·M²·D flops, each tile (1 MiB at 512 × 512) in a core's cache. Each row's own
 * entry is masked (−∞: never a maximum, weight 0), and so is, for DCL, its partner. Target terms: for pairs the
 * partner's entry is rewritten in double after the softmax weights (w·σ·(P_kk' − 1) with P_kk' − 1 = expm1(·) or
 * −Σ_{others}/Σ, so that a well-solved row's small gradient is not lost in float; −w·σ·t for DCL); for labels the
 * target part of the gradient, −2·w·σ·t_k·Σ_{l∈P(k)} z_l, and the target similarities t_k·Σ_{l∈P(k)} S_kl come from the
 * class sums in O(M·D).
 *
 * <p><b>One shift.</b> When 2·σ·R² ≤ {@value TiledInfoNce#ONE_SHIFT_RANGE} with R = max‖z_k‖·(1 + 1e-3)^½ (cosine:
 * τ ≥ 0.031), every exponent σ(S_kl − R²) lies in [−64, 0]: one float exponential per entry and pass serves both
 * directions, and no maximum is needed (the precision note of {@link TiledInfoNce} applies). For NT-Xent the partner's
 * term is kept out of the float sums and added in double (ℓ_k = log1p(others/e_kk')). Otherwise each row's running
 * maximum and sum are updated online, rows by their owner, columns per worker and merged in worker order.
 *
 * <p><b>Threads, memory.</b> Row blocks go to the workers in a snake order (0, 1, …, T−1, T−1, …, 0, 0, 1, …), which
 * balances the triangle; a worker owns its rows' statistics and gradient rows and keeps its own column statistics and
 * a partial ∂L/∂Z (M×D), added in worker order: a fixed thread count and block give the same bits on every run. Memory
 * besides the inputs: the gradient, T partials M×D, O(T·M) statistics and one tile per worker — no M×M array. An
 * interrupt of the calling thread stops every worker at its next tile with a
 * {@link java.util.concurrent.CancellationException}; the interrupt status is kept.
 */
public final class TiledSelfSimilarity {
    private final int threads;
    private final int block;
    private final Epilogue epilogue;
    private final boolean oneShift;

    /**
     * The engine with the default {@value TiledInfoNce#DEFAULT_ROW_BLOCK} × {@value TiledInfoNce#DEFAULT_ROW_BLOCK}
     * tile.
     *
     * @param threads workers, ≥ 1
     * @throws IllegalArgumentException if threads &lt; 1
     */
    public TiledSelfSimilarity(int threads) {
        this(threads, TiledInfoNce.DEFAULT_ROW_BLOCK);
    }

    /**
     * @param threads workers, ≥ 1
     * @param block   rows and columns per tile, ≥ 1
     * @throws IllegalArgumentException if an argument is &lt; 1
     */
    public TiledSelfSimilarity(int threads, int block) {
        this(threads, block, Epilogue.select(), true);
    }

    /** @param oneShift whether the one-shift path may run (false = always running maxima) */
    TiledSelfSimilarity(int threads, int block, Epilogue epilogue, boolean oneShift) {
        Checks.atLeast(threads, 1, "threads");
        Checks.atLeast(block, 1, "block");
        this.threads = threads;
        this.block = block;
        this.epilogue = epilogue;
        this.oneShift = oneShift;
    }

    /** The number of workers (the calling thread and threads − 1 of the package's shared pool). */
    public int threads() {
        return threads;
    }

    /**
     * NT-Xent and DCL: Z = [a; p] (2N rows), row k's one positive its partner k ± N.
     *
     * @param z                prepared rows, 2N×D with N ≥ 2
     * @param scale            the logit scale σ &gt; 0 (1/τ)
     * @param pairWeight       t of pair i (rows i and i + N), length N, or null for 1 (DCLW's von Mises–Fisher
     *                         weights; only with partnerCandidate false)
     * @param partnerCandidate whether the partner is in the denominator (NT-Xent) or not (DCL)
     * @param weight           w, the factor of every row's loss, finite (1/(2N) for a mean)
     * @throws IllegalArgumentException if Z has an odd number of rows or fewer than 4, D = 0, σ, w or a pair weight
     *     is not finite (σ also not &gt; 0), or pairWeight has the wrong length or comes with partnerCandidate
     */
    public Result pairs(Matrix z, double scale, double[] pairWeight, boolean partnerCandidate, double weight) {
        Checks.notNull(z, "z");
        Checks.argument(z.rows() % 2 == 0 && z.rows() >= 4, "z must stack two views of N >= 2 rows each, was %s",
                z.shape());
        int n = z.rows() / 2;
        Checks.argument(pairWeight == null || pairWeight.length == n,
                "pairWeight must have one entry per pair (%d), had %d", n, pairWeight == null ? 0 : pairWeight.length);
        Checks.argument(pairWeight == null || !partnerCandidate,
                "pair weights are for DCLW, whose partner is no candidate; with the partner in the denominator "
                        + "(NT-Xent) the target weight is 1");
        double[] t = new double[2 * n];
        for (int i = 0; i < n; i++) {
            t[i] = pairWeight == null ? 1.0 : Checks.finite(pairWeight[i], "pairWeight[" + i + "]");
            t[i + n] = t[i];
        }
        check(z, scale, weight);
        return new Run(z, scale, weight, n, partnerCandidate, t, null).compute();
    }

    /**
     * SupCon: row k's positives are the other rows with its label, each with target 1/|P(k)|; rows whose label occurs
     * once are skipped.
     *
     * @param z      prepared rows, M×D with M ≥ 2
     * @param scale  the logit scale σ &gt; 0 (1/τ)
     * @param labels class ids, length M
     * @param weight w, the factor of every non-skipped row's loss, finite (1/valid rows for a mean)
     * @throws IllegalArgumentException if M &lt; 2, D = 0, labels have the wrong length, or σ or w is not finite (σ
     *     also not &gt; 0)
     */
    public Result labels(Matrix z, double scale, long[] labels, double weight) {
        Checks.notNull(z, "z");
        Checks.notNull(labels, "labels");
        Checks.argument(z.rows() >= 2, "z must have at least 2 rows, was %s", z.shape());
        int m = z.rows();
        Checks.argument(labels.length == m, "labels must have one entry per row (%d), had %d", m, labels.length);
        check(z, scale, weight);
        Map<Long, Integer> ids = new HashMap<>();
        int[] groupOf = new int[m];
        for (int k = 0; k < m; k++) {
            Integer id = ids.putIfAbsent(labels[k], ids.size());
            groupOf[k] = id == null ? ids.size() - 1 : id;
        }
        int[] size = new int[ids.size()];
        for (int g : groupOf) {
            size[g]++;
        }
        double[] t = new double[m];
        for (int k = 0; k < m; k++) {
            t[k] = size[groupOf[k]] > 1 ? 1.0 / (size[groupOf[k]] - 1) : 0.0;
        }
        return new Run(z, scale, weight, 0, true, t, groupOf).compute();
    }

    private static void check(Matrix z, double scale, double weight) {
        Checks.argument(z.cols() >= 1, "z must have D >= 1 columns, was %s", z.shape());
        Checks.positive(scale, "logit scale");
        Checks.finite(weight, "row weight");
    }

    @Override
    public String toString() {
        return "TiledSelfSimilarity{threads=" + threads + ", tile=" + block + "×" + block + ", epilogue="
                + epilogue.name() + "}";
    }

    /** What the engine returns; the arrays and the gradient belong to the caller. */
    public static final class Result {
        private final double[] perRow;
        private final boolean[] skipped;
        private final int skippedRows;
        private final Matrix gradient;
        private final double gradDotLogit;

        Result(double[] perRow, boolean[] skipped, int skippedRows, Matrix gradient, double gradDotLogit) {
            this.perRow = perRow;
            this.skipped = skipped;
            this.skippedRows = skippedRows;
            this.gradient = gradient;
            this.gradDotLogit = gradDotLogit;
        }

        /** ℓ_k of every row, unweighted (0 for a skipped row). */
        public double[] perRow() {
            return perRow;
        }

        /** Which rows had no positive and were skipped (all false for pairs). */
        public boolean[] skipped() {
            return skipped;
        }

        /** How many rows were skipped. */
        public int skippedRows() {
            return skippedRows;
        }

        /** ∂L/∂Z, M×D. */
        public Matrix gradient() {
            return gradient;
        }

        /** w·Σ_k Σ_l (∂ℓ_k/∂l_kl)·l_kl over the logits l = σ·S. */
        public double gradDotLogit() {
            return gradDotLogit;
        }
    }

    /** The state of one computation. */
    private final class Run {
        private final float[] z;
        private final int m;
        private final int d;
        private final double scale;
        private final float scaleF;
        private final double weight;
        private final float weightF;
        /** Pairs: N (row k's partner k ± N); labels: 0. */
        private final int n;
        private final boolean partnerCandidate;
        /** t_k, 0 for a skipped row. */
        private final double[] t;
        /** Labels: each row's group; pairs: null. */
        private final int[] groupOf;
        private final int blocks;
        private final int workers;
        private final Workers pool;
        private final boolean fixed;
        private final float shift;

        private final double[] loss;
        private final boolean[] skipped;
        /** Σ_{l∈P(k)} t_k·S_kl in double, and as the float the epilogue subtracts (temperature sums). */
        private final double[] targetSim;
        private final float[] targetF;
        /** Pairs: S_kk' as the tile holding it computed it. */
        private final float[] partnerSim;
        // pass 1: one shift — Σ e^{σ(S − shift)} of each row (owner) and of each column (per worker); running
        // maxima — each row's maximum and sum (owner) and each column's (per worker)
        private final double[] rowSum;
        private final double[][] colSum;
        private final float[] rowMax;
        private final float[][] colMax;
        // merged: one shift — 1/Σ of each row (0 = skipped); running maxima — maximum and log Σ (+∞ = skipped)
        private final float[] inverse;
        private final float[] max;
        private final float[] log;
        /** Pairs with one shift: others/Σ, the partner weight's 1 − P_kk'; running maxima: log Σ in double. */
        private final double[] rest;
        private final double[] rowDot;

        Run(Matrix zm, double scale, double weight, int n, boolean partnerCandidate, double[] t, int[] groupOf) {
            this.z = zm.data();
            this.m = zm.rows();
            this.d = zm.cols();
            this.scale = scale;
            this.scaleF = (float) scale;
            this.weight = weight;
            this.weightF = (float) (weight * scale);
            this.n = n;
            this.partnerCandidate = partnerCandidate;
            this.t = t;
            this.groupOf = groupOf;
            int b = Math.min(block, m);
            this.blocks = (m + b - 1) / b;
            this.workers = Math.min(threads, blocks);
            this.pool = new Workers(workers);
            double r2 = maxSquaredNorm(zm) * (1 + 1e-3);
            this.fixed = oneShift && 2 * scale * r2 <= TiledInfoNce.ONE_SHIFT_RANGE;
            this.shift = (float) r2;
            this.loss = new double[m];
            this.skipped = new boolean[m];
            this.targetSim = new double[m];
            this.targetF = new float[m];
            this.partnerSim = n > 0 ? new float[m] : null;
            this.rowSum = new double[m];
            this.colSum = new double[workers][];
            this.rowMax = fixed ? null : new float[m];
            this.colMax = fixed ? null : new float[workers][];
            this.inverse = fixed ? new float[m] : null;
            this.max = fixed ? null : new float[m];
            this.log = fixed ? null : new float[m];
            this.rest = new double[m];
            this.rowDot = new double[m];
        }

        /** max_k ‖z_k‖², in double. */
        private double maxSquaredNorm(Matrix x) {
            double r = 0;
            for (double v : Kernels.rowNorms(x)) {
                r = Math.max(r, v * v);
            }
            return r;
        }

        private int partner(int k) {
            return k < n ? k + n : k - n;
        }

        /** Worker of row block a: the snake order 0, 1, …, T−1, T−1, …, 0, 0, 1, … */
        private int owner(int a) {
            return (a / workers) % 2 == 0 ? a % workers : workers - 1 - a % workers;
        }

        Result compute() {
            double[][] classSum = groupOf == null ? null : classSums();
            pool.run(this::statistics);
            merge();
            Matrix gradient = Matrix.zeros(m, d);
            float[][] partial = new float[workers][];
            double[][] colDot = new double[workers][];
            pool.run(w -> gradients(w, gradient.data(), partial, colDot));
            float[] g = gradient.data();
            for (int w = 0; w < workers; w++) {
                float[] part = partial[w];
                for (int k = 0; k < g.length; k++) {
                    g[k] += part[k];
                }
                partial[w] = null;
            }
            if (classSum != null) {
                // the targets' part of (G + Gᵀ)·Z: −w·σ·t_k·Σ_{l∈P(k)} z_l from each direction
                for (int k = 0; k < m; k++) {
                    double f = -2 * weight * scale * t[k];
                    if (f == 0) {
                        continue;
                    }
                    double[] c = classSum[groupOf[k]];
                    for (int j = 0, at = k * d; j < d; j++, at++) {
                        g[at] += (float) (f * (c[j] - z[at]));
                    }
                }
            }
            double dot = 0;
            int skippedRows = 0;
            for (int k = 0; k < m; k++) {
                dot += rowDot[k];
                skippedRows += skipped[k] ? 1 : 0;
            }
            for (int k = 0; k < m; k++) {
                for (int w = 0; w < workers; w++) {
                    dot += colDot[w][k];
                }
            }
            return new Result(loss, skipped, skippedRows, gradient, weight * scale * dot);
        }

        /** Labels: Σ_{l∈g} z_l per group in double, and each row's target similarity t_k·z_k·(Σ_g − z_k). */
        private double[][] classSums() {
            int groups = 0;
            for (int g : groupOf) {
                groups = Math.max(groups, g + 1);
            }
            double[][] sum = new double[groups][d];
            for (int k = 0; k < m; k++) {
                double[] s = sum[groupOf[k]];
                for (int j = 0, at = k * d; j < d; j++, at++) {
                    s[j] += z[at];
                }
            }
            for (int k = 0; k < m; k++) {
                if (t[k] == 0) {
                    skipped[k] = true;
                    continue;
                }
                double[] s = sum[groupOf[k]];
                double dot = 0;
                for (int j = 0, at = k * d; j < d; j++, at++) {
                    dot += (double) z[at] * (s[j] - z[at]);
                }
                targetSim[k] = t[k] * dot;
                targetF[k] = (float) targetSim[k];
            }
            return sum;
        }

        /** tile (h×cols) = Z[i0 .. i0+h)·Z[j0 .. j0+cols)ᵀ. */
        private void product(float[] tile, int i0, int h, int j0, int cols) {
            Kernels.gemm(false, true, h, cols, d, 1f, z, i0 * d, d, z, j0 * d, d, 0f, tile, 0, cols);
        }

        /**
         * Sets the entries that are no candidate to −∞: each row's own (diagonal tiles), the partner for DCL, and for
         * NT-Xent with one shift the partner too (its term is added in double). In pass 1 also records S_kk'.
         */
        private void mask(float[] tile, int i0, int h, int j0, int cols, boolean diagonal, boolean record) {
            if (diagonal) {
                for (int r = 0; r < h; r++) {
                    tile[r * cols + r] = Float.NEGATIVE_INFINITY;
                }
            }
            if (n == 0) {
                return;
            }
            boolean maskPartner = !partnerCandidate || fixed;
            for (int r = 0; r < h; r++) {
                int k = i0 + r;
                int c = partner(k) - j0;
                if (c < 0 || c >= cols) {
                    continue;
                }
                int at = r * cols + c;
                if (record) {
                    partnerSim[k] = tile[at];
                    if (!diagonal) {
                        partnerSim[partner(k)] = tile[at];
                    }
                }
                if (maskPartner) {
                    tile[at] = Float.NEGATIVE_INFINITY;
                }
            }
        }

        /** Pass 1 for worker w: the normalisers of its rows, and its share of every row's through the columns. */
        private void statistics(int w) {
            int b = Math.min(block, m);
            float[] tile = new float[Checks.product(b, b, "a tile of similarities", 4)];
            float[] scratch = new float[b];
            double[] cSum = new double[m];
            colSum[w] = cSum;
            float[] cMax = null;
            float[] tileMax = null;
            if (!fixed) {
                cMax = new float[m];
                Arrays.fill(cMax, Float.NEGATIVE_INFINITY);
                colMax[w] = cMax;
                tileMax = new float[b];
            }
            for (int a = 0; a < blocks; a++) {
                if (owner(a) != w) {
                    continue;
                }
                int i0 = a * b;
                int h = Math.min(b, m - i0);
                if (!fixed) {
                    Arrays.fill(rowMax, i0, i0 + h, Float.NEGATIVE_INFINITY);
                }
                for (int c = a; c < blocks; c++) {
                    pool.checkpoint();
                    int j0 = c * b;
                    int cols = Math.min(b, m - j0);
                    boolean diagonal = c == a;
                    product(tile, i0, h, j0, cols);
                    mask(tile, i0, h, j0, cols, diagonal, true);
                    if (fixed) {
                        for (int r = 0; r < h; r++) {
                            rowSum[i0 + r] += epilogue.sumExpFixed(tile, r * cols, cols, shift, scaleF,
                                    diagonal ? null : cSum, j0, scratch);
                        }
                        continue;
                    }
                    for (int r = 0; r < h; r++) {
                        int k = i0 + r;
                        float mx = epilogue.max(tile, r * cols, cols);
                        if (mx == Float.NEGATIVE_INFINITY) {
                            continue;  // every entry of this row in the tile is masked
                        }
                        if (mx > rowMax[k]) {
                            rowSum[k] = rowMax[k] == Float.NEGATIVE_INFINITY ? 0.0
                                    : rowSum[k] * Math.exp(scale * ((double) rowMax[k] - mx));
                            rowMax[k] = mx;
                        }
                        rowSum[k] += epilogue.sumExp(tile, r * cols, cols, rowMax[k], scaleF);
                    }
                    if (!diagonal) {
                        columns(tile, h, j0, cols, cMax, cSum, tileMax);
                    }
                }
            }
        }

        /** The online log-sum-exp update of rows j0 … j0+cols through the columns of one tile. */
        private void columns(float[] tile, int h, int j0, int cols, float[] cMax, double[] cSum, float[] tileMax) {
            float[] shifts = tileMax;
            Arrays.fill(shifts, 0, cols, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < h; r++) {
                epilogue.columnMax(tile, r * cols, cols, shifts, 0);
            }
            for (int c = 0; c < cols; c++) {
                int j = j0 + c;
                float mx = shifts[c];
                if (mx > cMax[j]) {
                    cSum[j] = cMax[j] == Float.NEGATIVE_INFINITY ? 0.0
                            : cSum[j] * Math.exp(scale * ((double) cMax[j] - mx));
                    cMax[j] = mx;
                }
                // a column masked so far has no maximum yet: any finite shift works, its entries are all −∞
                shifts[c] = cMax[j] == Float.NEGATIVE_INFINITY ? 0f : cMax[j];
            }
            double[] add = new double[cols];
            for (int r = 0; r < h; r++) {
                epilogue.columnSumExp(tile, r * cols, cols, shifts, scaleF, add, 0);
            }
            for (int c = 0; c < cols; c++) {
                cSum[j0 + c] += add[c];
            }
        }

        /** Adds the workers' column statistics to the rows' in worker order: losses and pass 2's normalisers. */
        private void merge() {
            for (int k = 0; k < m; k++) {
                if (groupOf == null) {
                    // pairs: the target similarity is the partner's, as its tile computed it
                    targetSim[k] = t[k] * partnerSim[k];
                    targetF[k] = (float) targetSim[k];
                }
                if (fixed) {
                    double others = rowSum[k];
                    for (int w = 0; w < workers; w++) {
                        others += colSum[w][k];
                    }
                    if (skipped[k]) {
                        inverse[k] = 0f;
                    } else if (n > 0 && partnerCandidate) {
                        // NT-Xent: the partner's term e in double, kept out of the float sums
                        double e = Math.exp((partnerSim[k] - shift) * scaleF);
                        loss[k] = Math.log1p(others / e);
                        inverse[k] = (float) (1 / (e + others));
                        rest[k] = others / (e + others);
                    } else {
                        loss[k] = scale * ((double) shift - targetSim[k]) + Math.log(others);
                        inverse[k] = (float) (1 / others);
                    }
                } else {
                    float mx = rowMax[k];
                    for (int w = 0; w < workers; w++) {
                        mx = Math.max(mx, colMax[w][k]);
                    }
                    double sum = rowMax[k] == Float.NEGATIVE_INFINITY ? 0.0
                            : rowSum[k] * Math.exp(scale * ((double) rowMax[k] - mx));
                    for (int w = 0; w < workers; w++) {
                        if (colMax[w][k] != Float.NEGATIVE_INFINITY) {
                            sum += colSum[w][k] * Math.exp(scale * ((double) colMax[w][k] - mx));
                        }
                    }
                    double lg = Math.log(sum);
                    max[k] = mx;
                    rest[k] = lg;
                    if (skipped[k]) {
                        log[k] = Float.POSITIVE_INFINITY;
                    } else {
                        log[k] = (float) lg;
                        loss[k] = scale * ((double) mx - targetSim[k]) + lg;
                    }
                }
            }
            for (int w = 0; w < workers; w++) {
                colSum[w] = null;
                if (colMax != null) {
                    colMax[w] = null;
                }
            }
        }

        /**
         * Pass 2 for worker w: recomputes each tile of its row blocks, turns it into W (G_kl + G_lk; diagonal tiles
         * G_kl) and adds W·Z_C to its rows of ∂L/∂Z and Wᵀ·Z_R to its partial (diagonal tiles: to its rows).
         */
        private void gradients(int w, float[] grad, float[][] partial, double[][] colDot) {
            int b = Math.min(block, m);
            float[] tile = new float[b * b];
            float[] scratch = new float[b];
            float[] part = new float[m * d];  // m·d: the size of Z itself
            partial[w] = part;
            double[] cDot = new double[m];
            colDot[w] = cDot;
            for (int a = 0; a < blocks; a++) {
                if (owner(a) != w) {
                    continue;
                }
                int i0 = a * b;
                int h = Math.min(b, m - i0);
                for (int c = a; c < blocks; c++) {
                    pool.checkpoint();
                    int j0 = c * b;
                    int cols = Math.min(b, m - j0);
                    boolean diagonal = c == a;
                    product(tile, i0, h, j0, cols);
                    mask(tile, i0, h, j0, cols, diagonal, false);
                    for (int r = 0; r < h; r++) {
                        int k = i0 + r;
                        rowDot[k] += fixed
                                ? epilogue.gradientRowFixed(tile, r * cols, cols, j0, shift, scaleF, inverse[k],
                                        targetF[k], diagonal ? null : inverse, targetF, cDot, weightF, scratch)
                                : epilogue.gradientRow(tile, r * cols, cols, j0, max[k], log[k], targetF[k],
                                        diagonal ? null : max, diagonal ? null : log, targetF, cDot, scaleF, weightF,
                                        scratch);
                    }
                    if (n > 0) {
                        partners(tile, i0, h, j0, cols, diagonal);
                    }
                    Kernels.gemm(false, false, h, d, cols, 1f, tile, 0, cols, z, j0 * d, d, 1f, grad, i0 * d, d);
                    Kernels.gemm(true, false, cols, d, h, 1f, tile, 0, cols, z, i0 * d, d, 1f,
                            diagonal ? grad : part, j0 * d, d);
                }
            }
        }

        /** Rewrites the partner entries of a tile with their exact weights (row direction, and column direction). */
        private void partners(float[] tile, int i0, int h, int j0, int cols, boolean diagonal) {
            for (int r = 0; r < h; r++) {
                int k = i0 + r;
                int l = partner(k);
                int c = l - j0;
                if (c < 0 || c >= cols) {
                    continue;
                }
                double g = partnerGradient(k);
                if (!diagonal) {
                    g += partnerGradient(l);
                }
                tile[r * cols + c] = (float) (weight * scale * g);
            }
        }

        /** ∂ℓ_k/∂l_kk' = P_kk' − t_k for NT-Xent (t = 1), −t_k for DCL (the partner is no candidate). */
        private double partnerGradient(int k) {
            if (!partnerCandidate) {
                return -t[k];
            }
            if (fixed) {
                return -rest[k];
            }
            return Math.expm1(scale * ((double) partnerSim[k] - max[k]) - rest[k]);
        }
    }
}
