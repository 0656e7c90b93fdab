package org.contrast4j.tiled;

import org.contrast4j.linalg.KernelKind;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Epilogue} on the Vector API ({@code jdk.incubator.vector}); created only when that module is present. Each
 * vector of results is widened to two double vectors before it is added to a sum, so sums are accumulated in double
 * as in the scalar epilogue, and lanes are summed in a fixed order. The last {@code len mod lanes} entries of a row
 * run the scalar code.
 *
 * <p><b>Why not {@code lanewise(EXP)}.</b> The Vector API's EXP is fast once C2 compiles it (SVML), but before that it
 * runs a lane-by-lane fallback that rounds differently, and {@code reduceLanes(ADD)} may add in a different order
 * in the two tiers: the same call would give different bits before and after warm-up. {@link #exp} is built only from
 * IEEE operations (fma, add, multiply, conversions, shifts), which give the same bits in every tier, and is as fast.
 */
final class VectorEpilogue implements Epilogue {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the same width as a float vector: half as many lanes. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = F.length();
    private static final int DL = D.length();
    private static final ScalarEpilogue TAIL = new ScalarEpilogue();

    // exp(x) = 2^k·e^r, k = round(x·log2 e), r = x − k·ln 2 (ln 2 split in two for an exact product), e^r by the
    // degree-6 polynomial of Cephes' expf (relative error ≤ 2 ulp on |r| ≤ ln2/2). Below −87 the result is 0 (e^−87 is
    // 1.6e-38, at the bottom of the normal floats): every argument here is ≤ 0 and such a term is negligible beside the
    // maximum's e^0 = 1.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;  // 1.5·2^23: t + ROUND − ROUND rounds t to an integer
    private static final float LOW = -87f;
    private static final float HIGH = 88f;
    private static final float[] P = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
        1.6666665459e-1f, 5.0000001201e-1f};

    /** e^x lane by lane (see above); x ≤ 88, −∞ and anything below −87 give 0. */
    static FloatVector exp(FloatVector x) {
        var tiny = x.compare(VectorOperators.LT, LOW);
        FloatVector v = x.max(LOW).min(HIGH);
        FloatVector k = v.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND)).sub(ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), v);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, P[0]);
        for (int i = 1; i < P.length; i++) {
            p = p.fma(r, FloatVector.broadcast(F, P[i]));
        }
        FloatVector r2 = r.mul(r);
        FloatVector e = p.fma(r2, r).add(1f);
        FloatVector pow2 = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return e.mul(pow2).blend(0f, tiny);
    }

    /** The lanes of v added in lane order (the same bits in every JIT tier, unlike reduceLanes). */
    private static double sum(DoubleVector v, double[] lanes) {
        v.intoArray(lanes, 0);
        double s = 0;
        for (double l : lanes) {
            s += l;
        }
        return s;
    }

    @Override
    public KernelKind kind() {
        return KernelKind.VECTOR;
    }

    @Override
    public float max(float[] x, int off, int len) {
        int c = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (len >= VL) {
            FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (; c + VL <= len; c += VL) {
                acc = acc.max(FloatVector.fromArray(F, x, off + c));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        return Math.max(m, TAIL.max(x, off + c, len - c));
    }

    @Override
    public void columnMax(float[] x, int off, int len, float[] colMax, int cOff) {
        int c = 0;
        for (; c + VL <= len; c += VL) {
            FloatVector.fromArray(F, colMax, cOff + c).max(FloatVector.fromArray(F, x, off + c))
                    .intoArray(colMax, cOff + c);
        }
        TAIL.columnMax(x, off + c, len - c, colMax, cOff + c);
    }

    @Override
    public double sumExp(float[] x, int off, int len, float shift, float scale) {
        int c = 0;
        double s = 0;
        if (len >= VL) {
            FloatVector vShift = FloatVector.broadcast(F, shift);
            FloatVector vScale = FloatVector.broadcast(F, scale);
            DoubleVector acc0 = DoubleVector.zero(D);
            DoubleVector acc1 = DoubleVector.zero(D);
            for (; c + VL <= len; c += VL) {
                FloatVector e = exp(FloatVector.fromArray(F, x, off + c).sub(vShift).mul(vScale));
                acc0 = acc0.add(e.convertShape(VectorOperators.F2D, D, 0));
                acc1 = acc1.add(e.convertShape(VectorOperators.F2D, D, 1));
            }
            s = sum(acc0.add(acc1), new double[DL]);
        }
        return s + TAIL.sumExp(x, off + c, len - c, shift, scale);
    }

    @Override
    public void columnSumExp(float[] x, int off, int len, float[] shift, float scale, double[] sum, int sOff) {
        int c = 0;
        FloatVector vScale = FloatVector.broadcast(F, scale);
        for (; c + VL <= len; c += VL) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + c).sub(FloatVector.fromArray(F, shift, sOff + c))
                    .mul(vScale));
            addInto(e, sum, sOff + c);
        }
        TAIL.columnSumExp(x, off + c, len - c, shift, scale, sum, sOff + c);
    }

    /** sum[at .. at+VL) += e, widened to double. */
    private static void addInto(FloatVector e, double[] sum, int at) {
        DoubleVector.fromArray(D, sum, at).add(e.convertShape(VectorOperators.F2D, D, 0)).intoArray(sum, at);
        DoubleVector.fromArray(D, sum, at + DL).add(e.convertShape(VectorOperators.F2D, D, 1))
                .intoArray(sum, at + DL);
    }

    @Override
    public double gradientRow(float[] x, int off, int len, int j0, float rowShift, float rowLog, float rowDiag,
                              float[] colShift, float[] colLog, float[] diag, double[] colDot, float scale,
                              float weight, float[] scratch) {
        // two loops with one exponential each: a single loop with both is too large for C2 to inline the vector
        // operations into, and un-inlined vector code boxes every intermediate
        if (colLog != null) {
            reverseWeights(x, off, len, j0, colShift, colLog, diag, colDot, scale, scratch);
        } else {
            java.util.Arrays.fill(scratch, 0, len, 0f);
        }
        return forwardWeights(x, off, len, rowShift, rowLog, rowDiag, scale, weight, scratch);
    }

    /** q[c] = exp((x_c − colShift[j])·scale − colLog[j]), colDot[j] += q[c]·(x_c − diag[j]), j = j0 + c. */
    private static void reverseWeights(float[] x, int off, int len, int j0, float[] colShift, float[] colLog,
                                       float[] diag, double[] colDot, float scale, float[] q) {
        FloatVector vScale = FloatVector.broadcast(F, scale);
        FloatVector floor = FloatVector.broadcast(F, ScalarEpilogue.FLOOR);
        int c = 0;
        for (; c + VL <= len; c += VL) {
            int j = j0 + c;
            FloatVector s = FloatVector.fromArray(F, x, off + c);
            FloatVector e = exp(s.sub(FloatVector.fromArray(F, colShift, j))
                    .fma(vScale, FloatVector.fromArray(F, colLog, j).neg()));
            e.intoArray(q, c);
            addInto(e.mul(s.sub(FloatVector.fromArray(F, diag, j)).max(floor)), colDot, j);
        }
        for (; c < len; c++) {
            int j = j0 + c;
            float s = x[off + c];
            float e = (float) Math.exp(Math.fma(s - colShift[j], scale, -colLog[j]));
            q[c] = e;
            colDot[j] += e * Math.max(s - diag[j], ScalarEpilogue.FLOOR);
        }
    }

    /** p_c = exp((x_c − rowShift)·scale − rowLog), x_c := weight·(p_c + q[c]); returns Σ p_c·(x_c − rowDiag). */
    private static double forwardWeights(float[] x, int off, int len, float rowShift, float rowLog, float rowDiag,
                                         float scale, float weight, float[] q) {
        int c = 0;
        double rowDot = 0;
        if (len >= VL) {
            FloatVector vRowShift = FloatVector.broadcast(F, rowShift);
            FloatVector vNegRowLog = FloatVector.broadcast(F, -rowLog);
            FloatVector vRowDiag = FloatVector.broadcast(F, rowDiag);
            FloatVector vScale = FloatVector.broadcast(F, scale);
            FloatVector vWeight = FloatVector.broadcast(F, weight);
            FloatVector floor = FloatVector.broadcast(F, ScalarEpilogue.FLOOR);
            DoubleVector acc0 = DoubleVector.zero(D);
            DoubleVector acc1 = DoubleVector.zero(D);
            for (; c + VL <= len; c += VL) {
                FloatVector s = FloatVector.fromArray(F, x, off + c);
                FloatVector p = exp(s.sub(vRowShift).fma(vScale, vNegRowLog));
                FloatVector pd = p.mul(s.sub(vRowDiag).max(floor));
                acc0 = acc0.add(pd.convertShape(VectorOperators.F2D, D, 0));
                acc1 = acc1.add(pd.convertShape(VectorOperators.F2D, D, 1));
                p.add(FloatVector.fromArray(F, q, c)).mul(vWeight).intoArray(x, off + c);
            }
            rowDot = sum(acc0.add(acc1), new double[DL]);
        }
        for (; c < len; c++) {
            float s = x[off + c];
            float p = (float) Math.exp(Math.fma(s - rowShift, scale, -rowLog));
            rowDot += p * Math.max(s - rowDiag, ScalarEpilogue.FLOOR);
            x[off + c] = weight * (p + q[c]);
        }
        return rowDot;
    }

    @Override
    public double sumExpFixed(float[] x, int off, int len, float shift, float scale, double[] colSum, int cOff,
                              float[] scratch) {
        if (colSum == null) {
            return sumExp(x, off, len, shift, scale);
        }
        // two loops (exponentials and column sums, then the row sum): one would be too large for C2 to inline
        int c = 0;
        FloatVector vShift = FloatVector.broadcast(F, shift);
        FloatVector vScale = FloatVector.broadcast(F, scale);
        for (; c + VL <= len; c += VL) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + c).sub(vShift).mul(vScale));
            e.intoArray(scratch, c);
            addInto(e, colSum, cOff + c);
        }
        for (; c < len; c++) {
            float e = (float) Math.exp((x[off + c] - shift) * scale);
            scratch[c] = e;
            colSum[cOff + c] += e;
        }
        return sumWidened(scratch, 0, len);
    }

    /** Σ_c e[off + c] for c &lt; len, each vector widened to double before it is added. */
    private static double sumWidened(float[] e, int off, int len) {
        int c = 0;
        double s = 0;
        if (len >= VL) {
            DoubleVector acc0 = DoubleVector.zero(D);
            DoubleVector acc1 = DoubleVector.zero(D);
            for (; c + VL <= len; c += VL) {
                FloatVector v = FloatVector.fromArray(F, e, off + c);
                acc0 = acc0.add(v.convertShape(VectorOperators.F2D, D, 0));
                acc1 = acc1.add(v.convertShape(VectorOperators.F2D, D, 1));
            }
            s = sum(acc0.add(acc1), new double[DL]);
        }
        for (; c < len; c++) {
            s += e[off + c];
        }
        return s;
    }

    @Override
    public double expFixedInPlace(float[] x, int off, int len, float shift, float scale, double[] colSum, int cOff) {
        // as sumExpFixed: the exponentials and column sums, then the row sum (here over the row itself)
        int c = 0;
        FloatVector vShift = FloatVector.broadcast(F, shift);
        FloatVector vScale = FloatVector.broadcast(F, scale);
        for (; c + VL <= len; c += VL) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + c).sub(vShift).mul(vScale));
            e.intoArray(x, off + c);
            addInto(e, colSum, cOff + c);
        }
        for (; c < len; c++) {
            float e = (float) Math.exp((x[off + c] - shift) * scale);
            x[off + c] = e;
            colSum[cOff + c] += e;
        }
        return sumWidened(x, off, len);
    }

    @Override
    public void weightsFromExp(float[] x, int off, int len, int j0, float rowInv, float[] colInv, float weight) {
        FloatVector vRowInv = FloatVector.broadcast(F, rowInv);
        FloatVector vWeight = FloatVector.broadcast(F, weight);
        int c = 0;
        for (; c + VL <= len; c += VL) {
            FloatVector e = FloatVector.fromArray(F, x, off + c);
            e.mul(vRowInv).add(e.mul(FloatVector.fromArray(F, colInv, j0 + c))).mul(vWeight).intoArray(x, off + c);
        }
        for (; c < len; c++) {
            float e = x[off + c];
            x[off + c] = weight * (e * rowInv + e * colInv[j0 + c]);
        }
    }

    @Override
    public double gradientRowFixed(float[] x, int off, int len, int j0, float shift, float scale, float rowInv,
                                   float rowDiag, float[] colInv, float[] diag, double[] colDot, float weight,
                                   float[] scratch) {
        // as gradientRow: loops small enough for C2 to inline their vector operations
        if (colInv == null) {
            return forwardFixed(x, off, len, shift, scale, rowInv, rowDiag, weight);
        }
        reverseFixed(x, off, len, j0, shift, scale, colInv, diag, colDot, scratch);
        return bothFixed(x, off, len, j0, rowInv, rowDiag, colInv, weight, scratch);
    }

    /** e[c] = exp((x_c − shift)·scale) into e; colDot[j] += e[c]·colInv[j]·(x_c − diag[j]). */
    private static void reverseFixed(float[] x, int off, int len, int j0, float shift, float scale, float[] colInv,
                                     float[] diag, double[] colDot, float[] e) {
        FloatVector vShift = FloatVector.broadcast(F, shift);
        FloatVector vScale = FloatVector.broadcast(F, scale);
        FloatVector floor = FloatVector.broadcast(F, ScalarEpilogue.FLOOR);
        int c = 0;
        for (; c + VL <= len; c += VL) {
            int j = j0 + c;
            FloatVector s = FloatVector.fromArray(F, x, off + c);
            FloatVector ev = exp(s.sub(vShift).mul(vScale));
            ev.intoArray(e, c);
            addInto(ev.mul(FloatVector.fromArray(F, colInv, j)).mul(s.sub(FloatVector.fromArray(F, diag, j))
                    .max(floor)), colDot, j);
        }
        for (; c < len; c++) {
            int j = j0 + c;
            float s = x[off + c];
            float ev = (float) Math.exp((s - shift) * scale);
            e[c] = ev;
            colDot[j] += ev * colInv[j] * Math.max(s - diag[j], ScalarEpilogue.FLOOR);
        }
    }

    /** With e from {@link #reverseFixed}: x_c := weight·e[c]·(rowInv + colInv[j]); returns Σ p_c·(x_c − rowDiag). */
    private static double bothFixed(float[] x, int off, int len, int j0, float rowInv, float rowDiag, float[] colInv,
                                    float weight, float[] e) {
        int c = 0;
        double rowDot = 0;
        if (len >= VL) {
            FloatVector vRowInv = FloatVector.broadcast(F, rowInv);
            FloatVector vRowDiag = FloatVector.broadcast(F, rowDiag);
            FloatVector vWeight = FloatVector.broadcast(F, weight);
            FloatVector floor = FloatVector.broadcast(F, ScalarEpilogue.FLOOR);
            DoubleVector acc0 = DoubleVector.zero(D);
            DoubleVector acc1 = DoubleVector.zero(D);
            for (; c + VL <= len; c += VL) {
                FloatVector s = FloatVector.fromArray(F, x, off + c);
                FloatVector ev = FloatVector.fromArray(F, e, c);
                FloatVector p = ev.mul(vRowInv);
                FloatVector pd = p.mul(s.sub(vRowDiag).max(floor));
                acc0 = acc0.add(pd.convertShape(VectorOperators.F2D, D, 0));
                acc1 = acc1.add(pd.convertShape(VectorOperators.F2D, D, 1));
                p.add(ev.mul(FloatVector.fromArray(F, colInv, j0 + c))).mul(vWeight).intoArray(x, off + c);
            }
            rowDot = sum(acc0.add(acc1), new double[DL]);
        }
        for (; c < len; c++) {
            float s = x[off + c];
            float p = e[c] * rowInv;
            rowDot += p * Math.max(s - rowDiag, ScalarEpilogue.FLOOR);
            x[off + c] = weight * (p + e[c] * colInv[j0 + c]);
        }
        return rowDot;
    }

    /** One-way: x_c := weight·exp((x_c − shift)·scale)·rowInv; returns Σ p_c·(x_c − rowDiag). */
    private static double forwardFixed(float[] x, int off, int len, float shift, float scale, float rowInv,
                                       float rowDiag, float weight) {
        int c = 0;
        double rowDot = 0;
        if (len >= VL) {
            FloatVector vShift = FloatVector.broadcast(F, shift);
            FloatVector vScale = FloatVector.broadcast(F, scale);
            FloatVector vRowInv = FloatVector.broadcast(F, rowInv);
            FloatVector vRowDiag = FloatVector.broadcast(F, rowDiag);
            FloatVector vWeight = FloatVector.broadcast(F, weight);
            FloatVector floor = FloatVector.broadcast(F, ScalarEpilogue.FLOOR);
            DoubleVector acc0 = DoubleVector.zero(D);
            DoubleVector acc1 = DoubleVector.zero(D);
            for (; c + VL <= len; c += VL) {
                FloatVector s = FloatVector.fromArray(F, x, off + c);
                FloatVector p = exp(s.sub(vShift).mul(vScale)).mul(vRowInv);
                FloatVector pd = p.mul(s.sub(vRowDiag).max(floor));
                acc0 = acc0.add(pd.convertShape(VectorOperators.F2D, D, 0));
                acc1 = acc1.add(pd.convertShape(VectorOperators.F2D, D, 1));
                p.mul(vWeight).intoArray(x, off + c);
            }
            rowDot = sum(acc0.add(acc1), new double[DL]);
        }
        for (; c < len; c++) {
            float s = x[off + c];
            float p = (float) Math.exp((s - shift) * scale) * rowInv;
            rowDot += p * Math.max(s - rowDiag, ScalarEpilogue.FLOOR);
            x[off + c] = weight * p;
        }
        return rowDot;
    }
}
