package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.contrast4j.djl.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/**
 * The align-uniform and alignment-only objectives against a plain double reference written from Wang &amp; Isola's
 * formulas, and their gradients against central finite differences of that reference.
 */
class AlignUniformTest {
    /** L_align + (L_unif(x̂) + L_unif(ŷ))/2 (or L_align alone), in double, straight from the definitions. */
    static double reference(double[][] x, double[][] y, boolean uniformity) {
        int n = x.length;
        double[][] u = normalise(x);
        double[][] v = normalise(y);
        double align = 0;
        for (int i = 0; i < n; i++) {
            align += sq(u[i], v[i]);
        }
        align /= n;
        if (!uniformity) {
            return align;
        }
        return align + 0.5 * unif(u) + 0.5 * unif(v);
    }

    private static double unif(double[][] u) {
        double s = 0;
        int pairs = 0;
        for (int i = 0; i < u.length; i++) {
            for (int j = i + 1; j < u.length; j++) {
                s += Math.exp(-2 * sq(u[i], u[j]));
                pairs++;
            }
        }
        return Math.log(s / pairs);
    }

    private static double sq(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += (a[c] - b[c]) * (a[c] - b[c]);
        }
        return s;
    }

    private static double[][] normalise(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double norm = 0;
            for (double v : x[i]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            out[i] = new double[x[i].length];
            for (int c = 0; c < x[i].length; c++) {
                out[i][c] = x[i][c] / norm;
            }
        }
        return out;
    }

    private static void check(boolean uniformity) {
        int n = 7;
        int d = 5;
        SplittableRandom r = new SplittableRandom(uniformity ? 3 : 4);
        double[][] x = new double[n][d];
        double[][] y = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                x[i][c] = (float) r.nextGaussian();
                y[i][c] = (float) (x[i][c] + 0.5 * r.nextGaussian());
            }
        }
        LossStep s = AlignUniform.compute(toMatrix(x), toMatrix(y), uniformity);
        // normalised float32 rows: distances within 2u + γ_{D+2}·2 (FloatBounds.alignment), uniformity (t = 2) within
        // FloatBounds.uniformity of each view
        double expected = reference(x, y, uniformity);
        double tol = FloatBounds.alignment(2, 2, 2 * FloatBounds.U + FloatBounds.gamma(d + 2L) * 2, n, expected)
                + (uniformity ? FloatBounds.uniformity(d, 2, n, 1, expected) : 0);
        assertEquals(expected, s.value(), tol);
        double h = 1e-6;
        // gradients: (D + 2N + 8)·u·(1 + L)·4·(1 + √D) with L = t·4 + 4 the largest term, relative to max(1, |fd|),
        // plus the central differences' rounding 64·u64·(|L| + 1)/h
        double gradRel = (d + 2.0 * n + 8) * FloatBounds.U * (1 + 2 * 4 + 4) * 4 * (1 + Math.sqrt(d));
        double fdError = 64 * FloatBounds.U64 * (Math.abs(expected) + 1) / h;
        for (int side = 0; side < 2; side++) {
            double[][] m = side == 0 ? x : y;
            Matrix g = side == 0 ? s.gradView1() : s.gradView2();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < d; c++) {
                    double keep = m[i][c];
                    m[i][c] = keep + h;
                    double plus = reference(x, y, uniformity);
                    m[i][c] = keep - h;
                    double minus = reference(x, y, uniformity);
                    m[i][c] = keep;
                    double fd = (plus - minus) / (2 * h);
                    assertEquals(fd, g.get(i, c), gradRel * Math.max(1, Math.abs(fd)) + fdError,
                            "side " + side + " row " + i + " col " + c);
                }
            }
        }
    }

    private static Matrix toMatrix(double[][] v) {
        float[] f = new float[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) {
            for (int c = 0; c < v[0].length; c++) {
                f[i * v[0].length + c] = (float) v[i][c];
            }
        }
        return Matrix.of(v.length, v[0].length, f);
    }

    @Test
    void alignUniformValueAndGradient() {
        check(true);
    }

    @Test
    void alignmentOnlyValueAndGradient() {
        check(false);
    }

    @Test
    void collapsedInputsAreFinite() {
        float[] same = new float[6 * 3];
        for (int i = 0; i < same.length; i++) {
            same[i] = 1f + (i % 3);
        }
        LossStep s = AlignUniform.compute(Matrix.of(6, 3, same), Matrix.of(6, 3, same.clone()), true);
        // equal rows normalise to equal bits: every difference is 0 up to the uniformity's Gram form (D = 3, N = 6)
        assertEquals(0.0, s.value(), FloatBounds.uniformity(3, 2, 6, 1, 0),
                "alignment 0 and uniformity 0 at total collapse");
        for (float v : s.gradView1().data()) {
            // each pair's gradient 2t·(x̂_i − x̂_j)·e^{…} is built from differences within γ_5 of 0
            assertEquals(0.0, v, 2 * 2 * 6 * FloatBounds.cosine(3));
        }
    }
}
