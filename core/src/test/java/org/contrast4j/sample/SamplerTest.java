package org.contrast4j.sample;

import static org.contrast4j.sample.ChiSquare.assertFits;
import static org.contrast4j.sample.ChiSquare.histogram;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.api.Test;

/**
 * Draw API, unique sampling against exact inclusion probabilities, TensorFlow's expected counts, seeds and streams.
 */
class SamplerTest {
    /**
     * Per-cell bound for an empirical frequency against its exact probability π: |f − π| ≤ 6·√(π(1−π)/n). Under the
     * normal approximation of the binomial a correct sampler exceeds it with probability 2e-9 per cell, so below 1e-7
     * for every check in this class together.
     */
    static final double Z = 6;

    static final NoiseDistribution[] DISTRIBUTIONS = {
            AliasTable.of(new double[] {5, 3, 2, 1, 1, 0.5, 0}),
            Unigram.of(new long[] {100, 40, 7, 0, 1, 13}),
            LogUniform.of(30)};

    // ---- seeds and streams ------------------------------------------------------------------------------------

    @Test
    void sameSeedSameIdsOtherSeedOtherIds() {
        for (NoiseDistribution d : DISTRIBUTIONS) {
            int[] a = new int[500];
            int[] b = new int[500];
            int[] c = new int[500];
            d.sampler(42).draw(a, false);
            d.sampler(42).draw(b, false);
            d.sampler(43).draw(c, false);
            assertArrayEquals(a, b, d.toString());
            assertFalse(Arrays.equals(a, c), d.toString());
            assertArrayEquals(d.sampler(7).draw(20, 3, true).ids(), d.sampler(7).draw(20, 3, true).ids());
            // one draw at a time gives the same ids as a block
            Sampler s = d.sampler(42);
            for (int j = 0; j < 500; j++) {
                assertEquals(a[j], s.next());
            }
        }
    }

    @Test
    void threadStreamsAreReproducibleDistinctAndIndependent() {
        NoiseDistribution d = LogUniform.of(1000);
        int n = 2000;
        int[][] streams = new int[6][n];
        // made in reverse order: stream s depends only on (seed, s)
        for (int s = 5; s >= 0; s--) {
            d.sampler(99, s).draw(streams[s], false);
        }
        for (int s = 0; s < 6; s++) {
            int[] again = new int[n];
            d.sampler(99, s).draw(again, false);
            assertArrayEquals(streams[s], again, "stream " + s);
            for (int t = 0; t < s; t++) {
                assertFalse(Arrays.equals(streams[s], streams[t]), "streams " + s + " and " + t);
            }
        }
        int[] plain = new int[n];
        d.sampler(99).draw(plain, false);
        int[] otherSeed = new int[n];
        d.sampler(100, 0).draw(otherSeed, false);
        for (int s = 0; s < 6; s++) {
            assertFalse(Arrays.equals(plain, streams[s]));
            assertFalse(Arrays.equals(otherSeed, streams[s]));
        }
        // independence: the pairs (stream 0, stream 1) and (stream 2, sampler(seed)) fit the product distribution
        // q(a)·q(b) on a small vocabulary (chi-square, p = 1e-6 each)
        NoiseDistribution small = AliasTable.of(new double[] {1, 2, 3, 4});
        int m = 200_000;
        double[] joint = new double[16];
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                joint[a * 4 + b] = small.probability(a) * small.probability(b);
            }
        }
        Sampler[][] pairs = {{small.sampler(5, 0), small.sampler(5, 1)}, {small.sampler(5, 2), small.sampler(5)}};
        for (Sampler[] pair : pairs) {
            long[] counts = new long[16];
            for (int i = 0; i < m; i++) {
                counts[pair[0].next() * 4 + pair[1].next()]++;
            }
            assertFits("joint of two streams", counts, joint);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> small.sampler(1, -1));
        assertEquals("stream must be >= 0, was -1", e.getMessage());
    }

    // ---- with replacement ---------------------------------------------------------------------------------------

    @Test
    void rowsWithReplacementFitQAndExpectedCountIsKq() {
        for (NoiseDistribution d : DISTRIBUTIONS) {
            int rows = 50_000;
            int k = 8;
            Draws draws = d.sampler(11).draw(rows, k, false);
            assertEquals(rows, draws.rows());
            assertEquals(k, draws.k());
            assertFalse(draws.unique());
            int[] ids = draws.ids();
            assertEquals(rows * k, ids.length);
            assertFits("rows " + d, histogram(ids, d.size()), d.probabilities());
            double[] sampled = draws.sampledExpectedCounts();
            for (int r = 0; r < rows; r += 997) {
                assertEquals(k, draws.tries(r));
                assertArrayEquals(Arrays.copyOfRange(ids, r * k, r * k + k), draws.row(r));
                for (int j = 0; j < k; j++) {
                    int c = draws.id(r, j);
                    // k·q(c) in double: one rounding
                    double kq = k * d.probability(c);
                    assertEquals(kq, draws.expectedCount(r, c), FloatBounds.gamma64(2) * kq);
                    assertEquals(kq, sampled[r * k + j], FloatBounds.gamma64(2) * kq);
                }
            }
            // E(c) = k·q(c) is the mean number of occurrences of c per row
            long[] h = histogram(ids, d.size());
            for (int c = 0; c < d.size(); c++) {
                double mean = (double) h[c] / rows;
                double e = d.expectedCount(c, k, k);
                double sd = Math.sqrt(k * d.probability(c) * (1 - d.probability(c)) / rows);
                // statistical: Z standard deviations, plus the double rounding of the mean
                assertEquals(e, mean, Z * sd + FloatBounds.gamma64(4) * e, "mean count of " + c);
            }
        }
        Draws shared = DISTRIBUTIONS[0].sampler(3).draw(5, false);
        assertEquals(1, shared.rows());
        assertEquals(5, shared.k());
    }

    // ---- unique ---------------------------------------------------------------------------------------------------

    /**
     * Exact inclusion probabilities of unique sampling, from its definition as successive sampling: with the set U
     * already taken (and the excluded ids), the next new id is c ∉ U with probability q(c) / (1 − q(U)).
     * Enumerates every ordered sequence of k ids (fine for V ≤ 8).
     */
    static double[] exactInclusion(double[] q, int k, int... exclude) {
        double[] pi = new double[q.length];
        boolean[] used = new boolean[q.length];
        double mass = 0;
        for (int e : exclude) {
            used[e] = true;
            mass += q[e];
        }
        enumerate(q, k, used, mass, 1.0, pi);
        return pi;
    }

    private static void enumerate(double[] q, int remaining, boolean[] used, double taken, double prob, double[] pi) {
        if (remaining == 0) {
            return;
        }
        for (int c = 0; c < q.length; c++) {
            if (!used[c] && q[c] > 0) {
                double p = prob * q[c] / (1 - taken);
                pi[c] += p;
                used[c] = true;
                enumerate(q, remaining - 1, used, taken + q[c], p, pi);
                used[c] = false;
            }
        }
    }

    static void assertInclusion(String what, Draws draws, double[] pi, int... exclude) {
        int v = pi.length;
        long[] counts = new long[v];
        int rows = draws.rows();
        int k = draws.k();
        Set<Integer> excluded = new HashSet<>();
        for (int e : exclude) {
            excluded.add(e);
        }
        for (int r = 0; r < rows; r++) {
            Set<Integer> row = new HashSet<>();
            for (int j = 0; j < k; j++) {
                int c = draws.id(r, j);
                assertTrue(row.add(c), what + ": row " + r + " repeats " + c);
                assertFalse(excluded.contains(c), what + ": row " + r + " holds excluded " + c);
                counts[c]++;
            }
            assertTrue(draws.tries(r) >= k);
        }
        double sum = 0;
        for (int c = 0; c < v; c++) {
            sum += pi[c];
            double f = (double) counts[c] / rows;
            // statistical: Z standard deviations, plus the double rounding of the frequency and of π (computed
            // from sums over the v ids and the k draws)
            double bound = Z * Math.sqrt(Math.max(0, pi[c] * (1 - pi[c])) / rows) + FloatBounds.gamma64(4L * v * k);
            assertEquals(pi[c], f, bound, what + ": inclusion frequency of " + c);
        }
        // a double sum of v terms of size ≤ 1
        assertEquals(k, sum, FloatBounds.gamma64(v) * k, "inclusion probabilities sum to k");
    }

    @Test
    void uniqueRowsHaveKDistinctIdsWithTheExactInclusionProbabilities() {
        NoiseDistribution alias = AliasTable.of(new double[] {5, 3, 2, 1, 1, 0.5, 0});
        int rows = 100_000;
        assertInclusion("alias k=3", alias.sampler(21).draw(rows, 3, true), exactInclusion(alias.probabilities(), 3));
        assertInclusion("alias k=6 (all drawable ids)", alias.sampler(22).draw(rows / 10, 6, true),
                exactInclusion(alias.probabilities(), 6));
        NoiseDistribution logUniform = LogUniform.of(8);
        assertInclusion("log-uniform k=4", logUniform.sampler(23).draw(rows, 4, true),
                exactInclusion(logUniform.probabilities(), 4));
        // excluding the target (here the most probable id, for every row)
        int[] targets = new int[rows];
        Draws excluding = logUniform.sampler(24).drawNegatives(targets, 4);
        assertTrue(excluding.unique());
        assertInclusion("log-uniform k=4 excluding 0", excluding, exactInclusion(logUniform.probabilities(), 4, 0), 0);
        // the int[] forms: several excluded ids, and per-row targets that differ
        int[] out = new int[3];
        long[] counts = new long[8];
        Sampler s = logUniform.sampler(25);
        for (int r = 0; r < rows; r++) {
            int tries = s.drawExcluding(out, 1, 3, 1);
            assertTrue(tries >= 3);
            assertEquals(3, Arrays.stream(out).distinct().count());
            for (int c : out) {
                counts[c]++;
            }
        }
        double[] pi = exactInclusion(logUniform.probabilities(), 3, 1, 3);
        assertEquals(0, counts[1]);
        assertEquals(0, counts[3]);
        for (int c = 0; c < 8; c++) {
            assertEquals(pi[c], (double) counts[c] / rows, Z * Math.sqrt(pi[c] * (1 - pi[c]) / rows)
                    + FloatBounds.gamma64(4));
        }
        // k = V − 1: each row is every id but its own target
        int[] mixed = {0, 1, 2, 3, 4, 5, 6, 7, 7, 0};
        Draws perRow = logUniform.sampler(26).drawNegatives(mixed, 7);
        for (int r = 0; r < mixed.length; r++) {
            int target = mixed[r];
            int[] row = perRow.row(r);
            Arrays.sort(row);
            assertArrayEquals(java.util.stream.IntStream.range(0, 8).filter(c -> c != target).toArray(), row);
        }
    }
    @Test
    void uniqueDrawIsDrawUntilKDistinctOnTheSameStream() {
        // replay the same stream one id at a time: keep first occurrences, skip excluded, count the draws
        for (NoiseDistribution d : DISTRIBUTIONS) {
            for (int[] exclude : new int[][] {{}, {0}, {2, 0}}) {
                Sampler fast = d.sampler(77);
                Sampler slow = d.sampler(77);
                for (int round = 0; round < 200; round++) {
                    int[] out = new int[3];
                    int tries = exclude.length == 0 ? fast.draw(out, true) : fast.drawExcluding(out, exclude);
                    Set<Integer> seen = new HashSet<>();
                    for (int e : exclude) {
                        seen.add(e);
                    }
                    int[] expected = new int[3];
                    int picked = 0;
                    int expectedTries = 0;
                    while (picked < 3) {
                        expectedTries++;
                        int c = slow.next();
                        if (seen.add(c)) {
                            expected[picked++] = c;
                        }
                    }
                    assertArrayEquals(expected, out);
                    assertEquals(expectedTries, tries);
                }
            }
        }
    }

    @Test
    void expectedCountsAreTensorFlowsFormula() {
        for (NoiseDistribution d : DISTRIBUTIONS) {
            for (int c = 0; c < d.size(); c++) {
                double q = d.probability(c);
                assertEquals(3 * q, d.expectedCount(c, 3, 3), FloatBounds.gamma64(2) * 3 * q);
                for (int tries : new int[] {4, 7, 100, 100_000}) {
                    // the same quantity by pow, as the textbook writes it
                    // 1 − q rounds once (relative u64), the power multiplies that by tries: γ64(2·tries + 4)
                    assertEquals(1 - Math.pow(1 - q, tries), d.expectedCount(c, 3, tries),
                            FloatBounds.gamma64(2L * tries + 4));
                }
            }
            // per-row tries in a unique draw
            Draws draws = d.sampler(5).draw(300, 4, true);
            double[] sampled = draws.sampledExpectedCounts();
            boolean sawShortcut = false;
            boolean sawRejection = false;
            for (int r = 0; r < draws.rows(); r++) {
                int tries = draws.tries(r);
                sawShortcut |= tries == 4;
                sawRejection |= tries > 4;
                for (int c = 0; c < d.size(); c++) {
                    double q = d.probability(c);
                    double expected = tries == 4 ? 4 * q : 1 - Math.pow(1 - q, tries);
                    assertEquals(expected, draws.expectedCount(r, c), FloatBounds.gamma64(2L * tries + 4));
                }
                for (int j = 0; j < 4; j++) {
                    assertEquals(draws.expectedCount(r, draws.id(r, j)), sampled[r * 4 + j]);
                }
            }
            assertTrue(sawShortcut && sawRejection, d + ": both branches exercised");
        }
        // a single class: E = 1 − 0^tries = 1 once a draw was repeated
        NoiseDistribution one = AliasTable.of(new double[] {0, 1});
        assertEquals(1.0, one.expectedCount(1, 1, 2));
        assertEquals(0.0, one.expectedCount(0, 1, 2));
    }

    /**
     * TensorFlow's unique expected count is an approximation of the inclusion probability π(c): it treats the number
     * of tries as fixed. Measured here (and documented in {@link NoiseDistribution}): averaged over draws it is
     * within 6% of π(c) for classes with k·q(c) ≤ 0.5 (largest seen 3.5%), and it overstates the head classes — with
     * no rejection it returns k·q(c), which exceeds 1 for the most frequent ids. A sampler that miscounted the tries
     * (e.g. not counting rejected draws, so tries = k always) would give k·q(c), 25% below π for the tail here.
     */
    @Test
    void uniqueExpectedCountApproximatesTheInclusionProbabilityOfRareClasses() {
        int rows = 200_000;
        // exact π for V = 8, k = 4
        NoiseDistribution small = LogUniform.of(8);
        Draws draws = small.sampler(31).draw(rows, 4, true);
        double[] pi = exactInclusion(small.probabilities(), 4);
        double[] meanE = meanExpectedCounts(draws);
        for (int c = 0; c < 8; c++) {
            if (4 * small.probability(c) <= 0.5) {
                assertEquals(pi[c], meanE[c], 0.06 * pi[c], "V=8 class " + c);
            }
        }
        assertTrue(meanE[0] > pi[0] + 0.1, "head class: TF's count " + meanE[0] + " vs π " + pi[0]);
        // V = 1000, k = 20: π estimated from the same draws
        NoiseDistribution big = LogUniform.of(1000);
        Draws many = big.sampler(32).draw(rows / 4, 20, true);
        double[] meanBig = meanExpectedCounts(many);
        long[] counts = histogram(many.ids(), 1000);
        for (int c = 0; c < 1000; c++) {
            if (20 * big.probability(c) <= 0.5) {
                double f = (double) counts[c] / many.rows();
                double sd = Math.sqrt(f * (1 - f) / many.rows());
                assertEquals(f, meanBig[c], 0.06 * f + Z * sd, "V=1000 class " + c);
            }
        }
    }

    /** The mean of E(c) over the rows; E depends on a row only through its tries, so group the rows by tries. */
    private static double[] meanExpectedCounts(Draws draws) {
        int v = draws.distribution().size();
        java.util.Map<Integer, Integer> rowsByTries = new java.util.TreeMap<>();
        for (int r = 0; r < draws.rows(); r++) {
            rowsByTries.merge(draws.tries(r), 1, Integer::sum);
        }
        double[] mean = new double[v];
        for (var e : rowsByTries.entrySet()) {
            for (int c = 0; c < v; c++) {
                mean[c] += draws.distribution().expectedCount(c, draws.k(), e.getKey()) * e.getValue() / draws.rows();
            }
        }
        return mean;
    }

    // ---- bad input ------------------------------------------------------------------------------------------------

    @Test
    void badDrawsAreRejectedWithPreciseMessages() {
        Sampler s = LogUniform.of(5).sampler(1);
        var e = assertThrows(IllegalArgumentException.class, () -> s.draw(new int[0], false));
        assertEquals("k (samples per draw) must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.draw(0, true));
        assertEquals("k (samples per draw) must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.draw(3, -2, false));
        assertEquals("k (samples per draw) must be >= 1, was -2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.draw(0, 2, false));
        assertEquals("rows must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.drawNegatives(new int[0], 2));
        assertEquals("rows must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.drawNegatives(new int[] {1}, 0));
        assertEquals("k (samples per draw) must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.drawExcluding(new int[0]));
        assertEquals("k (samples per draw) must be >= 1, was 0", e.getMessage());
        assertEquals("out must not be null",
                assertThrows(NullPointerException.class, () -> s.draw(null, true)).getMessage());
        assertEquals("targets must not be null",
                assertThrows(NullPointerException.class, () -> s.drawNegatives((int[]) null, 2)).getMessage());

        // vocabulary too small for unique sampling
        e = assertThrows(IllegalArgumentException.class, () -> s.draw(6, true));
        assertEquals("unique sampling of k = 6 distinct ids needs a vocabulary of at least 6 ids, V = 5",
                e.getMessage());
        assertEquals(5, s.draw(5, true).row(0).length);
        e = assertThrows(IllegalArgumentException.class, () -> s.drawNegatives(new int[] {2}, 5));
        assertEquals("unique sampling of k = 5 distinct ids avoiding 1 excluded id needs a vocabulary of at least 6 "
                + "ids, V = 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.drawExcluding(new int[4], 0, 1, 1));
        assertEquals("unique sampling of k = 4 distinct ids avoiding 2 excluded ids needs a vocabulary of at least 6 "
                + "ids, V = 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.drawNegatives(new int[] {0, 5}, 2));
        assertEquals("excluded id 5 is outside [0, 5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.drawExcluding(new int[2], -1));
        assertEquals("excluded id -1 is outside [0, 5)", e.getMessage());
        // enough ids but too few of positive probability: an error, never an endless loop
        Sampler zeros = AliasTable.of(new double[] {1, 0, 2, 0, 0, 3}).sampler(2);
        e = assertThrows(IllegalArgumentException.class, () -> zeros.draw(4, true));
        assertEquals("unique sampling of k = 4 distinct ids needs at least 4 drawable ids (q > 0), the distribution "
                + "has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> zeros.drawNegatives(new int[] {5}, 3));
        assertEquals("unique sampling of k = 3 distinct ids avoiding 1 excluded id needs at least 3 drawable ids "
                + "(q > 0, not excluded), the distribution has 2", e.getMessage());
        assertTrue(zeros.drawExcluding(new int[3], 1, 3) >= 3); // excluding zero-q ids costs no drawable id

        NoiseDistribution d = LogUniform.of(5);
        e = assertThrows(IllegalArgumentException.class, () -> d.expectedCount(0, 3, 2));
        assertEquals("tries must be >= k = 3, was 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.expectedCount(0, 0, 2));
        assertEquals("k (samples per draw) must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.expectedCount(7, 3, 3));
        assertEquals("id 7 is outside [0, 5)", e.getMessage());

        Draws draws = s.draw(2, 3, false);
        e = assertThrows(IllegalArgumentException.class, () -> draws.row(2));
        assertEquals("row 2 is outside [0, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> draws.tries(-1));
        assertEquals("row -1 is outside [0, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> draws.id(0, 3));
        assertEquals("j = 3 is outside [0, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> draws.expectedCount(0, 5));
        assertEquals("id 5 is outside [0, 5)", e.getMessage());
        assertEquals("Draws{2×3, with replacement, LogUniform{V=5}}", draws.toString());
        assertEquals("Sampler{LogUniform{V=5}}", s.toString());
        assertEquals("AliasTable{V=6, support=3}", zeros.distribution().toString());
    }

    @Test
    void largeUniqueDrawsFromAHugeVocabulary() {
        // the scratch set grows and shrinks with k; V = 10^7 never allocates per-class state
        Sampler s = LogUniform.of(10_000_000).sampler(8);
        for (int k : new int[] {5000, 3, 20_000, 1}) {
            Draws d = s.draw(2, k, true);
            for (int r = 0; r < 2; r++) {
                assertEquals(k, Arrays.stream(d.row(r)).distinct().count());
                assertTrue(Arrays.stream(d.row(r)).allMatch(c -> c >= 0 && c < 10_000_000));
            }
        }
    }
}
