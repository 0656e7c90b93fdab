package org.contrast4j.djl;

import org.contrast4j.internal.Checks;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;

/**
 * A model block that turns a shared encoder into what the contrastive losses of this package read from a DJL
 * {@code Trainer}: given the views {@code [x₁, x₂, …]} (each N×…) it returns
 * {@code [f(x₁), f(x₂), …, log τ, b]} — one embedding matrix per view, then the learnable scalars it was built with,
 * which are parameters of this block, so the trainer's optimiser updates them and checkpoints save them.
 *
 * <p>{@link #forLoss(Block, Loss)} adds exactly the scalars a loss reads: log τ initialised to log of the loss's
 * {@code temperature()} when the temperature is learnable, and for {@link SigLipLoss} with a learnable bias, b
 * initialised to the loss's bias. Both are one-element parameters of type {@link Parameter.Type#OTHER} (so the
 * trainer's weight initialiser leaves them alone).
 */
public final class TwoViewBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block encoder;
    private final Parameter logTemperature;
    private final Parameter bias;

    private TwoViewBlock(Block encoder, double initialTau, double initialBias) {
        super(VERSION);
        Checks.notNull(encoder, "encoder");
        this.encoder = addChildBlock("encoder", encoder);
        this.logTemperature = Double.isNaN(initialTau) ? null : addParameter(scalar("log_temperature",
                Math.log(initialTau)));
        this.bias = Double.isNaN(initialBias) ? null : addParameter(scalar("bias", initialBias));
    }

    /** The views encoded by {@code encoder}, no learnable scalar. */
    public static TwoViewBlock of(Block encoder) {
        return new TwoViewBlock(encoder, Double.NaN, Double.NaN);
    }

    /**
     * The views encoded by {@code encoder}, followed by a learnable log τ starting at log(initialTau) (τ &gt; 0 and
     * finite) and, unless {@code initialBias} is NaN, a learnable bias b starting there.
     */
    public static TwoViewBlock withScalars(Block encoder, double initialTau, double initialBias) {
        Checks.positive(initialTau, "initial temperature");
        if (Double.isInfinite(initialBias)) {
            throw new IllegalArgumentException("initial bias must be finite (or NaN for none), was " + initialBias);
        }
        return new TwoViewBlock(encoder, initialTau, initialBias);
    }

    /** The views encoded by {@code encoder}, followed by the learnable scalars {@code loss} reads (if any). */
    public static TwoViewBlock forLoss(Block encoder, Loss loss) {
        if (!(loss instanceof EmbeddingLoss e)) {
            return of(encoder);
        }
        double tau = e.learnableTemperature() ? e.temperature() : Double.NaN;
        double b = e instanceof SigLipLoss s && s.learnableBias() ? s.bias() : Double.NaN;
        return new TwoViewBlock(encoder, tau, b);
    }

    /** The shared encoder. */
    public Block encoder() {
        return encoder;
    }

    /** The current τ = exp(log τ), or NaN when the temperature is not a parameter of this block. */
    public double temperature() {
        return logTemperature == null || !logTemperature.isInitialized() ? Double.NaN
                : Math.exp(logTemperature.getArray().getFloat());
    }

    /** The current bias, or NaN when it is not a parameter of this block. */
    public double bias() {
        return bias == null || !bias.isInitialized() ? Double.NaN : bias.getArray().getFloat();
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("TwoViewBlock needs at least one view, got none");
        }
        NDList out = new NDList(inputs.size() + 2);
        for (NDArray x : inputs) {
            out.add(encoder.forward(parameterStore, new NDList(x), training, params).singletonOrThrow());
        }
        Device device = inputs.head().getDevice();
        if (logTemperature != null) {
            out.add(parameterStore.getValue(logTemperature, device, training));
        }
        if (bias != null) {
            out.add(parameterStore.getValue(bias, device, training));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int scalars = (logTemperature != null ? 1 : 0) + (bias != null ? 1 : 0);
        Shape[] out = new Shape[inputShapes.length + scalars];
        for (int i = 0; i < inputShapes.length; i++) {
            out[i] = encoder.getOutputShapes(new Shape[] {inputShapes[i]})[0];
        }
        for (int k = inputShapes.length; k < out.length; k++) {
            out[k] = new Shape(1);
        }
        return out;
    }

    @Override
    public String toString() {
        return "TwoViewBlock{encoder=" + encoder.getClass().getSimpleName()
                + (logTemperature != null ? ", learnable log τ" : "") + (bias != null ? ", learnable bias" : "") + "}";
    }

    private static Parameter scalar(String name, double initial) {
        return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(new Shape(1))
                .optInitializer(new ConstantInitializer((float) initial)).build();
    }
}
