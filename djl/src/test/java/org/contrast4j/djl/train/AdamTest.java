package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The trainer's Adam over DJL parameters takes Kingma &amp; Ba's bias-corrected steps (a reference loop in double,
 * written from Algorithm 1, with the parameter kept in float as DJL does), consumes the gradient, and its scalar form
 * (log τ) follows the same formula.
 */
class AdamTest {
    @Test
    void stepsParametersAsAlgorithm1() {
        SplittableRandom r = new SplittableRandom(9);
        float[] init = new float[12];
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) r.nextGaussian();
        }
        double lr = 0.01;
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(3, 4)).build();
            p.setInitializer((manager, shape, type) -> manager.create(init, shape));
            p.initialize(m, DataType.FLOAT32);
            Adam ours = new Adam(lr, List.of(p));
            double[] ref = new double[12];
            for (int i = 0; i < 12; i++) {
                ref[i] = init[i];
            }
            double[] mo = new double[12];
            double[] ve = new double[12];
            double scalar = 0.3;
            double scalarRef = 0.3;
            double sm = 0;
            double sv = 0;
            for (int t = 1; t <= 5; t++) {
                float[] g = new float[12];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (r.nextGaussian() * (i + 1));
                }
                NDArray ga = m.create(g, new Shape(3, 4));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.zeroGradients();
                    gc.backward(p.getArray().mul(ga).sum()); // ∂/∂w = g
                }
                ours.step();
                float[] a = p.getArray().toFloatArray();
                for (int i = 0; i < 12; i++) {
                    mo[i] = 0.9 * mo[i] + 0.1 * g[i];
                    ve[i] = 0.999 * ve[i] + 0.001 * (double) g[i] * g[i];
                    double mHat = mo[i] / (1 - Math.pow(0.9, t));
                    double vHat = ve[i] / (1 - Math.pow(0.999, t));
                    ref[i] = (float) (ref[i] - lr * mHat / (Math.sqrt(vHat) + 1e-8));
                    // one rounding to float per step (and a double rounding that may flip it): ≤ 2 ulp per step
                    assertEquals(ref[i], a[i], 2 * t * Math.ulp((float) Math.abs(ref[i])), "step " + t + " entry " + i);
                }
                float[] left = p.getArray().getGradient().toFloatArray();
                for (float v : left) {
                    assertEquals(0f, v, "the step consumes the gradient");
                }
                double gs = 0.1 * t - 0.2;
                scalar = ours.stepScalar(scalar, gs);
                sm = 0.9 * sm + 0.1 * gs;
                sv = 0.999 * sv + 0.001 * gs * gs;
                scalarRef -= lr * (sm / (1 - Math.pow(0.9, t))) / (Math.sqrt(sv / (1 - Math.pow(0.999, t))) + 1e-8);
                assertEquals(scalarRef, scalar, 1e-15 * t);
            }
            assertEquals(5, ours.steps());
        }
    }
}
