package org.contrast4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization") with its state in the open, so a checkpoint
 * can save and restore it exactly (DJL's {@code Adam} keeps its moments private). The update is DJL's (and MXNet's):
 * at step t, for each parameter w with gradient g,
 * <pre>
 *   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   w ← w − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)
 * </pre>
 * with β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay (DJL's defaults). The learnable log-temperature, a scalar
 * outside the network, gets the same update in double ({@link #stepScalar}).
 */
final class Adam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    private final double learningRate;
    private final List<Parameter> parameters;
    final List<NDArray> means = new ArrayList<>();
    final List<NDArray> variances = new ArrayList<>();
    /** Steps taken so far (t after the last update). */
    long steps;
    /** Moments of the scalar (log τ). */
    double scalarMean;
    double scalarVariance;

    Adam(double learningRate, List<Parameter> parameters) {
        this.learningRate = learningRate;
        this.parameters = parameters;
        for (Parameter p : parameters) {
            NDArray w = p.getArray();
            NDArray m = w.zerosLike();
            NDArray v = w.zerosLike();
            NDScope.unregister(m, v);
            means.add(m);
            variances.add(v);
        }
    }

    /** The step size η·√(1−β₂ᵗ)/(1−β₁ᵗ) of step {@code t}. */
    private double rate(long t) {
        return learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    }

    /** One update of every parameter from its current gradient, which is then set to zero for the next step. */
    void step() {
        steps++;
        float lr = (float) rate(steps);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int k = 0; k < parameters.size(); k++) {
                NDArray w = parameters.get(k).getArray();
                NDArray g = w.getGradient();
                NDArray m = means.get(k);
                NDArray v = variances.get(k);
                m.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
                v.muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
                w.subi(m.div(v.sqrt().addi((float) EPSILON)).muli(lr));
                g.subi(g); // consumed: backward passes accumulate into it (as DJL's zeroGradients does)
            }
        }
    }

    /** The update of a scalar parameter with gradient {@code g}, at the current step count (call after step()). */
    double stepScalar(double value, double g) {
        scalarMean = BETA1 * scalarMean + (1 - BETA1) * g;
        scalarVariance = BETA2 * scalarVariance + (1 - BETA2) * g * g;
        return value - rate(steps) * scalarMean / (Math.sqrt(scalarVariance) + EPSILON);
    }
}
