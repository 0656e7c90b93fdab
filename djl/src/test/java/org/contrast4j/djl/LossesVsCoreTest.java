package org.contrast4j.djl;

import static org.contrast4j.djl.DjlTesting.assertGradient;
import static org.contrast4j.djl.DjlTesting.assertValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.AlignUniform;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SigLip;
import org.contrast4j.loss.SupCon;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * NT-Xent, SupCon, SigLIP, DCL and align-uniform on NDArrays (autograd on PyTorch, float32) equal the core losses on
 * the same inputs: value (per-row for NONE) and every gradient — embeddings, log τ, b — within the float32 bounds of
 * {@link DjlTesting.Bounds}.
 */
class LossesVsCoreTest {

    @AfterAll
    static void report() {
        System.out.println("LossesVsCoreTest " + DjlTesting.largest());
    }

    /**
     * @param views   1 (anchors only) or 2 (anchors and positives)
     * @param scalars the learnable scalars as the DJL loss reads them: log τ and/or b (in that order)
     * @param keys    the core scalar each of {@code scalars} corresponds to
     */
    private static void compare(ContrastiveLoss core, Loss djl, int n, int d, int views, long[] labels, long seed,
                                double[] scalars, Scalar[] keys, String what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Matrix a = DjlTesting.gaussian(rnd, n, d);
        Matrix p = DjlTesting.gaussian(rnd, n, d);
        Batch.Builder batch = Batch.builder(a);
        List<Matrix> embeddings = new ArrayList<>(List.of(a));
        if (views == 2) {
            batch.positives(p);
            embeddings.add(p);
        }
        if (labels != null) {
            batch.labels(labels);
        }
        Batch built = batch.build();
        LossResult expected = core.compute(built);
        DjlTesting.Bounds bounds = DjlTesting.Bounds.of(core, built);
        DjlTesting.Run run = DjlTesting.run(djl, labels, embeddings, scalars);
        if (run.value().length == 1) {
            assertValue(expected.value(), run.value()[0],
                    DjlTesting.Bounds.relative(bounds.value(), expected.value()), what);
        } else {
            assertEquals(expected.perRow().length, run.value().length, what + ": per-row length");
            for (int i = 0; i < run.value().length; i++) {
                assertValue(expected.perRow()[i], run.value()[i],
                        DjlTesting.Bounds.relative(bounds.perRow(), expected.perRow()[i]), what + " row " + i);
            }
        }
        assertGradient(expected.gradient(Input.ANCHORS), run.gradients().get(0), bounds.gradientRelative(),
                what + " anchors");
        if (views == 2) {
            assertGradient(expected.gradient(Input.POSITIVES), run.gradients().get(1), bounds.gradientRelative(),
                    what + " positives");
        }
        for (int k = 0; k < scalars.length; k++) {
            float g = expected.scalarGradients().get(keys[k]).floatValue();
            assertGradient(new float[] {g}, run.gradients().get(views + k), bounds.scalar() / Math.abs(g),
                    what + " " + keys[k].key());
        }
    }

    private static void compare(ContrastiveLoss core, Loss djl, int n, int d, long seed, String what) {
        compare(core, djl, n, d, 2, null, seed, new double[0], new Scalar[0], what);
    }

    private static final double[] NONE = {};
    private static final Scalar[] TAU = {Scalar.LOG_TEMPERATURE};

    // ---- NT-Xent

    @Test
    void ntXentMatchesCore() {
        compare(NtXent.builder().build(), NtXentLoss.of(NtXent.builder().build()), 10, 6, 1, "NT-Xent τ=0.1");
        compare(NtXent.builder().similarity(Similarity.DOT).temperature(3).reduction(Reduction.SUM).build(),
                NtXentLoss.of(NtXent.builder().similarity(Similarity.DOT).temperature(3).reduction(Reduction.SUM).build()),
                7, 5, 2, "NT-Xent dot τ=3 sum");
        compare(NtXent.builder().reduction(Reduction.NONE).temperature(0.5).build(),
                NtXentLoss.of(NtXent.builder().reduction(Reduction.NONE).temperature(0.5).build()), 5, 4, 3, "NT-Xent none");
    }

    @Test
    void ntXentLearnableTemperatureMatchesCore() {
        compare(NtXent.builder().temperature(0.2).learnableTemperature(true).build(),
                NtXentLoss.of(NtXent.builder().learnableTemperature(true).build()), 9, 6, 2, null, 4,
                new double[] {Math.log(0.2)}, TAU, "NT-Xent learnable τ");
    }

    @Test
    void ntXentAtTinyTemperatureIsFiniteAndMatchesCore() {
        compare(NtXent.builder().temperature(1e-3).build(),
                NtXentLoss.of(NtXent.builder().temperature(1e-3).build()), 8, 4, 5,
                "NT-Xent τ=1e-3");
    }

    // ---- SupCon

    @Test
    void supConOneViewWithSkippedRowsMatchesCore() {
        long[] labels = {0, 1, 0, 2, 1, 3, 0, 4}; // labels 2, 3, 4 are seen once: rows 3, 5, 7 skipped
        compare(SupCon.builder().build(),
                SupConLoss.of(SupCon.builder().build()), 8, 5, 1, labels, 6, NONE, new Scalar[0],
                "SupCon one view");
        compare(SupCon.builder().reduction(Reduction.NONE).build(),
                SupConLoss.of(SupCon.builder().reduction(Reduction.NONE).build()), 8, 5, 1, labels, 6, NONE, new Scalar[0],
                "SupCon one view none");
    }

    @Test
    void supConTwoViewsLearnableWithBaseTemperatureMatchesCore() {
        long[] labels = DjlTesting.labels(new SplittableRandom(7), 10, 3);
        compare(SupCon.builder().temperature(0.1).learnableTemperature(true).baseTemperature(0.07).build(),
                SupConLoss.of(SupCon.builder().learnableTemperature(true).baseTemperature(0.07).build()), 10, 6, 2, labels, 8,
                new double[] {Math.log(0.1)}, TAU, "SupCon two views learnable base τ");
        compare(SupCon.builder().similarity(Similarity.DOT).reduction(Reduction.SUM).temperature(2).build(),
                SupConLoss.of(SupCon.builder().similarity(Similarity.DOT).reduction(Reduction.SUM).temperature(2).build()),
                10, 6, 2, labels, 9, NONE, new Scalar[0], "SupCon dot sum");
    }

    @Test
    void supConWithEveryRowSkippedIsZeroNotNaN() {
        long[] labels = {0, 1, 2, 3, 4};
        compare(SupCon.builder().build(),
                SupConLoss.of(SupCon.builder().build()), 5, 4, 1, labels, 10, NONE, new Scalar[0],
                "SupCon all skipped");
        DjlTesting.Run run = DjlTesting.run(SupConLoss.of(SupCon.builder().build()), labels,
                List.of(DjlTesting.gaussian(new SplittableRandom(10), 5, 4)));
        assertEquals(0.0, run.value()[0], 0.0);
        for (float g : run.gradients().get(0)) {
            assertEquals(0.0, g, 0.0);
        }
    }

    @Test
    void supConAtTinyTemperatureIsFiniteAndMatchesCore() {
        long[] labels = {0, 1, 0, 1, 2, 2};
        compare(SupCon.builder().temperature(1e-3).build(),
                SupConLoss.of(SupCon.builder().temperature(1e-3).build()), 6, 4, 2,
                labels, 11, NONE, new Scalar[0], "SupCon τ=1e-3");
    }

    @Test
    void supConRejectsMissingOrMisSizedLabels() {
        Matrix a = DjlTesting.gaussian(new SplittableRandom(12), 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(SupConLoss.of(SupCon.builder().build()), new long[] {0, 1, 0}, List.of(a)));
        assertTrue(e.getMessage().contains("labels has 3 entries") && e.getMessage().contains("4 rows"),
                e.getMessage());
    }

    // ---- SigLIP

    @Test
    void sigLipMatchesCore() {
        compare(SigLip.builder().build(), SigLipLoss.of(SigLip.builder().build()), 9, 6, 13, "SigLIP defaults");
        compare(SigLip.builder().temperature(0.5).bias(1.5).reduction(Reduction.NONE).build(),
                SigLipLoss.of(SigLip.builder().temperature(0.5).bias(1.5).reduction(Reduction.NONE).build()), 6, 4, 14,
                "SigLIP none");
    }

    @Test
    void sigLipLearnableTemperatureAndBiasMatchCore() {
        compare(SigLip.builder().temperature(0.1).bias(-10).learnableTemperature(true).learnableBias(true).build(),
                SigLipLoss.of(SigLip.builder().learnableTemperature(true).learnableBias(true).build()), 8, 5, 2, null, 15,
                new double[] {Math.log(0.1), -10}, new Scalar[] {Scalar.LOG_TEMPERATURE, Scalar.BIAS},
                "SigLIP learnable τ and b");
        compare(SigLip.builder().temperature(0.7).bias(0.3).learnableBias(true).similarity(Similarity.DOT).build(),
                SigLipLoss.of(SigLip.builder().temperature(0.7).learnableBias(true).similarity(Similarity.DOT).build()), 8, 5, 2,
                null, 16, new double[] {0.3}, new Scalar[] {Scalar.BIAS}, "SigLIP dot learnable b");
    }

    @Test
    void sigLipWithOnePairAndTinyTemperatureMatchesCore() {
        compare(SigLip.builder().build(), SigLipLoss.of(SigLip.builder().build()), 1, 4, 17, "SigLIP N=1");
        compare(SigLip.builder().temperature(1e-3).bias(0).build(),
                SigLipLoss.of(SigLip.builder().temperature(1e-3).bias(0).build()), 6, 4, 18, "SigLIP τ=1e-3");
    }

    // ---- DCL

    @Test
    void dclMatchesCore() {
        compare(Dcl.builder().build(), DclLoss.of(Dcl.builder().build()), 10, 6, 19, "DCL");
        compare(Dcl.builder().weighted(true).sigma(0.3).build(),
                DclLoss.of(Dcl.builder().weighted(true).sigma(0.3).build()),
                10, 6, 20, "DCLW σ=0.3");
        compare(Dcl.builder().similarity(Similarity.DOT).temperature(4).reduction(Reduction.NONE).build(),
                DclLoss.of(Dcl.builder().similarity(Similarity.DOT).temperature(4).reduction(Reduction.NONE).build()), 5, 3,
                21, "DCL dot none");
    }

    @Test
    void dclLearnableAndTinyTemperatureMatchCore() {
        compare(Dcl.builder().temperature(0.3).learnableTemperature(true).build(),
                DclLoss.of(Dcl.builder().learnableTemperature(true).build()), 7, 5, 2, null, 22,
                new double[] {Math.log(0.3)}, TAU, "DCL learnable τ");
        compare(Dcl.builder().temperature(1e-3).build(), DclLoss.of(Dcl.builder().temperature(1e-3).build()), 6, 4, 23,
                "DCL τ=1e-3");
    }

    // ---- align-uniform

    @Test
    void alignUniformMatchesCore() {
        for (AlignUniform core : List.of(AlignUniform.builder().build(),
                AlignUniform.builder().alpha(1.5).t(1).lambda(0.5).build(),
                AlignUniform.builder().alpha(3).t(0.5).lambda(2).normalize(false).build(),
                AlignUniform.builder().lambda(0).build())) {
            compare(core, AlignUniformLoss.of(core), 9, 5, 26, core.toString());
        }
    }

    // ---- configuration: one place

    @Test
    void eachDjlLossTakesItsWholeConfigurationFromItsCoreLoss() {
        InfoNce info = InfoNce.builder().temperature(0.3).learnableTemperature(true).maxLogitScale(50)
                .symmetric(true).similarity(Similarity.DOT).reduction(Reduction.SUM).build();
        InfoNceLoss infoDjl = InfoNceLoss.of(info);
        assertEquals(0.3, infoDjl.temperature());
        assertTrue(infoDjl.learnableTemperature() && infoDjl.symmetric());
        assertEquals(50.0, infoDjl.maxLogitScale);
        assertEquals(Similarity.DOT, infoDjl.similarity);
        assertEquals(Reduction.SUM, infoDjl.reduction);
        assertEquals("InfoNceLoss{" + info + ", name=InfoNCE}", infoDjl.toString());
        SigLip sig = SigLip.builder().bias(-3).learnableBias(true).temperature(0.5).build();
        SigLipLoss sigDjl = SigLipLoss.of(sig, "sig");
        assertEquals(-3.0, sigDjl.bias());
        assertTrue(sigDjl.learnableBias());
        assertEquals("sig", sigDjl.getName());
        Dcl dclw = Dcl.builder().weighted(true).sigma(0.3).build();
        assertEquals("DCLW", DclLoss.of(dclw).getName());
        assertEquals("DCL", DclLoss.of(Dcl.builder().build()).getName());
        assertTrue(DclLoss.of(dclw).toString().contains(dclw.toString()));
        SupCon sup = SupCon.builder().baseTemperature(0.07).build();
        assertEquals("SupConLoss{" + sup + ", name=SupCon}", SupConLoss.of(sup).toString());
        assertEquals(sup, SupConLoss.of(sup).coreLoss());
        assertThrows(NullPointerException.class, () -> NtXentLoss.of(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NtXentLoss.of(NtXent.builder().build(), " "));
        assertEquals("name must not be blank, was \" \"", e.getMessage());
    }

    @Test
    void logitsNear1e4StayFiniteAndMatchCore() {
        // dot similarity of rows of norm ≈ 10·√8 at τ = 0.05: |logits| up to ~1e4 (the design's stated range)
        SplittableRandom rnd = new SplittableRandom(25);
        int n = 6;
        int d = 8;
        Matrix a = scaled(DjlTesting.gaussian(rnd, n, d), 10f);
        Matrix p = scaled(DjlTesting.gaussian(rnd, n, d), 10f);
        long[] labels = {0, 1, 0, 1, 2, 2};
        List<Object[]> cases = List.of(
                new Object[] {NtXent.builder().similarity(Similarity.DOT).temperature(0.05).build(),
                    NtXentLoss.of(NtXent.builder().similarity(Similarity.DOT).temperature(0.05).build()), null},
                new Object[] {SupCon.builder().similarity(Similarity.DOT).temperature(0.05).build(),
                    SupConLoss.of(SupCon.builder().similarity(Similarity.DOT).temperature(0.05).build()), labels},
                new Object[] {Dcl.builder().similarity(Similarity.DOT).temperature(0.05).build(),
                    DclLoss.of(Dcl.builder().similarity(Similarity.DOT).temperature(0.05).build()), null},
                new Object[] {SigLip.builder().similarity(Similarity.DOT).temperature(0.05).build(),
                    SigLipLoss.of(SigLip.builder().similarity(Similarity.DOT).temperature(0.05).build()), null});
        for (Object[] c : cases) {
            ContrastiveLoss core = (ContrastiveLoss) c[0];
            long[] y = (long[]) c[2];
            Batch.Builder b = Batch.builder(a).positives(p);
            if (y != null) {
                b.labels(y);
            }
            Batch built = b.build();
            LossResult expected = core.compute(built);
            DjlTesting.Bounds bounds = DjlTesting.Bounds.of(core, built);
            DjlTesting.Run run = DjlTesting.run((Loss) c[1], y, List.of(a, p));
            assertTrue(expected.value() > 100, core + " should see large logits, value " + expected.value());
            assertValue(expected.value(), run.value()[0], DjlTesting.Bounds.relative(bounds.value(), expected.value()),
                    core + " large logits");
            assertGradient(expected.gradient(Input.ANCHORS), run.gradients().get(0), bounds.gradientRelative(),
                    core + " large anchors");
            assertGradient(expected.gradient(Input.POSITIVES), run.gradients().get(1), bounds.gradientRelative(),
                    core + " large positives");
        }
    }

    private static Matrix scaled(Matrix m, float f) {
        float[] x = m.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] *= f;
        }
        return Matrix.of(m.rows(), m.cols(), x);
    }

    @Test
    void twoViewLossesNeedTwoRows() {
        Matrix one = DjlTesting.gaussian(new SplittableRandom(24), 1, 3);
        for (Loss loss : List.of(NtXentLoss.of(NtXent.builder().build()), DclLoss.of(Dcl.builder().build()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DjlTesting.run(loss, null, List.of(one, one)));
            assertTrue(e.getMessage().contains("N >= 2"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DjlTesting.run(
                        SigLipLoss.of(SigLip.builder().learnableBias(true).build()), null, List.of(one, one)));
        assertTrue(e.getMessage().contains("1 learnable scalar (b)"), e.getMessage());
    }
}
