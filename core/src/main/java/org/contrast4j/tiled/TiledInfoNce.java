package org.contrast4j.tiled;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * Exact in-batch InfoNCE (one-way or symmetric, so CLIP) forward and backward without the N×N similarity matrix.
 *
 * <p>Input: prepared rows A (anchors) and B (positives), both N×D — already L2-normalised for cosine
 * ({@link org.contrast4j.similarity.Similarity#prepare}) — a logit scale σ (1/τ, or its clamp), optional labels and a
 * row weight w. With S = A·Bᵀ and candidates C(i) = {j : j = i or no label, or labels differ}:
 * <pre>
 *   forward  ℓ_i  = log Σ_{j∈C(i)} e^{σ·S_ij} − σ·S_ii
 *   reverse  ℓ'_j = log Σ_{i∈C(j)} e^{σ·S_ij} − σ·S_jj          (symmetric only)
 *   L = w·Σ_i ℓ_i (+ w·Σ_j ℓ'_j)
 * </pre>
 * and returns the per-row losses, ∂L/∂A, ∂L/∂B and Σ_ij (∂L/∂l_ij)·l_ij over the logits l = σ·S (what the
 * temperature gradient needs: ∂L/∂log τ = −that sum when σ = 1/τ). InfoNCE's mean reduction is w = 1/N, the
 * symmetric mean w = 1/(2N).
 *
 * <p>The algorithm (see the package documentation): the symmetric loss in two passes over tiles of
 * {@code rowBlock} × {@code columnBlock} similarities, each tile a {@link Kernels#gemm} product that is recomputed,
 * never stored (8·N²·D flops); the one-way loss in one pass over panels of whole rows (6·N²·D flops, at most 2^24
 * floats per worker). Row blocks are split among {@code threads} workers (worker t takes blocks t, t + threads, …);
 * each worker keeps its own column statistics and partial ∂L/∂B, merged in worker order, so the result is the same
 * bits on every run with the same thread count and tile sizes. Memory: the two gradients, O(threads·N) statistics,
 * {@code threads − 1} partial gradients N×D and one tile (or one-way panel) per worker.
 *
 * <p>{@link #storedLogits} is the same engine on the stored N×N similarities for small batches (6·N²·D flops for the
 * symmetric loss too); {@link #compute(Matrix, Matrix, double, boolean, long[], Guide, double[], double)} adds the
 * one-way logQ correction.
 *
 * <p>Interrupting the calling thread stops every worker at its next tile and {@link #compute} throws
 * {@link java.util.concurrent.CancellationException} (the interrupt status is kept); no result is returned. Instances
 * are immutable and thread-safe.
 */
public final class TiledInfoNce {
    /**
     * Default rows per tile, {@value}: a 512 × 512 float tile (1 MiB) stays in a core's L2 cache, and of the shapes
     * measured it was the fastest or within 3% of it on both kernels (see the package documentation).
     */
    public static final int DEFAULT_ROW_BLOCK = 512;
    /** Default columns per tile, {@value} (see {@link #DEFAULT_ROW_BLOCK}). */
    public static final int DEFAULT_COLUMN_BLOCK = 512;
    /**
     * Largest panel of one-way similarities a worker holds, in floats: 2^24 (64 MiB). The one-way loss runs in one
     * pass on panels of min(rowBlock, 2^24 / N) whole rows while that is at least {@value #MIN_PANEL_ROWS} rows (N up
     * to 262144 with the default tile), else in two passes like the symmetric loss.
     */
    static final long PANEL_FLOATS = 1L << 24;
    /** Padding of a panel row, in floats (see {@code panels}). */
    static final int PANEL_PAD = 16;
    /** Fewest rows of a one-way panel (see {@link #PANEL_FLOATS}). */
    static final int MIN_PANEL_ROWS = 64;
    /**
     * The one-shift path runs when every logit lies within this distance below one common shift: 2·σ·M ≤ {@value},
     * M = max‖a_i‖·max‖b_j‖·(1 + 1e-3) ≥ |S_ij| (cosine: σ ≤ 32, τ ≥ 0.031). Then e^{σ(S − M)} ≥ e^{-64} never
     * underflows a float and one exponential per entry serves the row and the column softmax; its float argument is
     * off by at most ~64·1.2e-7 ≈ 8e-6, a relative error of each term.
     */
    static final double ONE_SHIFT_RANGE = 64;

    private final int threads;
    private final int rowBlock;
    private final int columnBlock;
    private final Epilogue epilogue;
    private final long panelFloats;
    private final boolean oneShift;
    /** The stored-logits path ({@link #storedLogits}) instead of tiles recomputed. */
    private final boolean stored;

    /**
     * The engine with the default tile ({@value #DEFAULT_ROW_BLOCK} × {@value #DEFAULT_COLUMN_BLOCK}).
     *
     * @param threads workers, ≥ 1
     * @throws IllegalArgumentException if threads &lt; 1
     */
    public TiledInfoNce(int threads) {
        this(threads, DEFAULT_ROW_BLOCK, DEFAULT_COLUMN_BLOCK);
    }

    /**
     * @param threads     workers, ≥ 1
     * @param rowBlock    rows per tile, ≥ 1
     * @param columnBlock columns per tile, ≥ 1
     * @throws IllegalArgumentException if an argument is &lt; 1
     */
    public TiledInfoNce(int threads, int rowBlock, int columnBlock) {
        this(threads, rowBlock, columnBlock, Epilogue.select(), PANEL_FLOATS, true);
    }

    /**
     * @param panelFloats the one-way panel budget ({@link #PANEL_FLOATS}; 0 = always two passes)
     * @param oneShift    whether the one-shift path may run ({@link #ONE_SHIFT_RANGE}; false = always running maxima)
     */
    TiledInfoNce(int threads, int rowBlock, int columnBlock, Epilogue epilogue, long panelFloats, boolean oneShift) {
        this(threads, rowBlock, columnBlock, epilogue, panelFloats, oneShift, false);
    }

    /** @param stored the stored-logits path ({@link #storedLogits}) */
    TiledInfoNce(int threads, int rowBlock, int columnBlock, Epilogue epilogue, long panelFloats, boolean oneShift,
                 boolean stored) {
        Checks.atLeast(threads, 1, "threads");
        if (rowBlock < 1 || columnBlock < 1) {
            throw new IllegalArgumentException("tile sizes must be >= 1, were rowBlock = " + rowBlock
                    + ", columnBlock = " + columnBlock);
        }
        this.threads = threads;
        this.rowBlock = rowBlock;
        this.columnBlock = columnBlock;
        this.epilogue = epilogue;
        this.panelFloats = panelFloats;
        this.oneShift = oneShift;
        this.stored = stored;
    }

    /**
     * The stored-logits engine: the same loss, gradients and contract as {@link #TiledInfoNce(int)}, computed for
     * small batches with the N×N similarities in memory (N·(N + {@value #PANEL_PAD}) floats) instead of tiles
     * recomputed. Workers take blocks of whole rows: each block's similarities in one product, its softmax statistics
     * (rows exact, columns per worker and merged in worker order); then each block's weights G in place and
     * ∂L/∂A_R = G_R·B; then ∂L/∂B_C = G_Cᵀ·A per block of columns — three products, 6·N²·D flops for the symmetric loss
     * instead of the tiled 8·N²·D, and no partial ∂L/∂B per worker. In each of the three steps the workers claim the
     * blocks in turn, so a worker slowed by other load leaves its blocks to the others; each block keeps its own
     * column partial sums, added in block order, so which worker ran a block never changes a bit. The N×N array is
     * kept between calls, one per calling thread, softly referenced and grown to the largest batch so far (see
     * {@code Workspace}): a batch loop does not allocate and zero 4·N² bytes per call. The one-way loss takes the
     * one-pass panels of the tiled engine (6·N²·D already) with blocks sized to keep every worker busy. Rows per block:
     * {@link #storedBlock}. Deterministic for a thread count like the tiled engine; the two round differently in the
     * last bits.
     *
     * @param threads workers, ≥ 1
     * @throws IllegalArgumentException if threads &lt; 1
     */
    public static TiledInfoNce storedLogits(int threads) {
        return new TiledInfoNce(threads, DEFAULT_ROW_BLOCK, DEFAULT_COLUMN_BLOCK, Epilogue.select(), PANEL_FLOATS,
                true, true);
    }

    /** Whether this is the {@link #storedLogits stored-logits} engine. */
    public boolean stored() {
        return stored;
    }

    /**
     * Rows per block of the stored-logits path: N / (2·threads) rounded up to a multiple of 16, at least 32, at most
     * rowBlock — two blocks per worker where N allows, so the workers stay balanced at small N, and products of at
     * least 32 rows (unless rowBlock is smaller).
     */
    int storedBlock(int n) {
        int perWorker = (n + 2 * threads - 1) / (2 * threads);
        int rounded = (perWorker + 15) / 16 * 16;
        return Math.min(rowBlock, Math.max(32, rounded));
    }

    /** The number of workers (the calling thread and threads − 1 of the package's shared pool). */
    public int threads() {
        return threads;
    }

    /**
     * Computes the loss and its gradients; see the class comment.
     *
     * @param a         prepared anchors, N×D, N ≥ 1
     * @param b         prepared positives, N×D
     * @param scale     the logit scale σ &gt; 0 (1/τ)
     * @param symmetric whether the reverse direction is added
     * @param labels    class ids (length N) whose equal pairs j ≠ i are not candidates, or null
     * @param weight    the factor w of every row's loss, finite (1/N for a mean)
     * @throws IllegalArgumentException if the shapes differ, N or D is 0, labels have the wrong length, or σ or w
     *     is not finite (σ also not &gt; 0)
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted
     */
    public Result compute(Matrix a, Matrix b, double scale, boolean symmetric, long[] labels, double weight) {
        return compute(a, b, scale, symmetric, labels, null, weight);
    }

    /**
     * A guide model's false-negative mask (GISTEmbed, Solatorio 2024) for the one-way loss: prepared guide rows GA and
     * GB (N×D' each, unit rows for cosine) and a margin m; candidate j ≠ i leaves row i's candidates when
     * GA_i·GB_j &gt; GA_i·GB_i − m.
     *
     * @param anchors   GA, N×D'
     * @param positives GB, N×D'
     * @param margin    m, finite
     */
    public record Guide(Matrix anchors, Matrix positives, double margin) {
        public Guide {
            Checks.notNull(anchors, "anchors");
            Checks.notNull(positives, "positives");
            Checks.sameShape(anchors, "guide anchors", positives, "guide positives");
            Checks.finite(margin, "margin");
        }
    }

    /**
     * As {@link #compute(Matrix, Matrix, double, boolean, long[], double)}, with an optional {@link Guide} mask (one-way
     * only). A row the masks leave without a negative has loss and gradient 0 and is flagged in
     * {@link Result#withoutNegatives()}; the caller decides its weight (the others' weights stay {@code weight}).
     *
     * @throws IllegalArgumentException also if a guide is given with {@code symmetric} or has a row count other than N
     */
    public Result compute(Matrix a, Matrix b, double scale, boolean symmetric, long[] labels, Guide guide,
                          double weight) {
        return compute(a, b, scale, symmetric, labels, guide, null, weight, true);
    }

    /**
     * As {@link #compute(Matrix, Matrix, double, boolean, long[], Guide, double)}, with the one-way sampling-bias
     * (logQ) correction of Yi et al. 2019: every logit of column j, the positive's included, becomes
     * σ·S_ij − log q_j, so ℓ_i = −(σ·S_ii − log q_i) + log Σ_{j∈C(i)} e^{σ·S_ij − log q_j}. The offsets enter the
     * similarities as S_ij − log q_j / σ (so the one-shift path, whose bound is on S, does not run); the temperature
     * sum {@link Result#gradDotLogit()} leaves them out, Σ_ij (∂L/∂l_ij)·σ·S_ij, as the dense engine does.
     *
     * @param logQ         log q_j of each in-batch column (length N, finite), or null for none
     * @param gradDotLogit whether {@link Result#gradDotLogit()} is wanted (a learnable temperature's gradient needs
     *                     it); without it the result's is NaN, and the stored symmetric path with one shift skips the
     *                     sums and the second exponential of every entry that only it needs
     * @throws IllegalArgumentException also if logQ is given with {@code symmetric}, has a length other than N or a
     *     value that is not finite
     */
    public Result compute(Matrix a, Matrix b, double scale, boolean symmetric, long[] labels, Guide guide,
                          double[] logQ, double weight, boolean gradDotLogit) {
        if (logQ != null) {
            Checks.argument(!symmetric, "the logQ correction is one-way (its candidates are the positives); the "
                    + "loss is symmetric");
            Checks.argument(logQ.length == a.rows(), "logQ must have one entry per row (%d), had %d", a.rows(),
                    logQ.length);
            for (int j = 0; j < logQ.length; j++) {
                Checks.finite(logQ[j], "logQ[" + j + "]");
            }
        }
        if (guide != null) {
            Checks.argument(!symmetric, "the tiled engine's guide mask is one-way; the symmetric guided loss runs "
                    + "dense");
            Checks.argument(guide.anchors().rows() == a.rows(), "the guide has %d rows but the batch %d",
                    guide.anchors().rows(), a.rows());
        }
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException("anchors and positives must have the same shape, were " + a.shape()
                    + " and " + b.shape());
        }
        if (a.rows() == 0 || a.cols() == 0) {
            throw new IllegalArgumentException("tiled InfoNCE needs N >= 1 rows of D >= 1, was " + a.shape());
        }
        Checks.positive(scale, "logit scale");
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("row weight must be finite, was " + weight);
        }
        if (labels != null && labels.length != a.rows()) {
            throw new IllegalArgumentException("labels must have one entry per row (" + a.rows() + "), had "
                    + labels.length);
        }
        return new Run(a, b, scale, symmetric, labels, guide, logQ, weight, gradDotLogit).compute();
    }

    @Override
    public String toString() {
        return "TiledInfoNce{threads=" + threads + (stored ? ", stored logits" : "") + ", tile=" + rowBlock + "×"
                + columnBlock + ", kernel="
                + Kernels.kind().id() + ", epilogue=" + epilogue.kind().id() + "}";
    }

    /**
     * What {@link #compute} returns. The arrays are copies; the gradient matrices are freshly allocated and belong to
     * the caller.
     */
    public static final class Result {
        private final double[] forward;
        private final double[] reverse;
        private final Matrix gradA;
        private final Matrix gradB;
        private final double gradDotLogit;
        private final boolean[] withoutNegatives;

        Result(double[] forward, double[] reverse, Matrix gradA, Matrix gradB, double gradDotLogit,
               boolean[] withoutNegatives) {
            this.withoutNegatives = withoutNegatives;
            this.forward = forward;
            this.reverse = reverse;
            this.gradA = gradA;
            this.gradB = gradB;
            this.gradDotLogit = gradDotLogit;
        }

        /** ℓ_i, the anchor → positive loss of each row (unweighted). */
        public double[] forward() {
            return forward.clone();
        }

        /** ℓ'_j, the positive → anchor loss of each row (unweighted), or null when not symmetric. */
        public double[] reverse() {
            return reverse == null ? null : reverse.clone();
        }

        /** ∂L/∂A, N×D. */
        public Matrix gradA() {
            return gradA;
        }

        /** ∂L/∂B, N×D. */
        public Matrix gradB() {
            return gradB;
        }

        /**
         * With a {@link Guide}: which rows the masks left without any negative (their loss and gradient are 0); null
         * without a guide.
         */
        public boolean[] withoutNegatives() {
            return withoutNegatives == null ? null : withoutNegatives.clone();
        }

        /**
         * Σ_ij (∂L/∂l_ij)·l_ij over the logits l_ij = σ·S_ij (the gradient of log τ needs it); NaN when
         * {@link TiledInfoNce#compute(Matrix, Matrix, double, boolean, long[], Guide, double[], double, boolean)
         * compute} was asked not to compute it.
         */
        public double gradDotLogit() {
            return gradDotLogit;
        }
    }

    /** The state of one computation. */
    private final class Run {
        private final float[] a;
        private final float[] b;
        private final int n;
        private final int d;
        private final double scale;
        private final float scaleF;
        private final boolean symmetric;
        private final long[] labels;
        private final double weight;
        // the guide mask: guide rows (N×dg each), each row's threshold GA_i·GB_i − m, and each row's count of
        // candidates j ≠ i left (counted in the first pass only)
        private final float[] guideA;
        private final float[] guideB;
        private final int dg;
        private final double[] guideThreshold;
        private final int[] negatives;
        private final ThreadLocal<float[]> guideTile;
        /** logQ: −log q_j / σ added to column j of S (the logits' offsets in similarity units), or null. */
        private final float[] columnOffset;
        /** One-way in one pass on panels of {@code rows} whole rows; else two passes on rows × columnBlock tiles. */
        private final boolean onePass;
        /** The symmetric loss on the stored N×N similarities, in blocks of {@code rows} rows. */
        private final boolean storedSymmetric;
        private final int rows;
        private final int blocks;
        private final int workers;
        private final Workers pool;
        /** Every exponent shifted by the same M ({@link #ONE_SHIFT_RANGE}); else by running row/column maxima. */
        private final boolean fixed;
        private final float shift;
        /** Whether Σ (∂L/∂l)·l is computed ({@link Result#gradDotLogit()}); else it is NaN. */
        private final boolean gradDotLogit;

        private final float[] diag;
        private final double[] forward;
        private double[] reverse;
        // running maxima: row statistics (owned by the worker of the row's block); column statistics, one set per
        // worker in pass 1, merged in worker order; log of each row's and column's sum of e^{σ(S − max)}
        private final float[] rowMax;
        private final double[] rowSum;
        private final float[][] colMax;
        private final double[][] colSum;
        private final double[] rowLogSum;
        private double[] colLogSum;
        // one shift: Σ_{j≠i} e^{σ(S_ij − M)} per row (owned) and per column (per worker in pass 1, then merged)
        private final double[] rowOff;
        private final double[][] colOffs;
        private double[] colOff;

        Run(Matrix am, Matrix bm, double scale, boolean symmetric, long[] labels, Guide guide, double[] logQ,
            double weight, boolean gradDotLogit) {
            this.gradDotLogit = gradDotLogit;
            this.columnOffset = logQ == null ? null : new float[logQ.length];
            for (int j = 0; logQ != null && j < logQ.length; j++) {
                columnOffset[j] = (float) (-logQ[j] / scale);
            }
            this.guideA = guide == null ? null : guide.anchors().data();
            this.guideB = guide == null ? null : guide.positives().data();
            this.dg = guide == null ? 0 : guide.anchors().cols();
            this.guideThreshold = guide == null ? null : new double[am.rows()];
            for (int i = 0; guide != null && i < am.rows(); i++) {
                guideThreshold[i] = Kernels.dot(guideA, i * dg, guideB, i * dg, dg) - guide.margin();
            }
            this.negatives = guide == null ? null : new int[am.rows()];
            this.guideTile = guide == null ? null : ThreadLocal.withInitial(() -> new float[0]);
            this.a = am.data();
            this.b = bm.data();
            this.n = am.rows();
            this.d = am.cols();
            this.scale = scale;
            this.scaleF = (float) scale;
            this.symmetric = symmetric;
            this.labels = labels;
            this.weight = weight;
            int panelRows = (int) Math.min(rowBlock, panelFloats / (n + PANEL_PAD));
            this.onePass = !symmetric && panelRows >= 1 && panelRows >= Math.min(rowBlock, MIN_PANEL_ROWS);
            this.storedSymmetric = stored && symmetric;
            this.rows = onePass ? (stored ? Math.min(panelRows, storedBlock(n)) : panelRows)
                    : storedSymmetric ? storedBlock(n) : rowBlock;
            this.blocks = (n + rows - 1) / rows;
            this.workers = Math.min(threads, blocks);
            this.pool = new Workers(workers);
            double m = oneShift && logQ == null ? maxNorm(am) * maxNorm(bm) * (1 + 1e-3) : Double.POSITIVE_INFINITY;
            this.fixed = 2 * scale * m <= ONE_SHIFT_RANGE;
            this.shift = fixed ? (float) m : 0f;
            this.diag = new float[n];
            this.forward = new double[n];
            this.rowMax = fixed ? null : new float[n];
            this.rowSum = fixed ? null : new double[n];
            // column statistics in parts merged in order: one per worker, or one per block of the stored path
            int parts = storedSymmetric ? blocks : workers;
            this.colMax = symmetric && !fixed ? new float[parts][] : null;
            this.colSum = symmetric && !fixed ? new double[parts][] : null;
            this.rowLogSum = fixed ? null : new double[n];
            this.rowOff = fixed ? new double[n] : null;
            this.colOffs = symmetric && fixed ? new double[parts][] : null;
        }

        Result compute() {
            Matrix gradA = Matrix.zeros(n, d);
            Matrix gradB = Matrix.zeros(n, d);
            float[][] partialB = new float[workers][];
            partialB[0] = gradB.data();
            double[] rowDot = new double[n];
            double[][] colDot = new double[workers][];
            if (storedSymmetric) {
                return storedSymmetric(gradA, gradB);
            }
            if (onePass) {
                pool.run(w -> panels(w, gradA.data(), partialB, rowDot));
            } else {
                pool.run(this::statistics);
                float[] rowNorm = new float[n];  // one shift: 1 / Σ_j e^{σ(S_ij − M)}; else log Σ_j e^{σ(S_ij − m_i)}
                float[] colShift = symmetric && !fixed ? new float[n] : null;
                float[] colNorm = symmetric ? new float[n] : null;
                if (fixed) {
                    for (int i = 0; i < n; i++) {
                        double e = diagonalExp(i);
                        forward[i] = Math.log1p(rowOff[i] / e);
                        rowNorm[i] = (float) (1 / (e + rowOff[i]));
                    }
                    if (symmetric) {
                        mergeColumnsOneShift(colNorm);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        double log = Math.log(rowSum[i]);
                        forward[i] = scale * ((double) rowMax[i] - diag[i]) + log;
                        rowNorm[i] = (float) log;
                        rowLogSum[i] = log;
                    }
                    if (symmetric) {
                        mergeColumns(colShift, colNorm);
                    }
                }
                pool.run(w -> gradients(w, rowNorm, colShift, colNorm, gradA.data(), partialB, rowDot, colDot));
            }
            float[] gb = gradB.data();
            for (int w = 1; w < workers; w++) {
                float[] part = partialB[w];
                for (int k = 0; k < gb.length; k++) {
                    gb[k] += part[k];
                }
                partialB[w] = null;
            }
            double dot = 0;
            for (double v : rowDot) {
                dot += v;
            }
            if (symmetric) {
                for (int j = 0; j < n; j++) {
                    for (int w = 0; w < workers; w++) {
                        dot += colDot[w][j];
                    }
                }
            }
            return result(gradA, gradB, dot);
        }

        private Result result(Matrix gradA, Matrix gradB, double dot) {
            boolean[] without = null;
            if (negatives != null) {
                without = new boolean[n];
                for (int i = 0; i < n; i++) {
                    without[i] = negatives[i] == 0;
                }
            }
            return new Result(forward, reverse, gradA, gradB, gradDotLogit ? weight * scale * dot : Double.NaN,
                    without);
        }

        /**
         * The symmetric loss on the stored similarities S (N rows, {@code ld} = N + {@value #PANEL_PAD} floats apart, in
         * the calling thread's {@link Workspace}): step 1, each block of rows of S in one product, its row statistics
         * and its own column statistics; the merge (as the two-pass path's, over the blocks in order); step 2, each
         * block's weights G in place, its share of the column dots, and ∂L/∂A_R = G_R·B; step 3, ∂L/∂B_C = G_Cᵀ·A for
         * each block C of columns. The same epilogue calls as the two-pass path, on whole rows instead of tiles. In
         * each step the workers claim blocks in turn (a worker slowed by other load leaves its blocks to the others);
         * everything a block computes lands in its own rows or its own partial sums, which are added in block order,
         * so the result does not depend on which worker ran a block.
         */
        private Result storedSymmetric(Matrix gradA, Matrix gradB) {
            int ld = n + PANEL_PAD;
            float[] s = Workspace.take(Checks.product(n, ld, "the stored similarities", 4));
            try {
                return storedSymmetric(gradA, gradB, s, ld);
            } finally {
                Workspace.give(s);
            }
        }

        private Result storedSymmetric(Matrix gradA, Matrix gradB, float[] s, int ld) {
            // one shift without Σ (∂L/∂l)·l: step 1 leaves e^{σ(S − M)} in S, step 2 needs no S and no exponential
            boolean keepExp = fixed && !gradDotLogit;
            AtomicInteger step1 = new AtomicInteger();
            pool.run(w -> storedStatistics(step1, s, ld, keepExp));
            float[] rowNorm = new float[n];
            float[] colShift = fixed ? null : new float[n];
            float[] colNorm = new float[n];
            mergeRows(rowNorm);
            if (fixed) {
                mergeColumnsOneShift(colNorm);
            } else {
                mergeColumns(colShift, colNorm);
            }
            double[] rowDot = new double[n];
            double[][] colDot = new double[blocks][];
            float[] ga = gradA.data();
            float[] gb = gradB.data();
            AtomicInteger step2 = new AtomicInteger();
            pool.run(w -> {
                float[] scratch = new float[n];
                float weightF = (float) (weight * scale);
                for (int blk = step2.getAndIncrement(); blk < blocks; blk = step2.getAndIncrement()) {
                    int i0 = blk * rows;
                    int h = Math.min(rows, n - i0);
                    pool.checkpoint();
                    double[] cDot = keepExp ? null : new double[n];
                    colDot[blk] = cDot;
                    for (int i = i0; i < i0 + h; i++) {
                        int off = i * ld;
                        if (keepExp) {
                            epilogue.weightsFromExp(s, off, n, 0, rowNorm[i], colNorm, weightF);
                            s[off + i] = diagonalWeight(i, colShift);
                            continue;
                        }
                        rowDot[i] = fixed
                                ? epilogue.gradientRowFixed(s, off, n, 0, shift, scaleF, rowNorm[i], diag[i], colNorm,
                                        diag, cDot, weightF, scratch)
                                : epilogue.gradientRow(s, off, n, 0, rowMax[i], rowNorm[i], diag[i], colShift,
                                        colNorm, diag, cDot, scaleF, weightF, scratch);
                        s[off + i] = diagonalWeight(i, colShift);
                    }
                    Kernels.gemm(false, false, h, d, n, 1f, s, i0 * ld, ld, b, 0, d, 0f, ga, i0 * d, d);
                }
            });
            AtomicInteger step3 = new AtomicInteger();
            pool.run(w -> {
                for (int blk = step3.getAndIncrement(); blk < blocks; blk = step3.getAndIncrement()) {
                    int j0 = blk * rows;
                    pool.checkpoint();
                    Kernels.gemm(true, false, Math.min(rows, n - j0), d, n, 1f, s, j0, ld, a, 0, d, 0f, gb, j0 * d,
                            d);
                }
            });
            double dot = 0;
            for (double v : rowDot) {
                dot += v;
            }
            for (int j = 0; j < n && !keepExp; j++) {
                for (double[] part : colDot) {
                    dot += part[j];
                }
            }
            return result(gradA, gradB, dot);
        }

        /**
         * Step 1 of the stored path for one worker: the blocks it claims from {@code next}, each one's rows of S, their
         * row statistics and the block's column statistics; with {@code keepExp} (one shift only) each entry of S is
         * replaced by its e^{σ(S − M)}.
         */
        private void storedStatistics(AtomicInteger next, float[] s, int ld, boolean keepExp) {
            float[] scratch = new float[n];
            float[] blockMax = fixed ? null : new float[n];
            for (int blk = next.getAndIncrement(); blk < blocks; blk = next.getAndIncrement()) {
                int i0 = blk * rows;
                int h = Math.min(rows, n - i0);
                pool.checkpoint();
                double[] cSum = new double[n];
                float[] cMax = null;
                if (fixed) {
                    colOffs[blk] = cSum;
                } else {
                    cMax = new float[n];
                    Arrays.fill(cMax, Float.NEGATIVE_INFINITY);
                    colMax[blk] = cMax;
                    colSum[blk] = cSum;
                }
                similarities(s, ld, i0 * ld, i0, h, 0, n, true);
                for (int i = i0; i < i0 + h; i++) {
                    int off = i * ld;
                    diag[i] = s[off + i];
                    if (fixed) {
                        s[off + i] = Float.NEGATIVE_INFINITY;  // the diagonal's term is added in double
                        rowOff[i] = keepExp ? epilogue.expFixedInPlace(s, off, n, shift, scaleF, cSum, 0)
                                : epilogue.sumExpFixed(s, off, n, shift, scaleF, cSum, 0, scratch);
                    } else {
                        float m = epilogue.max(s, off, n);
                        rowMax[i] = m;
                        rowSum[i] = epilogue.sumExp(s, off, n, m, scaleF);
                    }
                }
                if (!fixed) {
                    columnStatistics(s, i0 * ld, ld, h, 0, n, cMax, cSum, blockMax);
                }
            }
        }

        /** The forward losses and each row's normaliser (1/Σ with one shift, log Σ with running maxima). */
        private void mergeRows(float[] rowNorm) {
            for (int i = 0; i < n; i++) {
                if (fixed) {
                    double e = diagonalExp(i);
                    forward[i] = Math.log1p(rowOff[i] / e);
                    rowNorm[i] = (float) (1 / (e + rowOff[i]));
                } else {
                    double log = Math.log(rowSum[i]);
                    forward[i] = scale * ((double) rowMax[i] - diag[i]) + log;
                    rowNorm[i] = (float) log;
                    rowLogSum[i] = log;
                }
            }
        }

        /**
         * logQ: Σ_c p_c·o_{j0+c} over a row of weights x = weight·p (one-way: no reverse softmax), o the column
         * offsets — what turns Σ p·(S' − S'_ii) of the offset similarities S' into the temperature sum over S
         * (together with + o_i once per row). 0 without logQ, or with weight 0 (the sum is then multiplied by 0).
         */
        private double offsetDot(float[] x, int off, int len, int j0, float weightF) {
            if (columnOffset == null || weightF == 0f) {
                return 0.0;
            }
            double sum = 0;
            for (int c = 0; c < len; c++) {
                sum += (double) x[off + c] * columnOffset[j0 + c];
            }
            return sum / weightF;
        }

        /** max_i ‖x_i‖, in double. */
        private double maxNorm(Matrix x) {
            double m = 0;
            for (double v : Kernels.rowNorms(x)) {
                m = Math.max(m, v);
            }
            return m;
        }

        /** e^{σ(S_ii − M)} in double, from the float exponent the epilogue forms for every other entry. */
        private double diagonalExp(int i) {
            return Math.exp((diag[i] - shift) * scaleF);
        }

        /**
         * The one-way loss in one pass, for worker w: each of its blocks of {@code rows} anchors against all N
         * positives at once (a rows×N panel), so each row's softmax normaliser is exact before its gradient weights
         * are formed; then ∂L/∂A_R = G·B and its partial ∂L/∂B += Gᵀ·A_R. 6·N²·D flops.
         */
        private void panels(int w, float[] gradA, float[][] partialB, double[] rowDot) {
            // rows ld = N + 16 floats apart: with N a power of two, rows exactly 2^k bytes apart would all fall into the
            // same cache sets when a product walks down the panel's columns
            int ld = n + PANEL_PAD;
            float[] panel = new float[Math.min(rows, n) * ld];
            float[] scratch = new float[n];
            float[] gradB = w == 0 ? partialB[0] : new float[n * d];
            partialB[w] = gradB;
            float weightF = (float) (weight * scale);
            for (int blk = w; blk < blocks; blk += workers) {
                int i0 = blk * rows;
                int h = Math.min(rows, n - i0);
                for (int j0 = 0; j0 < n; j0 += columnBlock) {
                    pool.checkpoint();
                    similarities(panel, ld, j0, i0, h, j0, Math.min(columnBlock, n - j0), true);
                }
                for (int r = 0; r < h; r++) {
                    int i = i0 + r;
                    int off = r * ld;
                    diag[i] = panel[off + i];
                    if (fixed) {
                        panel[off + i] = Float.NEGATIVE_INFINITY;  // the diagonal's term is added in double
                        double others = epilogue.sumExpFixed(panel, off, n, shift, scaleF, null, 0, scratch);
                        double e = diagonalExp(i);
                        double sum = e + others;
                        forward[i] = Math.log1p(others / e);
                        rowDot[i] = epilogue.gradientRowFixed(panel, off, n, 0, shift, scaleF, (float) (1 / sum),
                                diag[i], null, diag, null, weightF, scratch);
                        panel[off + i] = (float) (weight * scale * (-others / sum));
                    } else {
                        float m = epilogue.max(panel, off, n);
                        double log = Math.log(epilogue.sumExp(panel, off, n, m, scaleF));
                        rowMax[i] = m;
                        rowLogSum[i] = log;
                        forward[i] = scale * ((double) m - diag[i]) + log;
                        rowDot[i] = epilogue.gradientRow(panel, off, n, 0, m, (float) log, diag[i], null, null,
                                diag, null, scaleF, weightF, scratch) - offsetDot(panel, off, n, 0, weightF)
                                + (columnOffset == null ? 0.0 : columnOffset[i]);
                        panel[off + i] = diagonalWeight(i, null);
                    }
                }
                // ∂L/∂A_R = G·B and ∂L/∂B_C += G_Cᵀ·A_R chunk by chunk: the products of the two-pass tiles, whose
                // blocks of ∂L/∂B stay in cache (one product over all N columns streams all of ∂L/∂B per row block)
                for (int j0 = 0; j0 < n; j0 += columnBlock) {
                    pool.checkpoint();
                    int cols = Math.min(columnBlock, n - j0);
                    Kernels.gemm(false, false, h, d, cols, 1f, panel, j0, ld, b, j0 * d, d, j0 == 0 ? 0f : 1f,
                            gradA, i0 * d, d);
                    Kernels.gemm(true, false, cols, d, h, 1f, panel, j0, ld, a, i0 * d, d, 1f, gradB, j0 * d, d);
                }
            }
        }

        /** Pass 1 for worker w: the row statistics of its blocks, and its share of the column statistics. */
        private void statistics(int w) {
            float[] tile = new float[Checks.product(Math.min(rowBlock, n), Math.min(columnBlock, n), "a tile", 4)];
            float[] scratch = new float[Math.min(columnBlock, n)];
            float[] cMax = null;
            double[] cSum = null;
            float[] tileMax = null;
            if (symmetric && fixed) {
                cSum = new double[n];
                colOffs[w] = cSum;
            } else if (symmetric) {
                cMax = new float[n];
                Arrays.fill(cMax, Float.NEGATIVE_INFINITY);
                cSum = new double[n];
                tileMax = new float[n];
                colMax[w] = cMax;
                colSum[w] = cSum;
            }
            for (int blk = w; blk < blocks; blk += workers) {
                int i0 = blk * rowBlock;
                int h = Math.min(rowBlock, n - i0);
                if (!fixed) {
                    Arrays.fill(rowMax, i0, i0 + h, Float.NEGATIVE_INFINITY);
                }
                for (int j0 = 0; j0 < n; j0 += columnBlock) {
                    pool.checkpoint();
                    int cols = Math.min(columnBlock, n - j0);
                    similarities(tile, i0, h, j0, cols, true);
                    for (int i = Math.max(i0, j0); i < Math.min(i0 + h, j0 + cols); i++) {
                        int at = (i - i0) * cols + (i - j0);
                        diag[i] = tile[at];
                        if (fixed) {
                            tile[at] = Float.NEGATIVE_INFINITY;  // the diagonal's term is added in double
                        }
                    }
                    if (fixed) {
                        for (int r = 0; r < h; r++) {
                            rowOff[i0 + r] += epilogue.sumExpFixed(tile, r * cols, cols, shift, scaleF, cSum, j0,
                                    scratch);
                        }
                        continue;
                    }
                    for (int r = 0; r < h; r++) {
                        int i = i0 + r;
                        float m = epilogue.max(tile, r * cols, cols);
                        if (m == Float.NEGATIVE_INFINITY) {
                            continue;  // every candidate of this row in the tile is masked
                        }
                        if (m > rowMax[i]) {
                            rowSum[i] = rowMax[i] == Float.NEGATIVE_INFINITY ? 0.0
                                    : rowSum[i] * Math.exp(scale * ((double) rowMax[i] - m));
                            rowMax[i] = m;
                        }
                        rowSum[i] += epilogue.sumExp(tile, r * cols, cols, rowMax[i], scaleF);
                    }
                    if (symmetric) {
                        columnStatistics(tile, 0, cols, h, j0, cols, cMax, cSum, tileMax);
                    }
                }
            }
        }

        /**
         * The online log-sum-exp update of columns j0 … j0+cols for one tile of h rows, row r at
         * tile[off + r·ld …].
         */
        private void columnStatistics(float[] tile, int off, int ld, int h, int j0, int cols, float[] cMax,
                                      double[] cSum, float[] shift) {
            Arrays.fill(shift, j0, j0 + cols, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < h; r++) {
                epilogue.columnMax(tile, off + r * ld, cols, shift, j0);
            }
            for (int j = j0; j < j0 + cols; j++) {
                float m = shift[j];
                if (m > cMax[j]) {
                    cSum[j] = cMax[j] == Float.NEGATIVE_INFINITY ? 0.0
                            : cSum[j] * Math.exp(scale * ((double) cMax[j] - m));
                    cMax[j] = m;
                }
                // a column masked so far has no shift yet: any finite one works, its entries are all −∞
                shift[j] = cMax[j] == Float.NEGATIVE_INFINITY ? 0f : cMax[j];
            }
            for (int r = 0; r < h; r++) {
                epilogue.columnSumExp(tile, off + r * ld, cols, shift, scaleF, cSum, j0);
            }
        }

        /**
         * Merges the column statistics of the parts (workers, or the stored path's blocks) in order: the reverse losses
         * and pass 2's shifts and logs.
         */
        private void mergeColumns(float[] colShift, float[] colLog) {
            reverse = new double[n];
            colLogSum = new double[n];
            for (int j = 0; j < n; j++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int w = 0; w < colMax.length; w++) {
                    m = Math.max(m, colMax[w][j]);
                }
                double sum = 0;
                for (int w = 0; w < colMax.length; w++) {
                    if (colMax[w][j] != Float.NEGATIVE_INFINITY) {
                        sum += colSum[w][j] * Math.exp(scale * ((double) colMax[w][j] - m));
                    }
                }
                double log = Math.log(sum);
                reverse[j] = scale * ((double) m - diag[j]) + log;
                colShift[j] = m;
                colLog[j] = (float) log;
                colLogSum[j] = log;
            }
            Arrays.fill(colMax, null);
            Arrays.fill(colSum, null);
        }

        /**
         * One shift: adds the column sums of the parts (workers, or the stored path's blocks) in order; the reverse
         * losses and 1 / each column's sum.
         */
        private void mergeColumnsOneShift(float[] colInv) {
            reverse = new double[n];
            colOff = new double[n];
            for (int j = 0; j < n; j++) {
                double others = 0;
                for (double[] part : colOffs) {
                    others += part[j];
                }
                double e = diagonalExp(j);
                colOff[j] = others;
                reverse[j] = Math.log1p(others / e);
                colInv[j] = (float) (1 / (e + others));
            }
            Arrays.fill(colOffs, null);
        }

        /**
         * Pass 2 for worker w: recomputes each tile of its row blocks, turns it into the gradient weights G and adds
         * G·B to ∂L/∂A (rows it owns) and Gᵀ·A to its partial ∂L/∂B. {@code rowNorm} and {@code colNorm} are the
         * reciprocal sums (one shift) or the log-sums (running maxima, with {@code colShift} the column maxima).
         */
        private void gradients(int w, float[] rowNorm, float[] colShift, float[] colNorm, float[] gradA,
                               float[][] partialB, double[] rowDot, double[][] colDot) {
            float[] tile = new float[Checks.product(Math.min(rowBlock, n), Math.min(columnBlock, n), "a tile", 4)];
            float[] scratch = new float[Math.min(columnBlock, n)];
            float[] gradB = w == 0 ? partialB[0] : new float[n * d];
            partialB[w] = gradB;
            double[] cDot = symmetric ? new double[n] : null;
            colDot[w] = cDot;
            float weightF = (float) (weight * scale);
            for (int blk = w; blk < blocks; blk += workers) {
                int i0 = blk * rowBlock;
                int h = Math.min(rowBlock, n - i0);
                for (int j0 = 0; j0 < n; j0 += columnBlock) {
                    pool.checkpoint();
                    int cols = Math.min(columnBlock, n - j0);
                    similarities(tile, i0, h, j0, cols, false);
                    for (int r = 0; r < h; r++) {
                        int i = i0 + r;
                        rowDot[i] += fixed
                                ? epilogue.gradientRowFixed(tile, r * cols, cols, j0, shift, scaleF, rowNorm[i],
                                        diag[i], colNorm, diag, cDot, weightF, scratch)
                                : epilogue.gradientRow(tile, r * cols, cols, j0, rowMax[i], rowNorm[i], diag[i],
                                        colShift, colNorm, diag, cDot, scaleF, weightF, scratch)
                                        - offsetDot(tile, r * cols, cols, j0, weightF)
                                        + (columnOffset != null && i >= j0 && i < j0 + cols ? columnOffset[i] : 0.0);
                    }
                    for (int i = Math.max(i0, j0); i < Math.min(i0 + h, j0 + cols); i++) {
                        tile[(i - i0) * cols + (i - j0)] = diagonalWeight(i, colShift);
                    }
                    // ∂L/∂A_R += G·B_C, ∂L/∂B_C += Gᵀ·A_R
                    Kernels.gemm(false, false, h, d, cols, 1f, tile, 0, cols, b, j0 * d, d, 1f, gradA, i0 * d, d);
                    Kernels.gemm(true, false, cols, d, h, 1f, tile, 0, cols, a, i0 * d, d, 1f, gradB, j0 * d, d);
                }
            }
        }

        /**
         * The weight of S_ii, w·σ·((P_ii − 1) + (Q_ii − 1)), in double: for a well-solved row P_ii is within 1e-4 of 1,
         * and w·σ·(p + q) − 2w·σ in float would lose the difference (the dense path forms p − 1 in double too). With
         * running maxima P_ii − 1 = expm1(σ(S_ii − m_i) − log s_i); with one shift P_ii − 1 = −(Σ_{j≠i} e_ij)/Σ_j e_ij.
         */
        private float diagonalWeight(int i, float[] colShift) {
            double g;
            if (fixed) {
                double e = diagonalExp(i);
                g = -rowOff[i] / (e + rowOff[i]);
                if (symmetric) {
                    g -= colOff[i] / (e + colOff[i]);
                }
            } else {
                g = Math.expm1(scale * ((double) diag[i] - rowMax[i]) - rowLogSum[i]);
                if (symmetric) {
                    g += Math.expm1(scale * ((double) diag[i] - colShift[i]) - colLogSum[i]);
                }
            }
            return (float) (weight * scale * g);
        }

        /**
         * tile (h×cols) = A[i0 .. i0+h)·B[j0 .. j0+cols)ᵀ, with masked candidates set to −∞; {@code count}: the first
         * pass, which counts each row's candidates left by a guide.
         */
        private void similarities(float[] tile, int i0, int h, int j0, int cols, boolean count) {
            similarities(tile, cols, 0, i0, h, j0, cols, count);
        }

        /**
         * A[i0 .. i0+h)·B[j0 .. j0+cols)ᵀ written from column c0 of {@code out}, whose rows are {@code ld} apart (a
         * tile: ld = cols, c0 = 0; a panel of whole rows: ld = N + pad, c0 = j0); masked candidates set to −∞.
         */
        private void similarities(float[] out, int ld, int c0, int i0, int h, int j0, int cols, boolean count) {
            Kernels.gemm(false, true, h, cols, d, 1f, a, i0 * d, d, b, j0 * d, d, 0f, out, c0, ld);
            if (columnOffset != null) {
                for (int r = 0; r < h; r++) {
                    int off = r * ld + c0 - j0;
                    for (int j = j0; j < j0 + cols; j++) {
                        out[off + j] += columnOffset[j];
                    }
                }
            }
            if (guideA != null) {
                float[] g = guideTile.get();
                if (g.length < h * cols) {
                    g = new float[h * cols];
                    guideTile.set(g);
                }
                Kernels.gemm(false, true, h, cols, dg, 1f, guideA, i0 * dg, dg, guideB, j0 * dg, dg, 0f, g, 0, cols);
                for (int r = 0; r < h; r++) {
                    int i = i0 + r;
                    double threshold = guideThreshold[i];
                    int off = r * ld + c0 - j0;
                    for (int j = j0; j < j0 + cols; j++) {
                        if (j != i && g[r * cols + j - j0] > threshold) {
                            out[off + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
            }
            if (labels != null) {
                for (int r = 0; r < h; r++) {
                    int i = i0 + r;
                    long li = labels[i];
                    int off = r * ld + c0 - j0;
                    for (int j = j0; j < j0 + cols; j++) {
                        if (labels[j] == li && j != i) {
                            out[off + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
            }
            if (count && negatives != null) {
                for (int r = 0; r < h; r++) {
                    int i = i0 + r;
                    int off = r * ld + c0 - j0;
                    for (int j = j0; j < j0 + cols; j++) {
                        if (j != i && out[off + j] != Float.NEGATIVE_INFINITY) {
                            negatives[i]++;
                        }
                    }
                }
            }
        }
    }
}
