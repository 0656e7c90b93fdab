package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input to the class-scoring losses — each rejected with an {@link IllegalArgumentException} whose message names
 * the sizes or the offending index and value, never a NaN — and the sparse gradient types.
 */
class ClassBatchTest {
    static final int B = 3;
    static final int D = 4;
    static final int V = 6;
    final SplittableRandom rnd = new SplittableRandom(9);
    final Matrix h = gaussian(rnd, B, D);
    final Matrix w = gaussian(rnd, V, D);
    final int[] targets = {0, 5, 2};
    final double[] q = ClassTesting.noise(V);

    /** A missing argument is a NullPointerException, a bad one an IllegalArgumentException; both name it. */
    static void rejects(Executable s, String... fragments) {
        boolean missing = fragments.length > 0 && fragments[0].endsWith("must not be null");
        Class<? extends RuntimeException> type = missing ? NullPointerException.class : IllegalArgumentException.class;
        RuntimeException e = assertThrows(type, s);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message should contain «" + f + "», was: " + e.getMessage());
        }
    }

    ClassBatch.Builder base() {
        return ClassBatch.builder(h, w).targets(targets);
    }

    @Test
    void shapes() {
        rejects(() -> ClassBatch.builder(Matrix.zeros(0, D), w).targets(new int[0]).build(), "empty batch",
                "0×4");
        rejects(() -> ClassBatch.builder(Matrix.zeros(B, 0), Matrix.zeros(V, 0)).targets(targets).build(),
                "dimension 0");
        rejects(() -> ClassBatch.builder(h, Matrix.zeros(0, D)).targets(targets).build(), "no classes", "0×4");
        rejects(() -> ClassBatch.builder(h, gaussian(rnd, V, D + 1)).targets(targets).build(),
                "classes have dimension 5 but queries have dimension 4", "6×5", "3×4");
        rejects(() -> base().bias(new float[V - 1]).build(), "bias has 5 entries but there are 6 classes");
        rejects(() -> ClassBatch.builder(null, w), "queries must not be null");
        rejects(() -> ClassBatch.builder(h, null), "classes must not be null");
    }

    @Test
    void targetsAndSampleIds() {
        rejects(() -> ClassBatch.builder(h, w).build(), "targets are required");
        rejects(() -> ClassBatch.builder(h, w).targets(new int[] {0, 1}).build(),
                "targets has 2 entries but there are 3 queries");
        rejects(() -> ClassBatch.builder(h, w).targets(new int[] {0, 6, 1}).build(),
                "targets[1] = 6 is outside [0, 6)");
        rejects(() -> ClassBatch.builder(h, w).targets(new int[] {0, -1, 1}).build(),
                "targets[1] = -1 is outside [0, 6)");
        rejects(() -> base().sharedSamples(new int[0]).build(), "sharedSamples is empty: k must be >= 1");
        rejects(() -> base().pairedSamples(new int[0], 0), "k must be >= 1, was 0");
        rejects(() -> base().sharedSamples(new int[] {1, 7}).build(), "sharedSamples[1] = 7 is outside [0, 6)");
        rejects(() -> base().pairedSamples(new int[] {1, 2, 3, 4, 5}, 2).build(),
                "pairedSamples has 5 ids but B·k = 3·2 = 6");
        rejects(() -> base().pairedSamples(new int[] {1, 2, 3, 4, 5, -3}, 2).build(),
                "pairedSamples[2, 1] = -3 is outside [0, 6)");
    }

    @Test
    void noiseAndCounts() {
        rejects(() -> base().noise(new double[V - 1]).build(), "noise q has 5 entries but there are 6 classes");
        double[] bad = q.clone();
        bad[3] = Double.NaN;
        rejects(() -> base().noise(bad).build(), "noise q[3] is NaN");
        double[] negative = q.clone();
        negative[2] = -0.01;
        negative[4] += 0.01;
        rejects(() -> base().noise(negative).build(), "noise q[2] is -0.01", ">= 0");
        double[] unnormalised = q.clone();
        unnormalised[0] += 0.001;
        rejects(() -> base().noise(unnormalised).build(), "noise q sums to 1.001", "within 1.0E-4",
                "normalise it first");
        double[] close = q.clone();
        close[0] += 5e-5;
        base().noise(close).build(); // within the tolerance
        double[] three = {1, 1, 1};
        rejects(() -> base().expectedCounts(three, new double[] {1}).build(), "expectedCounts are given but no"
                + " samples");
        rejects(() -> base().sharedSamples(new int[] {1, 2}).expectedCounts(new double[] {1, 1}, new double[] {1, 1})
                .build(), "expectedCounts has 2 target counts but there are 3 queries");
        rejects(() -> base().pairedSamples(new int[] {1, 2, 3, 4, 5, 0}, 2).expectedCounts(three, three).build(),
                "expectedCounts has 3 sample counts but there are 6 sampled ids (3×2 paired)");
        rejects(() -> base().sharedSamples(new int[] {1, 2}).expectedCounts(three, new double[] {1, Double.NaN})
                .build(), "expectedCounts: the sample count of sample 1 is NaN", "finite and > 0");
        rejects(() -> base().pairedSamples(new int[] {1, 2, 3, 4, 5, 0}, 2)
                .expectedCounts(three, new double[] {1, 1, 1, 0, 1, 1}).build(),
                "the sample count of query 1, sample 1 is 0.0");
        rejects(() -> base().sharedSamples(new int[] {1}).expectedCounts(new double[] {1, -1, 1}, new double[] {1})
                .build(), "the target count of query 1 is -1.0");
        rejects(() -> base().expectedCounts(null, three), "targetCounts must not be null");
    }

    @Test
    void nonFiniteInputs() {
        Matrix hn = h.copy();
        hn.set(2, 1, Float.NaN);
        rejects(() -> ClassBatch.builder(hn, w).targets(targets).build(), "queries[2, 1] is NaN");
        float[] b = new float[V];
        b[4] = Float.NEGATIVE_INFINITY;
        rejects(() -> base().bias(b).build(), "bias[4] is -Infinity");
        Matrix wn = w.copy();
        wn.set(5, 3, Float.POSITIVE_INFINITY);
        rejects(() -> ClassBatch.builder(h, wn).targets(targets).build(), "classes[5, 3] is Infinity",
                "class 5 is the target of query 1");
        Matrix wm = w.copy();
        wm.set(4, 0, Float.NaN);
        rejects(() -> ClassBatch.builder(h, wm).targets(targets).sharedSamples(new int[] {1, 4}).build(),
                "classes[4, 0] is NaN", "sampled class");
        // a row no sampled loss reads is not scanned by the batch, but the full softmax, which reads it, rejects it
        ClassBatch untouched = ClassBatch.builder(h, wm).targets(targets).sharedSamples(new int[] {1, 3}).noise(q)
                .build();
        assertTrue(Double.isFinite(Nce.builder().build().compute(untouched).value()));
        rejects(() -> FullSoftmax.builder().build().compute(untouched), "classes[4, 0] is NaN");
    }

    @Test
    void lossesNameWhatTheyMiss() {
        ClassBatch noSamples = base().noise(q).build();
        for (ClassScoringLoss loss : List.of(Nce.builder().build(), NegativeSampling.builder().build(),
                SampledSoftmax.builder().build())) {
            rejects(() -> loss.compute(noSamples), "needs sampled classes", "sharedSamples", "pairedSamples");
        }
        ClassBatch noNoise = base().sharedSamples(new int[] {1, 3}).build();
        rejects(() -> Nce.builder().build().compute(noNoise), "NCE needs the noise distribution q",
                "expectedCounts");
        rejects(() -> SampledSoftmax.builder().build().compute(noNoise), "sampled softmax needs the noise");
        assertTrue(Double.isFinite(NegativeSampling.builder().build().compute(noNoise).value()));
        assertTrue(Double.isFinite(FullSoftmax.builder().build().compute(noNoise).value()));
    }

    @Test
    void zeroNoiseAtATargetOrSampleIsAnErrorNotANaN() {
        double[] zeroAt3 = {0.2, 0.2, 0.2, 0.0, 0.2, 0.2};
        ClassBatch sampled3 = base().pairedSamples(new int[] {1, 2, 4, 1, 3, 4}, 2).noise(zeroAt3).build();
        rejects(() -> Nce.builder().build().compute(sampled3), "NCE: noise q[3] = 0.0 for class 3",
                "sampled class 0 of query 2", "needs q(c) > 0");
        rejects(() -> SampledSoftmax.builder().build().compute(sampled3), "sampled softmax: noise q[3] = 0.0");
        double[] zeroAt5 = {0.2, 0.2, 0.2, 0.2, 0.2, 0.0};
        ClassBatch target5 = base().sharedSamples(new int[] {1}).noise(zeroAt5).build();
        rejects(() -> Nce.builder().build().compute(target5), "noise q[5] = 0.0 for class 5, the target of query 1");
        // given expected counts take precedence over k·q: q(3) = 0 no longer matters
        ClassBatch counted = sampled3.toBuilder().expectedCounts(new double[] {0.5, 0.5, 0.5},
                new double[] {1, 1, 1, 1, 1, 1}).build();
        assertTrue(Double.isFinite(SampledSoftmax.builder().build().compute(counted).value()));
        // q = 0 away from the targets and samples is fine
        double[] zeroAt1 = {0.25, 0.0, 0.25, 0.25, 0.0, 0.25};
        ClassBatch fine = base().sharedSamples(new int[] {3}).noise(zeroAt1).build();
        assertTrue(Double.isFinite(Nce.builder().build().compute(fine).value()));
    }

    @Test
    void builderSettersValidateAtOnce() {
        rejects(() -> Nce.builder().logNormaliser(Double.NaN), "logNormaliser must be finite, was NaN");
        rejects(() -> Nce.builder().reduction(null), "reduction must not be null");
        rejects(() -> SampledSoftmax.builder().reduction(null), "reduction must not be null");
    }

    @Test
    void batchAccessorsCopyIdsAndDescribeTheBatch() {
        int[] t = targets.clone();
        int[] s = {1, 2, 3, 4, 5, 0};
        ClassBatch batch = ClassBatch.builder(h, w).targets(t).pairedSamples(s, 2).noise(q).build();
        t[0] = 4;
        s[0] = 5;
        assertArrayEquals(targets, batch.targets());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 0}, batch.samples().orElseThrow());
        assertEquals(2, batch.samplesPerRow());
        assertEquals(false, batch.sharedSamples());
        assertEquals(V, batch.classCount());
        assertEquals("ClassBatch{queries=3×4, classes=6×4, targets=3, pairedSamples=3×2, noise=6}", batch.toString());
        assertEquals("ClassBatch{queries=3×4, classes=6×4, bias=6, targets=3, sharedSamples=1, expectedCounts}",
                base().bias(new float[V]).sharedSamples(new int[] {2})
                        .expectedCounts(new double[] {1, 2, 3}, new double[] {4}).build().toString());
        ClassBatch copy = batch.toBuilder().build();
        assertEquals(batch.toString(), copy.toString());
        assertArrayEquals(batch.samples().orElseThrow(), copy.samples().orElseThrow());
        assertTrue(copy.queries() == batch.queries() && copy.noise().orElseThrow() == q, "wrapped, not copied");
    }

    @Test
    void sparseRows() {
        Matrix rows = Matrix.fromRows(new float[][] {{1, 2}, {3, 4}});
        SparseRows s = SparseRows.of(5, new int[] {1, 3}, rows);
        assertEquals(2, s.size());
        assertArrayEquals(new float[] {3, 4}, s.row(3));
        assertArrayEquals(new float[] {0, 0}, s.row(2));
        assertEquals(-1, s.indexOf(0));
        assertArrayEquals(new float[] {0, 0, 1, 2, 0, 0, 3, 4, 0, 0}, s.toDense().data());
        Matrix table = Matrix.of(5, 2, new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        s.addTo(table, -0.5f);
        assertArrayEquals(new float[] {1, 1, 0.5f, 0, 1, 1, -0.5f, -1, 1, 1}, table.data());
        rejects(() -> SparseRows.of(5, new int[] {3, 1}, rows), "strictly increasing", "position 1 holds 1 after 3");
        rejects(() -> SparseRows.of(5, new int[] {1, 1}, rows), "strictly increasing");
        rejects(() -> SparseRows.of(3, new int[] {1, 3}, rows), "id 3 at position 1 is outside [0, 3)");
        rejects(() -> SparseRows.of(5, new int[] {1}, rows), "1 ids but the row matrix is 2×2");
        rejects(() -> s.addTo(Matrix.zeros(4, 2), 1f), "table is 4×2 but this gradient is of a 5×2 matrix");
        assertEquals("SparseRows[2 of 5 rows × 2]", s.toString());
    }

    @Test
    void sparseVector() {
        SparseVector s = SparseVector.of(4, new int[] {0, 2}, new double[] {0.5, -1});
        assertEquals(-1.0, s.get(2));
        assertEquals(0.0, s.get(1));
        assertArrayEquals(new double[] {0.5, 0, -1, 0}, s.toDense());
        float[] b = {1, 1, 1, 1};
        s.addTo(b, 2);
        assertArrayEquals(new float[] {2, 1, -1, 1}, b);
        rejects(() -> SparseVector.of(4, new int[] {0, 2}, new double[] {1}), "2 ids but 1 values");
        rejects(() -> SparseVector.of(2, new int[] {0, 2}, new double[] {1, 1}), "id 2 at position 1");
        rejects(() -> s.addTo(new float[3], 1), "target has 3 entries");
        assertTrue(Arrays.equals(new int[] {0, 2}, s.ids()));
    }
}
