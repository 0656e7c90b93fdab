package org.contrast4j.experiment;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization") over one flat vector of parameters, in
 * double: with gradient g at step t (1-based),
 * <pre>
 *   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − η·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
 * </pre>
 * with β₁ = 0.9, ε = 1e-8 (the paper's defaults), β₂ given (the paper's 0.999, or 0.99 for a shorter memory of the
 * gradient scale in short runs whose gradients shrink by orders of magnitude) and the step size η given per step, so
 * a caller can decay it. Dense: every coordinate moves at every step (a zero gradient still moves it through m). Mutable, not
 * thread-safe; the experiments' own optimiser, not a public one.
 */
final class Adam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final double beta2;
    private final double[] m;
    private final double[] v;
    private int t;

    /** Adam over {@code size} parameters with second-moment decay {@code beta2} (the paper's 0.999: {@link #BETA2}). */
    Adam(int size, double beta2) {
        this.beta2 = beta2;
        m = new double[size];
        v = new double[size];
    }

    /** One step on {@code params} (updated in place) with gradient {@code grad} and step size {@code lr}. */
    void step(double[] params, double[] grad, double lr) {
        if (params.length != m.length || grad.length != m.length) {
            throw new IllegalArgumentException("Adam over " + m.length + " parameters got " + params.length
                    + " parameters and " + grad.length + " gradients");
        }
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < m.length; i++) {
            double g = grad[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            params[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }

    /** How many steps were taken. */
    int steps() {
        return t;
    }
}
