package org.contrast4j.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The frequency estimators against reference loops written from Yi et al. 2019, Algorithm 1, and plain counting. */
class FrequencyEstimatorTest {

    /** Zipf-like batches of ids over V items. */
    private static long[][] batches(long seed, int steps, int batch, int v) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[][] out = new long[steps][batch];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < batch; k++) {
                out[t][k] = (long) Math.floor(Math.pow(v + 1.0, rnd.nextDouble())) - 1 + 1000;
            }
        }
        return out;
    }

    private static void assertRelative(String what, double expected, double actual) {
        double tol = 1e-12 * Math.abs(expected);
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", was " + actual);
    }

    @Test
    void streamingMatchesTheReferenceLoopOfAlgorithmOne() {
        for (int buckets : new int[] {1, 7, 64, 4096}) {
            double alpha = 0.05;
            FrequencyEstimator est = FrequencyEstimator.streaming(buckets, alpha);
            long[][] stream = batches(buckets, 300, 16, 200);
            // reference: arrays A (last step) and B (gap) over the estimator's buckets, in double
            double[] a = new double[buckets];
            double[] b = new double[buckets];
            for (int t = 1; t <= stream.length; t++) {
                for (long y : stream[t - 1]) {
                    int h = est.bucket(y);
                    assertTrue(h >= 0 && h < buckets, "bucket " + h);
                    b[h] = (1 - alpha) * b[h] + alpha * (t - a[h]);
                    a[h] = t;
                }
                est.observe(stream[t - 1]);
            }
            assertEquals(stream.length, est.steps());
            for (long y = 995; y < 1210; y++) {
                double bh = b[est.bucket(y)];
                double expected = bh == 0 ? 0 : 1 / bh;
                assertRelative("q(" + y + ") with " + buckets + " buckets", expected, est.probability(y));
            }
        }
    }

    @Test
    void exactCountsAreCountsPerStep() {
        FrequencyEstimator est = FrequencyEstimator.exact();
        long[][] stream = batches(3, 250, 10, 50);
        Map<Long, Integer> counts = new HashMap<>();
        for (long[] batch : stream) {
            est.observe(batch);
            for (long y : batch) {
                counts.merge(y, 1, Integer::sum);
            }
        }
        for (long y = 990; y < 1060; y++) {
            double expected = counts.getOrDefault(y, 0) / 250.0;
            assertRelative("q(" + y + ")", expected, est.probability(y));
        }
        long seen = stream[0][0];
        double[] lq = est.logQ(new long[] {seen});
        assertRelative("log q", Math.log(counts.get(seen) / 250.0), lq[0]);
    }

    /**
     * An item drawn into each batch independently with probability π: both estimators approach π (the streaming one
     * with α = 0.01 averages ~100 gaps, relative spread ~10%; 8σ-style bound 0.35 and a seed fixed).
     */
    @Test
    void bothEstimatorsApproachTheTrueBatchFrequency() {
        SplittableRandom rnd = new SplittableRandom(9);
        FrequencyEstimator exact = FrequencyEstimator.exact();
        FrequencyEstimator streaming = FrequencyEstimator.streaming(1 << 12, 0.01);
        double[] pi = {0.5, 0.1, 0.02};
        for (int t = 0; t < 20000; t++) {
            long[] batch = new long[pi.length];
            int k = 0;
            for (int y = 0; y < pi.length; y++) {
                if (rnd.nextDouble() < pi[y]) {
                    batch[k++] = y;
                }
            }
            long[] ids = java.util.Arrays.copyOf(batch, k);
            exact.observe(ids);
            streaming.observe(ids);
        }
        for (int y = 0; y < pi.length; y++) {
            // exact: binomial count / 20000, sd = sqrt(π(1−π)/20000) ≤ 0.0036; 6 sd
            assertEquals(pi[y], exact.probability(y), 6 * Math.sqrt(pi[y] * (1 - pi[y]) / 20000), "exact " + y);
            assertEquals(pi[y], streaming.probability(y), 0.35 * pi[y], "streaming " + y);
        }
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> FrequencyEstimator.streaming(0, 0.1));
        String msg = assertThrows(IllegalArgumentException.class, () -> FrequencyEstimator.streaming(8, 1.0))
                .getMessage();
        assertTrue(msg.contains("alpha") && msg.contains("1.0"), msg);
        FrequencyEstimator est = FrequencyEstimator.exact();
        est.observe(new long[] {1, 2});
        msg = assertThrows(IllegalArgumentException.class, () -> est.logQ(new long[] {1, 7})).getMessage();
        assertTrue(msg.contains("ids[1] = 7"), msg);
        assertThrows(NullPointerException.class, () -> est.observe(null));
    }
}
