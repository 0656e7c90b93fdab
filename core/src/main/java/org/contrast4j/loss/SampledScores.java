package org.contrast4j.loss;

import java.util.Arrays;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * The scores of the sampled class-scoring losses, and the way back from their gradients. Each query i has k + 1
 * candidate positions: position 0 its target t_i, positions 1 … k its sampled classes c_i1 … c_ik. The scores
 * s_ij = h_i·W_c + b_c are computed only for those (B·(k+1) dot products: one gemm H·W_Sᵀ for shared samples, one dot
 * per position for paired ones), accumulated from float32 data; the loss turns them into per-position gradients
 * g_ij = ∂L/∂s_ij, and {@link #result} back-propagates them:
 * <pre>
 *   ∂L/∂h_i = Σ_j g_ij·W_{c_ij},    ∂L/∂W_c = Σ_{(i,j): c_ij = c} g_ij·h_i,    ∂L/∂b_c = Σ_{(i,j): c_ij = c} g_ij
 * </pre>
 * into a dense B×D query gradient and sparse class gradients over the touched ids (targets ∪ samples, sorted).
 */
final class SampledScores {
    final ClassBatch batch;
    final int rows;
    final int k;
    /** k + 1 positions per row. */
    final int cols;
    final int d;
    /** B×(k+1) class ids: column 0 the target, columns 1 … k the samples. */
    final int[] ids;
    /** B×(k+1) scores s(c|h_i). */
    final double[] scores;
    /** The shared sampled rows W_S (k×D), or null for paired samples. */
    private final Matrix sharedRows;

    private SampledScores(ClassBatch batch, int[] ids, double[] scores, Matrix sharedRows) {
        this.batch = batch;
        this.rows = batch.size();
        this.k = batch.samplesPerRow();
        this.cols = k + 1;
        this.d = batch.dimension();
        this.ids = ids;
        this.scores = scores;
        this.sharedRows = sharedRows;
    }

    /** Scores every target and sampled class of the batch; {@code loss} names the loss in errors. */
    static SampledScores of(ClassBatch batch, String loss) {
        if (batch.samplesOrNull() == null) {
            throw new IllegalArgumentException(loss + " needs sampled classes: give sharedSamples (k ids) or"
                    + " pairedSamples (B×k ids)");
        }
        int b = batch.size();
        int k = batch.samplesPerRow();
        int cols = k + 1;
        int d = batch.dimension();
        Matrix h = batch.queries();
        Matrix w = batch.classes();
        float[] bias = batch.biasOrNull();
        int[] ids = new int[Checks.product(b, cols, "sampled scores", 12)];
        double[] s = new double[b * cols];
        for (int i = 0; i < b; i++) {
            ids[i * cols] = batch.target(i);
            for (int j = 0; j < k; j++) {
                ids[i * cols + 1 + j] = batch.sample(i, j);
            }
        }
        for (int i = 0; i < b; i++) {
            s[i * cols] = Kernels.dot(h.data(), i * d, w.data(), batch.target(i) * d, d);
        }
        Matrix ws = null;
        if (batch.sharedSamples()) {
            ws = gather(w, batch.samplesOrNull());
            float[] sim = Kernels.multiplyTransposed(h, ws).data();
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    s[i * cols + 1 + j] = sim[i * k + j];
                }
            }
        } else {
            for (int i = 0; i < b; i++) {
                for (int j = 1; j < cols; j++) {
                    s[i * cols + j] = Kernels.dot(h.data(), i * d, w.data(), ids[i * cols + j] * d, d);
                }
            }
        }
        for (int p = 0; p < s.length; p++) {
            if (bias != null) {
                s[p] += bias[ids[p]];
            }
            if (!Double.isFinite(s[p])) {
                // every input the score reads was checked finite, so only float overflow is left
                throw new IllegalArgumentException(loss + ": the score of class " + ids[p] + " for query "
                        + p / cols + " is " + s[p] + " (float32 overflow: the query or class row is too large)");
            }
        }
        return new SampledScores(batch, ids, s, ws);
    }

    /** The rows {@code ids} of {@code w}, in order (repeats allowed). */
    static Matrix gather(Matrix w, int[] ids) {
        int d = w.cols();
        float[] out = new float[Checks.product(ids.length, d, "gathered class rows", 4)];
        for (int r = 0; r < ids.length; r++) {
            System.arraycopy(w.data(), ids[r] * d, out, r * d, d);
        }
        return Matrix.of(ids.length, d, out);
    }

    /** Whether position (i, j ≥ 1) holds the target of row i (an "accidental hit"). */
    boolean accidentalHit(int i, int j) {
        return j > 0 && ids[i * cols + j] == ids[i * cols];
    }

    /**
     * log E(c) for every position: the batch's expected counts when it has them, else k·q(c).
     *
     * @throws IllegalArgumentException if neither is given, or k·q(c) = 0 at a position (naming the class and row)
     */
    double[] logExpectedCounts(String loss) {
        double[] q = batch.noiseOrNull();
        boolean counted = batch.hasExpectedCounts();
        if (!counted && q == null) {
            throw new IllegalArgumentException(loss + " needs the noise distribution q (noise, V probabilities) or the"
                    + " expected counts E(c) (expectedCounts) of the sampler");
        }
        double[] out = new double[ids.length];
        for (int p = 0; p < ids.length; p++) {
            int i = p / cols;
            int j = p % cols;
            int c = ids[p];
            double e = counted ? (j == 0 ? batch.targetCount(i) : batch.sampleCount(i, j - 1)) : k * q[c];
            if (!(e > 0)) { // only k·q(c) can be 0 here: the batch checked the given counts
                String role = j == 0 ? "the target of query " + i : "sampled class " + (j - 1) + " of query " + i;
                throw new IllegalArgumentException(loss + ": noise q[" + c + "] = " + q[c] + " for class " + c + ", "
                        + role + ": the correction log(k·q(c)) is undefined; every target and sampled class needs"
                        + " q(c) > 0");
            }
            out[p] = Math.log(e);
        }
        return out;
    }

    /**
     * Back-propagates g = ∂L/∂s (B×(k+1), already weighted by the reduction) into the result.
     */
    ClassLossResult result(double[] g, double value, double[] perRow, Map<Scalar, Double> scalars,
                           Map<String, Double> terms) {
        Matrix h = batch.queries();
        Matrix w = batch.classes();
        int[] touched = sortedUnique(ids);
        Matrix gradH = Matrix.zeros(rows, d);
        Matrix gradW = Matrix.zeros(touched.length, d);
        double[] gradB = batch.biasOrNull() == null ? null : new double[touched.length];
        float[] hd = h.data();
        float[] wd = w.data();
        float[] gh = gradH.data();
        float[] gw = gradW.data();

        int firstSampled = 1;
        if (batch.sharedSamples()) {
            // sampled columns by two products: ∂L/∂H += G_S·W_S, ∂L/∂W_S = G_Sᵀ·H, then scattered onto the ids
            float[] gs = new float[rows * k];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < k; j++) {
                    gs[i * k + j] = (float) g[i * cols + 1 + j];
                }
            }
            Matrix gsm = Matrix.of(rows, k, gs);
            int[] sampled = batch.samplesOrNull();
            Kernels.gemm(false, false, 1f, gsm, sharedRows, 0f, gradH);
            Matrix gws = Matrix.zeros(k, d);
            Kernels.gemm(true, false, 1f, gsm, h, 0f, gws);
            for (int j = 0; j < k; j++) {
                int slot = Arrays.binarySearch(touched, sampled[j]);
                Kernels.axpy(1f, gws.data(), j * d, gw, slot * d, d);
                if (gradB != null) {
                    for (int i = 0; i < rows; i++) {
                        gradB[slot] += g[i * cols + 1 + j];
                    }
                }
            }
            firstSampled = cols; // only the targets are left
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j = j == 0 ? firstSampled : j + 1) {
                double gij = g[i * cols + j];
                if (gij == 0) {
                    continue;
                }
                int c = ids[i * cols + j];
                int slot = Arrays.binarySearch(touched, c);
                Kernels.axpy((float) gij, wd, c * d, gh, i * d, d);
                Kernels.axpy((float) gij, hd, i * d, gw, slot * d, d);
                if (gradB != null) {
                    gradB[slot] += gij;
                }
            }
        }
        int v = batch.classCount();
        return new ClassLossResult(value, perRow, gradH, SparseRows.wrap(v, touched, gradW),
                gradB == null ? null : SparseVector.wrap(v, touched, gradB), scalars, terms);
    }

    static int[] sortedUnique(int[] values) {
        int[] s = values.clone();
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i == 0 || s[i] != s[i - 1]) {
                s[n++] = s[i];
            }
        }
        return Arrays.copyOf(s, n);
    }
}
