package org.contrast4j.metric;

import org.contrast4j.internal.Checks;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;

/**
 * Uniformity of a set of embeddings (Wang &amp; Isola, "Understanding Contrastive Representation Learning through
 * Alignment and Uniformity on the Hypersphere", ICML 2020):
 * <pre>
 *   L_unif = log( (2 / (N(N−1))) Σ_{i&lt;j} exp(−t ‖x_i − x_j‖₂²) )
 * </pre>
 * over the N rows of {@code x} (N×D, N ≥ 2). Lower is better. The value is ≤ 0, and 0 exactly when every row is the
 * same point (total collapse). On the unit sphere it is ≥ −4t; points spread uniformly over the sphere reach the
 * minimum for large N. Defaults: t = 2 and the rows are L2-normalised first (x̂ = x / max(‖x‖₂, 1e-12), as
 * {@code F.normalize}).
 *
 * <p>{@link #of} is exact. It runs over square tiles of rows (256×256 by default) of the upper triangle i &lt; j;
 * each tile's dot products come from one {@link org.contrast4j.linalg.Kernels#gemm} and the distances from
 * ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2⟨x_i, x_j⟩, clamped at 0 (rounding can make it slightly negative for
 * near-identical rows). The log-mean-exp is streamed in double with a running maximum, so the N×N matrix is never
 * held: time O(N²·D), extra memory O(block·D + block²) besides the normalised copy of {@code x}.
 *
 * <p>{@link #sampled} estimates the same quantity from a fixed number of pairs drawn uniformly at random (with
 * replacement) among the N(N−1) ordered pairs i ≠ j, which is the same distribution as the unordered pairs i &lt; j;
 * distances of sampled pairs are computed directly as Σ_c (x_ic − x_jc)² in double. The estimate is biased
 * slightly low (log of a mean, Jensen) and the bias and spread shrink as 1/pairs.
 */
public final class Uniformity {
    /** Default t = {@value}. */
    public static final double DEFAULT_T = 2.0;

    private Uniformity() {
    }

    /**
     * Exact uniformity with the defaults: t = 2 on L2-normalised rows.
     *
     * @param x N×D, N ≥ 2, D ≥ 1, finite
     * @return the uniformity, ≤ 0 (0 for total collapse, ≥ −4t on normalised rows)
     * @throws IllegalArgumentException when N &lt; 2, D = 0, or an entry is NaN or infinite (naming its row, column
     *     and value)
     */
    public static double of(Matrix x) {
        return of(x, DEFAULT_T, true);
    }

    /**
     * Exact uniformity log mean_{i&lt;j} exp(−t‖x_i − x_j‖²).
     *
     * @param x N×D, N ≥ 2, D ≥ 1, finite
     * @param t the scale t, &gt; 0 and finite
     * @param normalize whether to L2-normalise each row first
     * @return the uniformity, ≤ 0
     * @throws IllegalArgumentException as {@link #of(Matrix)}, and when t is not &gt; 0 and finite
     */
    public static double of(Matrix x, double t, boolean normalize) {
        return exact(x, t, normalize, Blocks.DEFAULT_BLOCK);
    }

    /**
     * A seeded Monte-Carlo estimate of uniformity from {@code pairs} pairs (i, j), i ≠ j, each drawn uniformly and
     * independently by a {@link SplittableRandom} seeded with {@code seed}: log of the mean of exp(−t‖x_i − x_j‖²)
     * over the drawn pairs. The same arguments always give the same value. Time O(pairs·D).
     *
     * @param x N×D, N ≥ 2, D ≥ 1, finite
     * @param t the scale t, &gt; 0 and finite
     * @param normalize whether to L2-normalise each row first
     * @param pairs the number of pairs drawn, ≥ 1
     * @param seed the seed of the {@link SplittableRandom} that draws the pairs
     * @return the estimate, ≤ 0
     * @throws IllegalArgumentException as {@link #of(Matrix, double, boolean)}, and when pairs &lt; 1
     */
    public static double sampled(Matrix x, double t, boolean normalize, int pairs, long seed) {
        check(x, t);
        Checks.atLeast(pairs, 1, "pairs");
        Matrix p = Blocks.prepare(x, normalize);
        int n = p.rows();
        int d = p.cols();
        float[] a = p.data();
        SplittableRandom random = new SplittableRandom(seed);
        LogSumExp acc = new LogSumExp();
        for (int s = 0; s < pairs; s++) {
            int i = random.nextInt(n);
            int j = random.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            double sq = 0;
            for (int c = 0, oi = i * d, oj = j * d; c < d; c++) {
                double diff = (double) a[oi + c] - a[oj + c];
                sq += diff * diff;
            }
            acc.add(-t * sq);
        }
        return acc.logMean();
    }

    private static void check(Matrix x, double t) {
        Checks.rows(x, "x", 2, "uniformity averages over pairs of rows");
        Checks.positive(t, "t");
    }

    /** Exact uniformity over tiles of {@code block}×{@code block} rows (package-private so tests can vary it). */
    static double exact(Matrix x, double t, boolean normalize, int block) {
        check(x, t);
        Checks.atLeast(block, 1, "block");
        Matrix p = Blocks.prepare(x, normalize);
        // uniformity(p, t) = uniformity(p·2^−e, t·2^2e): the tiles' float32 products run on rows whose largest entry
        // is near 1 (exact scaling), so they neither overflow nor underflow for rows of any magnitude
        int e = Blocks.exponent(p);
        if (e != 0) {
            p = Blocks.scalb(p, -e);
            t = Math.scalb(t, 2 * e);
        }
        int n = p.rows();
        double[] sq = Blocks.squaredNorms(p);
        LogSumExp acc = new LogSumExp();
        Matrix buffer = null;
        for (int i0 = 0; i0 < n; i0 += block) {
            int i1 = Math.min(n, i0 + block);
            Matrix a = p.copyRows(i0, i1);
            for (int j0 = i0; j0 < n; j0 += block) {
                int j1 = Math.min(n, j0 + block);
                Matrix b = j0 == i0 ? a : p.copyRows(j0, j1);
                buffer = Blocks.buffer(buffer, i1 - i0, j1 - j0);
                Blocks.product(a, b, buffer);
                tile(p, sq, buffer, i0, i1, j0, j1, t, acc);
            }
        }
        return acc.logMean();
    }

    /** Adds exp(−t·d²_ij) for the pairs i &lt; j of one tile, with the tile's own maximum subtracted. */
    private static void tile(Matrix p, double[] sq, Matrix dots, int i0, int i1, int j0, int j1, double t,
                             LogSumExp acc) {
        float[] g = dots.data();
        int w = j1 - j0;
        double minSq = Double.POSITIVE_INFINITY;
        long count = 0;
        for (int i = i0; i < i1; i++) {
            for (int j = Math.max(j0, i + 1); j < j1; j++) {
                minSq = Math.min(minSq, squaredDistance(p, sq, g, i, j, i - i0, j - j0, w));
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        double sum = 0;
        for (int i = i0; i < i1; i++) {
            for (int j = Math.max(j0, i + 1); j < j1; j++) {
                sum += Math.exp(-t * (squaredDistance(p, sq, g, i, j, i - i0, j - j0, w) - minSq));
            }
        }
        acc.merge(-t * minSq, sum, count);
    }

    private static double squaredDistance(Matrix p, double[] sq, float[] g, int i, int j, int ti, int tj, int w) {
        double dot = g[ti * w + tj];
        if (!Double.isFinite(dot)) {
            dot = Blocks.dotDouble(p, i, p, j); // the float32 product overflowed: redo this pair in double
        }
        return Math.max(0.0, sq[i] + sq[j] - 2.0 * dot);
    }
}
