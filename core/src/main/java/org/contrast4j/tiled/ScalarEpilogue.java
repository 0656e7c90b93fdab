package org.contrast4j.tiled;

import org.contrast4j.linalg.KernelKind;
/** {@link Epilogue} in plain loops; exponentials through {@link Math#exp} (double, rounded to float). */
final class ScalarEpilogue implements Epilogue {

    /** A masked entry's difference −∞ becomes this, so that 0·difference is 0 and not NaN. */
    static final float FLOOR = -Float.MAX_VALUE;

    @Override
    public KernelKind kind() {
        return KernelKind.SCALAR;
    }

    @Override
    public float max(float[] x, int off, int len) {
        float m = Float.NEGATIVE_INFINITY;
        for (int c = off, end = off + len; c < end; c++) {
            m = Math.max(m, x[c]);
        }
        return m;
    }

    @Override
    public void columnMax(float[] x, int off, int len, float[] colMax, int cOff) {
        for (int c = 0; c < len; c++) {
            colMax[cOff + c] = Math.max(colMax[cOff + c], x[off + c]);
        }
    }

    @Override
    public double sumExp(float[] x, int off, int len, float shift, float scale) {
        double s = 0;
        for (int c = off, end = off + len; c < end; c++) {
            s += exp((x[c] - shift) * scale);
        }
        return s;
    }

    @Override
    public void columnSumExp(float[] x, int off, int len, float[] shift, float scale, double[] sum, int sOff) {
        for (int c = 0; c < len; c++) {
            sum[sOff + c] += exp((x[off + c] - shift[sOff + c]) * scale);
        }
    }

    @Override
    public double gradientRow(float[] x, int off, int len, int j0, float rowShift, float rowLog, float rowDiag,
                              float[] colShift, float[] colLog, float[] diag, double[] colDot, float scale,
                              float weight, float[] scratch) {
        double rowDot = 0;
        for (int c = 0; c < len; c++) {
            float s = x[off + c];
            float p = exp(Math.fma(s - rowShift, scale, -rowLog));
            rowDot += p * Math.max(s - rowDiag, FLOOR);
            float g = p;
            if (colLog != null) {
                int j = j0 + c;
                float q = exp(Math.fma(s - colShift[j], scale, -colLog[j]));
                colDot[j] += q * Math.max(s - diag[j], FLOOR);
                g += q;
            }
            x[off + c] = weight * g;
        }
        return rowDot;
    }

    @Override
    public double sumExpFixed(float[] x, int off, int len, float shift, float scale, double[] colSum, int cOff,
                              float[] scratch) {
        double s = 0;
        for (int c = 0; c < len; c++) {
            float e = exp((x[off + c] - shift) * scale);
            s += e;
            if (colSum != null) {
                colSum[cOff + c] += e;
            }
        }
        return s;
    }

    @Override
    public double gradientRowFixed(float[] x, int off, int len, int j0, float shift, float scale, float rowInv,
                                   float rowDiag, float[] colInv, float[] diag, double[] colDot, float weight,
                                   float[] scratch) {
        double rowDot = 0;
        for (int c = 0; c < len; c++) {
            float s = x[off + c];
            float e = exp((s - shift) * scale);
            float p = e * rowInv;
            rowDot += p * Math.max(s - rowDiag, FLOOR);
            float g = p;
            if (colInv != null) {
                int j = j0 + c;
                float q = e * colInv[j];
                colDot[j] += q * Math.max(s - diag[j], FLOOR);
                g += q;
            }
            x[off + c] = weight * g;
        }
        return rowDot;
    }

    @Override
    public double expFixedInPlace(float[] x, int off, int len, float shift, float scale, double[] colSum, int cOff) {
        double s = 0;
        for (int c = 0; c < len; c++) {
            float e = exp((x[off + c] - shift) * scale);
            s += e;
            colSum[cOff + c] += e;
            x[off + c] = e;
        }
        return s;
    }

    @Override
    public void weightsFromExp(float[] x, int off, int len, int j0, float rowInv, float[] colInv, float weight) {
        for (int c = 0; c < len; c++) {
            float e = x[off + c];
            x[off + c] = weight * (e * rowInv + e * colInv[j0 + c]);
        }
    }

    private static float exp(float v) {
        return (float) Math.exp(v);
    }
}
