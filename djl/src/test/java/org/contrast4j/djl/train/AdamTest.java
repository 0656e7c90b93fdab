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
import org.contrast4j.djl.FloatBounds;
import org.junit.jupiter.api.Test;

/** The trainer's Adam takes the same steps as DJL's own {@code Adam} optimiser, and its scalar form agrees too. */
class AdamTest {
    @Test
    void matchesDjlAdam() {
        SplittableRandom r = new SplittableRandom(9);
        float[] init = new float[12];
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(3, 4)).build();
            p.setInitializer((manager, shape, type) -> manager.create(init, shape));
            p.initialize(m, DataType.FLOAT32);
            Adam ours = new Adam(0.01, List.of(p));
            ai.djl.training.optimizer.Adam theirs = ai.djl.training.optimizer.Adam.builder()
                    .optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.01f)).build();
            NDArray w2 = m.create(init, new Shape(3, 4));
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
                theirs.update("w", w2, ga);
                float[] a = p.getArray().toFloatArray();
                float[] b = w2.toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    // two float32 implementations of the same few operations per entry (moments, square root,
                    // division): within γ_16 of the parameter's size plus γ_16 of the step lr = 0.01
                    assertEquals(b[i], a[i], FloatBounds.gamma(16) * (Math.abs(b[i]) + 0.01),
                            "step " + t + " entry " + i);
                }
                // the scalar update, against the formula in double
                double gs = 0.1 * t - 0.2;
                scalar = ours.stepScalar(scalar, gs);
                sm = 0.9 * sm + 0.1 * gs;
                sv = 0.999 * sv + 0.001 * gs * gs;
                scalarRef -= 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)) * sm
                        / (Math.sqrt(sv) + 1e-8);
                // the same formula in double, accumulated over t ≤ 10 steps of size ≤ 0.01
                assertEquals(scalarRef, scalar, FloatBounds.gamma64(16L * t) * (Math.abs(scalarRef) + 0.01 * t));
            }
        }
    }
}
