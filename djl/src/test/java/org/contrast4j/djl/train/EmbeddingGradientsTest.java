package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.contrast4j.FloatBounds;
import org.contrast4j.djl.CosineSoftmaxLipschitz;
import org.contrast4j.djl.GradCache;
import org.contrast4j.djl.MlpReference;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Chunked (GradCache) back-propagation gives the parameter gradients of the whole-batch computation.
 *
 * <p>Each computation is checked against an independent double-precision reference ({@link MlpReference}: the
 * model's five dense layers, 784 → 32 → ReLU → 32 → ReLU → 4 | 4 → 16 → ReLU → 8, evaluated and back-propagated in
 * double from the same float32 parameters and images), with float32 error bounds derived from the layer sizes:
 * <ol>
 *   <li>the embeddings z the objective saw are the reference's outputs within the forward error bound
 *       (γ_{k+1}·(|W|·|a| + |b|) per layer of fan-in k, propagated through |W| and ReLU) — so the objective saw the
 *       embeddings of the right images in the right order;</li>
 *   <li>no ReLU pre-activation is within its forward error bound of 0 (checked; the seeds are chosen for it):
 *       otherwise a unit could switch between the chunked and the whole forward passes and move a whole row's
 *       contribution — so every pass has the reference's ReLU masks;</li>
 *   <li>the parameter gradients are the reference back-propagation of the objective gradient G that computation
 *       used, within γ_n·Σ_r|δ_r||a_r| (the n = 12 per-row contributions, summed in any order: one GEMM, or chunk
 *       by chunk and accumulated) plus the activations' forward error times |δ| and the back-propagated δ's own
 *       rounding (γ_out per layer) — {@link MlpReference#backward};</li>
 *   <li>the computations agree with each other: their objective values and gradients G are core NT-Xent (τ = 0.1)
 *       on embeddings that differ by the observed row distance β (0 when the passes agree bit for bit), so they are
 *       within twice core's float32 bound (value: per row 2·γ_{D+2}/τ + 2·logSumExpArithmetic(1/τ); gradient:
 *       (D + 2n + 8)·u·(1 + 1/τ)·4·(1 + √D) of the largest entry, as in core's loss tests) plus
 *       {@link CosineSoftmaxLipschitz} of β; the chunked parameter gradients are then within the reference bound of
 *       the whole batch's G with that difference as the output-gradient error.</li>
 * </ol>
 */
class EmbeddingGradientsTest {
    private static final int N = 12;
    private static final int P = 8;
    private static final double TAU = 0.1;
    /**
     * The model's and the images' seeds, chosen so that no ReLU pre-activation is within its float32 error bound of 0
     * (the smallest |z|/bound is 4.1 here; with the 784-wide first layer that bound is ~γ_785·Σ|w·x|, and for most
     * seeds one or two of the 960 units are that close).
     */
    private static final int MODEL_SEED = 12;
    private static final int IMAGE_SEED = 9;

    /** One computation: the objective's value, the embeddings it saw, its gradient G, the parameter gradients. */
    private record Run(double value, float[] z, float[] g, List<float[]> parameters, MlpReference reference) {
    }

    private static MlpReference reference(Model model, float[] images) {
        List<MlpReference.Layer> layers = new ArrayList<>();
        boolean[] relu = {true, true, false, true, false}; // encoder 784→32→32→4, head 4→16→8
        for (int l = 0; l < relu.length; l++) {
            layers.add(new MlpReference.Layer(model.parameters.get(2 * l).getArray().toFloatArray(),
                    model.parameters.get(2 * l + 1).getArray().toFloatArray(), relu[l]));
        }
        assertEquals(2 * relu.length, model.parameters.size(), "the model's parameters");
        return MlpReference.of(layers, images, N);
    }

    private static List<float[]> parameterGradients(Model model) {
        List<float[]> out = new ArrayList<>();
        for (var p : model.parameters) {
            out.add(p.getArray().getGradient().toFloatArray());
        }
        return out;
    }

    private static Run gradients(int chunk) {
        TrainingConfig config = TinyData.config().seed(MODEL_SEED).build();
        float[] images = TinyData.images(N, 3, IMAGE_SEED).allPixels();
        try (Model model = new Model(config, 28, 28)) {
            float[][] seen = new float[2][];
            double value = EmbeddingGradients.step(model, images, N, chunk, z -> {
                Matrix z1 = z.copyRows(0, 6);
                Matrix z2 = z.copyRows(6, 12);
                LossStep r = Objectives.compute(Objective.NTXENT, false, z1, z2, null, TAU);
                float[] g = new float[N * z.cols()];
                System.arraycopy(r.gradView1().data(), 0, g, 0, 6 * z.cols());
                System.arraycopy(r.gradView2().data(), 0, g, 6 * z.cols(), 6 * z.cols());
                seen[0] = z.data().clone();
                seen[1] = g;
                return new EmbeddingGradients.Result<>(r.value(), Matrix.of(N, z.cols(), g));
            });
            return new Run(value, seen[0], seen[1], parameterGradients(model), reference(model, images));
        }
    }

    /** The trainer's use of the bridge: NT-Xent through GradCache in chunks of 4 (view 1 | view 2 = rows 0–5 | 6–11). */
    private static Run bridgeGradients() {
        TrainingConfig config = TinyData.config().seed(MODEL_SEED).build();
        float[] images = TinyData.images(N, 3, IMAGE_SEED).allPixels();
        try (Model model = new Model(config, 28, 28)) {
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(6, 1, 28, 28);
            NDArray v1 = model.manager.create(Arrays.copyOfRange(images, 0, 6 * 784), shape);
            NDArray v2 = model.manager.create(Arrays.copyOfRange(images, 6 * 784, N * 784), shape);
            // record what the encoder returns: view 1 then view 2 without gradient (the embeddings the loss sees),
            // then both again with gradient
            List<float[]> outputs = new ArrayList<>();
            GradCache.Encoder encoder = chunk -> {
                NDArray e = model.forward(chunk, true, true);
                outputs.add(e.toFloatArray());
                return e;
            };
            LossResult r = new GradCache(Objectives.coreLoss(Objective.NTXENT, false, TAU), 4).step(encoder, v1, v2);
            float[] z = new float[N * P];
            int off = 0;
            for (float[] o : outputs) {
                if (off < z.length) {
                    System.arraycopy(o, 0, z, off, o.length);
                    off += o.length;
                }
            }
            float[] g = new float[N * P];
            System.arraycopy(r.gradient(Input.ANCHORS).data(), 0, g, 0, 6 * P);
            System.arraycopy(r.gradient(Input.POSITIVES).data(), 0, g, 6 * P, 6 * P);
            return new Run(r.value(), z, g, parameterGradients(model), reference(model, images));
        }
    }

    /** Checks 1–3 of the class comment on one computation. */
    private static void assertAgainstReference(Run run, String what) {
        run.reference().assertNoReluWithinRounding(what);
        run.reference().assertOutput(run.z(), what + " embeddings");
        MlpReference.Gradients ref = run.reference().backward(run.g(), null);
        ref.assertWithin(run.parameters(), what + " parameter gradients");
        record(ref, run.parameters());
    }

    /** Check 4: {@code other} agrees with the whole-batch computation {@code whole}. */
    private static void assertAgrees(Run whole, Run other, String what) {
        double s = 1 / TAU;
        CosineSoftmaxLipschitz lip = CosineSoftmaxLipschitz.of(s, P, whole.z(), other.z());
        double perRow = 2 * FloatBounds.gamma(P + 2L) * s + 2 * FloatBounds.logSumExpArithmetic(s, 3);
        double valueBound = 2 * perRow + lip.value();
        assertTrue(Math.abs(whole.value() - other.value()) <= valueBound, what + ": objective " + other.value()
                + " vs whole batch " + whole.value() + " (bound " + valueBound + ")");
        double relative = (P + 2.0 * N + 8) * FloatBounds.U * (1 + s) * 4 * (1 + Math.sqrt(P));
        double gBound = 2 * relative * Math.max(FloatBounds.maxAbs(whole.g()), FloatBounds.maxAbs(other.g()))
                + lip.gradient();
        double[] dg = new double[whole.g().length];
        for (int k = 0; k < dg.length; k++) {
            double diff = Math.abs(whole.g()[k] - other.g()[k]);
            int kk = k;
            assertTrue(diff <= gBound, () -> what + ": ∂L/∂z entry " + kk + ": " + other.g()[kk] + " vs whole batch "
                    + whole.g()[kk] + " (bound " + gBound + ")");
            dg[k] = gBound;
        }
        // the parameter gradients: the whole batch's reference back-propagation, with the G difference as input error
        MlpReference.Gradients ref = whole.reference().backward(whole.g(), dg);
        ref.assertWithin(other.parameters(), what + " vs whole batch");
        record(ref, other.parameters());
    }

    /** The largest |difference| / bound, and bound / Σ_r|δ_r||a_r|, seen (printed once per run). */
    private static double largestRatio;
    private static double largestBoundOverMagnitude;

    private static void record(MlpReference.Gradients ref, List<float[]> actual) {
        largestRatio = Math.max(largestRatio, ref.largestRatio(actual));
        for (int k = 0; k < actual.size(); k++) {
            largestBoundOverMagnitude = Math.max(largestBoundOverMagnitude, ref.boundOverMagnitude(k));
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("EmbeddingGradientsTest: largest |difference| / derived bound %.3g; largest bound / Σ|terms|"
                + " %.3g%n", largestRatio, largestBoundOverMagnitude);
    }

    @Test
    void bridgeEqualsTheWholeBatch() {
        Run whole = gradients(0);
        Run bridge = bridgeGradients();
        assertAgainstReference(whole, "whole batch");
        assertAgainstReference(bridge, "GradCache chunks of 4");
        assertAgrees(whole, bridge, "GradCache chunks of 4");
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

    @Test
    void chunksOfFiveEqualTheWholeBatch() {
        Run whole = gradients(0);
        Run chunked = gradients(5);
        assertAgainstReference(whole, "whole batch");
        assertAgainstReference(chunked, "chunks of 5");
        assertAgrees(whole, chunked, "chunks of 5");
    }
}
