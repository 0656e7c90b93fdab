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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SupConTest {

    /** L_out straight from Khosla et al. Eq. 2, in double; base = NaN means no τ/τ_base factor. */
    static LossTesting.Ref reference(LossTesting.Vars v, long[] labels, boolean withPositives, boolean cosine,
                                     double base, Reduction reduction) {
        int n = v.n;
        int rows = withPositives ? 2 * n : n;
        double[][] z = new double[rows][];
        long[] y = new long[rows];
        for (int k = 0; k < rows; k++) {
            z[k] = k < n ? v.row(Input.ANCHORS, k) : v.row(Input.POSITIVES, k - n);
            y[k] = labels[k % n];
        }
        double factor = Double.isNaN(base) ? 1 : v.tau() / base;
        double[] perRow = new double[rows];
        boolean[] skipped = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            double[] all = new double[rows - 1];
            int c = 0;
            for (int a = 0; a < rows; a++) {
                if (a != i) {
                    all[c++] = sim(z[i], z[a], cosine) / v.tau();
                }
            }
            double lse = logSumExp(all);
            double sum = 0;
            int count = 0;
            for (int p = 0; p < rows; p++) {
                if (p != i && y[p] == y[i]) {
                    sum += sim(z[i], z[p], cosine) / v.tau() - lse;
                    count++;
                }
            }
            skipped[i] = count == 0;
            perRow[i] = count == 0 ? 0 : -factor * sum / count;
        }
        return new LossTesting.Ref(reduce(reduction, perRow, skipped), perRow);
    }

    @ParameterizedTest(name = "{0} {1} positives={2} base={3}")
    @CsvSource({"COSINE,MEAN,false,NaN", "COSINE,SUM,true,NaN", "DOT,MEAN,true,0.07", "DOT,NONE,false,NaN",
        "COSINE,MEAN,true,0.07", "COSINE,SUM,false,0.5"})
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean withPositives, double base) {
        SplittableRandom rnd = new SplittableRandom(33);
        long[] labels = {0, 1, 0, 2, 1, 0, 3};  // label 2 and 3 appear once: skipped unless positives are given
        Batch.Builder b = Batch.builder(gaussian(rnd, 7, 4)).labels(labels);
        if (withPositives) {
            b.positives(gaussian(rnd, 7, 4));
        }
        double tau = 0.4;
        SupCon.Builder lb = SupCon.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r);
        if (!Double.isNaN(base)) {
            lb.baseTemperature(base);
        }
        LossResult result = checkAgainstReference(lb.build(), b.build(), tau, 0,
                v -> reference(v, labels, withPositives, s == Similarity.COSINE, base, r),
                Scalar.LOG_TEMPERATURE);
        assertEquals(withPositives ? 0 : 2, result.skippedRows());
    }

    @Test
    void everyRowSkippedGivesZeroNotNaN() {
        Matrix a = gaussian(new SplittableRandom(3), 4, 3);
        LossResult r = SupCon.builder().learnableTemperature(true).build()
                .compute(Batch.builder(a).labels(new long[] {1, 2, 3, 4}).build());
        assertEquals(4, r.skippedRows());
        assertEquals(0.0, r.value());
        assertAllFinite(r);
        for (float g : r.gradient(Input.ANCHORS).data()) {
            assertEquals(0f, g);
        }
    }

    @Test
    void finiteAtExtremeTemperatures() {
        Matrix a = gaussian(new SplittableRandom(8), 6, 4);
        Batch batch = Batch.builder(a).positives(a.copy()).labels(new long[] {0, 0, 1, 1, 2, 2}).build();
        for (double tau : new double[] {1e-3, 10}) {
            assertAllFinite(SupCon.builder().temperature(tau).learnableTemperature(true).build().compute(batch));
        }
        long[] labels = {0, 0, 1, 1, 2, 2};
        checkAgainstReference(SupCon.builder().temperature(1e-3).build(), batch, 1e-3, 0,
                v -> reference(v, labels, true, true, Double.NaN, Reduction.MEAN));
    }

    @Test
    void equalsNtXentWhenEachPairIsItsOwnClass() {
        // with z = [a; p] and label i for pair i, P(k) = {partner}: SupCon is NT-Xent
        SplittableRandom rnd = new SplittableRandom(12);
        Matrix a = gaussian(rnd, 5, 3);
        Matrix p = gaussian(rnd, 5, 3);
        double sup = SupCon.builder().temperature(0.3).build()
                .compute(Batch.builder(a).positives(p).labels(new long[] {0, 1, 2, 3, 4}).build()).value();
        double nt = NtXent.builder().temperature(0.3).build().compute(Batch.of(a, p)).value();
        // two code paths over float32 similarities: twice the per-row bound
        assertClose("SupCon = NT-Xent", nt, sup, 2 * LossTesting.softmaxRowBound(3, 0.3));
    }

    @Test
    void badInput() {
        Matrix a = gaussian(new SplittableRandom(5), 3, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> SupCon.builder().build().compute(
                Batch.builder(a).build()));
        assertEquals("SupCon needs labels (one per anchor)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).labels(new long[] {1, 2}).build());
        assertEquals("labels has 2 entries but there are 3 anchors", e.getMessage());
        Matrix one = gaussian(new SplittableRandom(5), 1, 2);
        e = assertThrows(IllegalArgumentException.class, () -> SupCon.builder().build().compute(
                Batch.builder(one).labels(new long[] {1}).build()));
        assertEquals("SupCon needs at least 2 embeddings, the batch has 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SupCon.builder().baseTemperature(0));
        assertEquals("base temperature must be > 0 and finite, was 0.0", e.getMessage());
    }
}
