package org.contrast4j.embed;

import java.util.Objects;

/**
 * The single-machine trainer's SGD steps on caller-owned tables, for trainers that hold their own rows — the
 * distributed skip-gram of {@code contrast4j-spark}, which trains each partition's block of the input and output
 * tables with the same kernels as {@link SkipGram}. Each call is exactly one step of {@link SkipGram}'s hot loop
 * (same arithmetic, same float rounding), on flat row-major tables of row length {@link #dimension()}:
 * <ul>
 *   <li>{@link #noiseContrast}: negative sampling (Mikolov et al. 2013) or NCE (Gutmann &amp; Hyvärinen 2010) for
 *       one pair, ℓ = softplus(−Δ(t)) + Σ_j softplus(Δ(c_j)), Δ(c) = s(c) − log(k·q(c)) for NCE, Δ = s for neg;</li>
 *   <li>{@link #sampledSoftmax}: sampled softmax (Jean et al. 2015) for one pair, logits s(c) − log(k·q(c)),
 *       ℓ = −z(t) + log Σ e^{z} over the target and the samples that differ from it;</li>
 *   <li>{@link #sharedNoiseContrast} and {@link #sharedSampledSoftmax}: the same objectives for one window whose m
 *       context words share the target and the noise samples (pWord2Vec, Ji et al. 2016; {@link SkipGram.Step#SHARED}):
 *       one step on the window's summed loss through three small products, S = X·Yᵀ, ΔX = G·Y, ΔY = Gᵀ·X;</li>
 *   <li>{@link #infoNce}: InfoNCE (van den Oord et al. 2018) over a batch of pairs with in-batch negatives (computed
 *       per distinct center word: batches whose pairs share centers cost less).</li>
 * </ul>
 * Row ids index the tables passed in (a block's local rows work as well as the global ones); {@code logCorrection[c]}
 * must be log(k·q(c)) of the noise q the samples were drawn from. One instance per thread (it holds scratch arrays).
 */
public final class SkipGramSteps {
    private final SkipGramKernels kernels;
    private final int dimension;
    private final int maxIds;

    private SkipGramSteps(int dimension, int negatives) {
        this.dimension = dimension;
        this.maxIds = negatives + 1;
        this.kernels = new SkipGramKernels(SkipGramMath.active(), dimension, negatives + 1);
    }

    /**
     * Steps for rows of length {@code dimension} and up to {@code negatives} noise samples per pair.
     *
     * @throws IllegalArgumentException if dimension &lt; 1 or negatives &lt; 0
     */
    public static SkipGramSteps of(int dimension, int negatives) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
        }
        if (negatives < 0) {
            throw new IllegalArgumentException("negatives must be >= 0, was " + negatives);
        }
        return new SkipGramSteps(dimension, negatives);
    }

    /**
     * Starts compiling the shared steps' block kernels on a background thread of this JVM, once per JVM, and returns
     * at once: a trainer calls it while it reads its corpus, so that its first steps do not run interpreted while
     * the compiler competes with them for the cores (the first epoch of the single-machine trainer was 2.5 s slower
     * before {@link SkipGram} did this). The results of the steps do not depend on it.
     */
    public static void warmUpInBackground() {
        SkipGramMath.active().warmUpInBackground();
    }

    /** Waits until the warm-up started by {@link #warmUpInBackground} (started now if not yet) has ended. */
    public static void warmUp() {
        SkipGramMath.active().warmUp();
    }

    /** The row length D. */
    public int dimension() {
        return dimension;
    }

    /**
     * Negative sampling ({@code logCorrection == null}, samples equal to the target skipped) or NCE for the pair
     * (row {@code query} of {@code in}, target {@code ids[0]} of {@code out}) with noise samples {@code ids[1..n)}.
     *
     * @return the pair's loss when {@code withLoss}, else 0
     */
    public double noiseContrast(float[] in, int query, float[] out, int[] ids, int n, float[] logCorrection,
                                float lr, boolean withLoss) {
        checkIds(n);
        return kernels.noiseContrast(in, query, out, ids, n, logCorrection, logCorrection == null, lr, withLoss);
    }

    /**
     * Sampled softmax for the pair (row {@code query} of {@code in}, target {@code ids[0]}) with noise samples
     * {@code ids[1..n)}, logits corrected by {@code logCorrection} (accidental hits removed).
     *
     * @return the pair's loss when {@code withLoss}, else 0
     */
    public double sampledSoftmax(float[] in, int query, float[] out, int[] ids, int n, float[] logCorrection,
                                 float lr, boolean withLoss) {
        checkIds(n);
        Objects.requireNonNull(logCorrection, "logCorrection");
        return kernels.sampledSoftmax(in, query, out, ids, n, logCorrection, lr, withLoss);
    }

    /**
     * Negative sampling ({@code logCorrection == null}, samples equal to the target dropped) or NCE for one window:
     * the m queries {@code contexts[0..m)} (rows of {@code in}) each paired with the target {@code ids[0]} and the
     * shared noise samples {@code ids[1..n)} (rows of {@code out}); one SGD step on the sum of the m pairs' losses.
     *
     * @return the window's summed loss when {@code withLoss}, else 0
     * @throws IllegalArgumentException if m &lt; 1 or n is outside [1, negatives + 1]
     */
    public double sharedNoiseContrast(float[] in, int[] contexts, int m, float[] out, int[] ids, int n,
                                      float[] logCorrection, float lr, boolean withLoss) {
        checkIds(n);
        checkWindow(contexts, m);
        return kernels.sharedNoiseContrast(in, contexts, m, out, ids, n, logCorrection, logCorrection == null, lr,
                withLoss);
    }

    /**
     * Sampled softmax for one window: the m queries {@code contexts[0..m)} share the target {@code ids[0]} and the
     * samples {@code ids[1..n)}, logits corrected by {@code logCorrection} (samples equal to the target removed); one
     * SGD step on the sum of the m pairs' losses.
     *
     * @return the window's summed loss when {@code withLoss}, else 0
     * @throws IllegalArgumentException if m &lt; 1 or n is outside [1, negatives + 1]
     */
    public double sharedSampledSoftmax(float[] in, int[] contexts, int m, float[] out, int[] ids, int n,
                                       float[] logCorrection, float lr, boolean withLoss) {
        checkIds(n);
        checkWindow(contexts, m);
        Objects.requireNonNull(logCorrection, "logCorrection");
        return kernels.sharedSampledSoftmax(in, contexts, m, out, ids, n, logCorrection, lr, withLoss);
    }

    /**
     * InfoNCE over the batch of {@code b} pairs (centers[i] in {@code in}, contexts[i] in {@code out}), temperature
     * τ, the other pairs' contexts as negatives (false negatives masked).
     *
     * @param stats {@code stats[0]} += the summed loss, {@code stats[1]} += the rows counted
     */
    public void infoNce(float[] in, float[] out, int[] centers, int[] contexts, int b, float tau, float lr,
                        double[] stats) {
        kernels.infoNce(in, out, centers, contexts, b, tau, lr, stats);
    }

    private static void checkWindow(int[] contexts, int m) {
        Objects.requireNonNull(contexts, "contexts");
        if (m < 1 || m > contexts.length) {
            throw new IllegalArgumentException("m must be in [1, " + contexts.length + "] (the context words given),"
                    + " was " + m);
        }
    }

    private void checkIds(int n) {
        if (n < 1 || n > maxIds) {
            throw new IllegalArgumentException("n must be in [1, " + maxIds + "] (the target and up to "
                    + (maxIds - 1) + " negatives), was " + n);
        }
    }
}
