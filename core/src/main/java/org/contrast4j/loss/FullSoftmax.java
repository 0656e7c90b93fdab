package org.contrast4j.loss;

import java.util.Arrays;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * The full softmax cross-entropy over all V classes — the exact objective every sampled loss approximates, at
 * O(B·V·D) per batch. With scores s(c|h) = h·W_c + b_c ({@link ClassBatch}),
 * <pre>
 *   ℓ_i = −s(t_i|h_i) + log Σ_{c=0..V−1} e^{s(c|h_i)}        (≥ 0)
 *   ∂ℓ_i/∂s(c|h_i) = softmax(s(·|h_i))_c − [c = t_i]
 * </pre>
 * and the value is the {@link Reduction} of the per-query ℓ_i — {@code F.cross_entropy(H @ W.T + b, t)} in PyTorch.
 *
 * <p>Every class gets a non-zero gradient, so {@link ClassLossResult#classGradient()} holds all V rows (ids 0 … V−1),
 * in the same sparse form as the sampled losses. The B×V logits are never held at once: the classes are processed in
 * blocks of about 2²⁰/B, with a running max-subtracted log-sum-exp in double, then a second pass over the blocks
 * forms the gradients (the logits are recomputed, unless one block holds every class); memory is O(B·block + V·D) for
 * the gradient itself. Every row of W is checked finite (the sampled batch check covers only the rows it names).
 *
 * <p>Defaults: {@link Reduction#MEAN}. Needs targets; samples, noise and expected counts are ignored. No terms, no
 * learnable scalar. Immutable and thread-safe.
 */
public final class FullSoftmax implements ClassScoringLoss {
    /** Logits per block: the block width is max(1, BLOCK_ENTRIES / B) classes. */
    static final int BLOCK_ENTRIES = 1 << 20;

    private final Reduction reduction;
    private final int blockEntries;

    private FullSoftmax(Builder b, int blockEntries) {
        this.reduction = b.reduction;
        this.blockEntries = blockEntries;
    }

    /** A builder with the default: mean. */
    public static Builder builder() {
        return new Builder();
    }

    /** The same loss with smaller blocks (tests of the blocked path). */
    FullSoftmax withBlockEntries(int entries) {
        return new FullSoftmax(new Builder().reduction(reduction), entries);
    }

    @Override
    public ClassLossResult compute(ClassBatch batch) {
        batch.checkAllClasses();
        Matrix h = batch.queries();
        Matrix w = batch.classes();
        float[] bias = batch.biasOrNull();
        int rows = batch.size();
        int v = batch.classCount();
        int d = batch.dimension();
        int block = (int) Math.max(1, Math.min(v, (long) blockEntries / rows));
        double wt = Reductions.rowWeight(reduction, rows);

        // pass 1: running log-sum-exp per row and the target logits
        double[] max = new double[rows];
        double[] sum = new double[rows];
        double[] target = new double[rows];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        float[] kept = null;
        for (int c0 = 0; c0 < v; c0 += block) {
            int c1 = Math.min(v, c0 + block);
            int nb = c1 - c0;
            Matrix wb = c0 == 0 && c1 == v ? w : w.copyRows(c0, c1);
            float[] s = Kernels.multiplyTransposed(h, wb).data();
            if (c1 - c0 == v) {
                kept = s;
            }
            for (int i = 0; i < rows; i++) {
                double m = max[i];
                for (int c = 0; c < nb; c++) {
                    double z = logit(s, i, nb, c, c0, bias);
                    if (!Double.isFinite(z)) {
                        // every input was checked finite, so only float overflow is left
                        throw new IllegalArgumentException("full softmax: the score of class " + (c0 + c)
                                + " for query " + i + " is " + z + " (float32 overflow: the query or class row is"
                                + " too large)");
                    }
                    m = Math.max(m, z);
                }
                double acc = sum[i] * Math.exp(max[i] - m);
                for (int c = 0; c < nb; c++) {
                    acc += Math.exp(logit(s, i, nb, c, c0, bias) - m);
                }
                max[i] = m;
                sum[i] = acc;
                int t = batch.target(i);
                if (t >= c0 && t < c1) {
                    target[i] = logit(s, i, nb, t - c0, c0, bias);
                }
            }
        }
        double[] lse = new double[rows];
        double[] perRow = new double[rows];
        for (int i = 0; i < rows; i++) {
            lse[i] = max[i] + Math.log(sum[i]);
            perRow[i] = lse[i] - target[i];
        }

        // pass 2: G = w·(softmax − onehot) per block; ∂L/∂H += G·W_block, ∂L/∂W_block = Gᵀ·H, ∂L/∂b_block = Σ_i G
        Matrix gradH = Matrix.zeros(rows, d);
        Matrix gradW = Matrix.zeros(v, d);
        double[] gradB = bias == null ? null : new double[v];
        for (int c0 = 0; c0 < v; c0 += block) {
            int c1 = Math.min(v, c0 + block);
            int nb = c1 - c0;
            Matrix wb = c0 == 0 && c1 == v ? w : w.copyRows(c0, c1);
            float[] s = kept != null ? kept : Kernels.multiplyTransposed(h, wb).data();
            float[] g = new float[Checks.product(rows, nb, "a block of class scores", 4)];
            for (int i = 0; i < rows; i++) {
                int t = batch.target(i);
                for (int c = 0; c < nb; c++) {
                    double p = Math.exp(logit(s, i, nb, c, c0, bias) - lse[i]);
                    double gic = wt * (p - (c0 + c == t ? 1.0 : 0.0));
                    g[i * nb + c] = (float) gic;
                    if (gradB != null) {
                        gradB[c0 + c] += gic;
                    }
                }
            }
            Matrix gm = Matrix.of(rows, nb, g);
            Kernels.gemm(false, false, 1f, gm, wb, 1f, gradH);
            if (nb == v) {
                Kernels.gemm(true, false, 1f, gm, h, 0f, gradW);
            } else {
                Matrix gwb = Matrix.zeros(nb, d);
                Kernels.gemm(true, false, 1f, gm, h, 0f, gwb);
                System.arraycopy(gwb.data(), 0, gradW.data(), c0 * d, nb * d);
            }
        }
        int[] all = new int[v];
        for (int c = 0; c < v; c++) {
            all[c] = c;
        }
        return new ClassLossResult(Reductions.value(reduction, perRow, null), perRow, gradH,
                SparseRows.wrap(v, all, gradW), gradB == null ? null : SparseVector.wrap(v, all.clone(), gradB),
                Map.of(), Map.of());
    }

    private static double logit(float[] s, int i, int nb, int c, int c0, float[] bias) {
        double z = s[i * nb + c];
        return bias == null ? z : z + bias[c0 + c];
    }

    @Override
    public String toString() {
        return "FullSoftmax{reduction=" + reduction + "}";
    }

    /** Builds a {@link FullSoftmax}. */
    public static final class Builder extends ClassLossBuilder<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The configured loss. */
        public FullSoftmax build() {
            return new FullSoftmax(this, BLOCK_ENTRIES);
        }
    }
}
