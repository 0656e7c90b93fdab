package org.contrast4j.djl;

import static org.contrast4j.djl.DjlTesting.assertGradient;
import static org.contrast4j.djl.DjlTesting.assertValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.Scalar;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@link InfoNceLoss} (autograd on PyTorch, float32) equals core {@link InfoNce}: value and every gradient. */
class InfoNceLossTest {

    @AfterAll
    static void report() {
        System.out.println("InfoNceLossTest " + DjlTesting.largest());
    }

    private static void compare(InfoNce core, InfoNceLoss djl, int n, int d, long seed, String what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Matrix a = DjlTesting.gaussian(rnd, n, d);
        Matrix p = DjlTesting.gaussian(rnd, n, d);
        Batch batch = Batch.of(a, p);
        LossResult expected = core.compute(batch);
        DjlTesting.Bounds bounds = DjlTesting.Bounds.of(core, batch);
        DjlTesting.Run run = djl.learnableTemperature()
                ? DjlTesting.run(djl, null, List.of(a, p), Math.log(djl.temperature()))
                : DjlTesting.run(djl, null, List.of(a, p));
        assertValue(expected.value(), run.scalarValue(), DjlTesting.Bounds.relative(bounds.value(), expected.value()),
                what);
        assertGradient(expected.gradient(Input.ANCHORS), run.gradients().get(0), bounds.gradientRelative(),
                what + " anchors");
        assertGradient(expected.gradient(Input.POSITIVES), run.gradients().get(1), bounds.gradientRelative(),
                what + " positives");
        if (djl.learnableTemperature()) {
            double g = expected.scalarGradients().get(Scalar.LOG_TEMPERATURE);
            assertGradient(new float[] {(float) g}, run.gradients().get(2), bounds.scalar() / Math.abs(g),
                    what + " log τ");
        }
    }

    @Test
    void oneWayCosineMatchesCore() {
        compare(InfoNce.builder().build(), InfoNceLoss.of(InfoNce.builder().build()), 12, 8, 1, "one-way cosine τ=0.1");
    }

    @Test
    void symmetricDotSumMatchesCore() {
        compare(InfoNce.builder().symmetric(true).similarity(Similarity.DOT).temperature(2.0)
                        .reduction(Reduction.SUM).build(),
                InfoNceLoss.of(InfoNce.builder().symmetric(true).similarity(Similarity.DOT).temperature(2.0)
                        .reduction(Reduction.SUM).build()), 10, 6, 2, "symmetric dot τ=2 sum");
    }

    @Test
    void perRowReductionReturnsTheRowsOfCore() {
        SplittableRandom rnd = new SplittableRandom(3);
        Matrix a = DjlTesting.gaussian(rnd, 7, 5);
        Matrix p = DjlTesting.gaussian(rnd, 7, 5);
        InfoNce core = InfoNce.builder().temperature(0.3).reduction(Reduction.NONE).build();
        LossResult expected = core.compute(Batch.of(a, p));
        DjlTesting.Bounds bounds = DjlTesting.Bounds.of(core, Batch.of(a, p));
        DjlTesting.Run run = DjlTesting.run(InfoNceLoss.of(core),
                null, List.of(a, p));
        assertEquals(7, run.value().length);
        for (int i = 0; i < 7; i++) {
            assertValue(expected.perRow()[i], run.value()[i],
                    DjlTesting.Bounds.relative(bounds.perRow(), expected.perRow()[i]), "row " + i);
        }
        assertGradient(expected.gradient(Input.ANCHORS), run.gradients().get(0), bounds.gradientRelative(),
                "none anchors");
    }

    @Test
    void clipWithLearnableTemperatureMatchesCore() {
        compare(InfoNce.clip().build(),
                InfoNceLoss.of(InfoNce.clip().build(), "CLIP"), 16, 8, 4, "CLIP τ=0.07 learnable");
    }

    @Test
    void clampedClipHasZeroTemperatureGradient() {
        // τ = 0.005: 1/τ = 200 is above the clamp 100, so the logits use 100 and ∂L/∂log τ = 0
        InfoNce core = InfoNce.clip().temperature(0.005).build();
        InfoNceLoss djl = InfoNceLoss.of(InfoNce.clip().temperature(0.005).build(), "CLIP");
        compare(core, djl, 9, 4, 5, "CLIP clamped");
        SplittableRandom rnd = new SplittableRandom(5);
        Matrix a = DjlTesting.gaussian(rnd, 9, 4);
        Matrix p = DjlTesting.gaussian(rnd, 9, 4);
        DjlTesting.Run run = DjlTesting.run(djl, null, List.of(a, p), Math.log(0.005));
        assertEquals(0.0, run.gradients().get(2)[0], 0.0);
    }

    @Test
    void tinyTemperatureStaysFiniteAndMatchesCore() {
        compare(InfoNce.builder().temperature(1e-3).symmetric(true).build(),
                InfoNceLoss.of(InfoNce.builder().temperature(1e-3).symmetric(true).build()), 8, 4, 6, "τ=1e-3");
    }

    @Test
    void badPredictionsAreRejectedWithTheirShapes() {
        SplittableRandom rnd = new SplittableRandom(7);
        Matrix a = DjlTesting.gaussian(rnd, 4, 3);
        Matrix b = DjlTesting.gaussian(rnd, 5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(InfoNceLoss.of(InfoNce.builder().build()), null, List.of(a, b)));
        assertTrue(e.getMessage().contains("(5, 3)") && e.getMessage().contains("(4, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(InfoNceLoss.of(InfoNce.builder().build()), null, List.of(a)));
        assertTrue(e.getMessage().contains("expects 2 embedding arrays"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(InfoNceLoss.of(InfoNce.clip().build(), "CLIP"), null, List.of(a, a)));
        assertTrue(e.getMessage().contains("log τ"), e.getMessage());
        Matrix one = DjlTesting.gaussian(rnd, 1, 3);
        e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(InfoNceLoss.of(InfoNce.builder().build()), null, List.of(one, one)));
        assertTrue(e.getMessage().contains("N >= 2"), e.getMessage());
        // settings are validated once, by the core builder; the DJL loss only checks its own name
        e = assertThrows(IllegalArgumentException.class, () -> InfoNce.builder().maxLogitScale(-1));
        assertEquals("maximum logit scale must be > 0, was -1.0", e.getMessage());
        assertThrows(NullPointerException.class, () -> InfoNceLoss.of(null));
        e = assertThrows(IllegalArgumentException.class, () -> InfoNceLoss.of(InfoNce.builder().build(), ""));
        assertEquals("name must not be blank, was \"\"", e.getMessage());
    }

    @Test
    void toStringPrintsTheConfiguration() {
        InfoNce clip = InfoNce.clip().build();
        InfoNceLoss loss = InfoNceLoss.of(clip, "CLIP");
        String s = loss.toString();
        assertEquals("InfoNceLoss{" + clip + ", name=CLIP}", s);
        assertTrue(s.contains("temperature=0.07") && s.contains("maxLogitScale=100.0") && s.contains("symmetric=true")
                && s.contains("learnableTemperature=true"), s);
        assertEquals(clip, loss.coreLoss());
        assertEquals("CLIP", loss.getName());
        assertEquals("InfoNCE", InfoNceLoss.of(clip).getName());
    }
}
