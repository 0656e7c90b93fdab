package org.contrast4j.sample;

import static org.contrast4j.sample.ChiSquare.assertFits;
import static org.contrast4j.sample.ChiSquare.histogram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.api.Test;

/** q(c) of every distribution against the formula, and its draws against q by a chi-square test (p = 1e-6). */
class DistributionsTest {

    static double[] normalised(double[] w) {
        double s = 0;
        for (double x : w) {
            s += x;
        }
        double[] q = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = w[i] / s;
        }
        return q;
    }

    static long[] drawHistogram(NoiseDistribution d, long seed, int n) {
        int[] ids = new int[n];
        d.sampler(seed).draw(ids, false);
        return histogram(ids, d.size());
    }

    static void assertProbabilities(NoiseDistribution d, double[] expected, double rel) {
        assertEquals(expected.length, d.size());
        double[] q = d.probabilities();
        for (int c = 0; c < expected.length; c++) {
            assertEquals(expected[c], d.probability(c), rel * expected[c], "q(" + c + ")");
            assertEquals(expected[c], q[c], rel * expected[c], "probabilities()[" + c + "]");
        }
    }

    @Test
    void aliasTableDrawsItsWeights() {
        SplittableRandom rnd = new SplittableRandom(1);
        double[] random50 = new double[50];
        for (int i = 0; i < random50.length; i++) {
            random50[i] = 0.1 + rnd.nextDouble();
        }
        double[] skewed = new double[20];
        java.util.Arrays.fill(skewed, 1);
        skewed[7] = 1000;
        double[][] cases = {
                random50,
                {0, 3, 0, 1, 5, 0, 0.5, 0},          // zeros, first and last included
                {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},   // uniform
                skewed,                               // one heavy class among light ones
                {1e-300, 1e-300, 3e-300},              // tiny but positive weights
                {0.25, 0.25, 0.25, 0.25},             // mean exactly 1 after scaling: no small/large pairing needed
        };
        int seed = 10;
        for (double[] w : cases) {
            AliasTable t = AliasTable.of(w);
            double[] q = normalised(w);
            assertProbabilities(t, q, FloatBounds.gamma64(4L * q.length));
            long support = java.util.Arrays.stream(w).filter(x -> x > 0).count();
            assertEquals(support, t.support());
            assertFits("alias " + java.util.Arrays.toString(w).substring(0, 20), drawHistogram(t, seed++, 400_000), q);
        }
    }

    @Test
    void aliasTableWithOneClassAlwaysDrawsIt() {
        for (double[] w : new double[][] {{0, 0, 7, 0}, {3}}) {
            AliasTable t = AliasTable.of(w);
            int only = w.length == 1 ? 0 : 2;
            assertEquals(1.0, t.probability(only));
            assertEquals(1, t.support());
            long[] h = drawHistogram(t, 5, 10_000);
            assertEquals(10_000, h[only]);
        }
    }

    @Test
    void unigramIsCountsToThePowerAlpha() {
        long[] counts = {5000, 1200, 800, 0, 350, 90, 40, 12, 3, 1, 0, 25};
        for (double alpha : new double[] {0.75, 1.0, 0.5, 0.0, 1.25}) {
            Unigram u = Unigram.of(counts, alpha);
            double[] w = new double[counts.length];
            for (int c = 0; c < counts.length; c++) {
                w[c] = counts[c] == 0 ? 0 : Math.pow(counts[c], alpha);
            }
            double[] q = normalised(w);
            assertProbabilities(u, q, FloatBounds.gamma64(4L * q.length));
            assertEquals(alpha, u.alpha());
            assertEquals(10, u.support());
            assertFits("unigram^" + alpha, drawHistogram(u, 20 + (long) (alpha * 10), 1_000_000), q);
        }
        assertEquals(Unigram.DEFAULT_ALPHA, Unigram.of(counts).alpha());
        assertEquals(0.75, Unigram.DEFAULT_ALPHA);
        assertEquals(Unigram.of(counts, 0.75).probability(4), Unigram.of(counts).probability(4));
        // α = 0.75 flattens: the rarest seen class gains relative to α = 1
        assertTrue(Unigram.of(counts).probability(9) > Unigram.of(counts, 1).probability(9));
        assertEquals("Unigram{V=12, alpha=0.75, support=10}", Unigram.of(counts).toString());
    }

    /** TensorFlow's formula, written literally (the class computes log1p(1/(r+1)) / log1p(V)). */
    static double[] logUniform(int v) {
        double[] q = new double[v];
        for (int r = 0; r < v; r++) {
            q[r] = (Math.log(r + 2.0) - Math.log(r + 1.0)) / Math.log(v + 1.0);
        }
        return q;
    }

    @Test
    void logUniformIsZipfOverRanks() {
        for (int v : new int[] {1, 2, 3, 10, 1000}) {
            LogUniform d = LogUniform.of(v);
            double[] q = logUniform(v);
            // log((r+2)/(r+1)) cancels: a rounding of the logarithms' size log(V+1) on a value of size ≥ 1/(V+1),
            // a relative error up to u64·4·(V+1)·log(V+1) in each of the two computations
            assertProbabilities(d, q, FloatBounds.gamma64((long) (8 * (v + 1) * Math.log(v + 1)) + 8));
            double sum = 0;
            for (double x : d.probabilities()) {
                sum += x;
            }
            // a double sum of V terms of size ≤ 1
            assertEquals(1.0, sum, FloatBounds.gamma64(v + 2), "telescoping sum, V = " + v);
            assertEquals(v, d.support());
            assertFits("log-uniform V=" + v, drawHistogram(d, 30 + v, v == 1000 ? 600_000 : 200_000), q);
        }
        // q(r)·(r+1)·log(V+1) → 1 for large r (Zipf)
        LogUniform big = LogUniform.of(1_000_000);
        // q(r) = log((r+2)/(r+1)) / log(V+1) = (1/(r+1))·(1 − 1/(2(r+1)) + …): the limit is approached to within
        // 1/(2(r+1)) = 5e-7 at r = 999 999, plus double rounding
        assertEquals(1.0, big.probability(999_999) * 1_000_000 * Math.log(1_000_001), 0.5e-6 + FloatBounds.gamma64(8));
        assertEquals("LogUniform{V=1000000}", big.toString());
    }

    @Test
    void theChiSquareCheckHasPower() {
        // log-uniform draws tested against a uniform q must fail, as must alias draws against the wrong weights
        long[] h = drawHistogram(LogUniform.of(10), 3, 20_000);
        double[] uniform = new double[10];
        java.util.Arrays.fill(uniform, 0.1);
        assertTrue(ChiSquare.statistic(h, uniform, 20_000) > ChiSquare.critical(9));
        long[] h2 = drawHistogram(AliasTable.of(new double[] {1, 1, 1, 1.2}), 4, 400_000);
        assertTrue(ChiSquare.statistic(h2, new double[] {0.25, 0.25, 0.25, 0.25}, 400_000) > ChiSquare.critical(3));
        // Wilson–Hilferty critical values: above the tabulated 0.999 quantiles, so the p = 1e-6 tail is further out
        assertTrue(ChiSquare.critical(1) > 10.83 && ChiSquare.critical(9) > 27.88 && ChiSquare.critical(99) > 148.2);
    }

    @Test
    void badWeightsAndCountsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[] {1, -0.5, 2}));
        assertEquals("weights[1] is -0.5: weights must be finite and >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[] {1, 2, Double.NaN}));
        assertEquals("weights[2] is NaN: weights must be finite and >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AliasTable.of(new double[] {Double.POSITIVE_INFINITY}));
        assertEquals("weights[0] is Infinity: weights must be finite and >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[] {0, 0, 0}));
        assertEquals("weights are all 0 (V = 3): at least one must be > 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[0]));
        assertEquals("weights are empty: an alias table needs V >= 1 weights", e.getMessage());
        assertEquals("weights must not be null",
                assertThrows(NullPointerException.class, () -> AliasTable.of(null)).getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AliasTable.of(new double[] {Double.MAX_VALUE, Double.MAX_VALUE}));
        assertEquals("weights sum to Infinity (V = 2): scale them down", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Unigram.of(new long[] {3, 0, -2}));
        assertEquals("counts[2] is -2: counts must be >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Unigram.of(new long[] {0, 0}));
        assertEquals("counts are all 0 (V = 2): at least one must be > 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Unigram.of(new long[0]));
        assertEquals("counts are empty: a unigram needs V >= 1 counts", e.getMessage());
        for (double alpha : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class, () -> Unigram.of(new long[] {1}, alpha));
            assertEquals("alpha must be finite and >= 0, was " + alpha, e.getMessage());
        }

        e = assertThrows(IllegalArgumentException.class, () -> LogUniform.of(0));
        assertEquals("a log-uniform distribution needs V >= 1 ranks, was 0", e.getMessage());

        for (NoiseDistribution d : new NoiseDistribution[] {AliasTable.of(new double[] {1, 2, 3}),
                Unigram.of(new long[] {1, 2, 3}), LogUniform.of(3)}) {
            e = assertThrows(IllegalArgumentException.class, () -> d.probability(3));
            assertEquals("id 3 is outside [0, 3)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> d.probability(-1));
            assertEquals("id -1 is outside [0, 3)", e.getMessage());
        }
    }
}
