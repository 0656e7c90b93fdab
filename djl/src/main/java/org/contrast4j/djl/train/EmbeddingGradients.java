package org.contrast4j.djl.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.contrast4j.linalg.Matrix;

/**
 * One training step's gradients through the embeddings: the network's outputs z for a batch, the objective's value
 * and its gradient G = ∂L/∂z computed by core on the JVM, then the parameter gradients by back-propagating the
 * scalar Σ z ⊙ G (whose gradient with respect to z is G, so the chain rule gives ∂L/∂θ).
 *
 * <p>With {@code chunk} ≥ the number of images this encodes everything once with gradient recording. With a smaller
 * chunk it is the GradCache scheme (Gao et al. 2021, "Scaling Deep Contrastive Learning Batch Size under Memory
 * Limited Setup"): encode the chunks without gradient, compute G for the whole batch, then re-encode each chunk with
 * gradient and back-propagate Σ z_chunk ⊙ G_chunk, accumulating the parameter gradients. Both give the same
 * gradients up to float rounding, because the networks here have no batch-dependent layers.
 */
final class EmbeddingGradients {
    private EmbeddingGradients() {
    }

    /**
     * Fills every parameter's gradient and returns the objective's result.
     *
     * @param images n·rows·cols floats
     * @param n the number of images (both views stacked)
     * @param chunk images per forward pass with gradient (0 = all)
     * @param objective maps the n×P head outputs to the objective's value and ∂L/∂z (n×P)
     */
    static <R> R step(Model model, float[] images, int n, int chunk, Function<Matrix, Result<R>> objective) {
        int pix = model.rows * model.cols;
        int p = model.projectionDim;
        int size = chunk <= 0 || chunk >= n ? n : chunk;
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            gc.zeroGradients();
            if (size == n) {
                NDArray x = model.manager.create(images, new Shape(n, 1, model.rows, model.cols));
                NDArray z = model.forward(x, true, true);
                Result<R> r = objective.apply(Matrix.of(n, p, z.toFloatArray()));
                NDArray g = model.manager.create(r.gradient().data(), z.getShape());
                gc.backward(z.mul(g).sum());
                return r.value();
            }
            float[] all = model.project(images, n);
            Result<R> r = objective.apply(Matrix.of(n, p, all));
            float[] grad = r.gradient().data();
            for (int from = 0; from < n; from += size) {
                int m = Math.min(size, n - from);
                float[] xs = new float[m * pix];
                System.arraycopy(images, from * pix, xs, 0, m * pix);
                float[] gs = new float[m * p];
                System.arraycopy(grad, from * p, gs, 0, m * p);
                NDArray x = model.manager.create(xs, new Shape(m, 1, model.rows, model.cols));
                NDArray z = model.forward(x, true, true);
                NDArray g = model.manager.create(gs, z.getShape());
                gc.backward(z.mul(g).sum());
            }
            return r.value();
        }
    }

    /** The objective's outcome and its gradient with respect to the n×P outputs. */
    record Result<R>(R value, Matrix gradient) {
    }
}
