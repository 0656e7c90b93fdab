package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.internal.KernelChoice;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassLossResult;
import org.contrast4j.loss.FullSoftmax;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.Nce;
import org.contrast4j.loss.NegativeSampling;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.SampledSoftmax;
import org.contrast4j.sample.Unigram;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * The trainer's SGD steps against the library's losses, whose math is verified elsewhere (finite differences and
 * PyTorch fixtures): the same query, class table, target and samples go to both; the step must change the tables by
 * exactly −lr × the gradients the loss reports with reduction SUM, and return its value. Each case runs on every
 * {@link SkipGramMath} this JVM has (scalar, and the Vector API one), with D = 100 so the vector code's tail runs.
 */
class SkipGramKernelsTest {
    static final int V = 13;
    static final int D = 100;
    static final float LR = 1f;
    /**
     * The tolerance of the comparisons, from {@link FloatBounds}: both sides compute scores of length D = 100 in
     * float32 (any order), on tables of entries ≤ 1.1 (gaussians of scale ≤ 0.2, D·V draws, ≤ 5.5σ) whose rows have
     * norm ≤ 0.2·√D·1.3 = 2.6, so a score is within γ_D·2.6² and |score| + |log(k·q)| ≤ L = 2.6² + log(50·V·5);
     * a loss, a gradient entry and a table change of at most 16 terms then agree within
     * (D + 2·16 + 8)·u·(1 + L)·4 relative to max(1, |value|), plus the float32 rounding of the updated table entry,
     * u·1.1, which the difference new − old inherits.
     */
    static final double TOL = (D + 2 * 16 + 8) * FloatBounds.U * (1 + 2.6 * 2.6 + Math.log(50.0 * V * 5)) * 4;
    static final double TABLE_ROUNDING = FloatBounds.U * 1.1;

    static List<SkipGramMath> maths() {
        List<SkipGramMath> m = new ArrayList<>();
        m.add(new SkipGramMath.Scalar());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            m.add(new SkipGramVectorMath());
        }
        return m;
    }

    @Test
    void everyElementwiseKindIsTestedAndTheProvidersChoiceIsUsed() {
        // the surefire argLine adds jdk.incubator.vector, so both implementations run here, one per element-wise kind;
        // the trainer uses the one the kernel provider chose (vector unless the kernel is forced to scalar)
        assertEquals(List.of(KernelKind.SCALAR, KernelKind.VECTOR), maths().stream().map(SkipGramMath::kind).toList());
        assertEquals(KernelChoice.elementwise(), SkipGramMath.active().kind());
        assertEquals(Kernels.kind() == KernelKind.SCALAR ? KernelKind.SCALAR : KernelKind.VECTOR,
                SkipGramMath.active().kind());
        assertSame(SkipGramMath.active(), SkipGramMath.active());
    }

    static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            double v = r.nextDouble();
            a[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return a;
    }

    static void close(String what, double expected, double actual) {
        double err = Math.abs(expected - actual);
        double tol = TOL * Math.max(1.0, Math.abs(expected)) + TABLE_ROUNDING;
        assertTrue(err <= tol, what + ": expected " + expected + ", got " + actual + " (error " + err + ", tolerance "
                + tol + ")");
    }

    /** Tables, a query id, the step's ids (target first) and the noise, for one pair. */
    record Pair(float[] in, float[] out, int query, int[] ids, double[] q) {
        int[] samples() {
            int[] s = new int[ids.length - 1];
            System.arraycopy(ids, 1, s, 0, s.length);
            return s;
        }

        ClassBatch batch() {
            float[] h = new float[D];
            System.arraycopy(in, query * D, h, 0, D);
            return ClassBatch.builder(Matrix.of(1, D, h), Matrix.of(V, D, out.clone())).targets(new int[] {ids[0]})
                    .pairedSamples(samples(), ids.length - 1).noise(q).build();
        }
    }

    /** target 4, samples with a repeat (7, 7) and an accidental hit (4). */
    static Pair pair(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] counts = new long[V];
        for (int i = 0; i < V; i++) {
            counts[i] = 1 + r.nextInt(50);
        }
        double[] q = Unigram.of(counts).probabilities();
        return new Pair(gaussian(r, V * D, 0.15), gaussian(r, V * D, 0.15), 2, new int[] {4, 7, 1, 7, 4, 11}, q);
    }

    static float[] logCorrection(double[] q, int k) {
        float[] c = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            c[i] = (float) Math.log(k * q[i]);
        }
        return c;
    }

    /** Checks the step's table changes against −lr × the library's gradients and its returned value. */
    static void checkStep(String what, Pair p, float[] in1, float[] out1, double stepLoss, ClassLossResult ref) {
        close(what + " loss", ref.value(), stepLoss);
        float[] gq = ref.queryGradient().data();
        for (int c = 0; c < D; c++) {
            close(what + " query[" + c + "]", -LR * gq[c], in1[p.query * D + c] - p.in[p.query * D + c]);
        }
        for (int row = 0; row < V; row++) {
            if (row == p.query) {
                continue;
            }
            for (int c = 0; c < D; c++) {
                assertEquals(p.in[row * D + c], in1[row * D + c], what + ": input row " + row + " must not change");
            }
        }
        float[] gw = ref.classGradient().toDense().data();
        for (int i = 0; i < V * D; i++) {
            close(what + " class[" + i / D + "," + i % D + "]", -LR * gw[i], out1[i] - p.out[i]);
        }
    }

    @Test
    void negativeSamplingStepIsTheLibraryGradientStep() {
        for (SkipGramMath m : maths()) {
            for (long seed = 1; seed <= 3; seed++) {
                Pair p = pair(seed);
                float[] in1 = p.in.clone();
                float[] out1 = p.out.clone();
                double loss = new SkipGramKernels(m, D, 6).noiseContrast(in1, p.query, out1, p.ids, 6, null, true,
                        LR, true);
                ClassLossResult ref = NegativeSampling.builder().removeAccidentalHits(true)
                        .reduction(Reduction.SUM).build().compute(p.batch());
                checkStep(m.kind().id() + " neg seed " + seed, p, in1, out1, loss, ref);
            }
        }
    }

    @Test
    void nceStepIsTheLibraryGradientStep() {
        for (SkipGramMath m : maths()) {
            for (long seed = 1; seed <= 3; seed++) {
                Pair p = pair(seed);
                float[] in1 = p.in.clone();
                float[] out1 = p.out.clone();
                double loss = new SkipGramKernels(m, D, 6).noiseContrast(in1, p.query, out1, p.ids, 6,
                        logCorrection(p.q, 5), false, LR, true);
                ClassLossResult ref = Nce.builder().reduction(Reduction.SUM).build().compute(p.batch());
                checkStep(m.kind().id() + " nce seed " + seed, p, in1, out1, loss, ref);
            }
        }
    }

    @Test
    void sampledSoftmaxStepIsTheLibraryGradientStep() {
        for (SkipGramMath m : maths()) {
            for (long seed = 1; seed <= 3; seed++) {
                Pair p = pair(seed);
                float[] in1 = p.in.clone();
                float[] out1 = p.out.clone();
                double loss = new SkipGramKernels(m, D, 6).sampledSoftmax(in1, p.query, out1, p.ids, 6,
                        logCorrection(p.q, 5), LR, true);
                ClassLossResult ref = SampledSoftmax.builder().reduction(Reduction.SUM).build().compute(p.batch());
                checkStep(m.kind().id() + " sampled softmax seed " + seed, p, in1, out1, loss, ref);
            }
        }
    }

    @Test
    void withoutLossTheStepIsTheSameAndReturnsZero() {
        Pair p = pair(9);
        float[] inA = p.in.clone();
        float[] outA = p.out.clone();
        float[] inB = p.in.clone();
        float[] outB = p.out.clone();
        SkipGramKernels k = new SkipGramKernels(SkipGramMath.active(), D, 6);
        k.noiseContrast(inA, p.query, outA, p.ids, 6, null, true, 0.1f, true);
        assertEquals(0.0, k.noiseContrast(inB, p.query, outB, p.ids, 6, null, true, 0.1f, false));
        assertTrue(java.util.Arrays.equals(inA, inB) && java.util.Arrays.equals(outA, outB));
    }

    @Test
    void softmaxBatchIsTheLibraryFullSoftmaxStep() {
        SplittableRandom r = new SplittableRandom(5);
        float[] in = gaussian(r, V * D, 0.2);
        float[] out = gaussian(r, V * D, 0.2);
        // three centers, one of them twice (its steps add up), with 2, 3, 1 and 2 contexts (a context repeated)
        int[] centers = {3, 8, 3, 0};
        int[] ctxStart = {0, 2, 5, 6, 8};
        int[] ctx = {1, 5, 2, 2, 12, 7, 9, 4};
        float[] in1 = in.clone();
        float[] out1 = out.clone();
        double loss = new SkipGramKernels(SkipGramMath.active(), D, 1).softmax(in1, out1, V, centers, 4, ctxStart, ctx,
                LR);
        // the library: one query row per (center, context) pair
        float[] h = new float[ctx.length * D];
        int[] targets = new int[ctx.length];
        int[] owner = new int[ctx.length];
        for (int i = 0; i < centers.length; i++) {
            for (int j = ctxStart[i]; j < ctxStart[i + 1]; j++) {
                System.arraycopy(in, centers[i] * D, h, j * D, D);
                targets[j] = ctx[j];
                owner[j] = centers[i];
            }
        }
        ClassLossResult ref = FullSoftmax.builder().reduction(Reduction.SUM).build()
                .compute(ClassBatch.of(Matrix.of(ctx.length, D, h), Matrix.of(V, D, out.clone()), targets));
        close("softmax loss", ref.value(), loss);
        double[] dIn = new double[V * D];
        float[] gq = ref.queryGradient().data();
        for (int j = 0; j < ctx.length; j++) {
            for (int c = 0; c < D; c++) {
                dIn[owner[j] * D + c] -= LR * gq[j * D + c];
            }
        }
        for (int i = 0; i < V * D; i++) {
            close("softmax input[" + i / D + "," + i % D + "]", dIn[i], in1[i] - in[i]);
        }
        float[] gw = ref.classGradient().toDense().data();
        for (int i = 0; i < V * D; i++) {
            close("softmax class[" + i / D + "," + i % D + "]", -LR * gw[i], out1[i] - out[i]);
        }
    }

    @Test
    void infoNceBatchIsTheLibraryInfoNceStep() {
        SplittableRandom r = new SplittableRandom(6);
        int v = 40;
        float[] in = gaussian(r, v * D, 0.2);
        float[] out = gaussian(r, v * D, 0.2);
        // distinct centers (the library's labels mask only same contexts); context 9 appears twice: masked for each
        // other and its two steps add up
        int[] centers = {0, 1, 2, 3, 4, 5};
        int[] contexts = {9, 11, 9, 30, 31, 17};
        float tau = 0.3f;
        float[] in1 = in.clone();
        float[] out1 = out.clone();
        double[] stats = new double[2];
        new SkipGramKernels(SkipGramMath.active(), D, 1).infoNce(in1, out1, centers, contexts, 6, tau, LR, stats);
        float[] a = new float[6 * D];
        float[] p = new float[6 * D];
        long[] labels = new long[6];
        for (int i = 0; i < 6; i++) {
            System.arraycopy(in, centers[i] * D, a, i * D, D);
            System.arraycopy(out, contexts[i] * D, p, i * D, D);
            labels[i] = contexts[i];
        }
        LossResult ref = InfoNce.builder().similarity(Similarity.DOT).temperature(tau).reduction(Reduction.SUM)
                .build().compute(Batch.builder(Matrix.of(6, D, a)).positives(Matrix.of(6, D, p)).labels(labels)
                        .build());
        close("infonce loss", ref.value(), stats[0]);
        assertEquals(6.0, stats[1]);
        double[] dIn = new double[v * D];
        double[] dOut = new double[v * D];
        float[] ga = ref.gradient(Input.ANCHORS).data();
        float[] gp = ref.gradient(Input.POSITIVES).data();
        for (int i = 0; i < 6; i++) {
            for (int c = 0; c < D; c++) {
                dIn[centers[i] * D + c] -= LR * ga[i * D + c];
                dOut[contexts[i] * D + c] -= LR * gp[i * D + c];
            }
        }
        for (int i = 0; i < v * D; i++) {
            close("infonce input[" + i / D + "," + i % D + "]", dIn[i], in1[i] - in[i]);
            close("infonce output[" + i / D + "," + i % D + "]", dOut[i], out1[i] - out[i]);
        }
    }

    @Test
    void infoNceMasksSameCenterCandidatesAndSkipsRowsWithoutNegatives() {
        // two pairs of one center: each is the other's only candidate and is masked → both rows skipped, no change
        SplittableRandom r = new SplittableRandom(7);
        float[] in = gaussian(r, 4 * D, 0.2);
        float[] out = gaussian(r, 4 * D, 0.2);
        float[] in1 = in.clone();
        float[] out1 = out.clone();
        double[] stats = new double[2];
        new SkipGramKernels(SkipGramMath.active(), D, 1).infoNce(in1, out1, new int[] {1, 1}, new int[] {2, 3}, 2,
                0.5f, LR, stats);
        assertEquals(0.0, stats[1]);
        assertEquals(0.0, stats[0]);
        assertTrue(java.util.Arrays.equals(in, in1) && java.util.Arrays.equals(out, out1));
    }
}
