package org.contrast4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.optim.Adam;

/**
 * Linear-probe accuracy: multinomial logistic regression trained on frozen training features, evaluated on the test
 * features (the linear evaluation protocol of self-supervised learning, e.g. Chen et al. 2020, on frozen features).
 *
 * <p>Features are standardised with the training mean and (population) standard deviation per dimension, floor 1e-6,
 * computed in double. The model p(y|x) = softmax(xW + b) (W: D×C, b: C, both starting at 0, so the fit is
 * deterministic) minimises
 * <pre>
 *   L = −(1/N) Σ_i log p(y_i | x_i) + (λ/2)‖W‖²,   λ = 1e-4
 * </pre>
 * by full-batch Adam (core's {@link Adam}: η = 0.05, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, w ← w − η·m̂/(√v̂ + ε)) for a
 * fixed number of steps — the same budget for every representation, not tuned per run. Gradients: ∂L/∂W = Xᵀ(P − Y)/N + λW, ∂L/∂b = column sums of (P − Y)/N. The gradients are float32 NDArray
 * operations on DJL's default engine (the matrix products of a 784-dimensional raw-pixel probe are the expensive
 * part); the Adam update runs on the JVM.
 */
final class LinearProbe {
    static final float LEARNING_RATE = 0.05f;
    static final float L2 = 1e-4f;

    private LinearProbe() {
    }

    /** Test accuracy of the probe trained for {@code steps} steps on ({@code train}, {@code trainLabels}). */
    static double accuracy(Matrix train, int[] trainLabels, Matrix test, int[] testLabels, int classes, int steps) {
        if (train.cols() != test.cols()) {
            throw new IllegalArgumentException("train features are " + train.shape() + ", test features "
                    + test.shape() + ": dimensions differ");
        }
        int n = train.rows();
        int d = train.cols();
        double[] mean = new double[d];
        double[] std = new double[d];
        float[] x = train.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                mean[c] += x[i * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            mean[c] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double u = x[i * d + c] - mean[c];
                std[c] += u * u;
            }
        }
        for (int c = 0; c < d; c++) {
            std[c] = Math.max(Math.sqrt(std[c] / n), 1e-6);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xs = m.create(standardise(train, mean, std), new Shape(n, d));
            NDArray y = m.create(oneHot(trainLabels, classes), new Shape(n, classes));
            NDArray w = m.zeros(new Shape(d, classes), DataType.FLOAT32);
            NDArray b = m.zeros(new Shape(classes), DataType.FLOAT32);
            Adam adamW = Adam.builder().learningRate(LEARNING_RATE).build(d * classes);
            Adam adamB = Adam.builder().learningRate(LEARNING_RATE).build(classes);
            NDArray xt = xs.transpose();
            for (int t = 1; t <= steps; t++) {
                try (NDScope scope = new NDScope()) { // closes every array made in the step
                    scope.suppressNotUsedWarning();
                    NDArray g = xs.matMul(w).addi(b).softmax(1).subi(y).divi((float) n);
                    NDArray gw = xt.matMul(g).addi(w.mul(L2));
                    NDArray gb = g.sum(new int[] {0});
                    step(adamW, w, gw);
                    step(adamB, b, gb);
                }
            }
            NDArray xTest = m.create(standardise(test, mean, std), new Shape(test.rows(), d));
            long[] pred = xTest.matMul(w).addi(b).argMax(1).toLongArray();
            int correct = 0;
            for (int i = 0; i < pred.length; i++) {
                if (pred[i] == testLabels[i]) {
                    correct++;
                }
            }
            return (double) correct / pred.length;
        }
    }

    /** One Adam step of {@code w} with gradient {@code g}, on the JVM (the probe's parameters are small). */
    private static void step(Adam adam, NDArray w, NDArray g) {
        float[] values = w.toFloatArray();
        adam.step(values, g.toFloatArray());
        w.set(values);
    }

    private static float[] standardise(Matrix x, double[] mean, double[] std) {
        int n = x.rows();
        int d = x.cols();
        float[] src = x.data();
        float[] dst = new float[src.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                dst[i * d + c] = (float) ((src[i * d + c] - mean[c]) / std[c]);
            }
        }
        return dst;
    }

    private static float[] oneHot(int[] labels, int classes) {
        float[] y = new float[Checks.product(labels.length, classes, "one-hot labels", 4)];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of training feature " + i
                        + " outside [0, " + classes + ")");
            }
            y[i * classes + labels[i]] = 1f;
        }
        return y;
    }
}
