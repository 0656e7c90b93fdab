package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.assertClose;
import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.logSumExp;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.contrast4j.loss.LossTesting.sim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NtXentTest {

    /** Row k of z = [a; p]: −s(z_k, z_partner) + log Σ_{l≠k} e^{s(z_k, z_l)}, in double. */
    static LossTesting.Ref reference(LossTesting.Vars v, boolean cosine, Reduction reduction) {
        int n = v.n;
        double[][] z = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            z[i] = v.row(Input.ANCHORS, i);
            z[i + n] = v.row(Input.POSITIVES, i);
        }
        double[] perRow = new double[2 * n];
        for (int k = 0; k < 2 * n; k++) {
            double[] logits = new double[2 * n - 1];
            int c = 0;
            for (int l = 0; l < 2 * n; l++) {
                if (l != k) {
                    logits[c++] = sim(z[k], z[l], cosine) / v.tau();
                }
            }
            perRow[k] = -sim(z[k], z[(k + n) % (2 * n)], cosine) / v.tau() + logSumExp(logits);
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    @ParameterizedTest(name = "{0} {1} τ={2}")
    @CsvSource({"COSINE,MEAN,0.5", "COSINE,SUM,0.1", "COSINE,NONE,1", "DOT,MEAN,0.7", "DOT,SUM,2", "DOT,NONE,10",
        "COSINE,MEAN,0.01"})
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, double tau) {
        SplittableRandom rnd = new SplittableRandom(21);
        Batch batch = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        NtXent loss = NtXent.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r).build();
        checkAgainstReference(loss, batch, tau, 0, v -> reference(v, s == Similarity.COSINE, r),
                Scalar.LOG_TEMPERATURE);
    }

    @Test
    void finiteAtTinyTemperatureWithIdenticalViews() {
        Matrix x = gaussian(new SplittableRandom(2), 6, 5);
        for (double tau : new double[] {1e-3, 10}) {
            LossResult r = NtXent.builder().temperature(tau).learnableTemperature(true).build()
                    .compute(Batch.of(x, x.copy()));
            assertAllFinite(r);
            assertEquals(12, r.perRow().length);
        }
        checkAgainstReference(NtXent.builder().temperature(1e-3).build(), Batch.of(x, x.copy()), 1e-3, 0,
                v -> reference(v, true, Reduction.MEAN));
    }

    @Test
    void perfectViewsOfOrthogonalPointsGiveTheClosedForm() {
        int n = 3;
        float[] eye = new float[n * n];
        for (int i = 0; i < n; i++) {
            eye[i * n + i] = 1f;
        }
        Matrix e = Matrix.of(n, n, eye);
        double tau = 0.5;
        // row k: partner similarity 1, 2N−2 others similarity 0 → −1/τ + log(e^{1/τ} + 2N−2)
        double expected = Math.log(1 + (2 * n - 2) * Math.exp(-1 / tau));
        // 0/1 rows: the similarities are exact, double arithmetic on logits of size 1/τ only
        assertClose("value", expected, NtXent.builder().temperature(tau).build().compute(Batch.of(e, e.copy()))
                .value(), LossTesting.doubleBound(8 * n, 1 / tau + 1));
    }

    @Test
    void badInput() {
        SplittableRandom rnd = new SplittableRandom(4);
        Matrix one = gaussian(rnd, 1, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> NtXent.builder().build().compute(Batch.of(one, one.copy())));
        assertEquals("NT-Xent needs N >= 2 pairs: with N = 1 a row's only other row is its positive, so it has no "
                + "negative", e.getMessage());
        Matrix a = gaussian(rnd, 3, 3);
        e = assertThrows(IllegalArgumentException.class, () -> NtXent.builder().build()
                .compute(Batch.builder(a).positives(a.copy()).labels(new long[] {1, 2, 3}).build()));
        assertEquals("NT-Xent does not use labels; the batch has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NtXent.builder().build()
                .compute(Batch.builder(a).positives(a.copy()).sharedNegatives(a.copy()).build()));
        assertEquals("NT-Xent does not use explicit negatives; the batch has 3×3", e.getMessage());
    }
}
