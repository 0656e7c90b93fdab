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

    @Test
    void chunksOfFiveEqualTheWholeBatch() {
        List<float[]> whole = gradients(0);
        List<float[]> chunked = gradients(5);
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
}
