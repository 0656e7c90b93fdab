package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.logSumExp;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.contrast4j.loss.LossTesting.sim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DclTest {

    /** Yeh et al. Eq. 6 in double, with constant pair weights w (null = DCL). */
    static LossTesting.Ref reference(LossTesting.Vars v, double[] w, boolean cosine, Reduction reduction) {
        int n = v.n;
        double[][] z = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            z[i] = v.row(Input.ANCHORS, i);
            z[i + n] = v.row(Input.POSITIVES, i);
        }
        double[] perRow = new double[2 * n];
        for (int k = 0; k < 2 * n; k++) {
            int partner = (k + n) % (2 * n);
            double[] logits = new double[2 * n - 2];
            int c = 0;
            for (int l = 0; l < 2 * n; l++) {
                if (l != k && l != partner) {
                    logits[c++] = sim(z[k], z[l], cosine) / v.tau();
                }
            }
            double weight = w == null ? 1 : w[k % n];
            perRow[k] = -weight * sim(z[k], z[partner], cosine) / v.tau() + logSumExp(logits);
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    /** w_i = 2 − N·softmax_i(sim(a_i, p_i)/σ), from the unperturbed inputs (the loss treats them as constants). */
    static double[] weights(Batch batch, boolean cosine, double sigma) {
        int n = batch.size();
        double[] l = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double[] a = LossTesting.toDouble(Matrix.of(1, batch.dimension(), batch.anchors().row(i)));
            double[] p = LossTesting.toDouble(Matrix.of(1, batch.dimension(), batch.positives().orElseThrow().row(i)));
            l[i] = sim(a, p, cosine) / sigma;
            max = Math.max(max, l[i]);
        }
        double sum = 0;
        for (double x : l) {
            sum += Math.exp(x - max);
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 2 - n * Math.exp(l[i] - max) / sum;
        }
        return w;
    }

    @ParameterizedTest(name = "weighted={0} {1} {2}")
    @CsvSource({"false,COSINE,MEAN", "false,DOT,SUM", "true,COSINE,MEAN", "true,DOT,NONE", "true,COSINE,SUM"})
    void matchesReferenceAndFiniteDifferences(boolean weighted, Similarity s, Reduction r) {
        SplittableRandom rnd = new SplittableRandom(44);
        Batch batch = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        double tau = 0.6;
        double[] w = weighted ? weights(batch, s == Similarity.COSINE, 0.5) : null;
        checkAgainstReference(Dcl.builder().weighted(weighted).temperature(tau).learnableTemperature(true)
                .similarity(s).reduction(r).build(), batch, tau, 0,
                v -> reference(v, w, s == Similarity.COSINE, r), Scalar.LOG_TEMPERATURE);
    }

    @Test
    void differsFromTwoSeparateLogSumExps() {
        // the paper's single log-sum-exp is smaller than lightly's sum of two (each ≥ the max of its half)
        SplittableRandom rnd = new SplittableRandom(6);
        Batch batch = Batch.of(gaussian(rnd, 4, 3), gaussian(rnd, 4, 3));
        double ours = Dcl.builder().build().compute(batch).value();
        LossTesting.Vars v = new LossTesting.Vars(batch, 0.1, 0);
        double twoLse = 0;
        for (int k = 0; k < 8; k++) {
            int n = 4;
            double[] zk = k < n ? v.row(Input.ANCHORS, k) : v.row(Input.POSITIVES, k - n);
            double[] pk = k < n ? v.row(Input.POSITIVES, k) : v.row(Input.ANCHORS, k - n);
            double[] same = new double[n - 1];
            double[] other = new double[n - 1];
            int c = 0;
            for (int j = 0; j < n; j++) {
                if (j != k % n) {
                    same[c] = sim(zk, k < n ? v.row(Input.ANCHORS, j) : v.row(Input.POSITIVES, j), true) / 0.1;
                    other[c++] = sim(zk, k < n ? v.row(Input.POSITIVES, j) : v.row(Input.ANCHORS, j), true) / 0.1;
                }
            }
            twoLse += -sim(zk, pk, true) / 0.1 + logSumExp(same) + logSumExp(other);
        }
        assertTrue(Math.abs(ours - twoLse / 8) > 1e-3, "single vs two log-sum-exps must differ");
    }

    @Test
    void finiteAtExtremeTemperatures() {
        Matrix x = gaussian(new SplittableRandom(1), 5, 4);
        for (double tau : new double[] {1e-3, 10}) {
            for (boolean w : new boolean[] {false, true}) {
                assertAllFinite(Dcl.builder().weighted(w).temperature(tau).learnableTemperature(true).build()
                        .compute(Batch.of(x, x.copy())));
            }
        }
    }

    @Test
    void badInput() {
        Matrix one = gaussian(new SplittableRandom(1), 1, 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dcl.builder().weighted(true).build().compute(Batch.of(one, one.copy())));
        assertEquals("DCLW needs N >= 2 pairs: with N = 1 a row has no negative once its positive is removed from "
                + "the denominator", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dcl.builder().sigma(-1));
        assertEquals("sigma must be > 0 and finite, was -1.0", e.getMessage());
        assertEquals("Dcl{weighted=true, sigma=0.5, temperature=0.1, learnableTemperature=false, similarity=COSINE, "
                + "reduction=MEAN}", Dcl.builder().weighted(true).build().toString());
    }
}
