package org.contrast4j.linalg;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the Vector API ({@code jdk.incubator.vector}); created only when that module is present.
 *
 * <p>gemm is the classic packed, blocked algorithm (Goto &amp; van de Geijn 2008, "Anatomy of high-performance matrix
 * multiplication"; the BLIS loop nest): op(B) is copied block by block (KC×NC) into panels NR columns wide, op(A)
 * (MC×KC) into panels MR rows high, each in the order the inner loop reads it, and an MR×NR register tile of C is
 * accumulated with fused multiply-adds: per k step, NR/VL vector loads of B, MR broadcasts of A, MR·NR/VL FMAs.
 * Packing makes all four transpose combinations the same inner loop and keeps the working set in cache: one B
 * micro-panel (KC×NR) stays in L1 while the MR-row panels of the A block stream from L2. Edge tiles are computed in
 * full on the zero-padded panels and only their valid part is written. Small or thin products (fewer than MR rows,
 * fewer than NR columns, little work) skip packing and use plain vector loops.
 *
 * <p>Accumulation is in float, as in BLAS sgemm; {@link #dot} accumulates in float lanes and returns a double.
 */
final class VectorKernel implements Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector (16 with AVX-512, 8 with AVX2). */
    private static final int VL = S.length();
    /** Rows of the register tile. */
    static final int MR = 6;
    /** Columns of the register tile: 2 vectors. */
    static final int NR = 2 * VL;
    /** Depth of a packed block: KC×NR floats of B stay in L1. */
    static final int KC = 256;
    /** Rows of op(A) packed at once (an MC×KC block lives in L2). */
    static final int MC = MR * 24;
    /** Columns of op(B) packed at once. */
    static final int NC = NR * Math.max(1, 4096 / NR);
    /** Below this many multiply-adds packing does not pay off. */
    private static final long SMALL = 32L * 32 * 32;

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m < MR || n < NR || (long) m * n * k < SMALL) {
            scale(m, n, beta, c, cOff, ldc);
            small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** C = beta·C; beta == 0 writes zeros whatever C held (NaN included). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    /** C += alpha·op(A)·op(B) without packing, for products too small or too thin to tile (C already scaled). */
    private void small(boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        if (transB && !transA) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += alpha * (float) dot(a, ai, b, bOff + j * ldb, k);
                }
            }
        } else if (!transB) {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    axpy(alpha * aip, b, bOff + p * ldb, c, ci, n);
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        s += a[aOff + p * lda + i] * b[bj + p];
                    }
                    c[ci + j] += alpha * s;
                }
            }
        }
    }

    private static void packed(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        int kcMax = Math.min(KC, k);
        float[] packA = new float[Math.min(MC, roundUp(m, MR)) * kcMax];
        float[] packB = new float[Math.min(NC, roundUp(n, NR)) * kcMax];
        float[] tile = new float[MR * NR];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                // the first k block applies beta, the following ones accumulate
                float betaBlock = pc == 0 ? beta : 1f;
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, packB);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, packA);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bIdx = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int aIdx = ir * kc;
                            int cIdx = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                microKernel(kc, packA, aIdx, packB, bIdx, alpha, betaBlock, c, cIdx, ldc);
                            } else {
                                microKernel(kc, packA, aIdx, packB, bIdx, alpha, 0f, tile, 0, NR);
                                mergeEdge(tile, mr, nr, betaBlock, c, cIdx, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int step) {
        return (x + step - 1) / step * step;
    }

    /**
     * Copies op(A)[ic .. ic+mc, pc .. pc+kc) into panels of MR rows: panel q holds, for each p, the MR values
     * op(A)[ic + q·MR + r, pc + p], r &lt; MR, at {@code q·MR·kc + p·MR + r}; rows past m are zero.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (transA) {
                // op(A)[i, p] = A[p, i]: the MR values of one p are contiguous in A
                int src = aOff + pc * lda + ic + ir;
                for (int p = 0; p < kc; p++, src += lda) {
                    int d = base + p * MR;
                    if (mr == MR) {
                        System.arraycopy(a, src, dst, d, MR);
                    } else {
                        System.arraycopy(a, src, dst, d, mr);
                        Arrays.fill(dst, d + mr, d + MR, 0f);
                    }
                }
            } else {
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + r] = a[src + p];
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Copies op(B)[pc .. pc+kc, jc .. jc+nc) into panels of NR columns: panel q holds, for each p, the NR values
     * op(B)[pc + p, jc + q·NR + j], j &lt; NR, at {@code q·NR·kc + p·NR + j}; columns past n are zero.
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                              float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (transB) {
                // op(B)[p, j] = B[j, p]: read each row of B once, scatter it down the panel
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + j] = b[src + p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + j] = 0f;
                    }
                }
            } else if (nr == NR) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, dst, base + p * NR, NR);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * NR;
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, dst, d, nr);
                    Arrays.fill(dst, d + nr, d + NR, 0f);
                }
            }
        }
    }

    /** Writes the valid mr×nr corner of a full tile (already multiplied by alpha) into C with beta. */
    private static void mergeEdge(float[] tile, int mr, int nr, float beta, float[] c, int cIdx, int ldc) {
        for (int r = 0; r < mr; r++) {
            int t = r * NR;
            int ci = cIdx + r * ldc;
            for (int j = 0; j < nr; j++) {
                c[ci + j] = beta == 0f ? tile[t + j] : tile[t + j] + beta * c[ci + j];
            }
        }
    }

    /** C[idx .. idx+VL) = alpha·acc + beta·C (beta == 0: old C ignored, NaN included). */
    private static void store(FloatVector acc, float alpha, float beta, float[] c, int idx) {
        if (beta == 0f) {
            acc.mul(alpha).intoArray(c, idx);
        } else if (beta == 1f) {
            acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, idx)).intoArray(c, idx);
        } else {
            acc.mul(alpha).add(FloatVector.fromArray(S, c, idx).mul(beta)).intoArray(c, idx);
        }
    }

    /**
     * The 6×2·VL register tile: acc = Σ_p Apack[p, 0..6) ⊗ Bpack[p, 0..2·VL), then
     * C[r, :] = alpha·acc[r, :] + beta·C[r, :] (beta == 0: old C ignored). Packed A holds 6 values per p, packed B
     * holds NR = 2·VL values per p.
     */
    private static void microKernel(int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                                    float alpha, float beta, float[] c, int cIdx, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + p * MR;
            int bi = bIdx + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        store(c00, alpha, beta, c, cIdx + 0 * ldc + 0 * VL);
        store(c01, alpha, beta, c, cIdx + 0 * ldc + 1 * VL);
        store(c10, alpha, beta, c, cIdx + 1 * ldc + 0 * VL);
        store(c11, alpha, beta, c, cIdx + 1 * ldc + 1 * VL);
        store(c20, alpha, beta, c, cIdx + 2 * ldc + 0 * VL);
        store(c21, alpha, beta, c, cIdx + 2 * ldc + 1 * VL);
        store(c30, alpha, beta, c, cIdx + 3 * ldc + 0 * VL);
        store(c31, alpha, beta, c, cIdx + 3 * ldc + 1 * VL);
        store(c40, alpha, beta, c, cIdx + 4 * ldc + 0 * VL);
        store(c41, alpha, beta, c, cIdx + 4 * ldc + 1 * VL);
        store(c50, alpha, beta, c, cIdx + 5 * ldc + 0 * VL);
        store(c51, alpha, beta, c, cIdx + 5 * ldc + 1 * VL);
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * VL <= len; i += 2 * VL) {
            acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xOff + i + VL).fma(FloatVector.fromArray(S, y, yOff + i + VL), acc1);
        }
        if (i + VL <= len) {
            acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
            i += VL;
        }
        double sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        int bound = S.loopBound(len);
        for (; i < bound; i += VL) {
            FloatVector vx = FloatVector.fromArray(S, x, xOff + i);
            FloatVector vy = FloatVector.fromArray(S, y, yOff + i);
            vx.fma(va, vy).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
