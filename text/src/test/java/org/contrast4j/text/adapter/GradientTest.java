package org.contrast4j.text.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gradient of one training step — the loss's input gradients back-propagated through the towers by
 * {@link Tower#backward} — against central finite differences of {@link ReferenceLoss}, the whole loss written in
 * double from its formula. Covers linear and MLP towers, shared and per side, D' ≠ D, id masking (two queries with
 * the same document), pooled explicit negatives, GIST and Matryoshka; and ∂L/∂log τ.
 */
class GradientTest {
    private static final int D = 6;
    private static final int N = 5;

    @ParameterizedTest(name = "{0} shared={1} out={2} gist={3} matryoshka={4}")
    @CsvSource({
        "LINEAR, false, 6, false, false",
        "LINEAR, true, 6, false, false",
        "LINEAR, false, 4, false, false",
        "LINEAR, false, 6, true, true",
        "MLP, false, 6, false, false",
        "MLP, true, 6, true, false",
        "MLP, false, 6, false, true"})
    void stepGradientMatchesFiniteDifferencesOfADoubleReference(AdapterKind kind, boolean shared, int out,
                                                                 boolean gist, boolean matryoshka) {
        SplittableRandom rnd = new SplittableRandom(42 + out + (shared ? 1 : 0) + (gist ? 2 : 0));
        // 4 documents: queries 0 and 3 share document 0 (id masking); negatives 2 and 3 pooled, 3 is query 4's positive
        Matrix q = Synthetic.gaussianMatrix(N, D, 7);
        Matrix docs = Synthetic.gaussianMatrix(6, D, 8);
        int[] pos = {0, 1, 2, 0, 3};
        int[][] neg = {{4}, {}, {5, 3}, {}, {4}};
        Pairs pairs = Pairs.of(q, docs, pos, neg);
        AdapterTrainer.Builder b = AdapterTrainer.builder().kind(kind).shared(shared).threads(1).temperature(0.2)
                .gist(gist).gistMargin(0.3);
        if (kind == AdapterKind.LINEAR) {
            b.outputDimension(out);
        } else {
            b.hidden(4);
        }
        if (matryoshka) {
            b.matryoshkaDims(2, out);
        }
        AdapterTraining run = b.build().start(pairs, pairs);
        float[] p = run.parameterArray();
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (0.4 * Synthetic.gaussian(rnd));
        }
        int[] rows = {0, 1, 2, 3, 4};
        AdapterTraining.Step step = run.step(rows, null, false);

        // the reference on the same batch: documents = the positives, then the pooled negatives in first-seen order
        int[] pool = {4, 5, 3};
        double[][] xq = rowsOf(q, rows);
        double[][] xd = new double[N + pool.length][];
        for (int i = 0; i < N; i++) {
            xd[i] = rowsOf(docs, new int[] {pos[i]})[0];
        }
        for (int k = 0; k < pool.length; k++) {
            xd[N + k] = rowsOf(docs, new int[] {pool[k]})[0];
        }
        long[] labels = {0, 1, 2, 0, 3};
        long[] negIds = {4, 5, 3};
        int[] dims = matryoshka ? new int[] {2, out} : new int[] {out};
        int hidden = kind == AdapterKind.LINEAR ? 0 : 4;
        ReferenceLoss ref = new ReferenceLoss(kind, shared, D, kind == AdapterKind.LINEAR ? out : D, hidden, xq, xd,
                labels, negIds, dims, gist, 0.3);
        double[] theta = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            theta[i] = p[i];
        }
        double logTau = Math.log(0.2);
        double value = ref.value(theta, logTau);
        // float32 forward: each logit s·cos carries ≈ (D + D' + hidden)·u relative error times the scale s = 5;
        // the loss sums a few such logits per row
        double u = FloatBounds.U;
        double logitError = 5 * 8 * (D + out + hidden + 4) * u;
        assertEquals(value, step.loss(), 4 * dims.length * logitError * (1 + Math.abs(value)), "loss value");

        double h = 1e-5;
        double maxAbs = 0;
        double[] fd = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double keep = theta[i];
            theta[i] = keep + h;
            double up = ref.value(theta, logTau);
            theta[i] = keep - h;
            double down = ref.value(theta, logTau);
            theta[i] = keep;
            fd[i] = (up - down) / (2 * h);
            maxAbs = Math.max(maxAbs, Math.abs(fd[i]));
        }
        assertTrue(maxAbs > 1e-3, "a test whose gradient vanishes tests nothing: max |∂L/∂θ| = " + maxAbs);
        // first order: the float32 softmax weights carry the logit error relatively, and each gradient entry sums
        // N + M + D such terms (gemms, column sums); the central difference adds O(h²·L''') ≈ 1e-8
        double tol = 8 * logitError * (N + pool.length + D + hidden) * (1 + maxAbs) + 1e-7;
        for (int i = 0; i < p.length; i++) {
            assertEquals(fd[i], step.gradient()[i], tol, "∂L/∂θ[" + i + "] of " + p.length);
        }
        double up = ref.value(theta, logTau + h);
        double down = ref.value(theta, logTau - h);
        assertEquals((up - down) / (2 * h), step.logTauGradient(), tol, "∂L/∂log τ");
    }

    static double[][] rowsOf(Matrix x, int[] rows) {
        double[][] out = new double[rows.length][x.cols()];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < x.cols(); j++) {
                out[i][j] = x.get(rows[i], j);
            }
        }
        return out;
    }
}
