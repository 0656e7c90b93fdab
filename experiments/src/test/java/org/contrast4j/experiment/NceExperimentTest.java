package org.contrast4j.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.contrast4j.experiment.NceExperiment.Fit;
import org.contrast4j.experiment.NceExperiment.Noise;
import org.contrast4j.experiment.NceExperiment.Objective;
import org.contrast4j.experiment.NceExperiment.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NCE experiment on a small seeded configuration: V = 100 Zipf classes (a = 1), M = 20000 samples, 5 epochs of
 * mini-batches of 500. The claims are checked against what the theory predicts from the data, computed here from the
 * formulas (not from the experiment's own earlier output).
 *
 * <p>Scale of the sampling noise, from which the tolerances follow: the logit of class c is estimated from its data
 * count n_c ≈ M·p(c) and its noise count m_c ≈ k·M·q(c), so its standard deviation is about √(1/n_c + 1/m_c); the
 * KL of an estimate is about (1/2M)·(V + Σ_c p(c)/q(c) / k) (≈ 0.005 for k = 1 and a good noise, ≈ 0.0025 for large
 * k), with a relative spread of about √(2/V) ≈ 14%. Adam with mini-batches leaves rarely drawn logits up to ~0.1 from
 * the empirical optimum (measured on seeds 1–3: 0.095–0.107 for classes with n_c, m_c ≥ 30).
 */
class NceExperimentTest {
    static final int V = 100;
    static final int M = 20000;
    static NceExperiment experiment;
    static final Map<String, Fit> FITS = new HashMap<>();

    @BeforeAll
    static void small() {
        experiment = NceExperiment.builder().classes(V).samples(M).epochs(5).batchSize(500).seed(1).threads(1)
                .build();
    }

    static synchronized Fit fit(Objective o, Noise n, int k) {
        return FITS.computeIfAbsent(o + "/" + n + "/" + k, key -> experiment.fit(o, n, k));
    }

    static double kl(Objective o, Noise n, int k) {
        return fit(o, n, k).row().kl();
    }

    @Test
    void distributions() {
        double[] p = experiment.trueDistribution();
        double h = 0;
        for (int c = 1; c <= V; c++) {
            h += 1.0 / c;
        }
        for (int c = 0; c < V; c++) {
            // a harmonic sum of V terms in double, perhaps in another order, then one division
            assertEquals(1.0 / ((c + 1) * h), p[c], FloatBounds.gamma64(V + 2) * p[c], "Zipf p(" + c + ")");
        }
        long[] n = experiment.dataCounts();
        long total = 0;
        for (long x : n) {
            total += x;
        }
        assertEquals(M, total);
        // n_0 ~ Binomial(M, p_0): within 5 standard deviations
        assertEquals(M * p[0], n[0], 5 * Math.sqrt(M * p[0] * (1 - p[0])));
        double[] uni = experiment.noiseDistribution(Noise.UNIGRAM);
        double[] flat = experiment.noiseDistribution(Noise.UNIFORM);
        double[] rev = experiment.noiseDistribution(Noise.REVERSED_ZIPF);
        for (int c = 0; c < V; c++) {
            // one or two double roundings of the same formulas
            assertEquals((n[c] + 1.0) / (M + V), uni[c], FloatBounds.gamma64(V + 2) * uni[c],
                    "add-one unigram q(" + c + ")");
            assertEquals(1.0 / V, flat[c], FloatBounds.gamma64(V + 2) / V);
            assertEquals(p[V - 1 - c], rev[c], FloatBounds.gamma64(V + 2) * rev[c],
                    "reversed ranks: q(c) = p(V − 1 − c)");
        }
        assertThrows(IllegalArgumentException.class, () -> experiment.noiseDistribution(Noise.NONE));
    }

    @Test
    void klAndLogSumExpFromTheirDefinitions() {
        double[] p = experiment.trueDistribution();
        double[] logp = new double[V];
        double entropy = 0;
        for (int c = 0; c < V; c++) {
            logp[c] = Math.log(p[c]) + 3.5; // a shift changes log Z, not softmax
            entropy -= p[c] * Math.log(p[c]);
        }
        // sums of V terms in double of size ≤ log V + 3.5 + 1
        double tol = FloatBounds.gamma64(4L * V) * (Math.log(V) + 3.5 + 1);
        assertEquals(0.0, NceExperiment.kl(p, logp), tol);
        assertEquals(3.5, NceExperiment.logSumExp(logp), tol);
        // KL(p ‖ uniform) = log V − H(p)
        assertEquals(Math.log(V) - entropy, NceExperiment.kl(p, new double[V]), tol);
        assertEquals(1000 + Math.log(2), NceExperiment.logSumExp(new double[] {1000, 1000}),
                FloatBounds.gamma64(4) * 1001);
    }

    @Test
    void nceKlFallsAsKGrows() {
        double k1 = kl(Objective.NCE, Noise.UNIGRAM, 1);
        double k5 = kl(Objective.NCE, Noise.UNIGRAM, 5);
        double k50 = kl(Objective.NCE, Noise.UNIGRAM, 50);
        // theory: the noise term (1/2M)·Σp/q/k ≈ 0.0025/k on top of the data term ≈ 0.0025, so k = 1 → 50 removes
        // ≈ 0.0025 (±0.0005, the 14% spread of the k = 1 noise term plus the k = 50 one): require 0.001
        assertTrue(k1 - k50 > 0.001, () -> "KL k=1 " + k1 + ", k=50 " + k50);
        assertTrue(k5 < k1, () -> "KL k=1 " + k1 + ", k=5 " + k5);
        double r1 = kl(Objective.NCE, Noise.REVERSED_ZIPF, 1);
        double r5 = kl(Objective.NCE, Noise.REVERSED_ZIPF, 5);
        double r50 = kl(Objective.NCE, Noise.REVERSED_ZIPF, 50);
        // bad noise: Σp/q ≈ 424 for V = 100, so ≈ 0.0106/k on top; each step down is several times the spread
        assertTrue(r1 > 2 * r5 && r5 > r50, () -> "reversed Zipf KL " + r1 + ", " + r5 + ", " + r50);
    }

    @Test
    void goodBadNoiseGapShrinksWithK() {
        double gap1 = kl(Objective.NCE, Noise.REVERSED_ZIPF, 1) - kl(Objective.NCE, Noise.UNIGRAM, 1);
        double gap50 = kl(Objective.NCE, Noise.REVERSED_ZIPF, 50) - kl(Objective.NCE, Noise.UNIGRAM, 50);
        // theory: (Σp/q_rev − Σp/q_uni)/(2Mk) ≈ 324/(40000·k): 0.0081 at k = 1, 0.00016 at k = 50
        assertTrue(gap1 > 0.004, () -> "gap at k = 1: " + gap1);
        assertTrue(Math.abs(gap50) < gap1 / 5, () -> "gap at k = 50: " + gap50 + " vs k = 1: " + gap1);
        // sampled softmax's bias from a bad proposal shrinks with k as well
        double s1 = kl(Objective.SAMPLED_SOFTMAX, Noise.REVERSED_ZIPF, 1);
        double s50 = kl(Objective.SAMPLED_SOFTMAX, Noise.REVERSED_ZIPF, 50);
        assertTrue(s1 > 5 * s50, () -> "sampled softmax, reversed Zipf: k=1 " + s1 + ", k=50 " + s50);
    }

    /** The bias and spread of NCE's log Z at its empirical optimum: Z = Σ_c p̂(c)·λ_c/m_c, λ_c = k·M·q(c). */
    static double logZTolerance(double[] p, double[] q, int k) {
        double bias = 0;
        double var = 0;
        for (int c = 0; c < p.length; c++) {
            double lambda = (double) k * M * q[c];
            bias += p[c] / lambda;         // E[λ/m] ≈ 1 + 1/λ
            var += p[c] * p[c] / lambda;   // Var[λ/m] ≈ 1/λ; Σ p̂ = 1 exactly, so only the noise counts vary
        }
        return bias + 4 * Math.sqrt(var) + 0.02; // 4 sd, plus 0.02 for the optimiser
    }

    @Test
    void nceSelfNormalises() {
        double[] p = experiment.trueDistribution();
        for (Noise n : new Noise[] {Noise.UNIGRAM, Noise.REVERSED_ZIPF}) {
            for (int k : new int[] {1, 50}) {
                Fit f = fit(Objective.NCE, n, k);
                double tol = logZTolerance(p, f.noiseDistribution(), k);
                assertTrue(Math.abs(f.row().logZ()) < tol, () -> f.row() + " tolerance " + tol);
                assertEquals(0.0, f.row().predictedLogZ());
            }
        }
        // from logits all 0 (log Z = log V ≈ 4.6) NCE finds log Z ≈ 0 itself; negative sampling does not
        NceExperiment zero = NceExperiment.builder().classes(V).samples(M).epochs(5).batchSize(500).seed(1).threads(1)
                .initialLogit(0).build();
        Fit f = zero.fit(Objective.NCE, Noise.UNIGRAM, 5);
        double tol = logZTolerance(p, f.noiseDistribution(), 5);
        assertTrue(Math.abs(f.row().logZ()) < tol, () -> f.row() + " tolerance " + tol);
        assertTrue(f.row().kl() < 0.01, f.row()::toString);
        assertTrue(fit(Objective.NEGATIVE_SAMPLING, Noise.UNIFORM, 5).row().logZ() > 2.5);
    }

    @Test
    void nceReachesItsEmpiricalOptimum() {
        // with free logits, NCE's optimum on these samples is s(c) = log(n_c/m_c) + log(k·q(c)) (n_c data count, m_c
        // noise count); within 0.2 (twice the optimiser's measured residual) where n_c, m_c ≥ 30
        int k = 5;
        Fit f = fit(Objective.NCE, Noise.UNIGRAM, k);
        long[] n = experiment.dataCounts();
        long[] m = f.noiseCounts();
        double[] q = f.noiseDistribution();
        double[] s = f.logits();
        long total = 0;
        int checked = 0;
        for (int c = 0; c < V; c++) {
            total += m[c];
            if (n[c] >= 30 && m[c] >= 30) {
                double opt = Math.log((double) n[c] / m[c]) + Math.log(k * q[c]);
                assertEquals(opt, s[c], 0.2, "class " + c + " (n " + n[c] + ", m " + m[c] + ")");
                checked++;
            }
        }
        assertEquals((long) k * M, total, "k·M noise samples");
        assertTrue(checked > 50, "classes checked: " + checked);
    }

    @Test
    void negativeSamplingConvergesToLevyGoldberg() {
        double[] p = experiment.trueDistribution();
        int k = 5;
        for (Noise noise : new Noise[] {Noise.UNIGRAM, Noise.UNIFORM}) {
            Fit f = fit(Objective.NEGATIVE_SAMPLING, noise, k);
            double[] q = f.noiseDistribution();
            double[] s = f.logits();
            double sumRatio = 0;
            for (int c = 0; c < V; c++) {
                // s(c) = log p(c) − log(k·q(c)): within 4 sampling sd + 0.15 for the optimiser, every class
                double lg = Math.log(p[c]) - Math.log(k * q[c]);
                double sd = Math.sqrt(1 / (M * p[c]) + 1 / (k * M * q[c]));
                assertEquals(lg, s[c], 4 * sd + 0.15, noise + " class " + c);
                sumRatio += p[c] / (k * q[c]);
            }
            // log Z = log Σ p/(k·q): log(V/k) ≈ 3.0 under uniform noise (sd of log Z here ≈ 0.01)
            assertEquals(Math.log(sumRatio), f.row().logZ(), 0.05, f.row()::toString);
            // the same sum in double, perhaps in another order
            assertEquals(Math.log(sumRatio), f.row().predictedLogZ(),
                    FloatBounds.gamma64(4L * V) * (Math.abs(Math.log(sumRatio)) + 1));
        }
        // so softmax(s) ∝ p/q: p itself under uniform noise (KL as small as the full softmax's ≈ 0.002, allow
        // 0.006 = the full softmax's plus the k = 5 noise term, twice) and far from p under the unigram noise, where
        // p/q ≈ 1 makes the model nearly uniform: KL ≈ log V − H(p) = 0.93 here
        assertTrue(kl(Objective.NEGATIVE_SAMPLING, Noise.UNIFORM, k) < 0.006);
        Row uni = fit(Objective.NEGATIVE_SAMPLING, Noise.UNIGRAM, k).row();
        assertTrue(uni.kl() > 0.5, uni::toString);
        assertEquals(uni.predictedKl(), uni.kl(), 0.05, uni::toString);
        // with uniform noise the predicted distribution is p itself: 0 up to double sums of V terms
        assertEquals(0.0, fit(Objective.NEGATIVE_SAMPLING, Noise.UNIFORM, k).row().predictedKl(),
                FloatBounds.gamma64(4L * V) * (Math.log(V) + 1));
    }

    @Test
    void fullSoftmaxIsTheMaximumLikelihoodEstimate() {
        // softmax(s) → the empirical distribution p̂ = n/M; KL(p ‖ p̂) computed here from the counts
        Fit f = fit(Objective.FULL_SOFTMAX, Noise.NONE, 0);
        double[] p = experiment.trueDistribution();
        long[] n = experiment.dataCounts();
        double klMle = 0;
        for (int c = 0; c < V; c++) {
            klMle += p[c] * Math.log(p[c] / ((double) n[c] / M));
        }
        assertEquals(klMle, f.row().kl(), 0.25 * klMle, f.row()::toString);
        double[] s = f.logits();
        double logZ = f.row().logZ();
        for (int c = 0; c < V; c++) {
            if (n[c] >= 30) {
                assertEquals(Math.log((double) n[c] / M), s[c] - logZ, 0.2, "class " + c);
            }
        }
        assertEquals(0, f.row().k());
        assertNull(f.noiseCounts());
        assertTrue(Double.isNaN(f.row().predictedKl()));
    }

    @Test
    void runHasEveryRowInOrderAndDoesNotDependOnThreads() {
        NceExperiment.Builder b = NceExperiment.builder().classes(10).samples(400).ks(3, 1).epochs(1).batchSize(100)
                .seed(5);
        List<Row> one = b.threads(1).build().run(line -> { });
        StringBuilder lines = new StringBuilder();
        List<Row> two = b.threads(2).build().run(line -> lines.append(line).append('\n'));
        assertEquals(1 + 3 * 3 * 2, one.size());
        assertEquals(one.size(), lines.toString().lines().count(), "one progress line per run");
        Row first = one.getFirst();
        assertEquals(Objective.FULL_SOFTMAX, first.objective());
        assertEquals(Noise.NONE, first.noise());
        assertEquals(0, first.k());
        assertEquals(Objective.NCE, one.get(1).objective());
        assertEquals(Noise.UNIGRAM, one.get(1).noise());
        assertEquals(1, one.get(1).k());
        assertEquals(3, one.get(2).k());
        assertEquals(Objective.SAMPLED_SOFTMAX, one.getLast().objective());
        assertEquals(Noise.REVERSED_ZIPF, one.getLast().noise());
        for (int i = 0; i < one.size(); i++) {
            Row a = one.get(i);
            Row c = two.get(i);
            assertEquals(a.objective(), c.objective());
            assertEquals(a.noise(), c.noise());
            assertEquals(a.k(), c.k());
            assertEquals(a.kl(), c.kl(), 0.0, "row " + i);
            assertEquals(a.logZ(), c.logZ(), 0.0, "row " + i);
        }
        // fit gives the same numbers as run
        Row single = b.threads(1).build().fit(Objective.NCE, Noise.UNIFORM, 3).row();
        Row fromRun = one.stream().filter(r -> r.objective() == Objective.NCE && r.noise() == Noise.UNIFORM
                && r.k() == 3).findFirst().orElseThrow();
        assertEquals(fromRun.kl(), single.kl(), 0.0);
    }

    @Test
    void fitCopiesItsArrays() {
        Fit f = fit(Objective.NCE, Noise.UNIGRAM, 5);
        double[] s = f.logits();
        s[0] = 99;
        assertTrue(f.logits()[0] < 0);
        f.noiseCounts()[0] = -1;
        assertTrue(f.noiseCounts()[0] >= 0);
    }

    @Test
    void badConfiguration() {
        assertEquals("classes V must be >= 2, was 1",
                assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().classes(1)).getMessage());
        assertEquals("k (noise samples per data sample) must be >= 1, was 0 at position 1",
                assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().ks(5, 0)).getMessage());
        assertEquals("k = 5 is given twice (positions 0 and 2)",
                assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().ks(5, 1, 5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().ks());
        assertEquals("samples M must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().samples(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().epochs(0));
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().learningRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().zipfExponent(-1));
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().threads(0));
        assertThrows(IllegalArgumentException.class, () -> NceExperiment.builder().initialLogit(Double.NaN));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NceExperiment.builder().samples(30_000_000).ks(100).build()).getMessage()
                .contains("do not fit in one array"));
        assertEquals("k (noise samples per data sample) must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> experiment.fit(Objective.NCE, Noise.UNIGRAM, 0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> experiment.fit(Objective.NCE, Noise.NONE, 5));
        assertThrows(IllegalArgumentException.class, () -> experiment.fit(Objective.FULL_SOFTMAX, Noise.UNIFORM, 0));
    }

    @Test
    void configuration() {
        NceExperiment e = NceExperiment.builder().classes(7).ks(2, 9).samples(50).build();
        assertArrayEquals(new int[] {2, 9}, e.ks());
        assertEquals(-Math.log(7), e.initialLogit(), 1e-15);
        assertEquals(1.0, e.zipfExponent());
        assertTrue(e.toString().contains("classes=7"), e::toString);
    }
}
