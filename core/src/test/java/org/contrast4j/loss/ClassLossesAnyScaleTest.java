package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The class-scoring losses (full softmax, sampled softmax, NCE, negative sampling) on queries h and class rows W both
 * multiplied by a scale from 1e-30 to 1e25: the scores s = h·W_c scale by s², so either every float32 score fits and
 * the value matches the double reference ({@link ClassTesting}) on exactly those float32 inputs, or a score overflows
 * float32 and the loss refuses with an exception naming the overflow — never NaN or ±∞.
 *
 * <p>Tolerance ({@link FloatBounds}): each score is within δ = γ_D·max‖h‖·max‖W‖; a per-row loss is K-Lipschitz in
 * its scores (K = 2 for a softmax, k + 1 for the k + 1 binary terms), plus double arithmetic on values of size L =
 * the largest |score|.
 */
class ClassLossesAnyScaleTest {
    static final int B = 5;
    static final int D = 4;
    static final int V = 11;
    static final int K = 3;

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(doubles = {1e-30, 1e-10, 1, 1e10, 1e19, 1e25})
    void correctOrAPreciseExceptionAtAnyScale(double scale) {
        SplittableRandom rnd = new SplittableRandom(31);
        Matrix h = scaled(LossTesting.gaussian(rnd, B, D), scale);
        Matrix w = scaled(LossTesting.gaussian(rnd, V, D), scale);
        int[] targets = {0, 3, 5, 7, 9};
        int[] samples = {1, 4, 8};
        ClassBatch batch = ClassBatch.builder(h, w).targets(targets).noise(ClassTesting.noise(V))
                .sharedSamples(samples).build();
        double maxH = FloatBounds.maxRowNorm(h.data(), D);
        double maxW = FloatBounds.maxRowNorm(w.data(), D);
        double maxScore = maxH * maxW;
        run("full softmax", FullSoftmax.builder().build(), batch, x -> ClassTesting.fullSoftmax(x, batch,
                Reduction.MEAN), 2, maxScore);
        run("sampled softmax", SampledSoftmax.builder().build(), batch,
                x -> ClassTesting.sampledSoftmax(x, batch, false, Reduction.MEAN), 2, maxScore);
        run("NCE", Nce.builder().build(), batch,
                x -> ClassTesting.binary(x, batch, true, false, Reduction.MEAN), K + 1, maxScore);
        run("negative sampling", NegativeSampling.builder().build(), batch,
                x -> ClassTesting.binary(x, batch, false, false, Reduction.MEAN), K + 1, maxScore);
    }

    private static void run(String name, ClassScoringLoss loss, ClassBatch batch,
                            Function<ClassTesting.Vars, ClassTesting.Ref> reference, double lipschitz,
                            double maxScore) {
        boolean fits = maxScore * (1 + FloatBounds.gamma(D)) < Float.MAX_VALUE;
        ClassLossResult r;
        try {
            r = loss.compute(batch);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("overflow"), name + ": the refusal must name the overflow: "
                    + e.getMessage());
            if (fits) {
                fail(name + ": every score fits float32 (max |score| ≤ " + maxScore + ") but the loss refused: "
                        + e.getMessage());
            }
            return;
        }
        ClassTesting.Ref ref = reference.apply(new ClassTesting.Vars(batch, 0));
        assertTrue(Double.isFinite(r.value()), name + " value " + r.value());
        double delta = FloatBounds.dot(D, maxScore);
        double tol = lipschitz * delta + FloatBounds.gamma64(64) * (maxScore + 10) * lipschitz;
        LossTesting.assertWithin(name + " value", ref.value(), r.value(), tol);
        for (float v : r.queryGradient().data()) {
            assertTrue(Float.isFinite(v), name + " query gradient " + v);
        }
    }

    static Matrix scaled(Matrix m, double scale) {
        float[] out = new float[m.data().length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (m.data()[k] * scale);
        }
        return Matrix.of(m.rows(), m.cols(), out);
    }
}
