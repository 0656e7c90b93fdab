package org.contrast4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Adam} against a reference loop in double written from Kingma &amp; Ba's Algorithm 1 (bias-corrected m̂ and v̂
 * formed explicitly), for double and float parameters, default and custom hyper-parameters, and per-step step sizes.
 */
class AdamTest {
    private static final double F32_EPS = Math.ulp(1.0f); // 2^-23

    /** Algorithm 1 of the paper, step by step, in double. */
    private static final class Reference {
        final double lr;
        final double b1;
        final double b2;
        final double eps;
        final double[] m;
        final double[] v;
        int t;

        Reference(int size, double lr, double b1, double b2, double eps) {
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            m = new double[size];
            v = new double[size];
        }

        void step(double[] theta, double[] g, double alpha) {
            t++;
            for (int i = 0; i < theta.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                theta[i] = theta[i] - alpha * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    private static double[] gaussian(SplittableRandom r, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian() * scale * (i + 1);
        }
        return x;
    }

    @Test
    void doubleParametersFollowTheReference() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 9;
        double[] ours = gaussian(r, n, 1);
        double[] ref = ours.clone();
        Adam adam = Adam.builder().build(n);
        Reference reference = new Reference(n, 1e-3, 0.9, 0.999, 1e-8);
        for (int step = 1; step <= 60; step++) {
            double[] g = gaussian(r, n, step < 30 ? 1.0 : 1e-4); // gradients that shrink by orders of magnitude
            adam.step(ours, g);
            reference.step(ref, g, 1e-3);
            for (int i = 0; i < n; i++) {
                // each step moves θ by at most ~lr·(1−β₁)/√(1−β₂) (the paper's bound); rounding is 1e-16 of that
                assertEquals(ref[i], ours[i], 1e-14 * (1 + Math.abs(ref[i])) * step, "step " + step + " entry " + i);
            }
        }
        assertEquals(60, adam.steps());
        assertArrayEquals(reference.m, adam.firstMoment(), 1e-15 * 60 * 10);
    }

    @Test
    void customHyperParametersAndPerStepRates() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 5;
        double[] ours = gaussian(r, n, 0.5);
        double[] ref = ours.clone();
        Adam adam = Adam.builder().learningRate(0.05).beta1(0.5).beta2(0.99).epsilon(1e-6).build(n);
        Reference reference = new Reference(n, 0.05, 0.5, 0.99, 1e-6);
        for (int step = 1; step <= 40; step++) {
            double lr = 0.2 * (0.5 + 0.5 * Math.cos(Math.PI * step / 40)) + 1e-3; // a cosine decay
            double[] g = gaussian(r, n, 2);
            adam.step(ours, g, lr);
            reference.step(ref, g, lr);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(ref[i], ours[i], 1e-14 * (1 + Math.abs(ref[i])) * 40, "entry " + i);
        }
        assertEquals(0.05, adam.learningRate());
        assertEquals("Adam{learningRate=0.05, beta1=0.5, beta2=0.99, epsilon=1.0E-6, size=5, steps=40}",
                adam.toString());
    }

    @Test
    void floatParametersAreUpdatedInDoubleAndRoundedOnce() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 16;
        float[] ours = new float[n];
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ours[i] = (float) r.nextGaussian();
            ref[i] = ours[i];
        }
        Adam adam = Adam.builder().learningRate(0.01).build(n);
        Reference reference = new Reference(n, 0.01, 0.9, 0.999, 1e-8);
        for (int step = 1; step <= 30; step++) {
            double[] gd = gaussian(r, n, 1);
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) gd[i];
                gd[i] = g[i];
            }
            adam.step(ours, g);
            reference.step(ref, gd, 0.01);
            for (int i = 0; i < n; i++) {
                ref[i] = (float) ref[i]; // the reference keeps float parameters too
                // one rounding to float per step, and a double rounding that may flip it: ≤ 1 ulp each
                assertEquals(ref[i], ours[i], 2 * F32_EPS * (1 + Math.abs(ref[i])) * step, "step " + step);
            }
        }
    }

    @Test
    void firstStepMovesEveryCoordinateByTheLearningRate() {
        // m̂ = g and v̂ = g² at t = 1: Δθ = −η·g/(|g| + ε) ≈ −η·sign(g)
        double[] p = new double[] {0, 0, 0};
        Adam adam = Adam.builder().learningRate(0.1).build(3);
        adam.step(p, new double[] {5, -1e-3, 0});
        assertEquals(-0.1 * 5 / (5 + 1e-8), p[0], 1e-15);
        assertEquals(0.1 * 1e-3 / (1e-3 + 1e-8), p[1], 1e-15);
        assertEquals(0.0, p[2]); // 0/(0 + ε)
    }

    @Test
    void scalarFormIsTheOneElementVector() {
        Adam a = Adam.builder().learningRate(0.01).build(1);
        Reference reference = new Reference(1, 0.01, 0.9, 0.999, 1e-8);
        double x = 0.3;
        double[] ref = {0.3};
        for (int t = 1; t <= 5; t++) {
            double g = 0.1 * t - 0.2;
            x = a.step(x, g);
            reference.step(ref, new double[] {g}, 0.01);
            assertEquals(ref[0], x, 1e-15);
        }
    }

    @Test
    void minimisesAQuadratic() {
        // f(θ) = Σ c_i (θ_i − target_i)², badly scaled (c from 1e-3 to 1e3): Adam's per-coordinate scaling copes
        double[] c = {1e-3, 1, 1e3};
        double[] target = {2, -1, 0.5};
        double[] theta = new double[3];
        Adam adam = Adam.builder().learningRate(0.05).build(3);
        for (int step = 1; step <= 3000; step++) {
            double[] g = new double[3];
            for (int i = 0; i < 3; i++) {
                g[i] = 2 * c[i] * (theta[i] - target[i]);
            }
            adam.step(theta, g, 0.05 * (1.0 - (step - 1) / 3000.0) + 1e-4);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(target[i], theta[i], 1e-2, "coordinate " + i);
        }
    }

    @Test
    void restoredStateContinuesExactly() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 7;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        Adam first = Adam.builder().build(n);
        float[][] grads = new float[20][n];
        for (float[] g : grads) {
            for (int i = 0; i < n; i++) {
                g[i] = (float) r.nextGaussian();
            }
        }
        for (int s = 0; s < 10; s++) {
            first.step(a, grads[s]);
        }
        float[] b = a.clone();
        Adam second = Adam.builder().build(n);
        second.restore(first.steps(), first.firstMoment(), first.secondMoment());
        for (int s = 10; s < 20; s++) {
            first.step(a, grads[s]);
            second.step(b, grads[s]);
        }
        assertArrayEquals(a, b); // the same computation on the same state: the same bits
        assertEquals(20, second.steps());
    }

    @Test
    void rejectsBadArgumentsWithPreciseMessages() {
        Adam adam = Adam.builder().build(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(new float[3], new float[2]));
        assertEquals("Adam over 3 parameters got 3 parameters and 2 gradients", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(new double[3], new double[] {0, Double.NaN, 0}));
        assertEquals("gradient[1] is NaN: Adam needs finite gradients", e.getMessage());
        assertEquals(0, adam.steps(), "a rejected step leaves the state alone");
        e = assertThrows(IllegalArgumentException.class, () -> adam.step(new double[3], new double[3], -1));
        assertEquals("learning rate must be > 0 and finite, was -1.0", e.getMessage());
        assertThrows(NullPointerException.class, () -> adam.step((float[]) null, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> adam.step(1.0, 1.0)); // size 3, not a scalar

        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta1(1.0));
        assertEquals("beta1 must be in [0, 1), was 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta2(Double.NaN));
        assertEquals("beta2 must be in [0, 1), was NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().epsilon(0));
        assertEquals("epsilon must be > 0 and finite, was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().learningRate(Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().startsWith("learning rate must be > 0"));
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().build(0));
        assertEquals("size must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> adam.restore(1, new double[3], new double[2]));
        assertEquals("Adam over 3 parameters got moments of length 3 and 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.restore(1, new double[3], new double[] {0, -1, 0}));
        assertEquals("secondMoment[1] must be >= 0 and finite, was -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> adam.restore(-1, new double[3], new double[3]));
        assertEquals("steps must be >= 0, was -1", e.getMessage());
    }
}
