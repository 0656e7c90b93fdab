package org.contrast4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.internal.Checks;

/**
 * The encoder and projection head as DJL blocks, their parameters in a fixed order with stable names, and batched
 * inference. Parameters are initialised from a {@link SplittableRandom} seeded by the run's seed — weights and biases
 * U(−1/√fan_in, 1/√fan_in), PyTorch's default for {@code nn.Linear} and {@code nn.Conv2d} — so the initial network
 * depends on the seed only, not on the engine's random state.
 */
final class Model implements AutoCloseable {
    /** Images per inference forward pass. */
    private static final int EVAL_BATCH = 1000;

    final NDManager manager;
    final Block encoder;
    final Block head;
    final ParameterStore store;
    /** Every trainable parameter: encoder first, then head, each in the block's own order. */
    final List<Parameter> parameters;
    /** "encoder/…" or "head/…" names, parallel to {@link #parameters}. */
    final List<String> names;
    final int rows;
    final int cols;
    final int embeddingDim;
    final int projectionDim;

    Model(TrainingConfig config, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.embeddingDim = config.embeddingDim();
        this.projectionDim = config.projectionDim();
        this.manager = NDManager.newBaseManager();
        this.encoder = encoder(config, rows, cols);
        this.head = new SequentialBlock()
                .add(Linear.builder().setUnits(config.headHiddenDim()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(config.projectionDim()).build());
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1, rows, cols));
        head.initialize(manager, DataType.FLOAT32, new Shape(1, config.embeddingDim()));
        this.store = new ParameterStore(manager, false);
        List<Parameter> ps = new ArrayList<>();
        List<String> ns = new ArrayList<>();
        collect("encoder", encoder, ps, ns);
        collect("head", head, ps, ns);
        this.parameters = Collections.unmodifiableList(ps);
        this.names = Collections.unmodifiableList(ns);
        initialise(new SplittableRandom(Seeds.mix(config.seed(), Seeds.INIT)));
    }

    private static Block encoder(TrainingConfig c, int rows, int cols) {
        SequentialBlock b = new SequentialBlock();
        if (c.encoder() == EncoderKind.CNN) {
            if (rows < 4 || cols < 4) {
                throw new IllegalArgumentException("the CNN encoder needs images of at least 4×4, got " + rows + "×"
                        + cols);
            }
            b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32)
                            .build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                    .add(Blocks.batchFlattenBlock());
        } else {
            b.add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(c.hiddenDim()).build())
                    .add(Activation.reluBlock());
        }
        return b.add(Linear.builder().setUnits(c.hiddenDim()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(c.embeddingDim()).build());
    }

    private static void collect(String prefix, Block block, List<Parameter> ps, List<String> ns) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                ps.add(p.getValue());
                ns.add(prefix + "/" + p.getKey());
            }
        }
    }

    /** U(−1/√fan_in, 1/√fan_in) for every weight and bias; fan_in from the weight of the same layer. */
    private void initialise(SplittableRandom rng) {
        long fanIn = 1;
        for (Parameter p : parameters) {
            Shape s = p.getArray().getShape();
            if (p.getType() == Parameter.Type.WEIGHT) {
                fanIn = s.size() / s.get(0);
            }
            double bound = 1.0 / Math.sqrt(fanIn);
            float[] v = new float[Math.toIntExact(s.size())];
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
            p.getArray().set(v);
        }
    }

    /** Forward pass of the encoder, and the head when {@code withHead}, on images (n, 1, rows, cols). */
    NDArray forward(NDArray images, boolean withHead, boolean training) {
        NDArray h = encoder.forward(store, new NDList(images), training).singletonOrThrow();
        return withHead ? head.forward(store, new NDList(h), training).singletonOrThrow() : h;
    }

    /** Encoder outputs (n × embeddingDim) of {@code n} images given as n·rows·cols floats, without gradient. */
    float[] encode(float[] images, int n) {
        return infer(images, n, false, embeddingDim);
    }

    /** Head outputs (n × projectionDim) of {@code n} images, without gradient. */
    float[] project(float[] images, int n) {
        return infer(images, n, true, projectionDim);
    }

    private float[] infer(float[] images, int n, boolean withHead, int dim) {
        int pix = rows * cols;
        float[] out = new float[Checks.product(n, dim, "the embeddings", 4)];
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int m = Math.min(EVAL_BATCH, n - from);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                float[] chunk = new float[m * pix];
                System.arraycopy(images, from * pix, chunk, 0, m * pix);
                NDArray x = manager.create(chunk, new Shape(m, 1, rows, cols));
                float[] z = forward(x, withHead, false).toFloatArray();
                System.arraycopy(z, 0, out, from * dim, m * dim);
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
