package org.contrast4j.text.adapter;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * One tower of an adapter: its parameter layout inside a flat float vector, its forward pass and its exact backward
 * pass. Immutable (the parameters live in the caller's array, at {@link #offset}).
 *
 * <p>Layout, row-major: LINEAR — W (out×in), b (out); MLP — W₁ (hidden×in), b₁ (hidden), W₂ (in×hidden), b₂ (in).
 */
final class Tower {
    final AdapterKind kind;
    final int in;
    final int out;
    final int hidden;
    final int offset;

    Tower(AdapterKind kind, int in, int out, int hidden, int offset) {
        this.kind = kind;
        this.in = in;
        this.out = out;
        this.hidden = hidden;
        this.offset = offset;
    }

    /** The number of parameters. */
    int size() {
        return kind == AdapterKind.LINEAR ? out * in + out : hidden * in + hidden + in * hidden + in;
    }

    /** Writes the initial parameters (see {@link AdapterKind}) into {@code p}. */
    void initialise(float[] p, long seed) {
        if (kind == AdapterKind.LINEAR) {
            for (int i = 0; i < Math.min(in, out); i++) {
                p[offset + i * in + i] = 1f;
            }
            return;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(in);
        int w1b1 = hidden * in + hidden;
        for (int i = 0; i < w1b1; i++) {
            p[offset + i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
        }
        // W₂ and b₂ stay zero: the residual block starts as the identity
    }

    /** What the backward pass needs from the forward pass. */
    record Cache(Matrix x, Matrix y, Matrix h) {
    }

    /** y for every row of x (N×in): N×out, not normalised. */
    Cache forward(float[] p, Matrix x) {
        int n = x.rows();
        Matrix y = Matrix.zeros(n, out);
        if (kind == AdapterKind.LINEAR) {
            Kernels.gemm(false, true, n, out, in, 1f, x.data(), 0, in, p, offset, in, 0f, y.data(), 0, out);
            addBias(y, p, offset + out * in);
            return new Cache(x, y, null);
        }
        int w1 = offset;
        int b1 = w1 + hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + in * hidden;
        Matrix h = Matrix.zeros(n, hidden);
        Kernels.gemm(false, true, n, hidden, in, 1f, x.data(), 0, in, p, w1, in, 0f, h.data(), 0, hidden);
        addBias(h, p, b1);
        float[] a = new float[n * hidden];
        float[] hd = h.data();
        for (int i = 0; i < a.length; i++) {
            a[i] = hd[i] > 0 ? hd[i] : 0f;
        }
        System.arraycopy(x.data(), 0, y.data(), 0, n * in);
        Kernels.gemm(false, true, n, in, hidden, 1f, a, 0, hidden, p, w2, hidden, 1f, y.data(), 0, in);
        addBias(y, p, b2);
        return new Cache(x, y, h);
    }

    /**
     * Adds ∂L/∂θ into {@code grad} (at this tower's offset) given g = ∂L/∂y (N×out): LINEAR ∂W = gᵀx, ∂b = Σ_rows g;
     * MLP ∂W₂ = gᵀa, ∂b₂ = Σ g, ∂a = g·W₂, ∂h = ∂a ⊙ [h &gt; 0], ∂W₁ = ∂hᵀx, ∂b₁ = Σ ∂h (a = relu(h)).
     */
    void backward(float[] p, Cache c, Matrix g, float[] grad) {
        int n = c.x().rows();
        float[] x = c.x().data();
        if (kind == AdapterKind.LINEAR) {
            Kernels.gemm(true, false, out, in, n, 1f, g.data(), 0, out, x, 0, in, 1f, grad, offset, in);
            addColumnSums(g.data(), n, out, grad, offset + out * in);
            return;
        }
        int w1 = offset;
        int b1 = w1 + hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + in * hidden;
        float[] h = c.h().data();
        float[] a = new float[n * hidden];
        for (int i = 0; i < a.length; i++) {
            a[i] = h[i] > 0 ? h[i] : 0f;
        }
        Kernels.gemm(true, false, in, hidden, n, 1f, g.data(), 0, in, a, 0, hidden, 1f, grad, w2, hidden);
        addColumnSums(g.data(), n, in, grad, b2);
        float[] dh = new float[n * hidden];
        Kernels.gemm(false, false, n, hidden, in, 1f, g.data(), 0, in, p, w2, hidden, 0f, dh, 0, hidden);
        for (int i = 0; i < dh.length; i++) {
            if (!(h[i] > 0)) {
                dh[i] = 0f;
            }
        }
        Kernels.gemm(true, false, hidden, in, n, 1f, dh, 0, hidden, x, 0, in, 1f, grad, w1, in);
        addColumnSums(dh, n, hidden, grad, b1);
    }

    private static void addBias(Matrix y, float[] p, int at) {
        int cols = y.cols();
        float[] d = y.data();
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < cols; j++) {
                d[i * cols + j] += p[at + j];
            }
        }
    }

    private static void addColumnSums(float[] g, int rows, int cols, float[] grad, int at) {
        double[] s = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[j] += g[i * cols + j];
            }
        }
        for (int j = 0; j < cols; j++) {
            grad[at + j] = (float) (grad[at + j] + s[j]);
        }
    }
}
