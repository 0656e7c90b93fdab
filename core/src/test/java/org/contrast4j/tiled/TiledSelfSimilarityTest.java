package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The self-similarity engine on prepared rows against {@link SelfSimilarityReference} (double, from the definition,
 * with a derived float error bound): NT-Xent, DCL, DCLW and SupCon (with skipped rows); every epilogue; one shift and
 * running maxima; tiles of 1, 3, 7 and 512 rows (not dividing M, and larger than M); one to three threads; unit rows
 * (cosine) and raw rows (dot); τ from 1e-3 to 10. Plus determinism, interrupts and bad arguments.
 */
class TiledSelfSimilarityTest {

    enum Loss { NTXENT, DCL, DCLW, SUPCON }

    static Matrix rows(SplittableRandom rnd, int m, int d, boolean unit) {
        float[] x = new float[m * d];
        for (int k = 0; k < m; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                x[k * d + j] = (float) rnd.nextGaussian();
                s += (double) x[k * d + j] * x[k * d + j];
            }
            if (unit) {
                for (int j = 0; j < d; j++) {
                    x[k * d + j] = (float) (x[k * d + j] / Math.sqrt(s));
                }
            }
        }
        // second view correlated with the first, so that some rows are well solved
        int n = m / 2;
        for (int i = 0; i < n && m % 2 == 0; i++) {
            for (int j = 0; j < d; j++) {
                x[(i + n) * d + j] = 0.8f * x[i * d + j] + 0.2f * x[(i + n) * d + j];
            }
        }
        return Matrix.of(m, d, x);
    }

    static long[] labels(SplittableRandom rnd, int m, int classes) {
        long[] y = new long[m];
        for (int k = 0; k < m; k++) {
            y[k] = rnd.nextInt(classes) * 7L - 3;
        }
        y[m - 1] = 1_000_003;  // a label seen once: a skipped row
        return y;
    }

    static double[] pairWeights(SplittableRandom rnd, int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 2 - 2 * rnd.nextDouble() * 1.5;  // DCLW's weights lie in (2 − N, 2), some negative
        }
        return w;
    }

    record Setup(TiledSelfSimilarity.Result result, SelfSimilarityReference reference) {
    }

    static Setup run(TiledSelfSimilarity engine, Loss loss, Matrix z, double scale, SplittableRandom rnd) {
        int m = z.rows();
        double w = 1.0 / m;
        return switch (loss) {
            case NTXENT -> new Setup(engine.pairs(z, scale, null, true, w),
                    SelfSimilarityReference.pairs(z, scale, null, true, w));
            case DCL -> new Setup(engine.pairs(z, scale, null, false, w),
                    SelfSimilarityReference.pairs(z, scale, null, false, w));
            case DCLW -> {
                double[] t = pairWeights(rnd, m / 2);
                yield new Setup(engine.pairs(z, scale, t, false, w),
                        SelfSimilarityReference.pairs(z, scale, t, false, w));
            }
            case SUPCON -> {
                long[] y = labels(rnd, m, 4);
                yield new Setup(engine.labels(z, scale, y, w), SelfSimilarityReference.labels(z, scale, y, w));
            }
        };
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        double[] taus = {1e-3, 0.1, 10};
        int c = 0;
        for (Loss loss : Loss.values()) {
            for (boolean unit : new boolean[] {true, false}) {
                for (double tau : taus) {
                    int block = new int[] {1, 3, 7, 512}[c % 4];
                    int threads = 1 + c % 3;
                    out.add(Arguments.of(loss, unit, tau, block, threads));
                    c++;
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} unit={1} τ={2} block={3} threads={4}")
    @MethodSource("cases")
    void matchesTheReferenceWithinTheFloatBound(Loss loss, boolean unit, double tau, int block, int threads) {
        for (Epilogue epilogue : TiledInfoNceTest.epilogues()) {
            for (boolean oneShift : new boolean[] {true, false}) {
                SplittableRandom rnd = new SplittableRandom(41 + block);
                Matrix z = rows(rnd, 26, 5, unit);
                Setup s = run(new TiledSelfSimilarity(threads, block, epilogue, oneShift), loss, z, 1 / tau, rnd);
                s.reference().assertWithin(loss + " " + epilogue.name() + " oneShift=" + oneShift,
                        s.result().perRow(), s.result().skipped(), s.result().gradient().data(),
                        s.result().gradDotLogit(), 1);
            }
        }
    }

    @Test
    void supConSkipsRowsWithoutAPositiveAndReportsThem() {
        SplittableRandom rnd = new SplittableRandom(5);
        Matrix z = rows(rnd, 9, 3, true);
        long[] y = {4, 4, 5, 6, 4, 5, 7, 8, 5};  // 6, 7 and 8 once
        TiledSelfSimilarity.Result r = new TiledSelfSimilarity(2, 2).labels(z, 10, y, 1.0 / 6);
        assertEquals(3, r.skippedRows());
        assertArrayEquals(new boolean[] {false, false, false, true, false, false, true, true, false}, r.skipped());
        assertEquals(0.0, r.perRow()[3]);
        SelfSimilarityReference.labels(z, 10, y, 1.0 / 6).assertWithin("SupCon", r.perRow(), r.skipped(),
                r.gradient().data(), r.gradDotLogit(), 1);
        // every label once: nothing to learn, all zero
        TiledSelfSimilarity.Result none = new TiledSelfSimilarity(1).labels(z, 10, new long[] {1, 2, 3, 4, 5, 6, 7, 8,
            9}, 0);
        assertEquals(9, none.skippedRows());
        for (float g : none.gradient().data()) {
            assertEquals(0f, g);
        }
        assertEquals(0.0, none.gradDotLogit());
    }

    @Test
    void aFixedThreadCountAndTileGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(8);
        Matrix z = rows(rnd, 1400, 12, true);
        long[] y = labels(rnd, 1400, 30);
        for (int threads : new int[] {1, 2, 3}) {
            TiledSelfSimilarity engine = new TiledSelfSimilarity(threads, 256);
            for (int rep = 0; rep < 2; rep++) {
                TiledSelfSimilarity.Result a = engine.pairs(z, 10, null, true, 1e-3);
                TiledSelfSimilarity.Result b = engine.pairs(z, 10, null, true, 1e-3);
                assertArrayEquals(a.perRow(), b.perRow());
                assertArrayEquals(a.gradient().data(), b.gradient().data());
                assertEquals(a.gradDotLogit(), b.gradDotLogit());
                TiledSelfSimilarity.Result c = engine.labels(z, 1000, y, 1e-3);
                TiledSelfSimilarity.Result e = engine.labels(z, 1000, y, 1e-3);
                assertArrayEquals(c.perRow(), e.perRow());
                assertArrayEquals(c.gradient().data(), e.gradient().data());
            }
        }
    }

    @Test
    void anInterruptedCallerGetsACancellation() {
        Matrix z = rows(new SplittableRandom(3), 1200, 8, true);
        TiledSelfSimilarity engine = new TiledSelfSimilarity(2, 128);
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> engine.pairs(z, 10, null, true, 1));
            assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
        } finally {
            Thread.interrupted();
        }
        assertTrue(Double.isFinite(engine.pairs(z, 10, null, true, 1).perRow()[0]));
    }

    @Test
    void badArguments() {
        Matrix z = rows(new SplittableRandom(1), 6, 2, true);
        TiledSelfSimilarity engine = new TiledSelfSimilarity(1);
        var e = assertThrows(IllegalArgumentException.class, () -> new TiledSelfSimilarity(0));
        assertEquals("threads must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TiledSelfSimilarity(1, 0));
        assertEquals("block must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> engine.pairs(Matrix.zeros(5, 2), 10, null, true, 1));
        assertEquals("z must stack two views of N >= 2 rows each, was 5×2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.pairs(z, 10, new double[2], false, 1));
        assertEquals("pairWeight must have one entry per pair (3), had 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.pairs(z, 10, new double[3], true, 1));
        assertTrue(e.getMessage().startsWith("pair weights are for DCLW"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.pairs(z, 0, null, true, 1));
        assertEquals("logit scale must be > 0 and finite, was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.pairs(z, 1, null, true, Double.NaN));
        assertEquals("row weight must be finite, was NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.labels(z, 1, new long[5], 1));
        assertEquals("labels must have one entry per row (6), had 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.labels(Matrix.zeros(1, 2), 1, new long[1], 1));
        assertEquals("z must have at least 2 rows, was 1×2", e.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> engine.labels(z, 1, null, 1));
        assertEquals("labels must not be null", npe.getMessage());
    }
}
