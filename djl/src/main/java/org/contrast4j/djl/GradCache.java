package org.contrast4j.djl;

import org.contrast4j.internal.Checks;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;

/**
 * The embedding-gradient bridge: a contrastive loss over a batch of any size with any DJL encoder, in the memory of
 * one chunk (GradCache: Gao, Zhang, Han &amp; Callan 2021, "Scaling Deep Metric Learning Beyond the GPU Memory
 * Limit"). The loss couples every pair of the batch, so it cannot be split; the encoder can, because ∂L/∂θ =
 * Σ_i (∂L/∂e_i)·(∂e_i/∂θ) is a sum over rows once the embedding gradients ∂L/∂e_i are known. {@link #step} therefore:
 * <ol>
 *   <li>encodes both inputs chunk by chunk <em>without</em> gradient (no autograd graph is kept);</li>
 *   <li>stacks the embeddings into core {@link Matrix} (float32) and computes the core loss and its exact gradient
 *       with respect to each embedding ({@link LossResult#gradient(Input)}) — core's {@code InfoNce} switches to its
 *       tiled engine by itself for large N;</li>
 *   <li>re-encodes each chunk <em>with</em> gradient and back-propagates the surrogate Σ e ⊙ g (g the cached, constant
 *       embedding gradient of those rows), whose parameter gradient is that chunk's share of ∂L/∂θ; DJL accumulates
 *       the parameter gradients over the chunks;</li>
 *   <li>returns the core {@link LossResult}: the value, and ∂L/∂(log τ) (and ∂L/∂b) when the core loss has learnable
 *       scalars — the caller updates them itself (e.g. {@code loss.withTemperature(...)}).</li>
 * </ol>
 * The parameter gradients equal those of the full-batch computation up to float rounding. Afterwards the caller steps
 * its optimiser as after any backward pass: {@code trainer.step()} with a DJL {@link Trainer}
 * ({@link Encoder#of(Trainer)}), or {@code parameterStore.updateAllParameters()} with a plain {@link Block} and a
 * {@link ParameterStore} holding a {@code LocalParameterServer(optimizer)} ({@link Encoder#of(Block, ParameterStore)}).
 * Gradients accumulate into the parameters as with any DJL backward, so zero them between steps the usual way (the
 * optimiser update does). The step bypasses the trainer's own loss, so DJL's training listeners and evaluators do not
 * see it: log {@link LossResult#value()} yourself. {@link Encoder#of(Trainer)} needs a model block that maps one input
 * to one embedding matrix; to run only the encoder of a larger model (e.g. {@link TwoViewBlock#encoder()}) on one
 * device, use {@link Encoder#of(Block, ParameterStore)} with {@code new ParameterStore(manager, false)}: it reads the
 * same parameter arrays, so their gradients are the ones {@code trainer.step()} applies.
 *
 * <p><b>Determinism caveat.</b> Each input is encoded twice and the two encodings must be the same function of the
 * same input: the inputs are fixed tensors here (augment <em>before</em> calling {@link #step}, never inside the
 * encoder), and the encoder must not use dropout or any other randomness in training mode (or must make it
 * deterministic between the two passes). BatchNorm in training mode normalises by each chunk's statistics, so its
 * output depends on the chunking and its running statistics are updated twice: use LayerNorm / no normalisation, or
 * BatchNorm in inference mode. Call {@link #step} outside any open {@link GradientCollector} (DJL allows one at a
 * time; step opens its own for phase 3).
 *
 * <p>Memory: one chunk's autograd graph at a time, plus the 2·N·D float embeddings and their gradients on the heap.
 * Immutable and thread-safe as far as the encoder is.
 */
public final class GradCache {
    private final ContrastiveLoss loss;
    private final int chunkSize;

    /**
     * @param loss      the core loss (its {@code compute} gets anchors = encoded A, positives = encoded B, labels)
     * @param chunkSize rows encoded at once, ≥ 1 (a chunk larger than N is one chunk; N need not be a multiple)
     */
    public GradCache(ContrastiveLoss loss, int chunkSize) {
        Checks.notNull(loss, "loss");
        Checks.atLeast(chunkSize, 1, "chunk size");
        this.loss = loss;
        this.chunkSize = chunkSize;
    }

    public ContrastiveLoss loss() {
        return loss;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** {@link #step(Encoder, NDArray, Encoder, NDArray, long[])} with one encoder for both views and no labels. */
    public LossResult step(Encoder encoder, NDArray inputsA, NDArray inputsB) {
        return step(encoder, inputsA, encoder, inputsB, null);
    }

    /** {@link #step(Encoder, NDArray, Encoder, NDArray, long[])} with one encoder for both views. */
    public LossResult step(Encoder encoder, NDArray inputsA, NDArray inputsB, long[] labels) {
        return step(encoder, inputsA, encoder, inputsB, labels);
    }

    /**
     * One GradCache step: the loss of the whole batch and the encoders' parameter gradients accumulated (see the class
     * comment).
     *
     * @param encoderA encodes a chunk of {@code inputsA} (rows along axis 0) into chunk×D embeddings
     * @param inputsA  N inputs along axis 0, any further shape (the anchors' views)
     * @param encoderB encodes {@code inputsB} (the same object as {@code encoderA} for a shared encoder)
     * @param inputsB  N inputs (the positives' views), or null for a loss of the anchors alone (SupCon)
     * @param labels   N class ids for the loss, or null
     * @return the core loss result on the full batch
     * @throws IllegalArgumentException on an empty input, different N, labels of the wrong length, an encoder output
     *     that is not chunk×D or whose D changes, a non-finite embedding, or whatever the loss rejects
     */
    public LossResult step(Encoder encoderA, NDArray inputsA, Encoder encoderB, NDArray inputsB, long[] labels) {
        int n = rows(inputsA, "inputs A");
        if (encoderA == null || (inputsB != null && encoderB == null)) {
            throw new IllegalArgumentException("encoder must not be null");
        }
        if (inputsB != null && rows(inputsB, "inputs B") != n) {
            throw new IllegalArgumentException("inputs A have " + n + " rows but inputs B have "
                    + inputsB.getShape().get(0) + " (shapes " + inputsA.getShape() + " and " + inputsB.getShape()
                    + "): every row of A needs its row of B");
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries but the inputs have " + n
                    + " rows");
        }
        // (1) embeddings without gradient
        Matrix ea = embed(encoderA, inputsA, chunkSize);
        Matrix eb = inputsB == null ? null : embed(encoderB, inputsB, chunkSize);
        // (2) the core loss and ∂L/∂embeddings
        Batch.Builder batch = Batch.builder(ea);
        if (eb != null) {
            batch.positives(eb);
        }
        if (labels != null) {
            batch.labels(labels);
        }
        LossResult result = loss.compute(batch.build());
        // (3) re-encode with gradient, back-propagate Σ e ⊙ g chunk by chunk
        try (GradientCollector collector = inputsA.getManager().getEngine().newGradientCollector()) {
            backward(collector, encoderA, inputsA, result.gradient(Input.ANCHORS), ea.cols());
            if (inputsB != null) {
                backward(collector, encoderB, inputsB, result.gradient(Input.POSITIVES), eb.cols());
            }
        }
        return result;
    }

    /**
     * Encodes N inputs chunk by chunk without gradient into an N×D float32 {@link Matrix} (also useful to embed an
     * evaluation set).
     *
     * @throws IllegalArgumentException on an empty input, a chunk size &lt; 1, or an encoder output that is not chunk×D
     *     or whose D changes between chunks
     */
    public static Matrix embed(Encoder encoder, NDArray inputs, int chunkSize) {
        Checks.notNull(encoder, "encoder");
        Checks.atLeast(chunkSize, 1, "chunk size");
        int n = rows(inputs, "inputs");
        float[] data = null;
        int d = -1;
        for (int from = 0; from < n; from += chunkSize) {
            int to = Math.min(n, from + chunkSize);
            try (NDManager chunkManager = inputs.getManager().newSubManager()) {
                NDArray chunk = inputs.get(new NDIndex("{}:{}", from, to));
                chunk.attach(chunkManager);
                NDArray e = encoder.encode(chunk);
                d = checkOutput(e, to - from, d, from);
                if (data == null) {
                    data = new float[Math.multiplyExact(n, d)];
                }
                float[] values = e.toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(values, 0, data, from * d, values.length);
                e.close();
            }
        }
        return Matrix.of(n, d, data);
    }

    private void backward(GradientCollector collector, Encoder encoder, NDArray inputs, Matrix grad, int d) {
        int n = grad.rows();
        float[] g = grad.data();
        for (int from = 0; from < n; from += chunkSize) {
            int to = Math.min(n, from + chunkSize);
            try (NDManager chunkManager = inputs.getManager().newSubManager()) {
                NDArray chunk = inputs.get(new NDIndex("{}:{}", from, to));
                chunk.attach(chunkManager);
                NDArray e = encoder.encode(chunk);
                checkOutput(e, to - from, d, from);
                float[] slice = java.util.Arrays.copyOfRange(g, from * d, to * d);
                NDArray cached = chunkManager.create(slice, new Shape(to - from, d))
                        .toType(e.getDataType(), false).toDevice(e.getDevice(), false);
                collector.backward(e.mul(cached).sum());
                e.close();
            }
        }
    }

    private static int checkOutput(NDArray e, int rows, int d, int from) {
        if (e == null) {
            throw new IllegalArgumentException("the encoder returned null for rows " + from + ".." + (from + rows - 1));
        }
        Shape s = e.getShape();
        if (s.dimension() != 2 || s.get(0) != rows) {
            throw new IllegalArgumentException("the encoder must return a " + rows + "×D matrix for rows " + from + ".."
                    + (from + rows - 1) + ", it returned shape " + s);
        }
        if (s.get(1) < 1 || (d >= 0 && s.get(1) != d)) {
            throw new IllegalArgumentException("the encoder returned dimension " + s.get(1) + " for rows " + from
                    + ".." + (from + rows - 1) + (d >= 0 ? " but " + d + " before" : ""));
        }
        return (int) s.get(1);
    }

    private static int rows(NDArray inputs, String what) {
        if (inputs == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Shape s = inputs.getShape();
        if (s.dimension() < 1 || s.get(0) < 1) {
            throw new IllegalArgumentException(what + " must have at least one row along axis 0, shape is " + s);
        }
        return Math.toIntExact(s.get(0));
    }

    @Override
    public String toString() {
        return "GradCache{chunkSize=" + chunkSize + ", loss=" + loss + "}";
    }

    /**
     * An encoder: maps a chunk of inputs (rows along axis 0) to its chunk×D embeddings, in training mode, recording
     * autograd when a {@link GradientCollector} is open. It must be deterministic (see {@link GradCache}).
     */
    @FunctionalInterface
    public interface Encoder {
        NDArray encode(NDArray chunk);

        /** The model of a DJL {@link Trainer} (its block maps one input to one embedding matrix), training mode. */
        static Encoder of(Trainer trainer) {
            Checks.notNull(trainer, "trainer");
            return chunk -> trainer.forward(new NDList(chunk)).singletonOrThrow();
        }

        /** A {@link Block} run in training mode with the given {@link ParameterStore} (whose optimiser steps it). */
        static Encoder of(Block block, ParameterStore parameters) {
            if (block == null || parameters == null) {
                throw new IllegalArgumentException("block and parameter store must not be null");
            }
            return chunk -> block.forward(parameters, new NDList(chunk), true).singletonOrThrow();
        }
    }
}
