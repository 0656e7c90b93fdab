package org.contrast4j.loss;

import static org.contrast4j.loss.ClassTesting.check;
import static org.contrast4j.loss.ClassTesting.touched;
import static org.contrast4j.loss.LossTesting.assertClose;
import static org.contrast4j.loss.LossTesting.assertVectorClose;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four class-scoring losses against plain double references written from their formulas
 * ({@link ClassTesting}), with finite differences for every gradient, over the options (shared and paired samples,
 * bias or not, accidental hits removed or kept, learned log-normaliser, expected counts instead of k·q, k = 1 and
 * larger, every reduction); then the properties that tie the objectives together.
 */
class ClassLossesTest {
    static final int B = 5;
    static final int D = 4;
    static final int V = 11;

    @AfterAll
    static void printDisagreement() {
        System.out.print(ClassTesting.report());
    }

    /** A seeded batch; {@code hits} plants accidental hits (a sampled class equal to a row's target). */
    static ClassBatch batch(long seed, int k, boolean shared, boolean bias, boolean counts, boolean hits) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Matrix h = gaussian(rnd, B, D);
        Matrix w = gaussian(rnd, V, D);
        int[] targets = new int[B];
        for (int i = 0; i < B; i++) {
            targets[i] = rnd.nextInt(V);
        }
        int[] samples = new int[shared ? k : B * k];
        for (int p = 0; p < samples.length; p++) {
            samples[p] = rnd.nextInt(V);
        }
        if (hits) {
            samples[0] = targets[0];
            samples[samples.length - 1] = shared ? targets[2] : targets[B - 1];
        } else {
            for (int p = 0; p < samples.length; p++) {
                while (hitsAnyTarget(samples, p, targets, shared, k)) {
                    samples[p] = (samples[p] + 1) % V;
                }
            }
        }
        ClassBatch.Builder b = ClassBatch.builder(h, w).targets(targets).noise(ClassTesting.noise(V));
        if (shared) {
            b.sharedSamples(samples);
        } else {
            b.pairedSamples(samples, k);
        }
        if (bias) {
            float[] bv = new float[V];
            for (int c = 0; c < V; c++) {
                bv[c] = (float) (0.5 * LossTesting.gauss(rnd));
            }
            b.bias(bv);
        }
        if (counts) {
            // unique-sampling style expected counts 1 − (1 − q)^tries, with a different number of tries per row
            // (one for the whole batch when the samples are shared), as the sampler reports them
            double[] q = ClassTesting.noise(V);
            double[] et = new double[B];
            double[] es = new double[samples.length];
            for (int i = 0; i < B; i++) {
                int tries = k + (shared ? 3 : i);
                et[i] = -Math.expm1(tries * Math.log1p(-q[targets[i]]));
                for (int j = 0; j < k; j++) {
                    int p = shared ? j : i * k + j;
                    es[p] = -Math.expm1(tries * Math.log1p(-q[samples[p]]));
                }
            }
            b.expectedCounts(et, es);
        }
        return b.build();
    }

    private static boolean hitsAnyTarget(int[] samples, int p, int[] targets, boolean shared, int k) {
        if (!shared) {
            return samples[p] == targets[p / k];
        }
        for (int t : targets) {
            if (samples[p] == t) {
                return true;
            }
        }
        return false;
    }

    static Stream<Arguments> sampledConfigurations() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1000;
        for (int k : new int[] {1, 6}) {
            for (boolean shared : new boolean[] {true, false}) {
                for (boolean bias : new boolean[] {false, true}) {
                    for (boolean hits : new boolean[] {false, true}) {
                        for (boolean remove : new boolean[] {false, true}) {
                            Reduction r = Reduction.values()[(int) (seed % 3)];
                            out.add(Arguments.of(k, shared, bias, hits, remove, r, seed++));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "k={0} shared={1} bias={2} hits={3} remove={4} {5}")
    @MethodSource("sampledConfigurations")
    void nceMatchesReference(int k, boolean shared, boolean bias, boolean hits, boolean remove, Reduction r,
                             long seed) {
        ClassBatch batch = batch(seed, k, shared, bias, false, hits);
        for (boolean learnable : new boolean[] {false, true}) {
            double logZ = learnable ? 0.7 : 0.0;
            Nce loss = Nce.builder().logNormaliser(logZ).learnableLogNormaliser(learnable)
                    .removeAccidentalHits(remove).reduction(r).build();
            ClassLossResult res = check("NCE", loss, batch, logZ,
                    x -> ClassTesting.binary(x, batch, true, remove, r), learnable, touched(batch));
            // the same per-row terms summed in another order in double
            assertClose("terms add up", res.value(), res.terms().get("data") + res.terms().get("noise"),
                    LossTesting.doubleBound(4 * B, 1));
        }
        // the same with the sampler's expected counts in place of k·q
        ClassBatch counted = batch(seed, k, shared, bias, true, hits);
        Nce loss = Nce.builder().removeAccidentalHits(remove).reduction(r).build();
        check("NCE expected counts", loss, counted, 0,
                x -> ClassTesting.binary(x, counted, true, remove, r), false, touched(counted));
    }

    @ParameterizedTest(name = "k={0} shared={1} bias={2} hits={3} remove={4} {5}")
    @MethodSource("sampledConfigurations")
    void negativeSamplingMatchesReference(int k, boolean shared, boolean bias, boolean hits, boolean remove,
                                          Reduction r, long seed) {
        ClassBatch batch = batch(seed, k, shared, bias, false, hits);
        NegativeSampling loss = NegativeSampling.builder().removeAccidentalHits(remove).reduction(r).build();
        check("negative sampling", loss, batch, 0, x -> ClassTesting.binary(x, batch, false, remove, r),
                false, touched(batch));
    }

    @ParameterizedTest(name = "k={0} shared={1} bias={2} hits={3} remove={4} {5}")
    @MethodSource("sampledConfigurations")
    void sampledSoftmaxMatchesReference(int k, boolean shared, boolean bias, boolean hits, boolean remove,
                                        Reduction r, long seed) {
        for (boolean counts : new boolean[] {false, true}) {
            ClassBatch batch = batch(seed, k, shared, bias, counts, hits);
            SampledSoftmax loss = SampledSoftmax.builder().removeAccidentalHits(remove).reduction(r).build();
            check("sampled softmax", loss, batch, 0, x -> ClassTesting.sampledSoftmax(x, batch, remove, r),
                    false, touched(batch));
        }
    }

    static Stream<Arguments> softmaxConfigurations() {
        List<Arguments> out = new ArrayList<>();
        long seed = 2000;
        for (Reduction r : Reduction.values()) {
            for (boolean bias : new boolean[] {false, true}) {
                for (int blockEntries : new int[] {FullSoftmax.BLOCK_ENTRIES, 2 * B, 3 * B, 1}) {
                    out.add(Arguments.of(r, bias, blockEntries, seed++));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bias={1} blockEntries={2}")
    @MethodSource("softmaxConfigurations")
    void fullSoftmaxMatchesReference(Reduction r, boolean bias, int blockEntries, long seed) {
        ClassBatch batch = batch(seed, 3, true, bias, false, true);
        FullSoftmax loss = FullSoftmax.builder().reduction(r).build().withBlockEntries(blockEntries);
        int[] all = new int[V];
        for (int c = 0; c < V; c++) {
            all[c] = c;
        }
        // samples and noise in the batch are ignored by the full softmax
        ClassLossResult res = check("full softmax", loss, batch, 0, x -> ClassTesting.fullSoftmax(x, batch, r),
                false, all);
        for (double v : res.perRow()) {
            assertTrue(v >= 0, "full softmax ≥ 0, was " + v);
        }
    }

    // ------------------------------------------------------------------------------------------------- properties

    @Test
    void nceIsNegativeSamplingOnScoresShiftedByTheCorrection() {
        // Δ_NCE(c) = s(c) − log(k·q(c)): NCE with bias b equals negative sampling with bias b − log(k·q), term by term
        for (boolean shared : new boolean[] {true, false}) {
            ClassBatch batch = batch(31, 4, shared, true, false, true);
            float[] b = batch.bias().orElseThrow();
            double[] q = batch.noise().orElseThrow();
            float[] shifted = new float[V];
            for (int c = 0; c < V; c++) {
                shifted[c] = (float) (b[c] - Math.log(4 * q[c]));
            }
            ClassBatch.Builder nb = ClassBatch.builder(batch.queries(), batch.classes()).targets(batch.targets())
                    .bias(shifted);
            if (shared) {
                nb.sharedSamples(batch.samples().orElseThrow());
            } else {
                nb.pairedSamples(batch.samples().orElseThrow(), 4);
            }
            ClassLossResult nce = Nce.builder().build().compute(batch);
            ClassLossResult neg = NegativeSampling.builder().build().compute(nb.build());
            // two computations (K = k + 1 = 5 binary terms), and the shifted bias rounded to float32: each score
            // moves by u·|shift| more
            double maxShift = 0;
            for (float v : shifted) {
                maxShift = Math.max(maxShift, Math.abs(v));
            }
            double[] two = ClassTesting.twoComputations(batch, 5);
            double rowTol = two[0] + 5 * FloatBounds.U * maxShift;
            double gradRel = two[1] + 4 * FloatBounds.U * maxShift;
            assertClose("value", nce.value(), neg.value(), rowTol);
            assertVectorClose("per-row", nce.perRow(), neg.perRow(), rowTol);
            assertVectorClose("query gradient", toDouble(nce.queryGradient()), toDouble(neg.queryGradient()), gradRel);
            assertVectorClose("class gradient", toDouble(nce.classGradient().rows()),
                    toDouble(neg.classGradient().rows()), gradRel);
            assertVectorClose("bias gradient", nce.biasGradient().orElseThrow().values(),
                    neg.biasGradient().orElseThrow().values(), gradRel);
            // and they differ: the correction is not zero here
            assertTrue(Math.abs(nce.value() - NegativeSampling.builder().build().compute(batch).value()) > 1e-3);
        }
    }

    @Test
    void nceEqualsNegativeSamplingWhenKqIsOne() {
        // uniform q and k = V: log(k·q(c)) = 0 for every class
        SplittableRandom rnd = new SplittableRandom(7);
        int[] samples = new int[B * V];
        for (int p = 0; p < samples.length; p++) {
            samples[p] = rnd.nextInt(V);
        }
        double[] uniform = new double[V];
        java.util.Arrays.fill(uniform, 1.0 / V);
        ClassBatch batch = ClassBatch.builder(gaussian(rnd, B, D), gaussian(rnd, V, D))
                .targets(new int[] {0, 1, 2, 3, 4})
                .pairedSamples(samples, V).noise(uniform).build();
        ClassLossResult nce = Nce.builder().build().compute(batch);
        ClassLossResult neg = NegativeSampling.builder().build().compute(batch);
        // log(k·q) = log 1 = 0 exactly: the same scores, only double arithmetic may differ
        double[] two = ClassTesting.twoComputations(batch, V + 1);
        assertClose("value", neg.value(), nce.value(), LossTesting.doubleBound(4 * V, 10));
        assertVectorClose("query gradient", toDouble(neg.queryGradient()), toDouble(nce.queryGradient()), two[1]);
    }

    @Test
    void sampledSoftmaxOverEveryClassOnceIsTheFullSoftmax() {
        // shared samples = a permutation of all V classes, each sampled once (E(c) = 1, the same constant for all);
        // removing the accidental hit leaves every class exactly once among each row's candidates
        SplittableRandom rnd = new SplittableRandom(11);
        Matrix h = gaussian(rnd, B, D);
        Matrix w = gaussian(rnd, V, D);
        float[] bias = new float[V];
        for (int c = 0; c < V; c++) {
            bias[c] = (float) LossTesting.gauss(rnd);
        }
        int[] perm = {3, 7, 0, 10, 1, 9, 2, 8, 4, 6, 5};
        double[] ones = new double[V];
        java.util.Arrays.fill(ones, 1.0);
        int[] targets = {4, 0, 10, 4, 7};
        ClassBatch batch = ClassBatch.builder(h, w).bias(bias).targets(targets).sharedSamples(perm)
                .expectedCounts(new double[] {1, 1, 1, 1, 1}, ones).build();
        for (Reduction r : Reduction.values()) {
            ClassLossResult sampled = SampledSoftmax.builder().reduction(r).build().compute(batch);
            ClassLossResult full = FullSoftmax.builder().reduction(r).build().compute(batch);
            // two computations of the same softmax (K = 2), the sum's values over B rows for SUM / NONE
            double[] two = ClassTesting.twoComputations(batch, 2);
            double valueTol = r == Reduction.MEAN ? two[0] : B * two[0];
            assertClose("value", full.value(), sampled.value(), valueTol);
            assertVectorClose("per-row", full.perRow(), sampled.perRow(), two[0]);
            assertVectorClose("query gradient", toDouble(full.queryGradient()), toDouble(sampled.queryGradient()),
                    two[1]);
            assertArrayEquals(full.classGradient().ids(), sampled.classGradient().ids());
            assertVectorClose("class gradient", toDouble(full.classGradient().rows()),
                    toDouble(sampled.classGradient().rows()), two[1]);
            assertVectorClose("bias gradient", full.biasGradient().orElseThrow().values(),
                    sampled.biasGradient().orElseThrow().values(), two[1]);
        }
        // the uniform noise gives E(c) = k·q(c) = V·(1/V) = 1 as well
        double[] uniform = new double[V];
        java.util.Arrays.fill(uniform, 1.0 / V);
        ClassBatch viaNoise = ClassBatch.builder(h, w).bias(bias).targets(targets).sharedSamples(perm).noise(uniform)
                .build();
        assertClose("via q", FullSoftmax.builder().build().compute(batch).value(),
                SampledSoftmax.builder().build().compute(viaNoise).value(),
                ClassTesting.twoComputations(batch, 2)[0] + LossTesting.doubleBound(4 * V, 10));
    }

    @Test
    void fullSoftmaxOfEqualScoresIsLogV() {
        ClassBatch batch = ClassBatch.of(gaussian(new SplittableRandom(3), B, D), Matrix.zeros(V, D),
                new int[] {0, 1, 2, 3, 4});
        ClassLossResult r = FullSoftmax.builder().build().compute(batch);
        // W = 0: every score is exactly 0, double arithmetic only
        assertClose("log V", Math.log(V), r.value(), LossTesting.doubleBound(4 * V, Math.log(V)));
        // ∂L/∂W_c = (1/B) Σ_i (1/V − [c = t_i]) h_i
        for (int c = 0; c < V; c++) {
            for (int k = 0; k < D; k++) {
                double expected = 0;
                for (int i = 0; i < B; i++) {
                    expected += (1.0 / V - (c == i ? 1 : 0)) * batch.queries().get(i, k) / B;
                }
                // the same few products, the result rounded once to float32
                assertClose("dW[" + c + "," + k + "]", expected, r.classGradient().rows().get(c, k),
                        2 * FloatBounds.U + LossTesting.doubleBound(4 * B, 1));
            }
        }
    }

    @Test
    void sharedAndPairedSamplesAgree() {
        // the same k ids given once (gemm path) or repeated on every row (per-row dot path)
        ClassBatch shared = batch(41, 5, true, true, false, true);
        int[] s = shared.samples().orElseThrow();
        int[] paired = new int[B * s.length];
        for (int i = 0; i < B; i++) {
            System.arraycopy(s, 0, paired, i * s.length, s.length);
        }
        ClassBatch per = ClassBatch.builder(shared.queries(), shared.classes()).bias(shared.bias().orElseThrow())
                .targets(shared.targets()).pairedSamples(paired, s.length).noise(shared.noise().orElseThrow()).build();
        for (ClassScoringLoss loss : List.of(Nce.builder().learnableLogNormaliser(true).build(),
                NegativeSampling.builder().removeAccidentalHits(true).build(), SampledSoftmax.builder().build())) {
            ClassLossResult a = loss.compute(shared);
            ClassLossResult b = loss.compute(per);
            // a gemm against one per-row dot product: two float32 computations of up to k + 1 terms
            double[] two = ClassTesting.twoComputations(shared, s.length + 1);
            assertClose(loss + " value", a.value(), b.value(), two[0]);
            assertVectorClose(loss + " query gradient", toDouble(a.queryGradient()), toDouble(b.queryGradient()),
                    two[1]);
            assertArrayEquals(a.classGradient().ids(), b.classGradient().ids());
            assertVectorClose(loss + " class gradient", toDouble(a.classGradient().rows()),
                    toDouble(b.classGradient().rows()), two[1]);
            assertVectorClose(loss + " bias gradient", a.biasGradient().orElseThrow().values(),
                    b.biasGradient().orElseThrow().values(), two[1]);
            assertEquals(a.scalarGradients().keySet(), b.scalarGradients().keySet());
        }
    }

    @Test
    void sampledSoftmaxWithOnlyAccidentalHitsIsZero() {
        SplittableRandom rnd = new SplittableRandom(5);
        ClassBatch batch = ClassBatch.builder(gaussian(rnd, 2, D), gaussian(rnd, V, D)).targets(new int[] {3, 4})
                .pairedSamples(new int[] {3, 3, 4, 1}, 2).noise(ClassTesting.noise(V)).build();
        ClassLossResult r = SampledSoftmax.builder().reduction(Reduction.NONE).build().compute(batch);
        assertEquals(0.0, r.perRow()[0]);
        assertTrue(r.perRow()[1] > 0);
        for (int k = 0; k < D; k++) {
            assertEquals(0f, r.queryGradient().get(0, k));
        }
    }

    @Test
    void sampledLossesTouchOnlyTargetsAndSamplesOfALargeVocabulary() {
        int v = 200_000;
        SplittableRandom rnd = new SplittableRandom(13);
        Matrix w = Matrix.zeros(v, 8); // 6.4 MB: read only at the touched rows
        for (int c : new int[] {5, 77, 190_000, 123_456, 42}) {
            for (int k = 0; k < 8; k++) {
                w.set(c, k, (float) LossTesting.gauss(rnd));
            }
        }
        double[] q = new double[v];
        java.util.Arrays.fill(q, 1.0 / v);
        ClassBatch batch = ClassBatch.builder(gaussian(rnd, 3, 8), w).targets(new int[] {5, 77, 5})
                .sharedSamples(new int[] {190_000, 123_456, 42, 123_456}).noise(q).build();
        for (ClassScoringLoss loss : List.of(Nce.builder().build(), NegativeSampling.builder().build(),
                SampledSoftmax.builder().build())) {
            ClassLossResult r = loss.compute(batch);
            assertArrayEquals(new int[] {5, 42, 77, 123_456, 190_000}, r.classGradient().ids(), loss.toString());
            assertEquals(5, r.classGradient().rows().rows());
            assertTrue(r.biasGradient().isEmpty());
        }
    }

    @Test
    void extremeScoresStayFinite() {
        // h and W scaled by 100: scores of order 10⁴
        ClassBatch batch = batch(17, 4, false, true, false, true);
        ClassBatch big = ClassBatch.builder(ClassTesting.scaled(batch.queries(), 100f),
                ClassTesting.scaled(batch.classes(), 100f)).targets(batch.targets())
                .pairedSamples(batch.samples().orElseThrow(), 4).noise(batch.noise().orElseThrow()).build();
        for (ClassScoringLoss loss : List.of(Nce.builder().learnableLogNormaliser(true).build(),
                NegativeSampling.builder().build(), SampledSoftmax.builder().build(), FullSoftmax.builder().build())) {
            ClassLossResult r = loss.compute(big);
            assertTrue(Double.isFinite(r.value()), loss + " value " + r.value());
            for (float g : r.queryGradient().data()) {
                assertTrue(Float.isFinite(g), loss + " gradient");
            }
            for (float g : r.classGradient().rows().data()) {
                assertTrue(Float.isFinite(g), loss + " class gradient");
            }
            r.scalarGradients().values().forEach(v -> assertTrue(Double.isFinite(v)));
        }
    }

    @Test
    void permutingSamplesWithinARowChangesNothing() {
        ClassBatch batch = batch(23, 5, false, true, false, true);
        int[] s = batch.samples().orElseThrow();
        int[] rev = new int[s.length];
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < 5; j++) {
                rev[i * 5 + j] = s[i * 5 + (4 - j)];
            }
        }
        ClassBatch reversed = ClassBatch.builder(batch.queries(), batch.classes()).bias(batch.bias().orElseThrow())
                .targets(batch.targets()).pairedSamples(rev, 5).noise(batch.noise().orElseThrow()).build();
        for (ClassScoringLoss loss : List.of(Nce.builder().build(), SampledSoftmax.builder().build())) {
            // the same per-pair scores summed in another order in double
            assertVectorClose(loss + " per-row", loss.compute(batch).perRow(), loss.compute(reversed).perRow(),
                    FloatBounds.gamma64(4 * 5));
        }
    }

    @Test
    void defaultsAndConfigurationAreReported() {
        assertEquals("Nce{logNormaliser=0.0, learnableLogNormaliser=false, removeAccidentalHits=false, "
                + "reduction=MEAN}", Nce.builder().build().toString());
        assertEquals("Nce{logNormaliser=-1.5, learnableLogNormaliser=true, removeAccidentalHits=true, "
                + "reduction=SUM}", Nce.builder().logNormaliser(-1.5).learnableLogNormaliser(true)
                .removeAccidentalHits(true).reduction(Reduction.SUM).build().toString());
        Nce custom = Nce.builder().learnableLogNormaliser(true).reduction(Reduction.NONE).build();
        assertEquals(Nce.builder().logNormaliser(0.25).learnableLogNormaliser(true).reduction(Reduction.NONE).build()
                .toString(), custom.withLogNormaliser(0.25).toString());
        assertEquals(0.25, custom.withLogNormaliser(0.25).logNormaliser());
        assertEquals("NegativeSampling{removeAccidentalHits=false, reduction=MEAN}",
                NegativeSampling.builder().build().toString());
        assertEquals("SampledSoftmax{removeAccidentalHits=true, reduction=MEAN}",
                SampledSoftmax.builder().build().toString());
        assertEquals("SampledSoftmax{removeAccidentalHits=false, reduction=NONE}",
                SampledSoftmax.builder().removeAccidentalHits(false).reduction(Reduction.NONE).build().toString());
        assertEquals("FullSoftmax{reduction=SUM}", FullSoftmax.builder().reduction(Reduction.SUM).build().toString());
    }
}
