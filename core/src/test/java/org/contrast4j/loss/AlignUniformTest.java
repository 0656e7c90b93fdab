package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Uniformity;
import org.junit.jupiter.api.Test;

/**
 * {@link AlignUniform} against a reference written from Wang &amp; Isola's formulas in double (every pair i &lt; j
 * visited directly, the normalisation in double): the value and each term directly, every gradient against central
 * finite differences of that reference. Tolerances follow the float32 error of the library's computation: rows
 * normalised to float32, squared distances from float32 dot products (error ≤ D·ε·‖u_i‖‖u_j‖ each), weights and the
 * sums Σ_j w_ij u_j in float32 (error ≤ N·ε times the sum of the magnitudes), so the bound is a small multiple of
 * (N + D)·ε₃₂ times the magnitude of the terms involved.
 */
class AlignUniformTest {
    private static final double EPS32 = Math.ulp(1.0f);

    /** The objective in double, from the formulas; x and y are N×D row-major. */
    private static final class Reference {
        final AlignUniform loss;
        final int n;
        final int d;

        Reference(AlignUniform loss, int n, int d) {
            this.loss = loss;
            this.n = n;
            this.d = d;
        }

        double[] prepare(double[] x) {
            if (!loss.normalize()) {
                return x.clone();
            }
            double[] u = new double[x.length];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += x[i * d + c] * x[i * d + c];
                }
                double norm = Math.max(Math.sqrt(s), 1e-12);
                for (int c = 0; c < d; c++) {
                    u[i * d + c] = x[i * d + c] / norm;
                }
            }
            return u;
        }

        double alignment(double[] x, double[] y) {
            double[] u = prepare(x);
            double[] v = prepare(y);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double diff = u[i * d + c] - v[i * d + c];
                    s += diff * diff;
                }
                total += Math.pow(Math.sqrt(s), loss.alpha());
            }
            return total / n;
        }

        double uniformity(double[] x) {
            double[] u = prepare(x);
            double[] e = new double[n * (n - 1) / 2];
            int k = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        double diff = u[i * d + c] - u[j * d + c];
                        s += diff * diff;
                    }
                    e[k] = -loss.t() * s;
                    max = Math.max(max, e[k++]);
                }
            }
            double sum = 0;
            for (double v : e) {
                sum += Math.exp(v - max);
            }
            return max + Math.log(sum / e.length);
        }

        double value(double[] x, double[] y) {
            double v = alignment(x, y);
            return loss.lambda() == 0 ? v : v + loss.lambda() * (uniformity(x) + uniformity(y)) / 2;
        }

        /** Central differences of {@link #value} with respect to every entry of x (which = 0) or y (which = 1). */
        double[] gradient(double[] x, double[] y, int which) {
            double[] target = which == 0 ? x : y;
            double[] g = new double[target.length];
            for (int k = 0; k < target.length; k++) {
                double keep = target[k];
                double h = 1e-6 * Math.max(1, Math.abs(keep));
                target[k] = keep + h;
                double up = value(x, y);
                target[k] = keep - h;
                double down = value(x, y);
                target[k] = keep;
                g[k] = (up - down) / (2 * h);
            }
            return g;
        }

        /**
         * The magnitude the float32 rounding of a gradient entry of row i scales with: the alignment term plus
         * λ·t·Σ_j w_ij(|u_i| + |u_j|) bounded by 2λt·max|u| (the weights of a row sum to at most 1), divided by the
         * row norm for the normalisation's backward.
         */
        double gradientScale(double[] x, double[] y) {
            double[] u = prepare(x);
            double[] v = prepare(y);
            double maxU = 0;
            double maxAlign = 0;
            double minNorm = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double s = 0;
                double nx = 0;
                double ny = 0;
                for (int c = 0; c < d; c++) {
                    maxU = Math.max(maxU, Math.max(Math.abs(u[i * d + c]), Math.abs(v[i * d + c])));
                    s += Math.pow(u[i * d + c] - v[i * d + c], 2);
                    nx += x[i * d + c] * x[i * d + c];
                    ny += y[i * d + c] * y[i * d + c];
                }
                maxAlign = Math.max(maxAlign, loss.alpha() * Math.pow(Math.sqrt(s), loss.alpha() - 1) / n);
                minNorm = Math.min(minNorm, Math.sqrt(Math.min(nx, ny)));
            }
            double scale = maxAlign + 2 * loss.lambda() * loss.t() * maxU;
            return loss.normalize() ? scale / minNorm : scale;
        }

        /** The largest squared norm of a prepared row (the magnitude the distances are computed from). */
        double maxSquaredNorm(double[] x, double[] y) {
            double max = 0;
            for (double[] z : new double[][] {prepare(x), prepare(y)}) {
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += z[i * d + c] * z[i * d + c];
                    }
                    max = Math.max(max, s);
                }
            }
            return max;
        }
    }

    private static Matrix gaussian(SplittableRandom r, int rows, int cols, double scale) {
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return Matrix.of(rows, cols, a);
    }

    private static double[] toDouble(Matrix m) {
        double[] out = new double[m.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.data()[i];
        }
        return out;
    }

    private static void check(AlignUniform loss, Matrix x, Matrix y, int block) {
        int n = x.rows();
        int d = x.cols();
        LossResult r = loss.compute(Batch.of(x, y), block);
        Reference ref = new Reference(loss, n, d);
        double[] xd = toDouble(x);
        double[] yd = toDouble(y);
        double q = ref.maxSquaredNorm(xd, yd);
        // distances: each off by ≤ 2(D + 2)·ε·q; the uniformity moves by t times that; alignment rows similarly
        double distanceError = 2 * (d + 2) * EPS32 * q;
        double valueTol = 8 * (loss.alpha() * Math.pow(Math.max(4 * q, 1e-30), Math.max(loss.alpha() / 2 - 0.5, 0))
                * distanceError + loss.lambda() * loss.t() * distanceError) + 1e-12;
        String what = loss + " N=" + n + " D=" + d + " block=" + block;
        assertEquals(ref.value(xd, yd), r.value(), valueTol, what + ": value");
        assertEquals(ref.alignment(xd, yd), r.terms().get("alignment"), valueTol, what + ": alignment");
        if (loss.lambda() > 0) {
            assertEquals(ref.uniformity(xd), r.terms().get("uniformity_anchors"), valueTol, what + ": unif x");
            assertEquals(ref.uniformity(yd), r.terms().get("uniformity_positives"), valueTol, what + ": unif y");
        } else {
            assertEquals(1, r.terms().size(), what + ": only the alignment term when lambda = 0");
        }
        double[] u = ref.prepare(xd);
        double[] v = ref.prepare(yd);
        double[] perRow = r.perRow();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += Math.pow(u[i * d + c] - v[i * d + c], 2);
            }
            assertEquals(Math.pow(s, loss.alpha() / 2), perRow[i], valueTol * n, what + ": per-row " + i);
        }
        double gradTol = 8 * (n + d) * EPS32 * ref.gradientScale(xd, yd) + 1e-8;
        Input[] inputs = {Input.ANCHORS, Input.POSITIVES};
        for (int which = 0; which < 2; which++) {
            double[] fd = ref.gradient(xd, yd, which);
            float[] g = r.gradient(inputs[which]).data();
            for (int k = 0; k < fd.length; k++) {
                assertEquals(fd[k], g[k], gradTol, what + ": gradient " + inputs[which].key() + " [" + k / d + ", "
                        + k % d + "]");
            }
        }
        assertTrue(r.scalarGradients().isEmpty());
        assertEquals(0, r.skippedRows());
    }

    @Test
    void defaultsMatchTheReference() {
        SplittableRandom r = new SplittableRandom(1);
        Matrix x = gaussian(r, 8, 5, 1);
        Matrix y = Matrix.of(8, 5, x.data().clone());
        float[] yd = y.data();
        for (int i = 0; i < yd.length; i++) {
            yd[i] += (float) (0.5 * r.nextGaussian());
        }
        check(AlignUniform.builder().build(), x, y, AlignUniform.BLOCK);
    }

    @Test
    void otherExponentsScalesAndWeights() {
        SplittableRandom r = new SplittableRandom(2);
        check(AlignUniform.builder().alpha(1.5).t(1).lambda(0.5).build(), gaussian(r, 7, 4, 1), gaussian(r, 7, 4, 1),
                AlignUniform.BLOCK);
        check(AlignUniform.builder().alpha(1).t(3).build(), gaussian(r, 6, 6, 2), gaussian(r, 6, 6, 2),
                AlignUniform.BLOCK);
        check(AlignUniform.builder().alpha(3).t(0.5).lambda(2).normalize(false).build(), gaussian(r, 6, 3, 0.5),
                gaussian(r, 6, 3, 0.5), AlignUniform.BLOCK);
    }

    @Test
    void alignmentOnlyAllowsOnePair() {
        SplittableRandom r = new SplittableRandom(3);
        AlignUniform loss = AlignUniform.builder().lambda(0).build();
        check(loss, gaussian(r, 6, 4, 1), gaussian(r, 6, 4, 1), AlignUniform.BLOCK);
        check(loss, gaussian(r, 1, 4, 1), gaussian(r, 1, 4, 1), AlignUniform.BLOCK);
    }

    @Test
    void manyTilesGiveTheSameAnswer() {
        // 37 rows in tiles of 8: full, partial and diagonal tiles, in both passes
        SplittableRandom r = new SplittableRandom(4);
        Matrix x = gaussian(r, 37, 6, 1);
        Matrix y = gaussian(r, 37, 6, 1);
        AlignUniform loss = AlignUniform.builder().t(1.5).build();
        check(loss, x, y, 8);
        check(loss, x, y, 1);
        check(loss, x, y, AlignUniform.BLOCK);
    }

    @Test
    void valueIsTheMetricsCombined() {
        SplittableRandom r = new SplittableRandom(5);
        Matrix x = gaussian(r, 40, 8, 1);
        Matrix y = gaussian(r, 40, 8, 1);
        for (AlignUniform loss : new AlignUniform[] {AlignUniform.builder().build(),
                AlignUniform.builder().alpha(1.5).t(0.7).lambda(3).normalize(false).build()}) {
            LossResult res = loss.compute(Batch.of(x, y));
            double align = Alignment.of(x, y, loss.alpha(), loss.normalize());
            double ux = Uniformity.of(x, loss.t(), loss.normalize());
            double uy = Uniformity.of(y, loss.t(), loss.normalize());
            // both sides round float32 distances of magnitude ≤ 4q (q ~ D for raw Gaussian rows of scale 1)
            double tol = 16 * (8 + 2) * EPS32 * (loss.normalize() ? 4 : 4 * 8 * 8) * (1 + loss.lambda() * loss.t());
            assertEquals(align + loss.lambda() * (ux + uy) / 2, res.value(), tol, loss.toString());
            assertEquals(align, res.terms().get("alignment"), tol);
            assertEquals(ux, res.terms().get("uniformity_anchors"), tol);
            assertEquals(uy, res.terms().get("uniformity_positives"), tol);
        }
    }

    @Test
    void collapsedPointsHaveUniformityZeroAndNoUniformityGradient() {
        float[] row = {0.3f, -1.2f, 0.5f, 2.0f};
        float[] all = new float[6 * 4];
        for (int i = 0; i < 6; i++) {
            System.arraycopy(row, 0, all, i * 4, 4);
        }
        Matrix x = Matrix.of(6, 4, all);
        LossResult r = AlignUniform.builder().build().compute(Batch.of(x, x.copy()));
        double tol = 16 * (4 + 2) * EPS32 * 2;
        assertEquals(0.0, r.terms().get("uniformity_anchors"), tol);
        assertEquals(0.0, r.terms().get("alignment"), tol);
        assertEquals(0.0, r.value(), 2 * tol);
        for (float g : r.gradient(Input.ANCHORS).data()) {
            assertEquals(0.0, g, 8 * (6 + 4) * EPS32 * 2 * 2 * 2); // all w_ij equal: Σ_j w_ij (u_i − u_j) = 0
        }
    }

    @Test
    void rejectsBadInputsAndSettingsPrecisely() {
        SplittableRandom r = new SplittableRandom(6);
        Matrix one = gaussian(r, 1, 3, 1);
        AlignUniform loss = AlignUniform.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(Batch.of(one, one.copy())));
        assertEquals("align-uniform needs N >= 2 pairs when lambda > 0 (uniformity averages over pairs of rows), "
                + "the batch has N = 1", e.getMessage());
        Matrix x = gaussian(r, 4, 3, 1);
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(Batch.builder(x).build()));
        assertTrue(e.getMessage().startsWith("align-uniform needs positives"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(
                Batch.builder(x).positives(x.copy()).labels(new long[] {0, 1, 0, 1}).build()));
        assertTrue(e.getMessage().startsWith("align-uniform does not use labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(
                Batch.builder(x).positives(x.copy()).sharedNegatives(gaussian(r, 2, 3, 1)).build()));
        assertTrue(e.getMessage().startsWith("align-uniform does not use explicit negatives"), e.getMessage());
        assertThrows(NullPointerException.class, () -> loss.compute(null));

        e = assertThrows(IllegalArgumentException.class, () -> AlignUniform.builder().alpha(0));
        assertEquals("alpha must be > 0 and finite, was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AlignUniform.builder().t(Double.NaN));
        assertEquals("t must be > 0 and finite, was NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AlignUniform.builder().lambda(-1));
        assertEquals("lambda must be >= 0 and finite, was -1.0", e.getMessage());
        assertEquals("AlignUniform{alpha=2.0, t=2.0, lambda=1.0, normalize=true}", loss.toString());
        assertEquals("AlignUniform{alpha=1.5, t=1.0, lambda=0.0, normalize=false}",
                AlignUniform.builder().alpha(1.5).t(1).lambda(0).normalize(false).build().toString());
    }

    @Test
    void rawRowsBeyondFloatRangeAreAnErrorNotInfinity() {
        // raw rows of magnitude 1e37: the alignment gradient 2(x − y)/N is finite, the uniformity's Σ_j w_ij·x_j too,
        // but with α = 3 the gradient α‖x − y‖·(x − y)/N is ~1e74: it cannot be a float32
        float[] a = {1e37f, 0, -1e37f, 0, 0, 1e37f};
        float[] b = {-1e37f, 0, 1e37f, 0, 0, -1e37f};
        AlignUniform loss = AlignUniform.builder().alpha(3).normalize(false).build();
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> loss.compute(Batch.of(Matrix.of(3, 2, a), Matrix.of(3, 2, b))));
        assertTrue(e.getMessage().startsWith("align-uniform: the gradient for anchors at [0, 0] is "), e.getMessage());
        assertTrue(e.getMessage().endsWith("needs smaller raw rows (or normalize(true))"), e.getMessage());
        // the same rows normalised are fine
        LossResult ok = AlignUniform.builder().alpha(3).build().compute(Batch.of(Matrix.of(3, 2, a),
                Matrix.of(3, 2, b)));
        assertTrue(Double.isFinite(ok.value()));
    }

    @Test
    void termsAreNamedAndFinite() {
        SplittableRandom r = new SplittableRandom(7);
        LossResult res = AlignUniform.builder().build().compute(Batch.of(gaussian(r, 5, 3, 1), gaussian(r, 5, 3, 1)));
        assertEquals(java.util.List.of("alignment", "uniformity_anchors", "uniformity_positives"),
                java.util.List.copyOf(res.terms().keySet()));
        for (Map.Entry<String, Double> t : res.terms().entrySet()) {
            assertTrue(Double.isFinite(t.getValue()), t.getKey());
        }
        assertTrue(res.terms().get("uniformity_anchors") <= 0, "uniformity is a log of a mean of values <= 1");
        assertFalse(res.gradients().containsKey(Input.NEGATIVES));
    }
}
