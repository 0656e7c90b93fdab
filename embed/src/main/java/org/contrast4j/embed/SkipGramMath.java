package org.contrast4j.embed;

import org.contrast4j.internal.KernelChoice;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;

/**
 * The fused SGD step of the skip-gram hot loop, over float32 rows of length d inside flat tables: one query row against
 * n distinct output rows,
 * <pre>
 *   e = Σ_j g_j·out[r_j]          (with the output rows as they were before this step)
 *   out[r_j] += g_j·in[q]   for every j
 *   in[q] += e
 * </pre>
 * done in one pass over the columns (each column of the query and of the n rows is read and written once) — the
 * update of word2vec.c's inner loop ({@code neu1e}, {@code syn1neg}, {@code syn0}) for a whole pair. The rows must be
 * distinct (callers merge repeated ids by summing their g) and {@code in} and {@code out} distinct arrays, so the
 * result is exactly the gradient step whatever the order. (The scores use the library's one dot product,
 * {@link Kernels#dot}.)
 *
 * <p>Two implementations: {@link SkipGramVectorMath} (the Vector API) and {@link Scalar}; {@link #active()} is the one
 * the library's kernel provider chose for element-wise work ({@link KernelChoice#elementwise()}). Stateless and
 * thread-safe.
 */
interface SkipGramMath {

    /** The fused step above: {@code rows[j]} are row offsets into {@code out}, {@code q} the query offset in {@code in}. */
    void update(float[] in, int q, float[] out, int[] rows, float[] g, int n, int d);

    /**
     * The scores of a shared-negatives block (pWord2Vec, Ji et al. 2016): s[i·n + j] = in[xRows[i] ..]·out[yRows[j] ..]
     * over d columns, for i &lt; m, j &lt; n, rounded to float (float32 products and sums in an order fixed by the
     * implementation, the same on every call, so that runs of one seed are bit-identical).
     */
    void blockScores(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, int d, float[] s);

    /**
     * The block's gradient step, both products from the rows as they were before it:
     * <pre>
     *   ΔX = G·Y     (m×n times n×d: e_i = Σ_j g[i·n + j]·out[yRows[j]])
     *   ΔY = Gᵀ·X    (n×m times m×d: out[yRows[j]] += Σ_i g[i·n + j]·in[xRows[i]])
     *   in[xRows[i]] += e_i
     * </pre>
     * one column block at a time (each row is read and written once per block). Repeated rows in {@code xRows} or in
     * {@code yRows} get the sum of their updates (each update is added to the row as it stands), so the result is the
     * exact gradient step of the block's summed loss. {@code scratch} holds at least m·{@link #blockWidth()} floats.
     */
    void blockUpdate(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, float[] g, int d,
                     float[] scratch);

    /** The column block of {@link #blockUpdate} (the vector length, 1 for the scalar code). */
    int blockWidth();

    /** x[off + i] = e^{x[off + i] − shift} for i &lt; n: {@link Math#exp} in double, rounded to float. */
    void expShifted(float[] x, int off, int n, float shift);

    /** {@link KernelKind#VECTOR} or {@link KernelKind#SCALAR}. */
    KernelKind kind();

    /**
     * Starts bringing {@link #blockScores} and {@link #blockUpdate} to their compiled form on a thread of its own,
     * once per JVM, and returns at once; nothing for code that is fast from its first call.
     * See {@link SkipGramVectorMath#warmUp}.
     */
    default void warmUpInBackground() {
    }

    /** {@link #warmUpInBackground} and waits until that warm-up has ended. */
    default void warmUp() {
    }

    /**
     * The implementation the kernel provider chose, the same on every call.
     *
     * @throws IllegalArgumentException if {@code -Dcontrast4j.kernel} has an unknown value (on every call)
     * @throws IllegalStateException    if it forces a kernel that cannot run (on every call)
     */
    static SkipGramMath active() {
        return switch (KernelChoice.elementwise()) {
            case VECTOR -> Vectorized.MATH;
            case SCALAR -> Scalar.INSTANCE;
            case BLAS -> throw new IllegalStateException("the provider chose BLAS for element-wise work");
        };
    }

    /** The Vector API implementation, made once on first use (only after the provider found the Vector API usable). */
    final class Vectorized {
        static final SkipGramMath MATH = create();

        private Vectorized() {
        }

        /** Loaded reflectively so that no Vector API class is touched unless the module is present. */
        private static SkipGramMath create() {
            try {
                return (SkipGramMath) Class.forName("org.contrast4j.embed.SkipGramVectorMath")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create the Vector API skip-gram update", e);
            }
        }
    }

    /** Plain loops. */
    final class Scalar implements SkipGramMath {
        static final Scalar INSTANCE = new Scalar();

        @Override
        public void update(float[] in, int q, float[] out, int[] rows, float[] g, int n, int d) {
            for (int i = 0; i < d; i++) {
                float h = in[q + i];
                float e = 0;
                for (int j = 0; j < n; j++) {
                    int r = rows[j] + i;
                    float o = out[r];
                    e += g[j] * o;
                    out[r] = o + g[j] * h;
                }
                in[q + i] = h + e;
            }
        }

        @Override
        public void blockScores(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, int d, float[] s) {
            for (int i = 0; i < m; i++) {
                int x = xRows[i];
                for (int j = 0; j < n; j++) {
                    int y = yRows[j];
                    float acc = 0;
                    for (int k = 0; k < d; k++) {
                        acc += in[x + k] * out[y + k];
                    }
                    s[i * n + j] = acc;
                }
            }
        }

        @Override
        public void blockUpdate(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, float[] g, int d,
                                float[] scratch) {
            blockUpdateColumns(in, xRows, m, out, yRows, n, g, 0, d, scratch);
        }

        /** {@link #blockUpdate} on the columns [from, to) one at a time (also the vector code's tail). */
        static void blockUpdateColumns(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, float[] g,
                                       int from, int to, float[] scratch) {
            for (int k = from; k < to; k++) {
                for (int i = 0; i < m; i++) {
                    float e = 0;
                    for (int j = 0; j < n; j++) {
                        e += g[i * n + j] * out[yRows[j] + k];
                    }
                    scratch[i] = e;
                }
                for (int j = 0; j < n; j++) {
                    int r = yRows[j] + k;
                    float y = out[r];
                    for (int i = 0; i < m; i++) {
                        y += g[i * n + j] * in[xRows[i] + k];
                    }
                    out[r] = y;
                }
                for (int i = 0; i < m; i++) {
                    in[xRows[i] + k] += scratch[i];
                }
            }
        }

        @Override
        public int blockWidth() {
            return 1;
        }

        @Override
        public void expShifted(float[] x, int off, int n, float shift) {
            for (int i = off; i < off + n; i++) {
                x[i] = (float) Math.exp(x[i] - shift);
            }
        }

        @Override
        public KernelKind kind() {
            return KernelKind.SCALAR;
        }
    }
}
