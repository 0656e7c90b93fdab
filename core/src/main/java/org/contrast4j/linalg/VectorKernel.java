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
 * full on the zero-padded panels and only their valid part is written.
 *
 * <p>Thin products (few rows or columns, where packing would cost as much as the arithmetic) skip packing but keep
 * the arithmetic: in every path each entry of C is the same chain of float FMAs over p = 0 … k−1 (restarted every KC
 * steps), written back as alpha·acc + beta·C with the same roundings. So an entry does not depend on m, n, on where
 * it lies in a tile or on which path ran: computing C whole or block by block gives the same bits.
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
    /** Products with fewer rows than this (or fewer than NR columns) are not packed; see {@link #thin}. */
    static final int THIN_ROWS = 2 * MR;
    /** Columns of op(B) packed at once. */
    static final int NC = NR * Math.max(1, 4096 / NR);

    /** The size of the CPU's preferred vector in bits (the provider requires at least 128). */
    static int preferredBits() {
        return S.vectorBitSize();
    }

    @Override
    public KernelKind kind() {
        return KernelKind.VECTOR;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            ScalarKernel.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m < THIN_ROWS || n < NR) {
            thin(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * Thin products (a few rows or a few columns), where packing would cost as much as the product: the same float
     * FMA chain per entry as the micro-kernel, over the same KC blocks, written back with the same arithmetic, so the
     * bits agree with the packed path; eight entries at a time run independent chains (along a row of C when it is
     * the longer side, else down a column) to hide the FMA latency.
     */
    private static void thin(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        // op(A)[i, p] = a[aOff + i·ai + p·ap], op(B)[p, j] = b[bOff + p·bp + j·bj]
        int ai = transA ? 1 : lda;
        int ap = transA ? lda : 1;
        int bp = transB ? 1 : ldb;
        int bj = transB ? ldb : 1;
        boolean alongRows = n >= m;
        // lane l of a vector of consecutive entries reads y at l·(stride between entries): the gather index map
        int stride = alongRows ? bj : ai;
        int[] lanes = new int[VL];
        for (int l = 0; l < VL; l++) {
            lanes[l] = l * stride;
        }
        float[] sums = new float[2 * VL];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float betaBlock = pc == 0 ? beta : 1f;
            if (alongRows) {
                // x = op(A)[i, p] shared by eight columns j … j+7
                for (int i = 0; i < m; i++) {
                    chains(kc, a, aOff + i * ai + pc * ap, ap, b, bOff + pc * bp, bp, bj, n,
                            alpha, betaBlock, c, cOff + i * ldc, 1, lanes, sums);
                }
            } else {
                // x = op(B)[p, j] shared by eight rows i … i+7 (C walked down a column)
                for (int j = 0; j < n; j++) {
                    chains(kc, b, bOff + pc * bp + j * bj, bp, a, aOff + pc * ap, ap, ai, m,
                            alpha, betaBlock, c, cOff + j, ldc, lanes, sums);
                }
            }
        }
    }

    /**
     * For q &lt; count: s_q = Σ_p x[xIdx + p·xp]·y[yIdx + p·yp + q·yq] as a float FMA chain over p &lt; kc, then
     * c[cIdx + q·cq] = alpha·s_q + beta·c (the {@link #store} arithmetic). Lanes hold consecutive q: y is read with
     * vector loads when yq == 1, else gathered through {@code lanes} (l·yq); the last q (fewer than a vector) run as
     * scalar chains. {@code sums} is scratch of 2·VL floats.
     */
    private static void chains(int kc, float[] x, int xIdx, int xp, float[] y, int yIdx, int yp, int yq, int count,
                               float alpha, float beta, float[] c, int cIdx, int cq, int[] lanes, float[] sums) {
        int q = 0;
        if (count >= VL) {
            boolean contiguous = yq == 1;
            for (; q + 2 * VL <= count; q += 2 * VL) {
                int y0 = yIdx + q * yq;
                int y1 = y0 + VL * yq;
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = FloatVector.zero(S);
                for (int p = 0; p < kc; p++) {
                    FloatVector v = FloatVector.broadcast(S, x[xIdx + p * xp]);
                    int o = p * yp;
                    FloatVector w0 = contiguous ? FloatVector.fromArray(S, y, y0 + o)
                            : FloatVector.fromArray(S, y, y0 + o, lanes, 0);
                    FloatVector w1 = contiguous ? FloatVector.fromArray(S, y, y1 + o)
                            : FloatVector.fromArray(S, y, y1 + o, lanes, 0);
                    s0 = v.fma(w0, s0);
                    s1 = v.fma(w1, s1);
                }
                s0.intoArray(sums, 0);
                s1.intoArray(sums, VL);
                for (int l = 0; l < 2 * VL; l++) {
                    int ci = cIdx + (q + l) * cq;
                    c[ci] = combine(sums[l], alpha, beta, c[ci]);
                }
            }
            for (; q + VL <= count; q += VL) {
                int y0 = yIdx + q * yq;
                FloatVector s0 = FloatVector.zero(S);
                for (int p = 0; p < kc; p++) {
                    FloatVector v = FloatVector.broadcast(S, x[xIdx + p * xp]);
                    int o = p * yp;
                    FloatVector w0 = contiguous ? FloatVector.fromArray(S, y, y0 + o)
                            : FloatVector.fromArray(S, y, y0 + o, lanes, 0);
                    s0 = v.fma(w0, s0);
                }
                s0.intoArray(sums, 0);
                for (int l = 0; l < VL; l++) {
                    int ci = cIdx + (q + l) * cq;
                    c[ci] = combine(sums[l], alpha, beta, c[ci]);
                }
            }
        }
        for (; q + 4 <= count; q += 4) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            int y0 = yIdx + q * yq;
            for (int p = 0; p < kc; p++) {
                float v = x[xIdx + p * xp];
                int yi = y0 + p * yp;
                s0 = Math.fma(v, y[yi], s0);
                s1 = Math.fma(v, y[yi + yq], s1);
                s2 = Math.fma(v, y[yi + 2 * yq], s2);
                s3 = Math.fma(v, y[yi + 3 * yq], s3);
            }
            int ci = cIdx + q * cq;
            c[ci] = combine(s0, alpha, beta, c[ci]);
            c[ci + cq] = combine(s1, alpha, beta, c[ci + cq]);
            c[ci + 2 * cq] = combine(s2, alpha, beta, c[ci + 2 * cq]);
            c[ci + 3 * cq] = combine(s3, alpha, beta, c[ci + 3 * cq]);
        }
        for (; q < count; q++) {
            float s = 0f;
            int y0 = yIdx + q * yq;
            for (int p = 0; p < kc; p++) {
                s = Math.fma(x[xIdx + p * xp], y[y0 + p * yp], s);
            }
            int ci = cIdx + q * cq;
            c[ci] = combine(s, alpha, beta, c[ci]);
        }
    }

    /** alpha·acc + beta·old exactly as {@link #store} rounds it; beta == 0 ignores old (NaN included). */
    private static float combine(float acc, float alpha, float beta, float old) {
        if (beta == 0f) {
            return acc * alpha;
        } else if (beta == 1f) {
            return Math.fma(acc, alpha, old);
        } else {
            return acc * alpha + old * beta;
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
                                microKernel(kc, packA, aIdx, packB, bIdx, 1f, 0f, tile, 0, NR);
                                mergeEdge(tile, mr, nr, alpha, betaBlock, c, cIdx, ldc);
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

    /**
     * Writes the valid mr×nr corner of a full tile of raw sums into C with exactly the arithmetic of {@link #store},
     * so an entry of C comes out bit for bit the same whether it fell in a full or an edge tile.
     */
    private static void mergeEdge(float[] tile, int mr, int nr, float alpha, float beta, float[] c, int cIdx,
                                  int ldc) {
        for (int r = 0; r < mr; r++) {
            int t = r * NR;
            int ci = cIdx + r * ldc;
            for (int j = 0; j < nr; j++) {
                c[ci + j] = combine(tile[t + j], alpha, beta, c[ci + j]);
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
        // the lanes are added in lane order, from the register: reduceLanes(ADD) adds them in another order once C2
        // compiles it, so the same call would round differently before and after warm-up (and a resumed training run
        // would drift from an uninterrupted one); lane(l) extracts a lane exactly, and the loop's order is fixed
        FloatVector acc = acc0.add(acc1);
        double sum = 0;
        for (int l = 0; l < VL; l++) {
            sum += acc.lane(l);
        }
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
