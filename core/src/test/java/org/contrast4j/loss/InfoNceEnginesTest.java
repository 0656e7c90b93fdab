package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertAllFinite;
import static org.contrast4j.loss.LossTesting.assertClose;
import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * InfoNCE on the tiled engine: the reference and finite-difference checks of {@link InfoNceTest} for every
 * configuration the engine covers (no explicit negatives), agreement with the dense engine up to N = 2048 (within
 * the float32 error bounds of {@link Agreement}), the engine choice, determinism, interrupts and bad input.
 */
class InfoNceEnginesTest {

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (Similarity s : Similarity.values()) {
            for (Reduction r : Reduction.values()) {
                for (boolean symmetric : new boolean[] {false, true}) {
                    for (boolean labels : new boolean[] {false, true}) {
                        out.add(Arguments.of(s, r, symmetric, labels));
                    }
                }
            }
        }
        return out.stream();
    }

    /** InfoNceTest's check, on the tiled engine (two threads; N = 6 is one tile). */
    @ParameterizedTest(name = "{0} {1} symmetric={2} labels={3}")
    @MethodSource("configurations")
    void tiledMatchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean symmetric, boolean withLabels) {
        SplittableRandom rnd = new SplittableRandom(7 + (symmetric ? 3 : 0));
        int n = 6;
        int d = 5;
        Batch.Builder b = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d));
        long[] labels = withLabels ? new long[] {0, 1, 0, 2, 1, 3} : null;
        if (withLabels) {
            b.labels(labels);
        }
        double tau = 0.5;
        for (Engine engine : new Engine[] {Engine.TILED, Engine.STORED}) {
            InfoNce loss = InfoNce.builder().temperature(tau).learnableTemperature(true).symmetric(symmetric)
                    .similarity(s).reduction(r).engine(engine).threads(2).build();
            checkAgainstReference(loss, b.build(), tau, 0,
                    v -> InfoNceTest.reference(v, s == Similarity.COSINE, symmetric, labels, 0, 0,
                            Double.POSITIVE_INFINITY, r), Scalar.LOG_TEMPERATURE);
        }
    }

    @Test
    void tiledClampAndFixedTemperatureMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(11);
        Batch batch = Batch.of(gaussian(rnd, 6, 4), gaussian(rnd, 6, 4));
        for (Engine engine : new Engine[] {Engine.TILED, Engine.STORED}) {
            clampAndFixedTemperature(batch, engine);
        }
    }

    private static void clampAndFixedTemperature(Batch batch, Engine engine) {
        InfoNce clamped = InfoNce.clip().temperature(0.005).engine(engine).build();
        LossResult r = checkAgainstReference(clamped, batch, 0.005, 0,
                v -> InfoNceTest.reference(v, true, true, null, 0, 0, 100, Reduction.MEAN),
                Scalar.LOG_TEMPERATURE);
        assertEquals(0.0, r.scalarGradients().get(Scalar.LOG_TEMPERATURE));
        checkAgainstReference(InfoNce.clip().temperature(0.05).engine(engine).build(), batch, 0.05, 0,
                v -> InfoNceTest.reference(v, true, true, null, 0, 0, 100, Reduction.MEAN),
                Scalar.LOG_TEMPERATURE);
        checkAgainstReference(InfoNce.builder().temperature(0.2).engine(engine).build(), batch, 0.2, 0,
                v -> InfoNceTest.reference(v, true, false, null, 0, 0, Double.POSITIVE_INFINITY, Reduction.MEAN));
    }

    /** One dense-versus-tiled comparison. */
    record Case(String name, int n, int d, boolean symmetric, Similarity similarity, Reduction reduction,
                int classes, double tau, double maxLogitScale, boolean learnable, int threads) {
    }

    static Stream<Case> cases() {
        double inf = Double.POSITIVE_INFINITY;
        return Stream.of(
                new Case("CLIP-like 2048", 2048, 64, true, Similarity.COSINE, Reduction.MEAN, 0, 0.07, inf, true, 2),
                new Case("one-way dot labels 2048", 2048, 32, false, Similarity.DOT, Reduction.SUM, 50, 0.5, inf,
                        true, 3),
                new Case("clamped, labels, 1000", 1000, 16, true, Similarity.COSINE, Reduction.NONE, 7, 0.005, 100,
                        true, 2),
                new Case("D = 1", 777, 1, true, Similarity.COSINE, Reduction.MEAN, 0, 0.1, inf, true, 1),
                new Case("fixed τ, not a multiple of the tile", 1300, 24, false, Similarity.COSINE,
                        Reduction.MEAN, 0, 0.2, inf, false, 1),
                new Case("clamp inactive, 300", 300, 8, true, Similarity.DOT, Reduction.MEAN, 3, 0.5, 100, true, 4),
                new Case("N = 2", 2, 3, true, Similarity.COSINE, Reduction.MEAN, 0, 0.1, inf, true, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tiledAgreesWithDense(Case c) {
        SplittableRandom rnd = new SplittableRandom(c.n() * 31L + c.d());
        Matrix a = gaussian(rnd, c.n(), c.d());
        // positives correlated with their anchors, so the losses are not all ≈ log N
        Matrix p = gaussian(rnd, c.n(), c.d());
        for (int k = 0; k < p.data().length; k++) {
            p.data()[k] = a.data()[k] + 0.7f * p.data()[k];
        }
        Batch.Builder b = Batch.builder(a).positives(p);
        if (c.classes() > 0) {
            long[] labels = new long[c.n()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rnd.nextInt(c.classes());
            }
            b.labels(labels);
        }
        Batch batch = b.build();
        InfoNce.Builder lb = InfoNce.builder().temperature(c.tau()).maxLogitScale(c.maxLogitScale())
                .learnableTemperature(c.learnable()).symmetric(c.symmetric()).similarity(c.similarity())
                .reduction(c.reduction());
        LossResult dense = lb.engine(Engine.DENSE).build().compute(batch);
        LossResult tiled = lb.engine(Engine.TILED).threads(c.threads()).build().compute(batch);
        LossResult stored = lb.engine(Engine.STORED).threads(c.threads()).build().compute(batch);
        double scale = Math.min(1 / c.tau(), c.maxLogitScale());
        Agreement bound = Agreement.of(batch, c.similarity(), scale, c.reduction(), c.symmetric());
        assertAgree(c.name(), dense, tiled, bound);
        assertAgree(c.name() + ", stored logits", dense, stored, bound);
    }

    /**
     * How far the dense and the tiled engine may differ, from the float32 error bounds ({@link FloatBounds}), for a
     * batch of N rows of dimension D, logit scale 1/τ and the given similarity. Both engines compute the same
     * logits l = s/τ by float32 products of length D (any blocking): |Δl| ≤ δ = γ_{D+2}/τ for cosine,
     * γ_D·max‖a‖·max‖p‖/τ for dot. The dense engine then works in double, the tiled one in float32 with a vector
     * exponential of ≤ 3 ulps, so a per-row loss differs by at most the sum of the two {@link FloatBounds#softmaxRow}
     * bounds. A gradient entry w·(1/τ)·Σ_j g_ij·k_j (g = softmax − target, Σ_j|g_ij| ≤ 2) differs by at most
     * w·(1/τ)·max|k|·(2·(e^{2δ'} − 1) + 2γ_N) per direction, δ' the logit error plus the float32 arithmetic error;
     * for cosine the back-propagation through the normalisation multiplies that by (1 + √D)/min‖x‖ and adds its
     * own rounding, γ_{D+3} of the same size.
     */
    record Agreement(double perRow, double value, Map<Input, Double> gradient, double scalar) {
        static Agreement of(Batch batch, Similarity similarity, double scale, Reduction reduction, boolean symmetric) {
            Matrix a = batch.anchors();
            Matrix p = batch.positives().orElseThrow();
            int n = a.rows();
            int d = a.cols();
            boolean cosine = similarity == Similarity.COSINE;
            double na = FloatBounds.maxRowNorm(a.data(), d);
            double np = FloatBounds.maxRowNorm(p.data(), d);
            double delta = scale * (cosine ? FloatBounds.cosine(d) : FloatBounds.dotByNorms(d, na, np));
            double maxLogit = scale * (cosine ? 1 + FloatBounds.gamma(d + 2) : na * np);
            double perRow = FloatBounds.softmaxRow(delta, maxLogit, 0) + FloatBounds.softmaxRow(delta, maxLogit, 3);
            double w = reduction == Reduction.MEAN ? 1.0 / n : 1.0;
            double value = reduction == Reduction.MEAN ? perRow : n * perRow;
            // logit error including the float32 arithmetic of the tiled epilogue
            double deltaAll = delta + FloatBounds.logSumExpArithmetic(maxLogit, 3);
            // |Δg_ij| ≤ p_ij·(e^{2δ'} − 1) + u for each engine, Σ_j p_ij = 1 per direction; the product adds γ_N
            double relative = 2 * (FloatBounds.softmaxRelative(deltaAll) + FloatBounds.U) + 2 * FloatBounds.gamma(n);
            if (cosine) {
                relative = (1 + Math.sqrt(d)) * (relative + 2 * FloatBounds.gamma(d + 3));
            }
            // the unit: w·(1/τ)·2·max|k| over the prepared keys (symmetric: two directions of weight ½ each)
            double keyA = cosine ? 1 + FloatBounds.U : FloatBounds.maxAbs(a.data());
            double keyP = cosine ? 1 + FloatBounds.U : FloatBounds.maxAbs(p.data());
            double unitA = w * scale * 2 * keyP / (cosine ? minRowNorm(a) : 1);
            double unitP = w * scale * 2 * keyA / (cosine ? minRowNorm(p) : 1);
            Map<Input, Double> gradient = Map.of(Input.ANCHORS, relative * unitA, Input.POSITIVES, relative * unitP);
            // ∂L/∂log τ = −w·Σ_i Σ_j g_ij·l_ij: each term within |Δg_ij|·L + |g_ij|·δ', Σ_j |g_ij| ≤ 2
            double scalar = w * n * (2 * (FloatBounds.softmaxRelative(deltaAll) + FloatBounds.U) * maxLogit
                    + 4 * deltaAll);
            return new Agreement(perRow, value, gradient, scalar);
        }

        private static double minRowNorm(Matrix x) {
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < x.rows(); i++) {
                double s = 0;
                for (int c = 0; c < x.cols(); c++) {
                    s += (double) x.get(i, c) * x.get(i, c);
                }
                min = Math.min(min, Math.sqrt(s));
            }
            return min;
        }
    }

    /** Values, per-row losses, terms, gradients and scalar gradients within {@link Agreement}'s bounds. */
    static void assertAgree(String what, LossResult dense, LossResult tiled, Agreement bound) {
        assertWithin(what + " value", dense.value(), tiled.value(), bound.value());
        double[] dr = dense.perRow();
        double[] tr = tiled.perRow();
        assertEquals(dr.length, tr.length);
        for (int i = 0; i < dr.length; i++) {
            assertWithin(what + " per-row " + i, dr[i], tr[i], bound.perRow());
        }
        assertEquals(0, tiled.skippedRows());
        assertEquals(dense.terms().keySet(), tiled.terms().keySet(), what + " terms");
        for (Map.Entry<String, Double> t : dense.terms().entrySet()) {
            assertWithin(what + " term " + t.getKey(), t.getValue(), tiled.terms().get(t.getKey()), bound.value());
        }
        assertEquals(dense.gradients().keySet(), tiled.gradients().keySet(), what + " gradients");
        for (Map.Entry<Input, Matrix> g : dense.gradients().entrySet()) {
            float[] e = g.getValue().data();
            float[] t = tiled.gradient(g.getKey()).data();
            double err = 0;
            int worst = 0;
            for (int k = 0; k < e.length; k++) {
                double diff = Math.abs(e[k] - t[k]);
                if (!(diff <= err)) {
                    err = diff;
                    worst = k;
                }
            }
            double tol = bound.gradient().get(g.getKey());
            if (!(err <= tol)) {
                fail(what + " gradient " + g.getKey().key() + ": max error " + err + " at " + worst + " (dense "
                        + e[worst] + ", tiled " + t[worst] + "), tolerance " + tol);
            }
        }
        assertEquals(dense.scalarGradients().keySet(), tiled.scalarGradients().keySet(), what + " scalars");
        for (Map.Entry<Scalar, Double> s : dense.scalarGradients().entrySet()) {
            assertWithin(what + " " + s.getKey().key(), s.getValue(), tiled.scalarGradients().get(s.getKey()),
                    bound.scalar());
        }
    }

    /** |e − a| ≤ tol, with both values in the message. */
    static void assertWithin(String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": dense " + expected + ", tiled " + actual + " (tolerance " + tol + ")");
        }
    }

    @Test
    void identicalInputsAtTauOneThousandthStayFiniteAndAgree() {
        SplittableRandom rnd = new SplittableRandom(17);
        Matrix x = gaussian(rnd, 600, 6);
        for (boolean symmetric : new boolean[] {false, true}) {
            InfoNce.Builder b = InfoNce.builder().temperature(1e-3).learnableTemperature(true).symmetric(symmetric);
            LossResult tiled = b.engine(Engine.TILED).threads(2).build().compute(Batch.of(x, x.copy()));
            assertAllFinite(tiled);
            LossResult dense = b.engine(Engine.DENSE).build().compute(Batch.of(x, x.copy()));
            // logits of 1000 differing by O(1): per-row losses are ~1e-30 .. 1, compared absolutely within the
            // float32 bound of logits of size 1000 (δ = 1000·γ_8)
            Agreement bound = Agreement.of(Batch.of(x, x.copy()), Similarity.COSINE, 1e3, Reduction.MEAN, symmetric);
            assertWithin("value", dense.value(), tiled.value(), bound.value());
            for (int i = 0; i < 600; i++) {
                assertWithin("row " + i, dense.perRow()[i], tiled.perRow()[i], bound.perRow());
            }
        }
        // every row the same point: all logits are 1000 and every loss is log N
        float[] same = new float[600 * 6];
        for (int i = 0; i < 600; i++) {
            System.arraycopy(x.data(), 0, same, i * 6, 6);
        }
        Matrix one = Matrix.of(600, 6, same);
        LossResult r = InfoNce.builder().temperature(1e-3).learnableTemperature(true).symmetric(true)
                .engine(Engine.TILED).build().compute(Batch.of(one, one.copy()));
        assertAllFinite(r);
        // exact value log N; the tiled engine's logits are within δ = 1000·γ_8 of 1000, its arithmetic within
        // FloatBounds.logSumExpArithmetic
        assertWithin("log N", Math.log(600), r.value(),
                FloatBounds.softmaxRow(1e3 * FloatBounds.cosine(6), 1e3 * (1 + FloatBounds.cosine(6)), 3));
    }

    @Test
    void autoSwitchesToTiledAtTheThreshold() {
        assertEquals(Engine.DENSE, Engine.AUTO.resolve(Engine.AUTO_TILED_FROM - 1, false));
        assertEquals(Engine.TILED, Engine.AUTO.resolve(Engine.AUTO_TILED_FROM, false));
        assertEquals(Engine.DENSE, Engine.AUTO.resolve(1 << 20, true));
        assertEquals(Engine.DENSE, Engine.TILED.resolve(100, true));
        assertEquals(Engine.TILED, Engine.TILED.resolve(2, false));
        assertEquals(Engine.DENSE, Engine.DENSE.resolve(1 << 20, false));
        assertEquals(Engine.TILED, Engine.STORED.resolve(2, false));   // no stored path for the self-similarity losses
        // InfoNCE: dense, stored logits, tiled
        assertEquals(Engine.DENSE, Engine.AUTO.resolveInfoNce(Engine.AUTO_STORED_FROM - 1, false));
        assertEquals(Engine.STORED, Engine.AUTO.resolveInfoNce(Engine.AUTO_STORED_FROM, false));
        long most = Engine.AUTO_STORED_MAX;
        boolean fits = 4 * most * (most + 16) <= Runtime.getRuntime().maxMemory() / 4;
        assertEquals(fits ? Engine.STORED : Engine.TILED, Engine.AUTO.resolveInfoNce((int) most, false),
                "stored up to the threshold while the stored floats take at most a quarter of the heap");
        assertEquals(Engine.TILED, Engine.AUTO.resolveInfoNce(Engine.AUTO_STORED_MAX + 1, false));
        assertEquals(Engine.DENSE, Engine.AUTO.resolveInfoNce(1000, true));
        assertEquals(Engine.DENSE, Engine.STORED.resolveInfoNce(1000, true));
        assertEquals(Engine.STORED, Engine.STORED.resolveInfoNce(2, false));
        assertEquals(Engine.TILED, Engine.TILED.resolveInfoNce(2, false));
        assertEquals(Engine.DENSE, Engine.DENSE.resolveInfoNce(1 << 20, false));
        // AUTO gives the bits of the engine it resolves to
        SplittableRandom rnd = new SplittableRandom(19);
        for (int n : new int[] {Engine.AUTO_STORED_FROM - 1, Engine.AUTO_STORED_FROM, Engine.AUTO_TILED_FROM}) {
            Batch batch = Batch.of(gaussian(rnd, n, 4), gaussian(rnd, n, 4));
            InfoNce.Builder b = InfoNce.builder().symmetric(true).threads(2);
            LossResult auto = b.build().compute(batch);
            LossResult resolved = b.engine(Engine.AUTO.resolveInfoNce(n, false)).build().compute(batch);
            assertEquals(resolved.value(), auto.value(), "n = " + n);
            assertArrayEquals(resolved.gradient(Input.ANCHORS).data(), auto.gradient(Input.ANCHORS).data());
        }
    }

    @Test
    void explicitNegativesAlwaysRunDense() {
        SplittableRandom rnd = new SplittableRandom(23);
        Matrix a = gaussian(rnd, 8, 4);
        Batch shared = Batch.builder(a).positives(gaussian(rnd, 8, 4)).sharedNegatives(gaussian(rnd, 3, 4)).build();
        Batch paired = Batch.builder(a).positives(gaussian(rnd, 8, 4)).pairedNegatives(gaussian(rnd, 16, 4), 2)
                .build();
        for (Batch batch : new Batch[] {shared, paired}) {
            LossResult dense = InfoNce.builder().symmetric(true).engine(Engine.DENSE).build().compute(batch);
            LossResult tiled = InfoNce.builder().symmetric(true).engine(Engine.TILED).build().compute(batch);
            assertEquals(dense.value(), tiled.value());
            assertArrayEquals(dense.gradient(Input.NEGATIVES).data(), tiled.gradient(Input.NEGATIVES).data());
        }
    }

    @Test
    void aFixedThreadCountGivesTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(29);
        Batch batch = Batch.builder(gaussian(rnd, 700, 12)).positives(gaussian(rnd, 700, 12))
                .labels(new SplittableRandom(3).ints(700, 0, 40).asLongStream().toArray()).build();
        for (int threads : new int[] {1, 2, 3, -1, -2, -3}) {   // negative: the stored-logits path
            InfoNce loss = InfoNce.clip().engine(threads > 0 ? Engine.TILED : Engine.STORED)
                    .threads(Math.abs(threads)).build();
            LossResult first = loss.compute(batch);
            LossResult second = loss.compute(batch);
            assertEquals(first.value(), second.value());
            assertArrayEquals(first.perRow(), second.perRow());
            assertArrayEquals(first.gradient(Input.ANCHORS).data(), second.gradient(Input.ANCHORS).data());
            assertArrayEquals(first.gradient(Input.POSITIVES).data(), second.gradient(Input.POSITIVES).data());
            assertEquals(first.scalarGradients(), second.scalarGradients());
        }
    }

    @Test
    void badInputGivesTheDenseMessages() {
        SplittableRandom rnd = new SplittableRandom(1);
        Matrix one = gaussian(rnd, 1, 3);
        for (Engine engine : new Engine[] {Engine.DENSE, Engine.TILED, Engine.STORED}) {
            InfoNce loss = InfoNce.builder().engine(engine).build();
            var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(Batch.of(one, one.copy())));
            assertEquals("InfoNCE needs a negative for every anchor: the batch has N = 1 and no explicit negatives",
                    e.getMessage());
            Matrix a = gaussian(rnd, 3, 3);
            Batch sameLabels = Batch.builder(a).positives(a.copy()).labels(new long[] {4, 4, 4}).build();
            e = assertThrows(IllegalArgumentException.class, () -> loss.compute(sameLabels));
            assertEquals("InfoNCE: anchor 0 has no negative: every in-batch candidate shares its label 4 and no "
                    + "explicit negatives were given", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> loss.compute(Batch.builder(a).build()));
            assertEquals("InfoNCE needs positives (N×D, row i the positive of anchor i)", e.getMessage());
        }
        for (int bad : new int[] {0, -1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> InfoNce.builder().threads(bad));
            assertEquals("threads must be >= 1, was " + bad, e.getMessage());
        }
        assertEquals("engine must not be null",
                assertThrows(NullPointerException.class, () -> InfoNce.builder().engine(null)).getMessage());
    }

    @Test
    void anInterruptedCallerGetsACancellationFromTheTiledEngine() {
        SplittableRandom rnd = new SplittableRandom(31);
        Batch batch = Batch.of(gaussian(rnd, 600, 8), gaussian(rnd, 600, 8));
        InfoNce loss = InfoNce.builder().symmetric(true).build();  // AUTO: tiled at N = 600
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> loss.compute(batch));
            assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
        } finally {
            Thread.interrupted();
        }
        assertAllFinite(loss.compute(batch));
    }

    @Test
    void toStringShowsEngineAndThreadsOnlyWhenSet() {
        assertEquals("InfoNce{temperature=0.1, learnableTemperature=false, symmetric=false, similarity=COSINE, "
                + "reduction=MEAN}", InfoNce.builder().engine(Engine.AUTO).build().toString());
        InfoNce set = InfoNce.clip().engine(Engine.TILED).threads(3).build();
        assertEquals("InfoNce{temperature=0.07, learnableTemperature=true, maxLogitScale=100.0, symmetric=true, "
                + "similarity=COSINE, reduction=MEAN, engine=TILED, threads=3}", set.toString());
        assertEquals(InfoNce.clip().engine(Engine.TILED).threads(3).temperature(0.2).build().toString(),
                set.withTemperature(0.2).toString());
        assertEquals("InfoNce{temperature=0.1, learnableTemperature=false, symmetric=false, similarity=COSINE, "
                + "reduction=MEAN, engine=DENSE}", InfoNce.builder().engine(Engine.DENSE).build().toString());
    }
}
