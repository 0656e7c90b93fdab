package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The public steps against the negative-sampling step written out in double. */
class SkipGramStepsTest {

    @Test
    void negativeSamplingStepIsTheGradientStepInDouble() {
        int d = 8;
        SplittableRandom r = new SplittableRandom(5);
        float[] in = new float[4 * d];
        float[] out = new float[10 * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() - 0.5);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextDouble() - 0.5);
        }
        int q = 3;
        int[] ids = {2, 5, 7};
        float lr = 0.1f;
        // reference in double: ℓ = softplus(−s_t) + Σ softplus(s_j); −lr·∂ℓ/∂s_t = lr·σ(−s_t), −lr·∂ℓ/∂s_j = −lr·σ(s_j)
        double[] dIn = new double[d];
        double[][] dOut = new double[ids.length][d];
        double loss = 0;
        for (int j = 0; j < ids.length; j++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += (double) in[q * d + c] * out[ids[j] * d + c];
            }
            double g = j == 0 ? lr / (1 + Math.exp(s)) : -lr / (1 + Math.exp(-s));
            loss += j == 0 ? Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
            for (int c = 0; c < d; c++) {
                dIn[c] += g * out[ids[j] * d + c];
                dOut[j][c] = g * in[q * d + c];
            }
        }
        double[] wantIn = new double[d];
        double[][] wantOut = new double[ids.length][d];
        for (int c = 0; c < d; c++) {
            wantIn[c] = in[q * d + c] + dIn[c];
            for (int j = 0; j < ids.length; j++) {
                wantOut[j][c] = out[ids[j] * d + c] + dOut[j][c];
            }
        }
        double got = SkipGramSteps.of(d, 2).noiseContrast(in, q, out, ids, 3, null, lr, true);
        // float32 rounding of d-term dot products and updates of magnitude ≤ 1: bound d·ε·4
        double tol = d * Math.ulp(1f) * 4;
        assertEquals(loss, got, 1e-5 * loss);
        for (int c = 0; c < d; c++) {
            assertEquals(wantIn[c], in[q * d + c], tol, "input column " + c);
            for (int j = 0; j < ids.length; j++) {
                assertEquals(wantOut[j][c], out[ids[j] * d + c], tol, "output row " + ids[j] + " column " + c);
            }
        }
    }

    /** The public window step is the kernel's: the same tables after the same call, bit for bit. */
    @Test
    void sharedStepsAreTheTrainersWindowSteps() {
        SplittableRandom r = new SplittableRandom(3);
        int d = 12;
        float[] in = new float[6 * d];
        float[] out = new float[6 * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() - 0.5);
            out[i] = (float) (r.nextDouble() - 0.5);
        }
        float[] corr = {0.1f, -0.3f, 0.2f, 0.5f, -1f, 0.7f};
        int[] ctx = {1, 2, 1};
        int[] ids = {0, 4, 5, 0};
        float[] in2 = in.clone();
        float[] out2 = out.clone();
        SkipGramKernels k = new SkipGramKernels(SkipGramMath.active(), d, 4);
        SkipGramSteps steps = SkipGramSteps.of(d, 3);
        assertEquals(k.sharedNoiseContrast(in, ctx, 3, out, ids, 4, null, true, 0.1f, true),
                steps.sharedNoiseContrast(in2, ctx, 3, out2, ids, 4, null, 0.1f, true));
        assertEquals(k.sharedSampledSoftmax(in, ctx, 3, out, ids, 4, corr, 0.1f, true),
                steps.sharedSampledSoftmax(in2, ctx, 3, out2, ids, 4, corr, 0.1f, true));
        org.junit.jupiter.api.Assertions.assertArrayEquals(in, in2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(out, out2);
        assertEquals("m must be in [1, 3] (the context words given), was 0", assertThrows(
                IllegalArgumentException.class, () -> steps.sharedNoiseContrast(in, ctx, 0, out, ids, 4, null, 0.1f,
                        false)).getMessage());
    }

    @Test
    void badArguments() {
        assertEquals("dimension must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> SkipGramSteps.of(0, 5)).getMessage());
        assertEquals("negatives must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> SkipGramSteps.of(4, -1)).getMessage());
        SkipGramSteps steps = SkipGramSteps.of(4, 2);
        assertEquals("n must be in [1, 3] (the target and up to 2 negatives), was 4",
                assertThrows(IllegalArgumentException.class, () -> steps.noiseContrast(new float[4], 0, new float[16],
                        new int[4], 4, null, 0.1f, false)).getMessage());
        assertThrows(NullPointerException.class, () -> steps.sampledSoftmax(new float[4], 0, new float[16],
                new int[3], 3, null, 0.1f, false));
    }
}
