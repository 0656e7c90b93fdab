package org.contrast4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
