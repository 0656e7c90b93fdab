package org.contrast4j.embed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.contrast4j.linalg.KernelKind;

/**
 * The {@link SkipGramMath} update on the Vector API ({@code jdk.incubator.vector}), the preferred species of the
 * machine (16 floats with AVX-512, 8 with AVX2), the columns beyond the last full vector in scalar code. Loaded
 * reflectively, only when the kernel provider found the Vector API usable.
 */
final class SkipGramVectorMath implements SkipGramMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    @Override
    public void update(float[] in, int q, float[] out, int[] rows, float[] g, int n, int d) {
        int i = 0;
        for (; i + VL <= d; i += VL) {
            FloatVector h = FloatVector.fromArray(S, in, q + i);
            FloatVector e = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                int r = rows[j] + i;
                FloatVector o = FloatVector.fromArray(S, out, r);
                FloatVector gj = FloatVector.broadcast(S, g[j]);
                e = o.fma(gj, e);
                h.fma(gj, o).intoArray(out, r);
            }
            h.add(e).intoArray(in, q + i);
        }
        for (; i < d; i++) {
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
    public KernelKind kind() {
        return KernelKind.VECTOR;
    }
}
