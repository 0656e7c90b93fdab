package org.contrast4j.embed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.contrast4j.linalg.KernelKind;

/**
 * The {@link SkipGramMath} update on the Vector API ({@code jdk.incubator.vector}), the preferred species of the
 * machine (16 floats with AVX-512, 8 with AVX2), the columns beyond the last full vector in scalar code (in the block
 * update, 4 at a time in 128-bit vectors with the scalar code's operations). Loaded reflectively, only when the kernel
 * provider found the Vector API usable.
 */
final class SkipGramVectorMath implements SkipGramMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** 4 lanes, for the columns beyond the last full vector of {@link #S} in {@link #blockUpdate}. */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    /**
     * Whether the lane sums below run as permutes on 4 to 16 lanes (all x86 and NEON species); other lane counts use
     * {@link #sum}'s slices. Both add in the same halving order.
     */
    private static final boolean PERMUTE_SUMS = VL >= 4 && VL <= 16;
    /** Lane i ↦ lane i xor q, for q = L/2, L/4, L/8, L/16 (the identity where q would be below 1). */
    private static final VectorShuffle<Float> X1 = xor(VL / 2);
    private static final VectorShuffle<Float> X2 = xor(VL / 4);
    private static final VectorShuffle<Float> X3 = xor(VL / 8);
    private static final VectorShuffle<Float> X4 = xor(VL / 16);
    /** The lanes whose index has bit q set, for q = L/2 and L/4. */
    private static final VectorMask<Float> M1 = bit(VL / 2);
    private static final VectorMask<Float> M2 = bit(VL / 4);

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
    public void blockScores(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, int d, float[] s) {
        int full = d - d % VL;
        for (int i = 0; i < m; i++) {
            int x = xRows[i];
            int j = 0;
            // four output rows at a time: the query chunk is loaded once for four products
            for (; j + 4 <= n; j += 4) {
                int y0 = yRows[j];
                int y1 = yRows[j + 1];
                int y2 = yRows[j + 2];
                int y3 = yRows[j + 3];
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S);
                FloatVector a3 = FloatVector.zero(S);
                for (int k = 0; k < full; k += VL) {
                    FloatVector h = FloatVector.fromArray(S, in, x + k);
                    a0 = h.fma(FloatVector.fromArray(S, out, y0 + k), a0);
                    a1 = h.fma(FloatVector.fromArray(S, out, y1 + k), a1);
                    a2 = h.fma(FloatVector.fromArray(S, out, y2 + k), a2);
                    a3 = h.fma(FloatVector.fromArray(S, out, y3 + k), a3);
                }
                float s0;
                float s1;
                float s2;
                float s3;
                if (PERMUTE_SUMS) {
                    // the four lane sums at once, in sum()'s order: each level adds lane i and lane i xor q, the
                    // first two levels interleaving the accumulators (a0 ends in lane 0, a2 in L/4, a1 in L/2, a3
                    // in 3L/4); written out here, not in a method, so that no vector is passed to a call
                    FloatVector r01 = a0.blend(a1, M1).add(a1.blend(a0, M1).rearrange(X1));
                    FloatVector r23 = a2.blend(a3, M1).add(a3.blend(a2, M1).rearrange(X1));
                    FloatVector r = r01.blend(r23, M2).add(r23.blend(r01, M2).rearrange(X2));
                    if (VL >= 8) {
                        r = r.add(r.rearrange(X3));
                    }
                    if (VL >= 16) {
                        r = r.add(r.rearrange(X4));
                    }
                    s0 = r.lane(0);
                    s1 = r.lane(VL / 2);
                    s2 = r.lane(VL / 4);
                    s3 = r.lane(3 * VL / 4);
                } else {
                    s0 = sum(a0);
                    s1 = sum(a1);
                    s2 = sum(a2);
                    s3 = sum(a3);
                }
                for (int k = full; k < d; k++) {
                    float h = in[x + k];
                    s0 += h * out[y0 + k];
                    s1 += h * out[y1 + k];
                    s2 += h * out[y2 + k];
                    s3 += h * out[y3 + k];
                }
                s[i * n + j] = s0;
                s[i * n + j + 1] = s1;
                s[i * n + j + 2] = s2;
                s[i * n + j + 3] = s3;
            }
            if (PERMUTE_SUMS && j + 2 <= n) {
                // two output rows (n = k + 1 = 6 leaves two): the two lane sums together, a0 ending in lane 0, a1
                // in lane L/2
                int y0 = yRows[j];
                int y1 = yRows[j + 1];
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                for (int k = 0; k < full; k += VL) {
                    FloatVector h = FloatVector.fromArray(S, in, x + k);
                    a0 = h.fma(FloatVector.fromArray(S, out, y0 + k), a0);
                    a1 = h.fma(FloatVector.fromArray(S, out, y1 + k), a1);
                }
                FloatVector r = a0.blend(a1, M1).add(a1.blend(a0, M1).rearrange(X1));
                r = r.add(r.rearrange(X2));
                if (VL >= 8) {
                    r = r.add(r.rearrange(X3));
                }
                if (VL >= 16) {
                    r = r.add(r.rearrange(X4));
                }
                float s0 = r.lane(0);
                float s1 = r.lane(VL / 2);
                for (int k = full; k < d; k++) {
                    float h = in[x + k];
                    s0 += h * out[y0 + k];
                    s1 += h * out[y1 + k];
                }
                s[i * n + j] = s0;
                s[i * n + j + 1] = s1;
                j += 2;
            }
            for (; j < n; j++) {
                int y = yRows[j];
                FloatVector a = FloatVector.zero(S);
                for (int k = 0; k < full; k += VL) {
                    a = FloatVector.fromArray(S, in, x + k).fma(FloatVector.fromArray(S, out, y + k), a);
                }
                float acc;
                if (PERMUTE_SUMS) {
                    a = a.add(a.rearrange(X1));
                    a = a.add(a.rearrange(X2));
                    if (VL >= 8) {
                        a = a.add(a.rearrange(X3));
                    }
                    if (VL >= 16) {
                        a = a.add(a.rearrange(X4));
                    }
                    acc = a.lane(0);
                } else {
                    acc = sum(a);
                }
                for (int k = full; k < d; k++) {
                    acc += in[x + k] * out[y + k];
                }
                s[i * n + j] = acc;
            }
        }
    }

    @Override
    public void blockUpdate(float[] in, int[] xRows, int m, float[] out, int[] yRows, int n, float[] g, int d,
                            float[] scratch) {
        int k = 0;
        for (; k + VL <= d; k += VL) {
            for (int i = 0; i < m; i++) {
                FloatVector e = FloatVector.zero(S);
                for (int j = 0; j < n; j++) {
                    e = FloatVector.fromArray(S, out, yRows[j] + k).fma(FloatVector.broadcast(S, g[i * n + j]), e);
                }
                e.intoArray(scratch, i * VL);
            }
            for (int j = 0; j < n; j++) {
                int r = yRows[j] + k;
                FloatVector y = FloatVector.fromArray(S, out, r);
                for (int i = 0; i < m; i++) {
                    y = FloatVector.fromArray(S, in, xRows[i] + k).fma(FloatVector.broadcast(S, g[i * n + j]), y);
                }
                y.intoArray(out, r);
            }
            for (int i = 0; i < m; i++) {
                int r = xRows[i] + k;
                FloatVector.fromArray(S, in, r).add(FloatVector.fromArray(S, scratch, i * VL)).intoArray(in, r);
            }
        }
        // the tail: 4 columns at a time with the same separately rounded products and sums as the scalar columns
        // (SkipGramMath.Scalar.blockUpdateColumns), so the results do not depend on how the columns are split
        for (; VL > 4 && k + 4 <= d; k += 4) {
            for (int i = 0; i < m; i++) {
                FloatVector e = FloatVector.zero(S4);
                for (int j = 0; j < n; j++) {
                    e = e.add(FloatVector.fromArray(S4, out, yRows[j] + k).mul(g[i * n + j]));
                }
                e.intoArray(scratch, i * 4);
            }
            for (int j = 0; j < n; j++) {
                int r = yRows[j] + k;
                FloatVector y = FloatVector.fromArray(S4, out, r);
                for (int i = 0; i < m; i++) {
                    y = y.add(FloatVector.fromArray(S4, in, xRows[i] + k).mul(g[i * n + j]));
                }
                y.intoArray(out, r);
            }
            for (int i = 0; i < m; i++) {
                int r = xRows[i] + k;
                FloatVector.fromArray(S4, in, r).add(FloatVector.fromArray(S4, scratch, i * 4)).intoArray(in, r);
            }
        }
        SkipGramMath.Scalar.blockUpdateColumns(in, xRows, m, out, yRows, n, g, k, d, scratch);
    }

    @Override
    public int blockWidth() {
        return VL;
    }

    /**
     * e^{x − shift} lane by lane with {@link Math#exp} (not the Vector API's EXP, whose result may differ between the
     * interpreter and compiled code, which would break the bit-identical runs of one seed).
     */
    @Override
    public void expShifted(float[] x, int off, int n, float shift) {
        for (int i = off; i < off + n; i++) {
            x[i] = (float) Math.exp(x[i] - shift);
        }
    }

    /**
     * The sum of the lanes in a fixed order, halving: lanes i and i + L/2 added, and so on (the Vector API's
     * reduceLanes(ADD) may add in another order in compiled code than in the interpreter, which would break the
     * bit-identical runs of one seed).
     */
    private static float sum(FloatVector v) {
        for (int half = VL / 2; half >= 1; half /= 2) {
            v = v.add(v.slice(half));
        }
        return v.lane(0);
    }

    private static VectorShuffle<Float> xor(int q) {
        return VectorShuffle.fromOp(S, i -> i ^ q);
    }

    private static VectorMask<Float> bit(int q) {
        boolean[] set = new boolean[VL];
        for (int i = 0; i < VL; i++) {
            set[i] = (i & q) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    /** At most this long in a warm-up, in nanoseconds. */
    static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final Object WARM_UP_LOCK = new Object();
    /** The warm-up's thread, once started (guarded by {@link #WARM_UP_LOCK}). */
    private static Thread warmUpThread;

    @Override
    public void warmUpInBackground() {
        synchronized (WARM_UP_LOCK) {
            if (warmUpThread == null) {
                warmUpThread = Thread.ofPlatform().daemon().name("contrast4j-skipgram-warm-up").start(this::runWarmUp);
            }
        }
    }

    /**
     * Runs the block kernels on a small synthetic block of their own (2 query rows, 10 output rows of 4 full vectors
     * and L − 1 tail columns, so that every loop runs more than once where it can and every branch is taken; the
     * tables of a run are not touched) until both run faster than {@link SkipGramMath.Scalar}'s loops on the same
     * block for three batches in a row — which the Vector API code only does once C2 has compiled it — or for at most
     * {@value #WARM_UP_NANOS} ns; waits for it if it runs already (started by {@link #warmUpInBackground}).
     *
     * <p>Why: interpreted or in C1, every Vector API operation is a call that allocates, a hundred to a thousand times
     * slower than the compiled code, and C2 compiles these kernels only after their thresholds are reached and after
     * the library's own fallback code of each vector operation, which is hot too: measured on 2 cores, the training
     * threads ran for seconds at a fraction of their speed (the first epoch of SOTU + Brown took 2.5 s longer than the
     * others), with the compiler thread competing with them for the CPUs. {@link SkipGram.Builder#build} starts this
     * in the background, so that it runs while the corpus is read, and {@link SkipGramTraining#runEpoch} waits for it
     * (its time counted in the epoch's). The results of a run do not depend on it: the same operations in the same
     * order, compiled or not.
     */
    @Override
    public void warmUp() {
        warmUpInBackground();
        Thread t;
        synchronized (WARM_UP_LOCK) {
            t = warmUpThread;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runWarmUp() {
        int d = 5 * VL - 1;
        int m = 2;
        int n = 10;
        float[] in = new float[m * d];
        float[] out = new float[n * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i % 7 - 3) * 0.01f;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (i % 5 - 2) * 0.01f;
        }
        int[] xRows = {0, d};
        int[] yRows = new int[n];
        for (int j = 0; j < n; j++) {
            yRows[j] = j * d;
        }
        float[] s = new float[m * n];
        float[] g = new float[m * n];             // zero: the tables keep their values
        float[] scratch = new float[m * VL];
        SkipGramMath scalar = SkipGramMath.Scalar.INSTANCE;
        long start = System.nanoTime();
        int fastBatches = 0;
        while (fastBatches < 3 && System.nanoTime() - start < WARM_UP_NANOS) {
            long t0 = System.nanoTime();
            for (int c = 0; c < 32; c++) {
                blockScores(in, xRows, m, out, yRows, n, d, s);
            }
            long t1 = System.nanoTime();
            for (int c = 0; c < 32; c++) {
                scalar.blockScores(in, xRows, m, out, yRows, n, d, s);
            }
            long t2 = System.nanoTime();
            for (int c = 0; c < 32; c++) {
                blockUpdate(in, xRows, m, out, yRows, n, g, d, scratch);
            }
            long t3 = System.nanoTime();
            for (int c = 0; c < 32; c++) {
                scalar.blockUpdate(in, xRows, m, out, yRows, n, g, d, scratch);
            }
            long t4 = System.nanoTime();
            fastBatches = t1 - t0 < t2 - t1 && t3 - t2 < t4 - t3 ? fastBatches + 1 : 0;
        }
    }

    @Override
    public KernelKind kind() {
        return KernelKind.VECTOR;
    }
}
