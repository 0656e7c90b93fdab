package org.contrast4j.embed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SkipGramMath} on the Vector API ({@code jdk.incubator.vector}), the preferred species of the machine (16
 * floats with AVX-512, 8 with AVX2), the columns beyond the last full vector in scalar code. Loaded reflectively,
 * only when the module is present.
 */
final class SkipGramVectorMath implements SkipGramMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    @Override
    public float dot(float[] x, int xo, float[] y, int yo, int d) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * VL <= d; i += 2 * VL) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xo + i + VL).fma(FloatVector.fromArray(S, y, yo + i + VL), acc1);
        }
        if (i + VL <= d) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
            i += VL;
        }
        // lanes added in lane order: reduceLanes(ADD) adds in another order once C2 compiles it, so the same dot
        // would round differently before and after warm-up (and a resumed run would drift from an uninterrupted one)
        float[] lanes = new float[VL];
        acc0.add(acc1).intoArray(lanes, 0);
        float s = 0f;
        for (float l : lanes) {
            s += l;
        }
        for (; i < d; i++) {
            s += x[xo + i] * y[yo + i];
        }
        return s;
    }

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
    public String name() {
        return "vector";
    }
}
