package org.contrast4j.embed;

import org.contrast4j.linalg.Kernels;

/**
 * The two row operations of the skip-gram hot loop, over float32 rows of length d inside flat tables: a dot product,
 * and the fused SGD step of one query row against n distinct output rows,
 * <pre>
 *   e = Σ_j g_j·out[r_j]          (with the output rows as they were before this step)
 *   out[r_j] += g_j·in[q]   for every j
 *   in[q] += e
 * </pre>
 * done in one pass over the columns (each column of the query and of the n rows is read and written once) — the
 * update of word2vec.c's inner loop ({@code neu1e}, {@code syn1neg}, {@code syn0}) for a whole pair. The rows must be
 * distinct (callers merge repeated ids by summing their g) and {@code in} and {@code out} distinct arrays, so the
 * result is exactly the gradient step whatever the order.
 *
 * <p>Two implementations: {@link SkipGramVectorMath} (the Vector API) when {@code jdk.incubator.vector} is present and
 * the library's kernel is not forced to {@code scalar} ({@link Kernels#name()}), else {@link Scalar}. Stateless and
 * thread-safe.
 */
interface SkipGramMath {

    /** The implementation in use (chosen once, like {@link Kernels}). */
    SkipGramMath ACTIVE = select();

    /** Σ_{i<d} x[xo+i]·y[yo+i], accumulated in float. */
    float dot(float[] x, int xo, float[] y, int yo, int d);

    /** The fused step above: {@code rows[j]} are row offsets into {@code out}, {@code q} the query offset in {@code in}. */
    void update(float[] in, int q, float[] out, int[] rows, float[] g, int n, int d);

    /** "vector" or "scalar". */
    String name();

    private static SkipGramMath select() {
        boolean vector = "vector".equals(Kernels.name())
                || !"scalar".equals(Kernels.name()) && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (vector) {
            try {
                return (SkipGramMath) Class.forName("org.contrast4j.embed.SkipGramVectorMath")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new Scalar();
            }
        }
        return new Scalar();
    }

    /** Plain loops. */
    final class Scalar implements SkipGramMath {
        @Override
        public float dot(float[] x, int xo, float[] y, int yo, int d) {
            float s = 0;
            for (int i = 0; i < d; i++) {
                s += x[xo + i] * y[yo + i];
            }
            return s;
        }

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
        public String name() {
            return "scalar";
        }
    }
}
