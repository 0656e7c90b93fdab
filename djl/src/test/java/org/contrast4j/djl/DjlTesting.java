package org.contrast4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;

/**
 * Test support: seeded inputs, running a DJL loss with autograd on the PyTorch engine (CPU), and comparisons with a
 * record of the largest DJL-vs-core difference seen (printed by the tests that compare with core).
 */
final class DjlTesting {
    /** The largest relative difference seen so far (values: relative; gradients: relative to the max-abs entry). */
    static double largestValueDifference;
    static double largestGradientDifference;
    static String largestGradientWhere = "";

    private DjlTesting() {
    }

    static Matrix gaussian(SplittableRandom rnd, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            double u = rnd.nextDouble();
            double v = rnd.nextDouble();
            data[i] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return Matrix.of(rows, cols, data);
    }

    static long[] labels(SplittableRandom rnd, int n, int classes) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(classes);
        }
        return y;
    }

    /** The value of a DJL loss and the autograd gradient of every prediction. */
    record Run(double[] value, List<float[]> gradients) {
        double scalarValue() {
            double s = 0;
            for (double v : value) {
                s += v;
            }
            return s;
        }
    }

    /**
     * Evaluates {@code loss} on predictions built from {@code embeddings} (each an N×D matrix) then {@code scalars}
     * (one-element arrays), all with {@code setRequiresGradient(true)}, and back-propagates the value (the sum of the
     * entries for a per-row value).
     */
    static Run run(Loss loss, long[] labels, List<Matrix> embeddings, double... scalars) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList predictions = new NDList();
            for (Matrix e : embeddings) {
                predictions.add(m.create(e.data().clone(), new Shape(e.rows(), e.cols())));
            }
            for (double s : scalars) {
                predictions.add(m.create(new float[] {(float) s}, new Shape(1)));
            }
            for (NDArray p : predictions) {
                p.setRequiresGradient(true);
            }
            NDList labelList = labels == null ? new NDList(m.zeros(new Shape(embeddings.get(0).rows())))
                    : new NDList(m.create(labels));
            double[] value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray v = loss.evaluate(labelList, predictions);
                float[] f = v.toFloatArray();
                value = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    value[i] = f[i];
                }
                gc.backward(v);
            }
            List<float[]> grads = new ArrayList<>();
            for (NDArray p : predictions) {
                grads.add(p.getGradient().toFloatArray());
            }
            return new Run(value, grads);
        }
    }

    /** |actual − expected| ≤ rel·max(|expected|, floor), recorded. */
    static void assertValue(double expected, double actual, double rel, String what) {
        double scale = Math.max(Math.abs(expected), 1e-3);
        double diff = Math.abs(actual - expected) / scale;
        largestValueDifference = Math.max(largestValueDifference, diff);
        assertTrue(Double.isFinite(actual), what + ": value " + actual + " is not finite");
        assertTrue(diff <= rel, what + ": value " + actual + " vs " + expected + " (rel " + diff + " > " + rel + ")");
    }

    /** max|actual − expected| ≤ rel·max|expected| (the scale of the gradient), recorded. */
    static void assertGradient(float[] expected, float[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": gradient length");
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), what + ": gradient[" + i + "] = " + actual[i] + " is not finite");
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
        }
        double r = diff / Math.max(scale, 1e-12);
        if (r > largestGradientDifference) {
            largestGradientDifference = r;
            largestGradientWhere = what;
        }
        assertTrue(r <= rel, what + ": gradient differs by " + diff + " at scale " + scale + " (rel " + r + " > " + rel
                + ")");
    }

    static void assertGradient(Matrix expected, float[] actual, double rel, String what) {
        assertGradient(expected.data(), actual, rel, what);
    }

    static String largest() {
        return String.format("largest DJL-vs-core difference: value rel %.3g, gradient rel %.3g (%s)",
                largestValueDifference, largestGradientDifference, largestGradientWhere);
    }

    /**
     * How far a core loss (float32 data, double log-sum-exps) and the same loss as PyTorch float32 autograd may
     * differ, from {@link FloatBounds}: both compute the similarities of rows of norm ≤ R (1 for cosine) in float32,
     * each within δ = γ_{D+2}·R²/τ; a per-row loss is K-Lipschitz in them (K = 2 for a log-sum-exp minus a logit,
     * N for SigLIP's N softplus terms), the core's arithmetic adds {@link FloatBounds#logSumExpArithmetic}, PyTorch's
     * float32 log-sum-exp that and γ_{2N} of its sum of exponentials. Gradients: twice the core tests' relative
     * bound (D + 2n + 8)·u·(1 + L)·4·(1 + √D) of the largest entry; ∂L/∂log τ = −Σ g·l, a sum of n·2 terms of size
     * L that cancel, within w·n·(2·(e^{2δ} − 1)·L + 4δ) absolutely.
     */
    record Bounds(double perRow, double value, double gradientRelative, double scalar) {
        static Bounds of(ContrastiveLoss core, Batch batch) {
            String config = core.toString();
            boolean cosine = !config.contains("similarity=DOT");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("temperature=([0-9.Ee+-]+)").matcher(config);
            double tau = m.find() ? Double.parseDouble(m.group(1)) : 1.0;
            java.util.regex.Matcher clamp = java.util.regex.Pattern.compile("maxLogitScale=([0-9.Ee+-]+)")
                    .matcher(config);
            double scale = clamp.find() ? Math.min(1 / tau, Double.parseDouble(clamp.group(1))) : 1 / tau;
            int d = batch.dimension();
            int n = batch.size();
            double r = 1;
            if (!cosine) {
                r = Math.max(1, FloatBounds.maxRowNorm(batch.anchors().data(), d));
                if (batch.positives().isPresent()) {
                    r = Math.max(r, FloatBounds.maxRowNorm(batch.positives().get().data(), d));
                }
            }
            int rows = n * (batch.positives().isPresent() ? 2 : 1);
            double maxLogit = r * r * scale;
            double delta = FloatBounds.gamma(d + 2L) * r * r * scale;
            double k = config.startsWith("SigLip") ? n : 2;
            double core1 = k * delta + k * FloatBounds.logSumExpArithmetic(maxLogit, 0);
            double torch = k * delta
                    + k * (FloatBounds.logSumExpArithmetic(maxLogit, 2) + FloatBounds.gamma(2L * rows));
            double perRow = core1 + torch;
            boolean mean = config.contains("reduction=MEAN");
            double value = mean ? perRow : rows * perRow;
            double gradient = 2 * (d + 2.0 * rows + 8) * FloatBounds.U * (1 + maxLogit) * 4 * (1 + Math.sqrt(d));
            double w = mean ? 1.0 / n : 1.0;
            double deltaAll = delta + FloatBounds.logSumExpArithmetic(maxLogit, 2);
            // SigLIP's ∂L/∂b = Σ_ij σ'-weighted terms: n² terms each within w·(δ + arithmetic) (σ' ≤ ¼ ≤ 1)
            double scalar = Math.max(2 * w * rows * (2 * (FloatBounds.softmaxRelative(deltaAll) + FloatBounds.U)
                    * maxLogit + 4 * deltaAll), 2 * w * (double) n * n * deltaAll);
            return new Bounds(perRow, value, gradient, scalar);
        }

        /** The bound as the relative tolerance {@link #assertValue} takes (relative to max(|expected|, 1e-3)). */
        static double relative(double bound, double expected) {
            return bound / Math.max(Math.abs(expected), 1e-3);
        }
    }
}
