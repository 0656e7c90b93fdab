package org.contrast4j.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassLossResult;
import org.contrast4j.loss.Nce;
import org.contrast4j.loss.SampledSoftmax;
import org.junit.jupiter.api.Test;

/**
 * {@link ClassSamples}: the ids it attaches are the sampler's own draw for the seed, the expected counts are the
 * draw's (k·q(c) with replacement, TF's 1 − (1 − q)^tries when unique), results are reproducible, and the negatives
 * never hit their target.
 */
class ClassSamplesTest {
    static final int B = 6;
    static final int D = 4;
    static final int V = 30;
    final NoiseDistribution noise = LogUniform.of(V);
    final ClassBatch base;

    ClassSamplesTest() {
        Random rnd = new Random(3);
        float[] h = new float[B * D];
        float[] w = new float[V * D];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        base = ClassBatch.builder(Matrix.of(B, D, h), Matrix.of(V, D, w)).targets(new int[] {0, 1, 2, 5, 0, 17})
                .build();
    }

    @Test
    void sharedIdsAndCountsAreTheSamplersDraw() {
        for (boolean unique : new boolean[] {false, true}) {
            ClassBatch batch = ClassSamples.shared(base, noise.sampler(11), 8, unique);
            Draws draws = noise.sampler(11).draw(8, unique);
            assertTrue(batch.sharedSamples());
            assertArrayEquals(draws.ids(), batch.samples().orElseThrow());
            assertArrayEquals(draws.sampledExpectedCounts(), batch.sampleExpectedCounts().orElseThrow());
            double[] et = batch.targetExpectedCounts().orElseThrow();
            int[] t = base.targets();
            for (int i = 0; i < B; i++) {
                double q = noise.probability(t[i]);
                // the expected count written from its definition, not through the sampler
                double want = draws.tries(0) == 8 ? 8 * q : 1 - Math.pow(1 - q, draws.tries(0));
                // 1 − q rounds once (relative u64), the power multiplies that by the tries
                assertEquals(want, et[i], FloatBounds.gamma64(2L * draws.tries(0) + 4));
            }
            assertArrayEquals(base.targets(), batch.targets());
            assertTrue(batch.queries() == base.queries() && batch.classes() == base.classes());
        }
    }

    @Test
    void withReplacementTheCountsAreKq() {
        // sampling with replacement: E(c) = k·q(c), so NCE on the drawn batch equals NCE with the noise q itself
        ClassBatch drawn = ClassSamples.perQuery(base, noise.sampler(5), 4, false);
        ClassBatch viaNoise = ClassBatch.builder(base.queries(), base.classes()).targets(base.targets())
                .pairedSamples(drawn.samples().orElseThrow(), 4).noise(noise.probabilities()).build();
        Nce nce = Nce.builder().build();
        // E(c) = k·q(c) on both sides up to one double rounding, then the same float32 scores: double arithmetic only
        double v = nce.compute(viaNoise).value();
        assertEquals(v, nce.compute(drawn).value(), FloatBounds.gamma64(64) * (Math.abs(v) + 10));
    }

    @Test
    void perQueryIsReproducibleAndSeedDependent() {
        SampledSoftmax loss = SampledSoftmax.builder().build();
        ClassLossResult a = ClassSamples.compute(loss, base, noise.sampler(9), 5, true);
        ClassLossResult b = ClassSamples.compute(loss, base, noise.sampler(9), 5, true);
        ClassLossResult c = ClassSamples.compute(loss, base, noise.sampler(10), 5, true);
        assertEquals(a.value(), b.value());
        assertArrayEquals(a.queryGradient().data(), b.queryGradient().data());
        assertNotEquals(a.value(), c.value());
        ClassBatch batch = ClassSamples.perQuery(base, noise.sampler(9), 5, true);
        assertFalse(batch.sharedSamples());
        assertEquals(5, batch.samplesPerRow());
        Draws draws = noise.sampler(9).draw(B, 5, true);
        assertArrayEquals(draws.ids(), batch.samples().orElseThrow());
        int[] t = base.targets();
        for (int i = 0; i < B; i++) {
            assertEquals(draws.expectedCount(i, t[i]), batch.targetExpectedCounts().orElseThrow()[i]);
        }
    }

    @Test
    void negativesNeverHitTheirTarget() {
        ClassBatch batch = ClassSamples.negatives(base, noise.sampler(2), 6);
        int[] s = batch.samples().orElseThrow();
        int[] t = base.targets();
        for (int p = 0; p < s.length; p++) {
            assertNotEquals(t[p / 6], s[p], "sample " + p);
        }
        ClassLossResult kept = SampledSoftmax.builder().removeAccidentalHits(false).build().compute(batch);
        ClassLossResult removed = SampledSoftmax.builder().build().compute(batch);
        assertEquals(kept.value(), removed.value(), "no accidental hit to remove");
    }

    @Test
    void badInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassSamples.shared(base, LogUniform.of(V + 1).sampler(1), 3, false));
        assertTrue(e.getMessage().contains("the sampler draws from 31 ids but the batch has 30 classes"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassSamples.perQuery(base, noise.sampler(1), 0, false));
        assertThrows(IllegalArgumentException.class, () -> ClassSamples.perQuery(base, noise.sampler(1), 31, true));
        e = assertThrows(IllegalArgumentException.class, () -> ClassSamples.negatives(base, noise.sampler(1), 30));
        assertTrue(e.getMessage().contains("k = 30"), e.getMessage());
        assertEquals("batch must not be null", assertThrows(NullPointerException.class,
                () -> ClassSamples.shared(null, noise.sampler(1), 3, false)).getMessage());
    }
}
