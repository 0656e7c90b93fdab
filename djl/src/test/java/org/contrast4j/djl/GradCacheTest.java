package org.contrast4j.djl;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge's parameter gradients equal the direct full-batch computation — encode everything with gradient, the
 * DJL NDArray loss (itself equal to the core loss, see the loss tests), one backward — for several chunk sizes,
 * including a chunk larger than N and N not a multiple of the chunk.
 */
class GradCacheTest {
    private static final int N = 12;
    private static final int IN = 10;

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

    /** The value of the direct computation and the embeddings its loss saw (B: null for one view). */
    private record Direct(double value, float[] embeddingsA, float[] embeddingsB) {
    }

    /** Direct: both views encoded with gradient, the DJL loss on the whole batch, one backward. */
    private static Direct direct(Block encA, Block encB, ParameterStore ps, NDArray a, NDArray b, Loss loss,
                                 NDArray logTau, long[] labels) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray ea = encA.forward(ps, new NDList(a), true).singletonOrThrow();
            NDList predictions = new NDList(ea);
            NDArray eb = null;
            if (b != null) {
                eb = encB.forward(ps, new NDList(b), true).singletonOrThrow();
                predictions.add(eb);
            }
            if (logTau != null) {
                predictions.add(logTau);
            }
            NDManager m = a.getManager();
            NDArray y = labels == null ? m.zeros(new Shape(N)) : m.create(labels);
            NDArray v = loss.evaluate(new NDList(y), predictions);
            gc.backward(v);
            return new Direct(v.getFloat(), ea.toFloatArray(), eb == null ? null : eb.toFloatArray());
        }
    }

    /**
     * An encoder that records every embedding it returns, in call order: GradCache encodes inputs A then B chunk by
     * chunk without gradient (phase 1, the embeddings its loss sees), then again with gradient (phase 3).
     */
    private static final class Recording implements GradCache.Encoder {
        private final GradCache.Encoder inner;
        private final List<float[]> outputs = new ArrayList<>();

        Recording(GradCache.Encoder inner) {
            this.inner = inner;
        }

        @Override
        public NDArray encode(NDArray chunk) {
            NDArray e = inner.encode(chunk);
            outputs.add(e.toFloatArray());
            return e;
        }

        /** Rows [from, to) of everything returned so far, concatenated (d columns). */
        float[] rows(int from, int to, int d) {
            float[] all = new float[outputs.stream().mapToInt(o -> o.length).sum()];
            int off = 0;
            for (float[] o : outputs) {
                System.arraycopy(o, 0, all, off, o.length);
                off += o.length;
            }
            return java.util.Arrays.copyOfRange(all, from * d, to * d);
        }
    }

    /** The block's dense layers for {@link MlpReference}: Linear → ReLU → Linear (the {@link #mlp} shape). */
    static List<MlpReference.Layer> layers(Block mlp) {
        List<float[]> p = new ArrayList<>();
        for (Parameter q : mlp.getParameters().values()) {
            p.add(q.getArray().toFloatArray());
        }
        return List.of(new MlpReference.Layer(p.get(0), p.get(1), true),
                new MlpReference.Layer(p.get(2), p.get(3), false));
    }

    private static float[] concat(float[] x, float[] y) {
        if (y == null) {
            return x;
        }
        float[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    /** Per-entry bound: {@code relative}·max|g| + {@code absolute}. */
    private static double[] entryBound(float[] g, double relative, double absolute) {
        double[] b = new double[g.length];
        java.util.Arrays.fill(b, relative * FloatBounds.maxAbs(g) + absolute);
        return b;
    }

    private static double[] concat(double[] x, double[] y) {
        if (y == null) {
            return x;
        }
        double[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static void compareChunkings(ContrastiveLoss core, Loss djl, double tau, boolean twoTowers) {
        compareChunkings(core, djl, tau, twoTowers, null, false);
    }

    /** Largest ratio |difference| / bound seen over all comparisons (printed once per test class run). */
    static double largestRatio;

    /**
     * The bounds, per parameter entry (see {@link MlpReference} for the back-propagation and
     * {@link CosineSoftmaxLipschitz} for the loss):
     * <ul>
     *   <li>reference: the double back-propagation, through the double forward pass of the same network, of G_C —
     *       the core loss's gradient ∂L/∂e that GradCache returns (and back-propagates chunk by chunk);</li>
     *   <li>GradCache: the chunked computation sums the same per-row contributions δ_r·a_rᵀ (and δ_r for the biases)
     *       in another order — per chunk, then accumulated into the parameter's gradient — so it is within
     *       γ_n·Σ_r |δ_r||a_r| of the reference (n = the rows through that encoder: N, or 2N for one encoder of
     *       both views), plus the float32 activations' forward error (γ_{k+1} per layer, propagated) times |δ|, plus
     *       the back-propagated δ's own rounding (γ_out per layer);</li>
     *   <li>direct: DJL back-propagates its own loss gradient G_D, at the embeddings of its full-batch forward pass.
     *       |G_D − G_C| ≤ Γ per entry: DJL's float32 loss against the core's on the same embeddings
     *       ({@link DjlTesting.Bounds#gradientRelative()} × the largest entry of G_C) plus the loss gradient's change
     *       between the two passes' embeddings (their observed row distance β through
     *       {@link CosineSoftmaxLipschitz#gradient()}; 0 when the passes agree bit for bit; with a learnable τ also
     *       the float32 rounding of the log τ DJL gets). Γ enters the reference's
     *       bound as the output-gradient error dG: Σ_r Γ·|a_r| on top of the γ_n·Σ|terms| of DJL's own sums;</li>
     *   <li>log τ: DJL's −Σ g·l against the core's on the same embeddings ({@link DjlTesting.Bounds#scalar()}) plus
     *       {@link CosineSoftmaxLipschitz#logTemperature()} for the embeddings' difference.</li>
     * </ul>
     * Every ReLU pre-activation is first checked to be farther from 0 than its forward error bound (else a unit
     * could switch between the passes and move a whole row's contribution).
     */
    private static void compareChunkings(ContrastiveLoss core, Loss djl, double tau, boolean twoTowers,
                                         long[] labels, boolean oneView) {
        double s = 1 / (core instanceof SupCon sc ? sc.temperature() : ((InfoNce) core).temperature());
        try (NDManager m = NDManager.newBaseManager()) {
            Block encA = mlp(m, 11, 8);
            Block encB = twoTowers ? mlp(m, 12, 8) : encA;
            Block[] blocks = twoTowers ? new Block[] {encA, encB} : new Block[] {encA};
            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = inputs(m, 1, N);
            NDArray b = oneView ? null : inputs(m, 2, N);
            NDArray logTau = null;
            double sigma = 0;
            if (!Double.isNaN(tau)) {
                logTau = m.create(new float[] {(float) Math.log(tau)}, new Shape(1));
                logTau.setRequiresGradient(true);
                s = 1 / tau;
                // DJL gets log τ rounded to float32 and takes exp(−log τ) in float32 (a few ulps), the core τ itself
                sigma = Math.expm1(Math.abs((float) Math.log(tau) - Math.log(tau))) + 4 * FloatBounds.U;
            }
            zeroGradients(blocks);
            Direct d = direct(encA, encB, ps, a, b, djl, logTau, labels);
            List<float[]> expected = gradients(blocks);
            float[] xa = a.toFloatArray();
            float[] xb = b == null ? null : b.toFloatArray();
            // one reference per encoder: the rows it encodes (A, or A then B for one encoder of both views)
            MlpReference refA = MlpReference.of(layers(encA), twoTowers ? xa : concat(xa, xb),
                    twoTowers || b == null ? N : 2 * N);
            MlpReference refB = twoTowers ? MlpReference.of(layers(encB), xb, N) : null;
            refA.assertNoReluWithinRounding("encoder A");
            if (refB != null) {
                refB.assertNoReluWithinRounding("encoder B");
            }
            for (int chunk : new int[] {1, 5, N, 50}) {
                zeroGradients(blocks);
                Recording fa = new Recording(GradCache.Encoder.of(encA, ps));
                Recording fb = twoTowers ? new Recording(GradCache.Encoder.of(encB, ps)) : fa;
                LossResult r = new GradCache(core, chunk).step(fa, a, fb, b, labels);
                String what = core + " chunk " + chunk;
                // the embeddings GradCache's loss saw (phase 1)
                int dim = 8;
                float[] ea = fa.rows(0, N, dim);
                float[] eb = b == null ? null : twoTowers ? fb.rows(0, N, dim) : fa.rows(N, 2 * N, dim);
                Matrix ma = Matrix.of(N, dim, ea);
                Batch batch = eb == null ? Batch.builder(ma).build() : Batch.of(ma, Matrix.of(N, dim, eb));
                DjlTesting.Bounds bounds = DjlTesting.Bounds.of(core, batch);
                // value: DJL's float32 loss against the core's on the same embeddings (DjlTesting.Bounds), plus the
                // two passes' observed embedding difference through the loss (CosineSoftmaxLipschitz)
                CosineSoftmaxLipschitz lip = eb == null ? CosineSoftmaxLipschitz.of(s, sigma, dim, d.embeddingsA(), ea)
                        : CosineSoftmaxLipschitz.of(s, sigma, dim, d.embeddingsA(), ea, d.embeddingsB(), eb);
                assertValue(d.value(), r.value(), DjlTesting.Bounds.relative(bounds.value() + lip.value(), d.value()),
                        what);
                float[] ga = r.gradient(Input.ANCHORS).data();
                float[] gb = b == null ? null : r.gradient(Input.POSITIVES).data();
                double[] dga = entryBound(ga, bounds.gradientRelative(), lip.gradient());
                double[] dgb = gb == null ? null : entryBound(gb, bounds.gradientRelative(), lip.gradient());
                List<float[]> actual = gradients(blocks);
                List<float[]> actualA = actual.subList(0, 4);
                List<float[]> expectedA = expected.subList(0, 4);
                MlpReference.Gradients chunked = refA.backward(twoTowers ? ga : concat(ga, gb), null);
                MlpReference.Gradients full = refA.backward(twoTowers ? ga : concat(ga, gb),
                        twoTowers ? dga : concat(dga, dgb));
                chunked.assertWithin(actualA, what + " GradCache vs double reference");
                full.assertWithin(expectedA, what + " direct vs double reference");
                largestRatio = Math.max(largestRatio, Math.max(chunked.largestRatio(actualA),
                        full.largestRatio(expectedA)));
                if (twoTowers) {
                    MlpReference.Gradients chunkedB = refB.backward(gb, null);
                    MlpReference.Gradients fullB = refB.backward(gb, dgb);
                    chunkedB.assertWithin(actual.subList(4, 8), what + " tower B, GradCache vs double reference");
                    fullB.assertWithin(expected.subList(4, 8), what + " tower B, direct vs double reference");
                    largestRatio = Math.max(largestRatio, Math.max(chunkedB.largestRatio(actual.subList(4, 8)),
                            fullB.largestRatio(expected.subList(4, 8))));
                }
                if (logTau != null) {
                    double direct = logTau.getGradient().toFloatArray()[0];
                    double cached = r.scalarGradients().get(Scalar.LOG_TEMPERATURE);
                    double bound = bounds.scalar() + lip.logTemperature();
                    largestRatio = Math.max(largestRatio, Math.abs(direct - cached) / bound);
                    assertTrue(Math.abs(direct - cached) <= bound, what + " log τ: direct " + direct + ", GradCache "
                            + cached + " (bound " + bound + ")");
                }
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("GradCacheTest: largest |difference| / derived bound %.3g%n", largestRatio);
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
            // both float32 passes within their error bound of the double reference of the same network
            MlpReference ref = MlpReference.of(layers(enc), x.toFloatArray(), 7);
            ref.assertOutput(e.data(), "GradCache.embed");
            ref.assertOutput(expected, "one forward pass");
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
