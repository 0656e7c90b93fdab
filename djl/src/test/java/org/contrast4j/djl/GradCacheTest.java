package org.contrast4j.djl;

import static org.contrast4j.djl.DjlTesting.assertGradient;
import static org.contrast4j.djl.DjlTesting.assertValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SupCon;
import org.junit.jupiter.api.Test;

/**
 * The bridge's parameter gradients equal the direct full-batch computation — encode everything with gradient, the
 * DJL NDArray loss (itself equal to the core loss, see the loss tests), one backward — for several chunk sizes,
 * including a chunk larger than N and N not a multiple of the chunk.
 */
class GradCacheTest {
    private static final int N = 12;
    private static final int IN = 10;
    private static final double REL = 1e-4;

    /** A small MLP: Linear(16) → ReLU → Linear(8), deterministic (no dropout, no batch norm), seeded weights. */
    static Block mlp(NDManager m, int seed, int out) {
        Engine.getInstance().setRandomSeed(seed);
        SequentialBlock b = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(out).build());
        b.setInitializer(new NormalInitializer(0.3f), Parameter.Type.WEIGHT);
        b.initialize(m, DataType.FLOAT32, new Shape(1, IN));
        return b;
    }

    /**
     * How far two float32 forward passes of {@link #mlp} (Linear → ReLU → Linear) on the same rows may differ, per
     * output entry ({@link FloatBounds}): each is within the Higham bound of the exact network — the first layer's
     * pre-activation within γ_{IN+1}·(|W₁||x| + |b₁|), unchanged by ReLU (1-Lipschitz), the output within
     * γ_{16+1}·(|W₂||a₁| + |b₂|) + |W₂|·(the first layer's bound) — so they differ by at most twice that.
     */
    static double[] forwardBound(Block mlp, float[] x, int n) {
        List<float[]> p = new ArrayList<>();
        for (Parameter q : mlp.getParameters().values()) {
            p.add(q.getArray().toFloatArray());
        }
        float[] w1 = p.get(0);
        float[] b1 = p.get(1);
        float[] w2 = p.get(2);
        float[] b2 = p.get(3);
        int hidden = b1.length;
        int out = b2.length;
        double[] bound = new double[n * out];
        for (int i = 0; i < n; i++) {
            double[] a = new double[hidden];
            double[] da = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                double s = b1[j];
                double abs = Math.abs(b1[j]);
                for (int k = 0; k < IN; k++) {
                    s += (double) w1[j * IN + k] * x[i * IN + k];
                    abs += Math.abs((double) w1[j * IN + k] * x[i * IN + k]);
                }
                a[j] = Math.max(0, s);
                da[j] = FloatBounds.gamma(IN + 1L) * abs;
            }
            for (int o = 0; o < out; o++) {
                double abs = Math.abs(b2[o]);
                double prop = 0;
                for (int j = 0; j < hidden; j++) {
                    abs += Math.abs(w2[o * hidden + j]) * (a[j] + da[j]);
                    prop += Math.abs(w2[o * hidden + j]) * da[j];
                }
                bound[i * out + o] = 2 * (FloatBounds.gamma(hidden + 1L) * abs + prop);
            }
        }
        return bound;
    }

    private static double l1(float[] g) {
        double s = 0;
        for (float v : g) {
            s += Math.abs(v);
        }
        return s;
    }

    static NDArray inputs(NDManager m, long seed, int n) {
        Matrix x = DjlTesting.gaussian(new SplittableRandom(seed), n, IN);
        return m.create(x.data(), new Shape(n, IN));
    }

    static List<float[]> gradients(Block... blocks) {
        List<float[]> out = new ArrayList<>();
        for (Block b : blocks) {
            for (Parameter p : b.getParameters().values()) {
                out.add(p.getArray().getGradient().toFloatArray());
            }
        }
        return out;
    }

    static void zeroGradients(Block... blocks) {
        for (Block b : blocks) {
            for (Parameter p : b.getParameters().values()) {
                p.getArray().getGradient().muli(0);
            }
        }
    }

    /** Direct: both views encoded with gradient, the DJL loss on the whole batch, one backward. */
    private static double direct(Block encA, Block encB, ParameterStore ps, NDArray a, NDArray b, Loss loss,
                                 NDArray logTau, long[] labels) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList predictions = new NDList(encA.forward(ps, new NDList(a), true).singletonOrThrow());
            if (b != null) {
                predictions.add(encB.forward(ps, new NDList(b), true).singletonOrThrow());
            }
            if (logTau != null) {
                predictions.add(logTau);
            }
            NDManager m = a.getManager();
            NDArray y = labels == null ? m.zeros(new Shape(N)) : m.create(labels);
            NDArray v = loss.evaluate(new NDList(y), predictions);
            gc.backward(v);
            return v.getFloat();
        }
    }

    private static void compareChunkings(ContrastiveLoss core, Loss djl, double tau, boolean twoTowers) {
        compareChunkings(core, djl, tau, twoTowers, null, false);
    }

    private static void compareChunkings(ContrastiveLoss core, Loss djl, double tau, boolean twoTowers,
                                         long[] labels, boolean oneView) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block encA = mlp(m, 11, 8);
            Block encB = twoTowers ? mlp(m, 12, 8) : encA;
            Block[] blocks = twoTowers ? new Block[] {encA, encB} : new Block[] {encA};
            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = inputs(m, 1, N);
            NDArray b = oneView ? null : inputs(m, 2, N);
            NDArray logTau = null;
            if (!Double.isNaN(tau)) {
                logTau = m.create(new float[] {(float) Math.log(tau)}, new Shape(1));
                logTau.setRequiresGradient(true);
            }
            zeroGradients(blocks);
            double value = direct(encA, encB, ps, a, b, djl, logTau, labels);
            List<float[]> expected = gradients(blocks);
            for (int chunk : new int[] {1, 5, N, 50}) {
                zeroGradients(blocks);
                GradCache.Encoder fa = GradCache.Encoder.of(encA, ps);
                GradCache.Encoder fb = twoTowers ? GradCache.Encoder.of(encB, ps) : fa;
                LossResult r = new GradCache(core, chunk).step(fa, a, fb, b, labels);
                String what = core + " chunk " + chunk;
                // DJL's float32 loss against the core's on the same embeddings (DjlTesting.Bounds), plus the two
                // forward passes' difference (forwardBound, per entry) times the loss's sensitivity Σ|∂L/∂e|
                // (first order; the second-order term ~ (N·D·Δe)²/τ² is below 1e-8 here)
                Matrix ea = GradCache.embed(fa, a, N);
                Matrix eb = b == null ? null : GradCache.embed(fb, b, N);
                Batch batch = eb == null ? Batch.builder(ea).build() : Batch.of(ea, eb);
                DjlTesting.Bounds bounds = DjlTesting.Bounds.of(core, batch);
                double sensitivity = FloatBounds.maxAbs(forwardBound(encA, a.toFloatArray(), N))
                        * l1(r.gradient(Input.ANCHORS).data());
                if (eb != null) {
                    sensitivity += FloatBounds.maxAbs(forwardBound(encB, b.toFloatArray(), N))
                            * l1(r.gradient(Input.POSITIVES).data());
                }
                assertValue(value, r.value(), DjlTesting.Bounds.relative(bounds.value() + sensitivity, value), what);
                List<float[]> actual = gradients(blocks);
                for (int k = 0; k < expected.size(); k++) {
                    assertGradient(expected.get(k), actual.get(k), REL, what + " parameter " + k);
                }
                if (logTau != null) {
                    assertGradient(logTau.getGradient().toFloatArray(),
                            new float[] {r.scalarGradients().get(Scalar.LOG_TEMPERATURE).floatValue()}, REL,
                            what + " log τ");
                }
            }
        }
    }

    @Test
    void infoNceGradientsEqualTheFullBatchForEveryChunking() {
        compareChunkings(InfoNce.builder().temperature(0.2).build(),
                InfoNceLoss.of(InfoNce.builder().temperature(0.2).build()),
                Double.NaN, false);
    }

    @Test
    void clipWithLearnableTemperatureEqualsTheFullBatch() {
        compareChunkings(InfoNce.clip().build(), InfoNceLoss.of(InfoNce.clip().build(), "CLIP"), 0.07, false);
    }

    @Test
    void twoTowersEqualTheFullBatch() {
        compareChunkings(InfoNce.builder().symmetric(true).build(),
                InfoNceLoss.of(InfoNce.builder().symmetric(true).build()),
                Double.NaN, true);
    }

    @Test
    void supConWithLabelsEqualsTheFullBatch() {
        long[] labels = {0, 1, 2, 0, 1, 2, 3, 0, 1, 4, 2, 0}; // labels 3 and 4 once: skipped rows
        compareChunkings(SupCon.builder().temperature(0.3).build(),
                SupConLoss.of(SupCon.builder().temperature(0.3).build()),
                Double.NaN, false, labels, false);
        compareChunkings(SupCon.builder().build(),
                SupConLoss.of(SupCon.builder().build()), Double.NaN, false, labels, true);
    }

    @Test
    void embedEqualsOneForwardPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block enc = mlp(m, 3, 5);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = inputs(m, 4, 7);
            float[] expected = enc.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
            Matrix e = GradCache.embed(GradCache.Encoder.of(enc, ps), x, 3);
            assertEquals(7, e.rows());
            assertEquals(5, e.cols());
            double[] bound = forwardBound(enc, x.toFloatArray(), 7);
            for (int k = 0; k < expected.length; k++) {
                double err = Math.abs((double) e.data()[k] - expected[k]);
                assertTrue(err <= bound[k], "embed entry " + k + ": " + e.data()[k] + " vs " + expected[k]
                        + " (bound " + bound[k] + ")");
            }
        }
    }

    @Test
    void trainsAModelInADjlTrainer() {
        try (NDManager m = NDManager.newBaseManager(); Model model = Model.newInstance("gradcache")) {
            Engine.getInstance().setRandomSeed(5);
            SequentialBlock block = new SequentialBlock()
                    .add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(8).build());
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(InfoNceLoss.of(InfoNce.builder().build()))
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, IN));
                // two noisy views of the same 24 points: InfoNCE should learn to match them
                NDArray base = inputs(m, 6, 24);
                NDArray a = base.add(inputs(m, 7, 24).mul(0.3f));
                NDArray b = base.add(inputs(m, 8, 24).mul(0.3f));
                GradCache cache = new GradCache(InfoNce.builder().build(), 7);
                GradCache.Encoder encoder = GradCache.Encoder.of(trainer);
                double first = cache.step(encoder, a, b).value();
                trainer.step();
                double last = first;
                for (int step = 0; step < 30; step++) {
                    last = cache.step(encoder, a, b).value();
                    trainer.step();
                }
                assertTrue(last < 0.7 * first, "loss " + first + " → " + last);
            }
        }
    }

    @Test
    void trainsTheEncoderOfATwoViewModelWithItsOwnParameterStore() {
        try (NDManager m = NDManager.newBaseManager(); Model model = Model.newInstance("two-view")) {
            Engine.getInstance().setRandomSeed(9);
            TwoViewBlock block = TwoViewBlock.of(Linear.builder().setUnits(8).build());
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(NtXentLoss.of(NtXent.builder().build()))
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.02f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, IN), new Shape(1, IN));
                NDArray base = inputs(m, 6, 24);
                NDArray a = base.add(inputs(m, 7, 24).mul(0.3f));
                NDArray b = base.add(inputs(m, 8, 24).mul(0.3f));
                GradCache cache = new GradCache(NtXent.builder().build(), 10);
                GradCache.Encoder encoder = GradCache.Encoder.of(block.encoder(), new ParameterStore(m, false));
                float[] w0 = block.encoder().getParameters().get("weight").getArray().toFloatArray();
                double first = cache.step(encoder, a, b).value();
                trainer.step();
                float[] w1 = block.encoder().getParameters().get("weight").getArray().toFloatArray();
                assertTrue(!java.util.Arrays.equals(w0, w1), "trainer.step() must update the encoder's weights");
                double last = first;
                for (int step = 0; step < 30; step++) {
                    last = cache.step(encoder, a, b).value();
                    trainer.step();
                }
                assertTrue(last < 0.8 * first, "loss " + first + " → " + last);
            }
        }
    }

    @Test
    void badInputIsRejectedPrecisely() {
        ContrastiveLoss core = InfoNce.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GradCache(core, 0));
        assertTrue(e.getMessage().contains("chunk size must be >= 1, was 0"), e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            Block enc = mlp(m, 3, 5);
            ParameterStore ps = new ParameterStore(m, false);
            GradCache.Encoder f = GradCache.Encoder.of(enc, ps);
            GradCache cache = new GradCache(core, 4);
            e = assertThrows(IllegalArgumentException.class, () -> cache.step(f, inputs(m, 1, 6), inputs(m, 2, 5)));
            assertTrue(e.getMessage().contains("6 rows but inputs B have 5"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> cache.step(f, inputs(m, 1, 6), inputs(m, 2, 6), new long[5]));
            assertTrue(e.getMessage().contains("labels has 5 entries but the inputs have 6 rows"), e.getMessage());
            GradCache.Encoder flat = chunk -> chunk.flatten();
            e = assertThrows(IllegalArgumentException.class, () -> cache.step(flat, inputs(m, 1, 6), inputs(m, 2, 6)));
            assertTrue(e.getMessage().contains("4×D matrix for rows 0..3") && e.getMessage().contains("(40)"),
                    e.getMessage());
            GradCache.Encoder nan = chunk -> chunk.mul(Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> cache.step(nan, inputs(m, 1, 6), inputs(m, 2, 6)));
            assertTrue(e.getMessage().contains("anchors[0, 0] is NaN"), e.getMessage());
        }
    }
}
