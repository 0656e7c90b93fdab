package org.contrast4j.optim;

import java.util.function.IntToDoubleFunction;
import org.contrast4j.internal.Checks;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1) over one flat vector of
 * parameters. With gradient g at step t (1-based) and step size η,
 * <pre>
 *   m ← β₁m + (1−β₁)g,     v ← β₂v + (1−β₂)g²,
 *   θ ← θ − η · m̂ / (√v̂ + ε),   m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)
 * </pre>
 * — the bias-corrected update of the paper's Algorithm 1 and of PyTorch's {@code torch.optim.Adam} (no weight
 * decay, no AMSGrad). Every coordinate moves at every step (a zero gradient still moves it through m).
 *
 * <p>Defaults, the paper's: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8. The step size can also be given per step
 * ({@link #step(float[], float[], double)}), so a caller can decay it.
 *
 * <p>The moments are kept in double whatever the parameters' type; a {@code float[]} parameter is updated in double
 * and rounded once. The state ({@link #steps()}, {@link #firstMoment()}, {@link #secondMoment()}) can be saved and put
 * back with {@link #restore}, so a resumed run continues with exactly the same updates. One instance serves one
 * parameter vector (for several tensors, one instance each, stepped together). Mutable and not thread-safe.
 *
 * <pre>{@code
 * Adam adam = Adam.builder().learningRate(1e-2).build(weights.length);
 * for (...) { float[] grad = ...; adam.step(weights, grad); }
 * }</pre>
 */
public final class Adam {
    /** Default step size η = {@value}. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** Default first-moment decay β₁ = {@value}. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** Default second-moment decay β₂ = {@value}. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** Default ε = {@value}. */
    public static final double DEFAULT_EPSILON = 1e-8;

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double[] m;
    private final double[] v;
    private long t;
    /** The bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ of the step being taken (set by {@link #begin}). */
    private double c1;
    private double c2;

    private Adam(Builder b, int size) {
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** A builder with the paper's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** One step on {@code params} (updated in place) with gradient {@code grad} and the configured step size. */
    public void step(float[] params, float[] grad) {
        step(params, grad, learningRate);
    }

    /**
     * One step on {@code params} (updated in place) with gradient {@code grad} and step size {@code lr}.
     *
     * @throws IllegalArgumentException if a length differs from {@link #size()}, {@code lr} is not &gt; 0 and finite,
     *     or a gradient entry is NaN or infinite (naming its index and value); the state is then unchanged
     */
    public void step(float[] params, float[] grad, double lr) {
        begin(Checks.notNull(params, "params").length, Checks.notNull(grad, "grad").length, lr, i -> grad[i]);
        for (int i = 0; i < m.length; i++) {
            params[i] = (float) (params[i] - update(i, grad[i], lr));
        }
    }

    /** One step on double {@code params} with the configured step size. */
    public void step(double[] params, double[] grad) {
        step(params, grad, learningRate);
    }

    /** As {@link #step(float[], float[], double)}, for double parameters. */
    public void step(double[] params, double[] grad, double lr) {
        begin(Checks.notNull(params, "params").length, Checks.notNull(grad, "grad").length, lr, i -> grad[i]);
        for (int i = 0; i < m.length; i++) {
            params[i] -= update(i, grad[i], lr);
        }
    }

    /**
     * One step on a single scalar parameter (this instance must have size 1), returning its new value.
     *
     * @throws IllegalArgumentException as {@link #step(double[], double[], double)}
     */
    public double step(double value, double grad) {
        double[] p = {value};
        step(p, new double[] {grad}, learningRate);
        return p[0];
    }

    /** Checks a step's arguments (before any state changes), then counts the step and sets its bias corrections. */
    private void begin(int params, int grad, double lr, IntToDoubleFunction gradient) {
        if (params != m.length || grad != m.length) {
            throw new IllegalArgumentException("Adam over " + m.length + " parameters got " + params
                    + " parameters and " + grad + " gradients");
        }
        Checks.positive(lr, "learning rate");
        for (int i = 0; i < grad; i++) {
            double g = gradient.applyAsDouble(i);
            if (!Double.isFinite(g)) {
                throw new IllegalArgumentException("gradient[" + i + "] is " + g + ": Adam needs finite gradients");
            }
        }
        c1 = 1 - Math.pow(beta1, ++t);
        c2 = 1 - Math.pow(beta2, t);
    }

    /** Moves coordinate i's moments with gradient g and returns its update η · m̂ / (√v̂ + ε). */
    private double update(int i, double g, double lr) {
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        return lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
    }

    /** The number of parameters. */
    public int size() {
        return m.length;
    }

    /** Steps taken so far (t of the last update). */
    public long steps() {
        return t;
    }

    /** A copy of the first moment m (biased, as stored). */
    public double[] firstMoment() {
        return m.clone();
    }

    /** A copy of the second moment v (biased, as stored). */
    public double[] secondMoment() {
        return v.clone();
    }

    /**
     * Puts back a saved state: the step count and both moments, as returned by {@link #steps()},
     * {@link #firstMoment()} and {@link #secondMoment()}.
     *
     * @throws IllegalArgumentException if {@code steps} &lt; 0, a moment has the wrong length, an entry is not finite,
     *     or a second-moment entry is negative
     */
    public void restore(long steps, double[] firstMoment, double[] secondMoment) {
        Checks.argument(steps >= 0, "steps must be >= 0, was %d", steps);
        Checks.notNull(firstMoment, "firstMoment");
        Checks.notNull(secondMoment, "secondMoment");
        Checks.argument(firstMoment.length == m.length && secondMoment.length == m.length,
                "Adam over %d parameters got moments of length %d and %d", m.length, firstMoment.length,
                secondMoment.length);
        for (int i = 0; i < m.length; i++) {
            Checks.finite(firstMoment[i], "firstMoment[" + i + "]");
            Checks.nonNegative(secondMoment[i], "secondMoment[" + i + "]");
        }
        System.arraycopy(firstMoment, 0, m, 0, m.length);
        System.arraycopy(secondMoment, 0, v, 0, v.length);
        t = steps;
    }

    /** The configured step size η. */
    public double learningRate() {
        return learningRate;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public String toString() {
        return "Adam{learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon
                + ", size=" + m.length + ", steps=" + t + "}";
    }

    /** Builds an {@link Adam}; every setter validates its argument at once. */
    public static final class Builder {
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double beta1 = DEFAULT_BETA1;
        private double beta2 = DEFAULT_BETA2;
        private double epsilon = DEFAULT_EPSILON;

        private Builder() {
        }

        /** The step size η &gt; 0 and finite (default 1e-3), used when a step is not given its own. */
        public Builder learningRate(double lr) {
            this.learningRate = Checks.positive(lr, "learning rate");
            return this;
        }

        /** β₁ in [0, 1) (default 0.9). */
        public Builder beta1(double beta1) {
            this.beta1 = decay(beta1, "beta1");
            return this;
        }

        /** β₂ in [0, 1) (default 0.999; a shorter memory such as 0.99 suits short runs). */
        public Builder beta2(double beta2) {
            this.beta2 = decay(beta2, "beta2");
            return this;
        }

        /** ε &gt; 0 and finite (default 1e-8). */
        public Builder epsilon(double epsilon) {
            this.epsilon = Checks.positive(epsilon, "epsilon");
            return this;
        }

        /**
         * An optimiser over {@code size} parameters with zero moments.
         *
         * @throws IllegalArgumentException if {@code size} &lt; 1
         */
        public Adam build(int size) {
            Checks.atLeast(size, 1, "size");
            return new Adam(this, size);
        }

        private static double decay(double beta, String name) {
            if (!(beta >= 0 && beta < 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1), was " + beta);
            }
            return beta;
        }
    }
}
