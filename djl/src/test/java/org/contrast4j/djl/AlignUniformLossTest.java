package org.contrast4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.AlignUniform;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Uniformity;
import org.junit.jupiter.api.Test;

/**
 * {@link AlignUniformLoss} (autograd on PyTorch, float32) against a reference written from the formula in double —
 * value directly, gradients against central finite differences of the reference — and its value against core's
 * {@link Alignment} and {@link Uniformity} metrics.
 */
class AlignUniformLossTest {

    /** L = (1/N)Σ‖x̂_i − ŷ_i‖^α + λ·(U(x) + U(y))/2, U(x) = log mean_{i≠j} exp(−t‖x̂_i − x̂_j‖²), in double. */
    static double reference(double[] x, double[] y, int n, int d, double alpha, double t, double lambda,
                            boolean normalize) {
        double[] xs = normalize ? normalized(x, n, d) : x;
        double[] ys = normalize ? normalized(y, n, d) : y;
        double align = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double diff = xs[i * d + k] - ys[i * d + k];
                s += diff * diff;
            }
            align += Math.pow(Math.sqrt(s), alpha);
        }
        align /= n;
        return align + lambda * (uniformity(xs, n, d, t) + uniformity(ys, n, d, t)) / 2;
    }

    private static double uniformity(double[] x, int n, int d, double t) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double s = 0;
                    for (int k = 0; k < d; k++) {
                        double diff = x[i * d + k] - x[j * d + k];
                        s += diff * diff;
                    }
                    sum += Math.exp(-t * s);
                }
            }
        }
        return Math.log(sum / ((double) n * (n - 1)));
    }

    private static double[] normalized(double[] x, int n, int d) {
        double[] out = new double[x.length];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += x[i * d + k] * x[i * d + k];
            }
            double norm = Math.max(Math.sqrt(s), 1e-12);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = x[i * d + k] / norm;
            }
        }
        return out;
    }

    private static double[] toDouble(Matrix m) {
        double[] out = new double[m.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.data()[i];
        }
        return out;
    }

    private static void check(AlignUniformLoss loss, int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Matrix xm = DjlTesting.gaussian(rnd, n, d);
        Matrix ym = DjlTesting.gaussian(rnd, n, d);
        double[] x = toDouble(xm);
        double[] y = toDouble(ym);
        double a = loss.coreLoss().alpha();
        double t = loss.coreLoss().t();
        double l = loss.coreLoss().lambda();
        boolean norm = loss.coreLoss().normalize();
        double expected = reference(x, y, n, d, a, t, l, norm);
        DjlTesting.Run run = DjlTesting.run(loss, null, List.of(xm, ym));
        String what = loss.toString();
        // float32 bounds (FloatBounds): rows of norm ≤ R, distances ≤ 2R within 2u (normalisation) + γ_{D+2}·2R
        // (float32 differences and sums), uniformity within FloatBounds.uniformity of each set
        double r = norm ? 1 : Math.max(FloatBounds.maxRowNorm(xm.data(), d), FloatBounds.maxRowNorm(ym.data(), d));
        double dd = (norm ? 2 * FloatBounds.U : 0) + FloatBounds.gamma(d + 2L) * 2 * r;
        double tol = FloatBounds.alignment(a, 2 * r, dd, n, expected)
                + l * FloatBounds.uniformity(d, t, n, r * r, expected);
        assertEquals(expected, run.value()[0], tol, what + " value");
        // an independent implementation of the same two terms: core's metrics (another float32 computation)
        double metrics = Alignment.of(xm, ym, a, norm)
                + l * (Uniformity.of(xm, t, norm) + Uniformity.of(ym, t, norm)) / 2;
        assertEquals(metrics, run.value()[0], 2 * tol, what + " vs core metrics");
        // gradients against central finite differences of the reference: within (D + 2N + 8)·u·(1 + L)·4·(1 + √D)
        // of the largest entry, L = t·(2R)² + (2R)^α the largest exponent / term, plus the differences' rounding
        double h = 1e-6;
        double gradRel = (d + 2.0 * n + 8) * FloatBounds.U * (1 + t * 4 * r * r + Math.pow(2 * r, a)) * 4
                * (1 + Math.sqrt(d));
        double fdError = 64 * FloatBounds.U64 * (Math.abs(expected) + 1) / h;
        for (int input = 0; input < 2; input++) {
            double[] v = input == 0 ? x : y;
            float[] g = run.gradients().get(input);
            double scale = 0;
            double[] fd = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + h;
                double plus = reference(x, y, n, d, a, t, l, norm);
                v[i] = keep - h;
                double minus = reference(x, y, n, d, a, t, l, norm);
                v[i] = keep;
                fd[i] = (plus - minus) / (2 * h);
                scale = Math.max(scale, Math.abs(fd[i]));
            }
            for (int i = 0; i < v.length; i++) {
                assertTrue(Math.abs(g[i] - fd[i]) <= gradRel * scale + fdError, what + " input " + input
                        + " gradient[" + i + "] = "
                        + g[i] + " vs finite difference " + fd[i] + " (scale " + scale + ")");
            }
        }
    }

    @Test
    void defaultsMatchTheReferenceAndItsFiniteDifferences() {
        check(AlignUniformLoss.of(AlignUniform.builder().build()), 8, 5, 1);
    }

    @Test
    void otherExponentScaleWeightAndRawRowsMatchTheReference() {
        check(AlignUniformLoss.of(AlignUniform.builder().alpha(1).t(1).lambda(0.5).build()), 7, 4, 2);
        check(AlignUniformLoss.of(AlignUniform.builder().alpha(3).t(0.5).lambda(2).normalize(false).build()), 6, 3, 3);
    }

    @Test
    void alignmentOnlyMatchesTheReference() {
        check(AlignUniformLoss.of(AlignUniform.builder().lambda(0).build()), 6, 4, 4);
    }

    @Test
    void collapsedPointsHaveUniformityZeroAndFiniteGradients() {
        // every row the same point: L_align = 0 and L_unif = log mean e^0 = 0, so L = 0; gradients finite (zero here)
        Matrix same = Matrix.of(4, 3, new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3});
        DjlTesting.Run run = DjlTesting.run(
                AlignUniformLoss.of(AlignUniform.builder().build()), null, List.of(same, same));
        // equal rows: every difference is exactly 0 in float32 — the value within rounding of the normalised rows
        // (FloatBounds.uniformity with D = 3, N = 4, t = 2), each gradient entry within 2t·(that rounding) per pair
        double tol = FloatBounds.uniformity(3, 2, 4, 1, 0) + FloatBounds.alignment(2, 0, 2 * FloatBounds.U, 4, 0);
        assertEquals(0.0, run.value()[0], tol);
        for (float[] g : run.gradients()) {
            for (float v : g) {
                assertTrue(Float.isFinite(v) && Math.abs(v) <= 4 * 2 * 2 * FloatBounds.cosine(3), "gradient " + v);
            }
        }
    }

    @Test
    void badSettingsAndInputsAreRejected() {
        // the settings are validated once, by the core builder
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlignUniformLoss.of(AlignUniform.builder().lambda(-1).build()));
        assertEquals("lambda must be >= 0 and finite, was -1.0", e.getMessage());
        assertThrows(NullPointerException.class, () -> AlignUniformLoss.of(null));
        e = assertThrows(IllegalArgumentException.class,
                () -> AlignUniformLoss.of(AlignUniform.builder().build(), " "));
        assertEquals("name must not be blank, was \" \"", e.getMessage());
        assertEquals("AlignUniformLoss{AlignUniform{alpha=1.5, t=2.0, lambda=1.0, normalize=true}, name=au}",
                AlignUniformLoss.of(AlignUniform.builder().alpha(1.5).build(), "au").toString());
        Matrix one = DjlTesting.gaussian(new SplittableRandom(5), 1, 3);
        e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(AlignUniformLoss.of(AlignUniform.builder().build()), null, List.of(one, one)));
        assertTrue(e.getMessage().contains("N >= 2"), e.getMessage());
    }
}
