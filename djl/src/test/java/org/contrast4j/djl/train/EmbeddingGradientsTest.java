package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** Chunked (GradCache) back-propagation gives the parameter gradients of the whole-batch computation. */
class EmbeddingGradientsTest {
    private static List<float[]> gradients(int chunk) {
        TrainingConfig config = TinyData.config().build();
        float[] images = TinyData.images(12, 3, 5).allPixels();
        try (Model model = new Model(config, 28, 28)) {
            double value = EmbeddingGradients.step(model, images, 12, chunk, z -> {
                Matrix z1 = z.copyRows(0, 6);
                Matrix z2 = z.copyRows(6, 12);
                LossStep r = Objectives.compute(Objective.NTXENT, false, z1, z2, null, 0.1);
                float[] g = new float[12 * z.cols()];
                System.arraycopy(r.gradView1().data(), 0, g, 0, 6 * z.cols());
                System.arraycopy(r.gradView2().data(), 0, g, 6 * z.cols(), 6 * z.cols());
                return new EmbeddingGradients.Result<>(r.value(), Matrix.of(12, z.cols(), g));
            });
            List<float[]> out = new ArrayList<>();
            out.add(new float[] {(float) value});
            for (var p : model.parameters) {
                NDArray g = p.getArray().getGradient();
                out.add(g.toFloatArray());
            }
            return out;
        }
    }

    /** The trainer's use of the bridge: NT-Xent through GradCache in chunks of 4 (view 1 | view 2 = rows 0–5 | 6–11). */
    private static List<float[]> bridgeGradients() {
        TrainingConfig config = TinyData.config().build();
        float[] images = TinyData.images(12, 3, 5).allPixels();
        try (Model model = new Model(config, 28, 28)) {
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(6, 1, 28, 28);
            NDArray v1 = model.manager.create(java.util.Arrays.copyOfRange(images, 0, 6 * 784), shape);
            NDArray v2 = model.manager.create(java.util.Arrays.copyOfRange(images, 6 * 784, 12 * 784), shape);
            var r = new org.contrast4j.djl.GradCache(Objectives.coreLoss(Objective.NTXENT, false, 0.1), 4)
                    .step(chunk -> model.forward(chunk, true, true), v1, v2);
            List<float[]> out = new ArrayList<>();
            out.add(new float[] {(float) r.value()});
            for (var p : model.parameters) {
                out.add(p.getArray().getGradient().toFloatArray());
            }
            return out;
        }
    }

    @Test
    void bridgeEqualsTheWholeBatch() {
        assertClose(gradients(0), bridgeGradients());
    }

    @Test
    void adamConsumesTheGradients() {
        TrainingConfig config = TinyData.config().build();
        float[] images = TinyData.images(12, 3, 5).allPixels();
        try (Model model = new Model(config, 28, 28)) {
            Adam adam = new Adam(1e-3, model.parameters);
            List<float[]> first = new ArrayList<>();
            for (int rep = 0; rep < 2; rep++) {
                EmbeddingGradients.step(model, images, 12, 0, z -> new EmbeddingGradients.Result<>(0.0,
                        Matrix.of(12, z.cols(), new float[12 * z.cols()]).copy()));
                EmbeddingGradients.step(model, images, 12, 0, z -> {
                    float[] g = new float[12 * z.cols()];
                    java.util.Arrays.fill(g, 0.5f);
                    return new EmbeddingGradients.Result<>(0.0, Matrix.of(12, z.cols(), g));
                });
                List<float[]> now = new ArrayList<>();
                for (var p : model.parameters) {
                    now.add(p.getArray().getGradient().toFloatArray());
                }
                if (rep == 0) {
                    first.addAll(now);
                    adam.step();
                    for (var p : model.parameters) {
                        for (float v : p.getArray().getGradient().toFloatArray()) {
                            assertEquals(0f, v);
                        }
                    }
                } else {
                    // the parameters moved, so compare only that the gradient did not double (accumulate)
                    double a = 0;
                    double b = 0;
                    for (int k = 0; k < now.size(); k++) {
                        for (int i = 0; i < now.get(k).length; i++) {
                            a += Math.abs(first.get(k)[i]);
                            b += Math.abs(now.get(k)[i]);
                        }
                    }
                    assertEquals(a, b, 0.05 * a);
                }
            }
        }
    }

    private static void assertClose(List<float[]> whole, List<float[]> chunked) {
        assertEquals(whole.size(), chunked.size());
        assertEquals(whole.get(0)[0], chunked.get(0)[0], 1e-5, "objective value");
        for (int k = 1; k < whole.size(); k++) {
            float[] a = whole.get(k);
            float[] b = chunked.get(k);
            double scale = 0;
            for (float v : a) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-4 * scale + 1e-7, "parameter " + k + " entry " + i);
            }
        }
    }

    @Test
    void chunksOfFiveEqualTheWholeBatch() {
        assertClose(gradients(0), gradients(5));
    }
}
