package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.logSumExp;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.contrast4j.loss.LossTesting.sim;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** InfoNCE with labelled shared negatives (a MoCo queue): same-label negatives leave the anchor's candidates. */
class InfoNceNegativeLabelsTest {

    /**
     * From the formula, in double: anchor i's candidates are p_i, every p_j (j ≠ i) with labels[j] ≠ labels[i], and
     * every shared negative n_m with negLabels[m] ≠ labels[i]. Symmetric: the reverse direction scores p_i against
     * the anchors a_j (same in-batch label rule) and no explicit negatives.
     */
    static LossTesting.Ref reference(LossTesting.Vars v, boolean cosine, boolean symmetric, long[] labels,
                                     long[] negLabels, Reduction reduction) {
        double scale = 1 / v.tau();
        int n = v.n;
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            double[] a = v.row(Input.ANCHORS, i);
            List<Double> logits = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j == i || labels[j] != labels[i]) {
                    logits.add(scale * sim(a, v.row(Input.POSITIVES, j), cosine));
                }
            }
            for (int m = 0; m < negLabels.length; m++) {
                if (negLabels[m] != labels[i]) {
                    logits.add(scale * sim(a, v.row(Input.NEGATIVES, m), cosine));
                }
            }
            double forward = -scale * sim(a, v.row(Input.POSITIVES, i), cosine)
                    + logSumExp(logits.stream().mapToDouble(Double::doubleValue).toArray());
            if (!symmetric) {
                perRow[i] = forward;
                continue;
            }
            double[] p = v.row(Input.POSITIVES, i);
            List<Double> back = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j == i || labels[j] != labels[i]) {
                    back.add(scale * sim(p, v.row(Input.ANCHORS, j), cosine));
                }
            }
            double reverse = -scale * sim(p, a, cosine)
                    + logSumExp(back.stream().mapToDouble(Double::doubleValue).toArray());
            perRow[i] = 0.5 * (forward + reverse);
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (boolean symmetric : new boolean[] {false, true}) {
                    out.add(Arguments.of(s, r, symmetric));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} symmetric={2}")
    @MethodSource("configurations")
    void matchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean symmetric) {
        SplittableRandom rnd = new SplittableRandom(41 + r.ordinal() * 7 + (symmetric ? 1 : 0));
        int n = 6;
        int d = 5;
        // label 3 (row 5) is unique in the batch; labels 0 and 1 lose two and one queue entries
        long[] labels = {0, 1, 0, 2, 1, 3};
        long[] negLabels = {0, 5, 1, 0, 9};
        Batch batch = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d)).labels(labels)
                .sharedNegatives(gaussian(rnd, negLabels.length, d), negLabels).build();
        double tau = 0.4;
        InfoNce loss = InfoNce.builder().temperature(tau).learnableTemperature(true).symmetric(symmetric)
                .similarity(s).reduction(r).build();
        checkAgainstReference(loss, batch, tau, 0,
                v -> reference(v, s == Similarity.COSINE, symmetric, labels, negLabels, r),
                Scalar.LOG_TEMPERATURE);
    }

    @Test
    void aRowWhoseEveryInBatchCandidateIsMaskedLivesOnTheQueue() {
        SplittableRandom rnd = new SplittableRandom(5);
        int d = 3;
        long[] labels = {4, 4, 4};
        long[] negLabels = {4, 8, 4};
        Batch batch = Batch.builder(gaussian(rnd, 3, d)).positives(gaussian(rnd, 3, d)).labels(labels)
                .sharedNegatives(gaussian(rnd, 3, d), negLabels).build();
        checkAgainstReference(InfoNce.builder().temperature(0.5).build(), batch, 0.5, 0,
                v -> reference(v, true, false, labels, negLabels, Reduction.MEAN));
        // N = 1: the queue alone supplies the negatives
        long[] one = {8};
        Batch single = Batch.builder(gaussian(rnd, 1, d)).positives(gaussian(rnd, 1, d)).labels(one)
                .sharedNegatives(gaussian(rnd, 3, d), negLabels).build();
        checkAgainstReference(InfoNce.builder().temperature(0.5).build(), single, 0.5, 0,
                v -> reference(v, true, false, one, negLabels, Reduction.MEAN));
        var e = assertThrows(IllegalArgumentException.class, () -> InfoNce.builder().build().compute(
                Batch.builder(single.anchors()).positives(single.positives().orElseThrow()).labels(one)
                        .sharedNegatives(gaussian(rnd, 2, d), new long[] {8, 8}).build()));
        assertEquals("InfoNCE: anchor 0 has no negative: every in-batch candidate and all 2 shared negatives share its "
                + "label 8", e.getMessage());
        // symmetric: the reverse direction has no explicit negatives, so its own rule applies
        e = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().symmetric(true).build().compute(batch));
        assertTrue(e.getMessage().contains("positive 0 has no negative in the reverse"), e.getMessage());
        assertAllFinite(InfoNce.builder().build().compute(batch));
    }

    @Test
    void unlabelledNegativesAndLabelsThatNeverMatchChangeNothing() {
        SplittableRandom rnd = new SplittableRandom(6);
        Matrix a = gaussian(rnd, 4, 3);
        Matrix p = gaussian(rnd, 4, 3);
        Matrix neg = gaussian(rnd, 3, 3);
        long[] labels = {0, 1, 2, 0};
        InfoNce loss = InfoNce.builder().symmetric(true).build();
        LossResult plain = loss.compute(Batch.builder(a).positives(p).labels(labels).sharedNegatives(neg).build());
        LossResult labelled = loss.compute(Batch.builder(a).positives(p).labels(labels)
                .sharedNegatives(neg, new long[] {7, 8, 9}).build());
        assertEquals(plain.value(), labelled.value());
        assertArrayEquals(plain.gradient(Input.NEGATIVES).data(), labelled.gradient(Input.NEGATIVES).data());
    }

    @Test
    void batchValidatesNegativeLabels() {
        SplittableRandom rnd = new SplittableRandom(7);
        Matrix a = gaussian(rnd, 3, 2);
        Matrix neg = gaussian(rnd, 4, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Batch.builder(a).positives(a).labels(new long[3])
                .sharedNegatives(neg, new long[3]).build());
        assertEquals("negative labels has 3 entries but there are 4 shared negatives", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Batch.builder(a).positives(a).sharedNegatives(neg, new long[4]).build());
        assertEquals("negative labels need anchor labels: same-label shared negatives are masked per anchor, so give "
                + "labels(long[]) for the 3 anchors too", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Batch.builder(a).positives(a).labels(new long[3]).sharedNegatives(null, new long[4]).build());
        assertEquals("negative labels were given (4) but no shared negatives", e.getMessage());

        long[] negLabels = {1, 2, 3, 4};
        Batch b = Batch.builder(a).positives(a).labels(new long[3]).sharedNegatives(neg, negLabels).build();
        negLabels[0] = 99;                                  // copied at build()
        assertArrayEquals(new long[] {1, 2, 3, 4}, b.negativeLabels().orElseThrow());
        b.negativeLabels().orElseThrow()[1] = 99;           // and returned as a copy
        assertArrayEquals(new long[] {1, 2, 3, 4}, b.negativeLabels().orElseThrow());
        assertEquals("Batch{anchors=3×2, positives=3×2, sharedNegatives=4×2, labels=3, negativeLabels=4}",
                b.toString());
        // setting negatives again drops the labels
        assertTrue(Batch.builder(a).positives(a).sharedNegatives(neg, negLabels).sharedNegatives(neg).build()
                .negativeLabels().isEmpty());
        assertTrue(Batch.builder(a).positives(a).sharedNegatives(neg, negLabels)
                .pairedNegatives(gaussian(rnd, 6, 2), 2).build().negativeLabels().isEmpty());

        // a loss that takes explicit negatives but has no use for their labels says so
        Batch labelled = Batch.builder(a).positives(a).labels(new long[] {0, 1, 2}).sharedNegatives(neg,
                new long[] {0, 1, 2, 3}).build();
        e = assertThrows(IllegalArgumentException.class, () -> MarginContrastive.builder().build().compute(labelled));
        assertEquals("MarginContrastive does not use negative labels (its explicit negatives are always negatives); "
                + "the batch has 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Triplet.builder().build().compute(labelled));
        assertTrue(e.getMessage().startsWith("Triplet does not use labels"), e.getMessage());
    }
}
