package org.contrast4j.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The InfoNCE mutual-information experiment on a small configuration (d = 4, ρ = 0.8, I = −2·log 0.36 ≈ 2.043 nats),
 * checked against the facts the bound must obey, not against its own earlier output.
 */
class MiExperimentTest {
    static final int D = 4;
    static final double RHO = 0.8;
    static final int[] SIZES = {4, 32, 256};
    static List<MiExperiment.Row> rows;
    /** Per batch size N: the float32 error bound of the trained and of the optimal critic's estimate. */
    static final Map<Integer, double[]> FLOAT32 = new HashMap<>();

    @BeforeAll
    static void runSmall() {
        Map<Integer, double[]> sums = new HashMap<>();
        rows = MiExperiment.builder().dimension(D).rho(RHO).batchSizes(SIZES).seed(7).steps(150).evalSamples(8192)
                .build().run(line -> { }, (n, trained, optimal) -> {
                    double[] s = sums.computeIfAbsent(n, k -> new double[3]);
                    s[0] += float32Bound(trained);
                    s[1] += float32Bound(optimal);
                    s[2]++;
                });
        for (MiExperiment.Row r : rows) {
            double[] s = sums.get(r.n());
            assertEquals(r.evalBatches(), (int) s[2], "held-out batches seen");
            // the mean over the batches and log N − mean in double: a few roundings of values of size
            // ≤ log N + |mean loss| ≤ 2·log N + |estimate|
            double doubles = FloatBounds.gamma64(r.evalBatches() + 8L) * (2 * r.logN() + Math.abs(r.estimate()));
            FLOAT32.put(r.n(), new double[] {s[0] / s[2] + doubles, s[1] / s[2] + doubles});
        }
    }

    /**
     * How far the InfoNCE loss the experiment computes on one held-out batch (features a_i = (Wᵀx_i, 1) and
     * b_j = (y_j, y_jᵀUy_j) rounded to float32, τ = 1, dot similarity) can be from the exact InfoNCE loss of the
     * critic f(x, y) = a(x)·b(y) evaluated in real arithmetic on the same float32 features.
     *
     * <p>Why the exact one obeys the bound: a(·) and b(·) are deterministic functions of one row each (the rounding to
     * float32 included), so f is a valid critic and E[log N − L(f)] ≤ I(X̃; Ỹ) for the float32-rounded pairs
     * (van den Oord et al.; Poole et al. 2019), and I(X̃; Ỹ) ≤ I(X; Y) by the data-processing inequality (the roundings
     * are functions of X and of Y alone). So only the arithmetic of the loss remains: each logit a_i·b_j is a
     * float32 dot product of d + 1 terms, within δ_ij = γ_{d+1}·Σ_k |a_ik·b_jk| (Higham, any summation order); a row's
     * log-sum-exp minus its positive logit is 2-Lipschitz in the max norm of its logits and adds its own arithmetic
     * ({@link FloatBounds#softmaxRow}), so every row — and the batch's mean — is within
     * 2·max δ + logSumExpArithmetic(max Σ|a·b|) (|logit| ≤ Σ_k |a_ik·b_jk|).
     */
    static double float32Bound(Batch batch) {
        float[] a = batch.anchors().data();
        float[] b = batch.positives().orElseThrow().data();
        int d = batch.dimension();
        int n = batch.size();
        double maxAbs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += Math.abs((double) a[i * d + k] * b[j * d + k]);
                }
                maxAbs = Math.max(maxAbs, s);
            }
        }
        // Σ|a·b| in double: its own rounding is a relative γ64, covered by the factor
        maxAbs *= 1 + FloatBounds.gamma64(d + 1L);
        return FloatBounds.softmaxRow(FloatBounds.gamma(d) * maxAbs, maxAbs, 3);
    }

    @Test
    void trueMutualInformationIsTheGaussianFormula() {
        // I = Σ_k ½·log(σ_x² σ_y² / det Σ_k) over the d independent coordinate pairs, det Σ_k = 1 − ρ² for unit
        // variances: d/2 · log(1/(1 − ρ²)), written here from the covariance determinant, not the library's expression
        double detPair = 1.0 * 1.0 - RHO * RHO;
        // two ways of writing the formula in double: a few roundings of the value
        double mi = D * 0.5 * Math.log(1.0 / detPair);
        assertEquals(mi, MiExperiment.trueMutualInformation(D, RHO), FloatBounds.gamma64(6) * mi);
        assertEquals(-4 * Math.log(0.36), MiExperiment.trueMutualInformation(8, 0.8),
                FloatBounds.gamma64(6) * -4 * Math.log(0.36));
        // exact by design: log(1) = 0, and ρ² has the same bits for ±ρ
        assertEquals(0.0, MiExperiment.trueMutualInformation(3, 0.0), 0.0);
        assertEquals(MiExperiment.trueMutualInformation(3, 0.5), MiExperiment.trueMutualInformation(3, -0.5), 0.0);
    }

    @Test
    void pairsHaveUnitVarianceAndCorrelationRho() {
        // 20000·4 pairs: the sample correlation's standard error is (1 − ρ²)/√80000 ≈ 0.0013, the variance's
        // √(2/80000) ≈ 0.005; tolerances are 5 standard errors
        MiExperiment.Pairs p = MiExperiment.Pairs.draw(new SplittableRandom(3), 20000, D, RHO);
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        float[] x = p.x().data();
        float[] y = p.y().data();
        for (int i = 0; i < x.length; i++) {
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
            sxy += x[i] * y[i];
        }
        int n = x.length;
        assertEquals(1.0, sxx / n, 0.025);
        assertEquals(1.0, syy / n, 0.025);
        assertEquals(RHO, sxy / Math.sqrt(sxx * syy), 0.0065);
    }

    @Test
    void criticGradientMatchesFiniteDifferences() {
        // the chain from InfoNCE's anchor/positive gradients into W and U, against central differences of the loss
        // value at steps h and 2h. Tolerance from FloatBounds: the features (N×(d+1), rows of norm ≤ R) are rounded to
        // float32, so each logit (τ = 1, dot) is within δ = γ_{d+3}·R² and the mean InfoNCE value within
        // 2δ + logSumExpArithmetic(R²), which the central difference divides by h; its truncation error O(h²) is
        // bounded by 2·|FD(h) − FD(2h)| (FD(2h) − FD(h) ≈ 3·c·h², twice the c·h² error of FD(h)); the loss's
        // feature gradients are within the core bound (D + 2n + 8)·u·(1 + L)·4·(1 + √D) of their largest entry g, which
        // the chain Σ_i x_i g_iᵀ and Σ_i g_i y_i y_iᵀ multiplies by Σ_i |x_ir| and Σ_i |y_ir·y_ic|.
        MiExperiment.Critic c = new MiExperiment.Critic(3);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < c.params.length; i++) {
            c.params[i] = 0.5 * rnd.nextGaussian();
        }
        for (int r = 0; r < 3; r++) { // keep U symmetric, as training does
            for (int s = 0; s < r; s++) {
                c.params[9 + r * 3 + s] = c.params[9 + s * 3 + r];
            }
        }
        int n = 12;
        MiExperiment.Pairs p = MiExperiment.Pairs.draw(rnd, n, 3, 0.6);
        InfoNce loss = InfoNce.builder().temperature(1.0).similarity(Similarity.DOT).build();
        Batch batch = c.batch(p);
        LossResult res = loss.compute(batch);
        double[] grad = new double[c.params.length];
        c.gradient(p, res, grad);
        double h = 1e-2;
        double[] fd = centralDifferences(c, p, loss, h);
        double[] coarse = centralDifferences(c, p, loss, 2 * h);
        int dd = 4; // d + 1
        double r2 = 0;
        for (double[] step : new double[][] {{h}, {-h}, {2 * h}, {-2 * h}, {0}}) {
            // the largest feature row norm over every batch the differences evaluate (each parameter moved by ±step)
            for (int i = 0; i < c.params.length; i++) {
                double keep = c.params[i];
                c.params[i] = keep + step[0];
                Batch b = c.batch(p);
                c.params[i] = keep;
                r2 = Math.max(r2, Math.pow(FloatBounds.maxRowNorm(b.anchors().data(), dd), 2));
                r2 = Math.max(r2, Math.pow(FloatBounds.maxRowNorm(b.positives().orElseThrow().data(), dd), 2));
            }
        }
        double delta = FloatBounds.gamma(dd + 2L) * r2;
        double valueBound = 2 * delta + FloatBounds.logSumExpArithmetic(r2, 3);
        double gradientRelative = (dd + 4.0 * n + 8) * FloatBounds.U * (1 + r2) * 4 * (1 + Math.sqrt(dd));
        double gMax = Math.max(FloatBounds.maxAbs(res.gradient(Input.ANCHORS).data()),
                FloatBounds.maxAbs(res.gradient(Input.POSITIVES).data()));
        float[] x = p.x().data();
        float[] y = p.y().data();
        double[] chain = new double[grad.length]; // Σ_i |x_ir| (W[r, c]) and Σ_i |y_ir·y_ic| (U[r, c])
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < 3; r++) {
                for (int col = 0; col < 3; col++) {
                    chain[r * 3 + col] += Math.abs(x[i * 3 + r]);
                    chain[9 + r * 3 + col] += Math.abs((double) y[i * 3 + r] * y[i * 3 + col]);
                }
            }
        }
        double truncation = 0;
        for (int i = 0; i < grad.length; i++) {
            truncation = Math.max(truncation, Math.abs(fd[i] - coarse[i]));
        }
        for (int i = 0; i < grad.length; i++) {
            double tol = gradientRelative * gMax * chain[i] + valueBound / h + 2 * truncation + Float.MIN_VALUE;
            assertEquals(fd[i], grad[i], tol, "parameter " + i);
        }
    }

    private static double[] centralDifferences(MiExperiment.Critic c, MiExperiment.Pairs p, InfoNce loss, double h) {
        double[] fd = new double[c.params.length];
        for (int i = 0; i < fd.length; i++) {
            double keep = c.params[i];
            c.params[i] = keep + h;
            double up = loss.compute(c.batch(p)).value();
            c.params[i] = keep - h;
            double down = loss.compute(c.batch(p)).value();
            c.params[i] = keep;
            fd[i] = (up - down) / (2 * h);
        }
        return fd;
    }

    @Test
    void estimateStaysBelowLogNAndTrueMi() {
        double trueMi = MiExperiment.trueMutualInformation(D, RHO);
        for (MiExperiment.Row r : rows) {
            // L ≥ 0 for every batch, so log N − L ≤ log N with no tolerance beyond rounding
            // (the mean over batches adds the rounding of a double sum)
            assertTrue(r.estimate() <= r.logN() * (1 + FloatBounds.gamma64(1024)), () -> "above log N: " + r);
            // the bound holds in expectation; the held-out mean is within 4 standard errors of its expectation with
            // probability > 0.9999 (normal approximation over ≥ 32 held-out batches), plus the float32 error of the
            // computed estimate (float32Bound, averaged over the held-out batches)
            double[] f32 = FLOAT32.get(r.n());
            assertTrue(r.estimate() <= trueMi + 4 * r.standardError() + f32[0],
                    () -> "above the true I: " + r + " (float32 bound " + f32[0] + ")");
            assertTrue(r.oracleEstimate() <= trueMi + 4 * r.standardError() + f32[1],
                    () -> "oracle above I: " + r + " (float32 bound " + f32[1] + ")");
            assertEquals(trueMi, r.trueMi(), FloatBounds.gamma64(6) * trueMi);
            assertEquals(Math.log(r.n()), r.logN(), FloatBounds.gamma64(2) * Math.log(r.n()));
        }
    }

    @Test
    void estimateRisesWithN() {
        for (int i = 1; i < rows.size(); i++) {
            MiExperiment.Row a = rows.get(i - 1);
            MiExperiment.Row b = rows.get(i);
            assertTrue(b.estimate() > a.estimate() + 3 * (a.standardError() + b.standardError()),
                    () -> "no rise from " + a + " to " + b);
        }
        // and it comes close to the true I at N = 256 (the optimal critic's bound is within ~0.2 nats there)
        assertTrue(rows.getLast().estimate() > MiExperiment.trueMutualInformation(D, RHO) - 0.4, rows::toString);
    }

    @Test
    void trainedCriticComesCloseToTheOptimalOne() {
        // the optimal critic's bound is the best this family can do on the same held-out batches; training from zero
        // for 150 steps should get within 0.1 nats of it (the trained estimate can exceed it only by noise)
        for (MiExperiment.Row r : rows) {
            assertTrue(r.estimate() > r.oracleEstimate() - 0.1, () -> "training fell short: " + r);
            // both estimates carry their float32 error (float32Bound)
            double[] f32 = FLOAT32.get(r.n());
            assertTrue(r.estimate() < r.oracleEstimate() + 4 * r.standardError() + f32[0] + f32[1],
                    () -> r + " (float32 bounds " + f32[0] + ", " + f32[1] + ")");
        }
    }

    @Test
    void sameSeedSameNumbers() {
        List<MiExperiment.Row> again = MiExperiment.builder().dimension(D).rho(RHO).batchSizes(32).seed(7).steps(150)
                .evalSamples(8192).build().run(line -> { });
        // each N has its own streams from (seed, N): N = 32 alone gives the row it gave among the others
        assertEquals(rows.get(1).estimate(), again.getFirst().estimate(), 0.0);
        assertEquals(rows.get(1).oracleEstimate(), again.getFirst().oracleEstimate(), 0.0);
    }

    @Test
    void progressGetsOneLinePerBatchSize() {
        StringBuilder lines = new StringBuilder();
        MiExperiment.builder().dimension(2).rho(0.5).batchSizes(4, 8).steps(5).evalSamples(16).build()
                .run(line -> lines.append(line).append('\n'));
        assertEquals(2, lines.toString().lines().count(), lines::toString);
        assertTrue(lines.toString().startsWith("mi: N = 4"), lines::toString);
    }

    @Test
    void badConfiguration() {
        assertEquals("dimension d must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> MiExperiment.builder().dimension(0)).getMessage());
        for (double r : new double[] {1, -1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MiExperiment.builder().rho(r));
            assertEquals("rho must be in (-1, 1) (exclusive), was " + r, e.getMessage());
        }
        assertEquals("batch size N must be >= 2 (InfoNCE needs a negative), was 1 at position 1",
                assertThrows(IllegalArgumentException.class, () -> MiExperiment.builder().batchSizes(16, 1))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> MiExperiment.builder().batchSizes());
        assertThrows(IllegalArgumentException.class, () -> MiExperiment.builder().steps(0));
        assertThrows(IllegalArgumentException.class, () -> MiExperiment.builder().learningRate(0));
        assertThrows(IllegalArgumentException.class, () -> MiExperiment.builder().evalSamples(0));
        assertThrows(IllegalArgumentException.class, () -> MiExperiment.trueMutualInformation(0, 0.5));
    }

    @Test
    void configurationIsCopied() {
        int[] sizes = {8, 16};
        MiExperiment e = MiExperiment.builder().batchSizes(sizes).build();
        sizes[0] = 99;
        assertArrayEquals(new int[] {8, 16}, e.batchSizes());
        e.batchSizes()[0] = 99;
        assertArrayEquals(new int[] {8, 16}, e.batchSizes());
    }
}
