package org.contrast4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.Scalar;
import org.junit.jupiter.api.Test;

/**
 * A {@link ContrastiveLoss} written outside the loss package, as a user would, through the public
 * {@link LossResult#builder(Batch)}: its value and gradients check out against finite differences, and the builder
 * refuses malformed results with precise messages.
 */
class CustomLossTest {
    private static final double EPS32 = Math.ulp(1.0f);

    /**
     * A scaled squared-distance loss: ℓ_i = s·‖a_i − p_i‖², L = mean_i ℓ_i, with a learnable log-scale (s = e^θ),
     * so ∂L/∂a_i = 2s(a_i − p_i)/N, ∂L/∂p_i = −∂L/∂a_i and ∂L/∂θ = L. Reported under {@link Scalar#LOG_TEMPERATURE}.
     */
    static final class ScaledDistance implements ContrastiveLoss {
        final double logScale;

        ScaledDistance(double logScale) {
            this.logScale = logScale;
        }

        @Override
        public LossResult compute(Batch batch) {
            Matrix a = batch.anchors();
            Matrix p = batch.positives().orElseThrow(() -> new IllegalArgumentException("needs positives"));
            int n = a.rows();
            int d = a.cols();
            double s = Math.exp(logScale);
            double[] rows = new double[n];
            float[] ga = new float[n * d];
            float[] gp = new float[n * d];
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int c = i * d; c < (i + 1) * d; c++) {
                    double diff = (double) a.data()[c] - p.data()[c];
                    rows[i] += s * diff * diff;
                    ga[c] = (float) (2 * s * diff / n);
                    gp[c] = -ga[c];
                }
                total += rows[i];
            }
            double value = total / n;
            return LossResult.builder(batch).value(value).perRow(rows)
                    .gradient(Input.ANCHORS, Matrix.of(n, d, ga))
                    .gradient(Input.POSITIVES, Matrix.of(n, d, gp))
                    .scalarGradient(Scalar.LOG_TEMPERATURE, value)
                    .term("scale", s)
                    .build();
        }
    }

    private static Matrix gaussian(SplittableRandom r, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return Matrix.of(rows, cols, x);
    }

    /** The loss in double, from its formula. */
    private static double reference(double[] a, double[] p, int n, double logScale) {
        double total = 0;
        for (int k = 0; k < a.length; k++) {
            total += Math.exp(logScale) * (a[k] - p[k]) * (a[k] - p[k]);
        }
        return total / n;
    }

    @Test
    void aUserLossBuildsItsResultAndItsGradientsAreRight() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 5;
        int d = 3;
        Matrix a = gaussian(r, n, d);
        Matrix p = gaussian(r, n, d);
        double theta = 0.3;
        LossResult res = new ScaledDistance(theta).compute(Batch.of(a, p));
        double[] ad = new double[n * d];
        double[] pd = new double[n * d];
        for (int k = 0; k < ad.length; k++) {
            ad[k] = a.data()[k];
            pd[k] = p.data()[k];
        }
        double ref = reference(ad, pd, n, theta);
        double tol = 8 * d * EPS32 * ref + 1e-15;
        assertEquals(ref, res.value(), tol);
        double h = 1e-6;
        for (int k = 0; k < ad.length; k++) {
            double keep = ad[k];
            ad[k] = keep + h;
            double up = reference(ad, pd, n, theta);
            ad[k] = keep - h;
            double down = reference(ad, pd, n, theta);
            ad[k] = keep;
            double fd = (up - down) / (2 * h);
            // the gradient is rounded once to float32; finite differences are good to ~1e-9 here
            assertEquals(fd, res.gradient(Input.ANCHORS).data()[k], 4 * EPS32 * Math.abs(fd) + 1e-8, "anchor " + k);
            assertEquals(-fd, res.gradient(Input.POSITIVES).data()[k], 4 * EPS32 * Math.abs(fd) + 1e-8,
                    "positive " + k);
        }
        double fdTheta = (reference(ad, pd, n, theta + h) - reference(ad, pd, n, theta - h)) / (2 * h);
        assertEquals(fdTheta, res.scalarGradients().get(Scalar.LOG_TEMPERATURE), 1e-7 * Math.abs(fdTheta));
        assertEquals(List.of("scale"), List.copyOf(res.terms().keySet()));
        assertEquals(n, res.perRow().length);
        assertEquals(0, res.skippedRows());
    }

    @Test
    void theBuilderRefusesMalformedResults() {
        SplittableRandom r = new SplittableRandom(2);
        Matrix a = gaussian(r, 4, 3);
        Batch batch = Batch.of(a, gaussian(r, 4, 3));
        Map<String, Runnable> cases = Map.ofEntries(
                Map.entry("gradient for anchors and anchors must have the same shape: gradient for anchors is 3×3, "
                        + "anchors is 4×3",
                        () -> LossResult.builder(batch).gradient(Input.ANCHORS, Matrix.zeros(3, 3))),
                Map.entry("gradient for negatives, but the batch has no negatives",
                        () -> LossResult.builder(batch).gradient(Input.NEGATIVES, Matrix.zeros(4, 3))),
                Map.entry("gradient for anchors given twice", () -> LossResult.builder(batch)
                        .gradient(Input.ANCHORS, Matrix.zeros(4, 3)).gradient(Input.ANCHORS, Matrix.zeros(4, 3))),
                Map.entry("gradient for positives[2, 1] is NaN: inputs must be finite", () -> {
                    Matrix g = Matrix.zeros(4, 3);
                    g.set(2, 1, Float.NaN);
                    LossResult.builder(batch).gradient(Input.POSITIVES, g);
                }),
                Map.entry("value must be finite, was Infinity",
                        () -> LossResult.builder(batch).value(Double.POSITIVE_INFINITY)),
                Map.entry("perRow[1] must be finite, was NaN",
                        () -> LossResult.builder(batch).perRow(new double[] {0, Double.NaN})),
                Map.entry("perRow must hold at least one row, was empty",
                        () -> LossResult.builder(batch).perRow(new double[0])),
                Map.entry("skippedRows must be >= 0, was -1", () -> LossResult.builder(batch).skippedRows(-1)),
                Map.entry("skippedRows must be <= the 2 rows, was 3", () -> LossResult.builder(batch).value(0)
                        .perRow(new double[2]).skippedRows(3).build()),
                Map.entry("scalar gradient for bias must be finite, was NaN",
                        () -> LossResult.builder(batch).scalarGradient(Scalar.BIAS, Double.NaN)),
                Map.entry("term name must not be blank, was \" \"", () -> LossResult.builder(batch).term(" ", 1)),
                Map.entry("term x given twice", () -> LossResult.builder(batch).term("x", 1).term("x", 2)),
                Map.entry("term x must be finite, was NaN", () -> LossResult.builder(batch).term("x", Double.NaN)));
        for (Map.Entry<String, Runnable> c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.getValue()::run, c.getKey());
            assertEquals(c.getKey(), e.getMessage());
        }
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> LossResult.builder(batch).perRow(new double[1]).build());
        assertEquals("LossResult needs a value", s.getMessage());
        s = assertThrows(IllegalStateException.class, () -> LossResult.builder(batch).value(1).build());
        assertEquals("LossResult needs the per-row losses", s.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class, () -> LossResult.builder(null));
        assertEquals("batch must not be null", npe.getMessage());
        npe = assertThrows(NullPointerException.class,
                () -> LossResult.builder(batch).gradient(Input.ANCHORS, null));
        assertEquals("gradient must not be null", npe.getMessage());
    }

    @Test
    void theResultIsACopy() {
        SplittableRandom r = new SplittableRandom(3);
        Batch batch = Batch.of(gaussian(r, 2, 2), gaussian(r, 2, 2));
        double[] rows = {1, 2};
        LossResult res = LossResult.builder(batch).value(1.5).perRow(rows).build();
        rows[0] = 99;
        assertEquals(1.0, res.perRow()[0]);
        assertTrue(res.gradients().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> res.gradient(Input.ANCHORS));
    }
}
