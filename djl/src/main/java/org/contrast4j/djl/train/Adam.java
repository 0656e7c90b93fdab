package org.contrast4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The trainer's optimiser: core's {@link org.contrast4j.optim.Adam} (Kingma &amp; Ba 2015, bias-corrected, β₁ = 0.9,
 * β₂ = 0.999, ε = 1e-8) applied to DJL parameters, one core instance per parameter, all stepped together. Each step
 * copies a parameter and its gradient out of its NDArray, updates it on the JVM and writes it back; the networks here
 * are small, so the copies cost little next to the forward and backward passes. The state (step count and both
 * moments of every parameter) is in the open, so a checkpoint saves and restores it exactly (DJL's {@code Adam} keeps
 * its moments private). The learnable log-temperature, a scalar outside the network, has its own one-element Adam
 * ({@link #stepScalar}), stepped only when it is learned.
 */
final class Adam {
    private final List<Parameter> parameters;
    final List<org.contrast4j.optim.Adam> weights = new ArrayList<>();
    final org.contrast4j.optim.Adam scalar;

    Adam(double learningRate, List<Parameter> parameters) {
        this.parameters = parameters;
        for (Parameter p : parameters) {
            weights.add(org.contrast4j.optim.Adam.builder().learningRate(learningRate)
                    .build(Math.toIntExact(p.getArray().size())));
        }
        scalar = org.contrast4j.optim.Adam.builder().learningRate(learningRate).build(1);
    }

    /** Steps taken so far by the network's parameters. */
    long steps() {
        return weights.isEmpty() ? 0 : weights.getFirst().steps();
    }

    /** One update of every parameter from its current gradient, which is then set to zero for the next step. */
    void step() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int k = 0; k < parameters.size(); k++) {
                NDArray w = parameters.get(k).getArray();
                NDArray g = w.getGradient();
                float[] values = w.toFloatArray();
                weights.get(k).step(values, g.toFloatArray());
                w.set(values);
                g.subi(g); // consumed: backward passes accumulate into it (as DJL's zeroGradients does)
            }
        }
    }

    /** The update of the scalar parameter (log τ) with gradient {@code g}. */
    double stepScalar(double value, double g) {
        return scalar.step(value, g);
    }
}
