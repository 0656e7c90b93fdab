package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.contrast4j.FloatBounds;
import org.contrast4j.internal.KernelChoice;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine on prepared rows against a reference written from the formula in double (plain loops, the N×N matrix in
 * memory), for every epilogue, tile shapes that do and do not divide N (1×1, tiles larger than N), one and several
 * threads, labels, D = 1 and extreme logits; plus determinism, interrupts and bad arguments.
 */
class TiledInfoNceTest {

    /** Every epilogue this JVM can run; a test counts them so that none goes untested. */
    static List<Epilogue> epilogues() {
        List<Epilogue> out = new ArrayList<>();
        out.add(new ScalarEpilogue());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            out.add(Epilogue.vector());
        }
        return out;
    }

    @Test
    void everyElementwiseKindHasItsEpilogueAndTheProvidersChoiceIsUsed() {
        // the surefire argLine adds jdk.incubator.vector: both epilogues run here, one per element-wise kind
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(vector ? List.of(KernelKind.SCALAR, KernelKind.VECTOR) : List.of(KernelKind.SCALAR),
                epilogues().stream().map(Epilogue::kind).toList());
        assertEquals(KernelChoice.elementwise(), Epilogue.select().kind());
        assertSame(Epilogue.select(), Epilogue.select());
    }

    /** What the engine computes, in double from the definition (see TiledInfoNce's class comment). */
    record Ref(double[] forward, double[] reverse, double[] gradA, double[] gradB, double gradDotLogit) {
    }

    static Ref reference(Matrix am, Matrix bm, double scale, boolean symmetric, long[] labels, double w) {
        return maskedReference(am, bm, scale, symmetric, (i, j) -> candidate(labels, i, j), w);
    }

    /** The reference with any candidate mask: {@code isCandidate.test(i, j)} for row i (of its direction), column j. */
    static Ref maskedReference(Matrix am, Matrix bm, double scale, boolean symmetric,
                               java.util.function.BiPredicate<Integer, Integer> isCandidate, double w) {
        return maskedReference(am, bm, scale, symmetric, isCandidate, null, w);
    }

    /**
     * With logit offsets o_j (logQ: o_j = −log q_j, one-way): l_ij = σ·S_ij + o_j; the temperature sum leaves the
     * offsets out, Σ_ij (∂L/∂l_ij)·σ·S_ij.
     */
    static Ref maskedReference(Matrix am, Matrix bm, double scale, boolean symmetric,
                               java.util.function.BiPredicate<Integer, Integer> isCandidate, double[] offset,
                               double w) {
        int n = am.rows();
        int d = am.cols();
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += (double) am.get(i, k) * bm.get(j, k);
                }
                s[i][j] = dot;
            }
        }
        double[][] g = new double[n][n];   // ∂L/∂l_ij
        double[] forward = new double[n];
        double[] reverse = symmetric ? new double[n] : null;
        for (int dir = 0; dir < (symmetric ? 2 : 1); dir++) {
            for (int i = 0; i < n; i++) {
                // direction 0: row i over columns j; direction 1: column i over rows j
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (isCandidate.test(i, j)) {
                        max = Math.max(max, scale * (dir == 0 ? s[i][j] : s[j][i]) + off(offset, j));
                    }
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    if (isCandidate.test(i, j)) {
                        sum += Math.exp(scale * (dir == 0 ? s[i][j] : s[j][i]) + off(offset, j) - max);
                    }
                }
                double lse = max + Math.log(sum);
                (dir == 0 ? forward : reverse)[i] = lse - scale * s[i][i] - off(offset, i);
                for (int j = 0; j < n; j++) {
                    double p = isCandidate.test(i, j)
                            ? Math.exp(scale * (dir == 0 ? s[i][j] : s[j][i]) + off(offset, j) - lse) : 0;
                    double gij = w * (p - (i == j ? 1 : 0));
                    if (dir == 0) {
                        g[i][j] += gij;
                    } else {
                        g[j][i] += gij;
                    }
                }
            }
        }
        double[] gradA = new double[n * d];
        double[] gradB = new double[n * d];
        double dot = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dot += g[i][j] * scale * s[i][j];
                for (int k = 0; k < d; k++) {
                    gradA[i * d + k] += g[i][j] * scale * bm.get(j, k);
                    gradB[j * d + k] += g[i][j] * scale * am.get(i, k);
                }
            }
        }
        return new Ref(forward, reverse, gradA, gradB, dot);
    }

    private static double off(double[] offset, int j) {
        return offset == null ? 0.0 : offset[j];
    }

    private static boolean candidate(long[] labels, int i, int j) {
        return labels == null || i == j || labels[i] != labels[j];
    }

    /** Rows of unit length (as Similarity.COSINE prepares them). */
    static Matrix unitRows(SplittableRandom rnd, int n, int d) {
        Matrix m = gaussian(rnd, n, d);
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                norm += (double) m.get(i, k) * m.get(i, k);
            }
            for (int k = 0; k < d; k++) {
                m.set(i, k, (float) (m.get(i, k) / Math.sqrt(norm)));
            }
        }
        return m;
    }

    static Matrix gaussian(SplittableRandom rnd, int n, int d) {
        float[] x = new float[n * d];
        for (int k = 0; k < x.length; k++) {
            double u = rnd.nextDouble();
            double v = rnd.nextDouble();
            x[k] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return Matrix.of(n, d, x);
    }

    static long[] labels(SplittableRandom rnd, int n, int classes) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = rnd.nextInt(classes);
        }
        return l;
    }

    /**
     * The engine against the double reference, within the float32 bounds ({@link FloatBounds}) for rows a, b (the
     * engine's inputs, already prepared), logit scale σ and row weight w: the logits σ·⟨a_i, b_j⟩ are within
     * δ = σ·γ_D·max‖a‖·max‖b‖ and at most L = σ·max‖a‖·max‖b‖ in size; a row loss is within
     * {@link FloatBounds#softmaxRow}(δ, L, 3 ulps of the vector exponential); a gradient within
     * (D + 2N + 8)·u·(1 + L)·4 of its largest entry; Σ g·l (N² terms of size L that cancel) within
     * 2·w·N·(2·(e^{2δ'} − 1)·L + 4δ'), δ' = δ plus the float32 arithmetic.
     */
    static void check(String what, Ref ref, TiledInfoNce.Result r, Matrix a, Matrix b, double scale, double weight) {
        check(what, ref, r, a, b, scale, weight, 0);
    }

    /**
     * With logit offsets of size up to {@code maxOffset} (logQ): the engine adds o_j/σ to each float similarity, one
     * more rounding of a value up to norms + maxOffset/σ (δ grows by u·(σ·norms + maxOffset)), and the logits reach
     * L + maxOffset.
     */
    static void check(String what, Ref ref, TiledInfoNce.Result r, Matrix a, Matrix b, double scale, double weight,
                      double maxOffset) {
        check(what, ref, r, a, b, scale, weight, maxOffset, true);
    }

    /** Without {@code withDot} (the engine was asked not to compute it), Σ g·l must be NaN instead. */
    static void check(String what, Ref ref, TiledInfoNce.Result r, Matrix a, Matrix b, double scale, double weight,
                      double maxOffset, boolean withDot) {
        int d = a.cols();
        int n = a.rows();
        double norms = FloatBounds.maxRowNorm(a.data(), d) * FloatBounds.maxRowNorm(b.data(), d);
        double delta = scale * FloatBounds.dot(d, norms) + FloatBounds.U * (scale * norms + maxOffset);
        double maxLogit = scale * norms + maxOffset;
        double rowTol = FloatBounds.softmaxRow(delta, maxLogit, 3);
        double gradRel = (d + 2.0 * n + 8) * FloatBounds.U * (1 + maxLogit) * 4;
        double deltaAll = delta + FloatBounds.logSumExpArithmetic(maxLogit, 3);
        double dotTol = 2 * weight * n * (2 * (FloatBounds.softmaxRelative(deltaAll) + FloatBounds.U) * maxLogit
                + 4 * deltaAll);
        assertRowsWithin(what + " forward", ref.forward(), r.forward(), rowTol);
        if (ref.reverse() == null) {
            assertNull(r.reverse(), what + " reverse");
        } else {
            assertRowsWithin(what + " reverse", ref.reverse(), r.reverse(), rowTol);
        }
        // softmax weights below the float32 range: each exponential that underflows (or rounds in the subnormal
        // range) is off by at most one subnormal spacing, a gradient entry by w·σ·2N·that·max|row entry|
        double underflow = weight * scale * 2 * n * Float.MIN_VALUE
                * Math.max(FloatBounds.maxAbs(a.data()), FloatBounds.maxAbs(b.data()));
        assertMaxNormClose(what + " gradA", ref.gradA(), r.gradA().data(), gradRel, underflow);
        assertMaxNormClose(what + " gradB", ref.gradB(), r.gradB().data(), gradRel, underflow);
        if (!withDot) {
            assertTrue(Double.isNaN(r.gradDotLogit()), what + " gradDotLogit not asked for: NaN, was "
                    + r.gradDotLogit());
            return;
        }
        assertTrue(Math.abs(ref.gradDotLogit() - r.gradDotLogit()) <= dotTol, what + " gradDotLogit: expected "
                + ref.gradDotLogit() + ", was " + r.gradDotLogit());
    }

    /** Each entry within {@code tol}. */
    static void assertRowsWithin(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", was " + actual[i] + " (tolerance " + tol + ")");
            }
        }
    }

    /** max |e − a| ≤ rel·max |e| + abs (+ one subnormal spacing): tiny entries are judged against the largest. */
    static void assertMaxNormClose(String what, double[] expected, float[] actual, double rel, double abs) {
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 0;
        double err = 0;
        int worst = 0;
        for (int k = 0; k < expected.length; k++) {
            scale = Math.max(scale, Math.abs(expected[k]));
            double e = Math.abs(expected[k] - actual[k]);
            if (!(e <= err)) {
                err = e;
                worst = k;
            }
        }
        double tol = rel * scale + abs + Float.MIN_VALUE;
        if (!(err <= tol)) {
            fail(what + ": max error " + err + " at " + worst + " (expected " + expected[worst] + ", was "
                    + actual[worst] + "), tolerance " + tol);
        }
    }

    @Test
    void matchesTheReferenceForEveryTileShapeThreadCountAndEpilogue() {
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 37;
        int d = 5;
        Matrix a = unitRows(rnd, n, d);
        Matrix b = unitRows(rnd, n, d);
        long[] labels = labels(rnd, n, 6);
        int[][] tiles = {{1, 1}, {1, 37}, {37, 1}, {4, 7}, {16, 16}, {37, 37}, {64, 100}, {256, 1024}};
        for (Epilogue e : epilogues()) {
            for (boolean symmetric : new boolean[] {false, true}) {
                for (long[] l : new long[][] {null, labels}) {
                    Ref ref = reference(a, b, 1 / 0.1, symmetric, l, 1.0 / n);
                    for (int[] t : tiles) {
                        for (int threads : new int[] {1, 3}) {
                            // one-way: in one pass on panels of whole rows, and (no panel budget) in two passes;
                            // σ = 10 on unit rows: with one shift for all exponents, and with running maxima
                            // and the stored-logits path (blocks of min(tile rows, …) rows)
                            for (long panel : symmetric ? new long[] {TiledInfoNce.PANEL_FLOATS}
                                    : new long[] {TiledInfoNce.PANEL_FLOATS, 0}) {
                                for (boolean oneShift : new boolean[] {true, false}) {
                                    for (boolean stored : new boolean[] {false, true}) {
                                        TiledInfoNce engine = new TiledInfoNce(threads, t[0], t[1], e, panel,
                                                oneShift, stored);
                                        check(e.name() + " symmetric=" + symmetric + " labels=" + (l != null)
                                                + " tile " + t[0] + "×" + t[1] + " threads " + threads + " panel "
                                                + panel + " oneShift " + oneShift + " stored " + stored, ref,
                                                engine.compute(a, b, 1 / 0.1, symmetric, l, 1.0 / n), a, b, 1 / 0.1,
                                                1.0 / n);
                                        // without Σ g·l (a fixed temperature): the stored path's in-place weights
                                        check(e.name() + " without gradDotLogit, symmetric=" + symmetric
                                                + " labels=" + (l != null) + " tile " + t[0] + "×" + t[1]
                                                + " threads " + threads + " oneShift " + oneShift + " stored "
                                                + stored, ref, engine.compute(a, b, 1 / 0.1, symmetric, l, null,
                                                        null, 1.0 / n, false), a, b, 1 / 0.1, 1.0 / n, 0, false);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The one-way guide mask (GISTEmbed): j ≠ i leaves row i's candidates when cos(ga_i, gb_j) &gt; cos(ga_i, gb_i) − m,
     * against the reference with that mask (guide cosines in double), for every tile, pass structure, shift and
     * thread count; a margin of 1.2 leaves some rows without a negative (loss and gradient 0, flagged).
     */
    @Test
    void guideMaskMatchesTheReferenceForEveryTileShape() {
        SplittableRandom rnd = new SplittableRandom(12);
        int n = 37;
        Matrix a = unitRows(rnd, n, 5);
        Matrix b = unitRows(rnd, n, 5);
        Matrix ga = unitRows(rnd, n, 3);
        Matrix gb = unitRows(rnd, n, 3);
        long[] labels = labels(rnd, n, 9);
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < 3; k++) {
                    g[i][j] += (double) ga.get(i, k) * gb.get(j, k);
                }
            }
        }
        for (double margin : new double[] {0.0, 0.4, 1.2}) {
            for (long[] l : new long[][] {null, labels}) {
                java.util.function.BiPredicate<Integer, Integer> mask = (i, j) -> i.equals(j)
                        || ((l == null || l[i] != l[j]) && !(g[i][j] > g[i][i] - margin));
                Ref ref = maskedReference(a, b, 1 / 0.1, false, mask, 1.0 / n);
                int without = 0;
                boolean[] expected = new boolean[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = true;
                    for (int j = 0; j < n; j++) {
                        expected[i] &= i == j || !mask.test(i, j);
                    }
                    without += expected[i] ? 1 : 0;
                }
                if (margin == 1.2) {
                    assertTrue(without > 0 && without < n, "margin 1.2 should leave some rows without negatives: "
                            + without);
                }
                for (Epilogue e : epilogues()) {
                    for (int[] t : new int[][] {{1, 1}, {4, 7}, {16, 16}, {64, 100}}) {
                        for (long panel : new long[] {TiledInfoNce.PANEL_FLOATS, 0}) {
                            for (boolean oneShift : new boolean[] {true, false}) {
                              for (boolean stored : new boolean[] {false, true}) {
                                TiledInfoNce engine = new TiledInfoNce(3, t[0], t[1], e, panel, oneShift, stored);
                                TiledInfoNce.Result r = engine.compute(a, b, 1 / 0.1, false, l,
                                        new TiledInfoNce.Guide(ga, gb, margin), 1.0 / n);
                                String what = e.name() + " margin " + margin + " labels " + (l != null) + " tile "
                                        + t[0] + "×" + t[1] + " panel " + panel + " oneShift " + oneShift
                                        + " stored " + stored;
                                check(what, ref, r, a, b, 1 / 0.1, 1.0 / n);
                                assertArrayEquals(expected, r.withoutNegatives(), what + " rows without negatives");
                              }
                            }
                        }
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new TiledInfoNce(1).compute(a, b, 10, true, null,
                new TiledInfoNce.Guide(ga, gb, 0), 1.0));
    }

    /**
     * The logQ correction (one-way): every logit of column j becomes σ·S_ij − log q_j, against the reference with
     * those offsets, for every tile, pass structure, thread count and path, with labels and a guide; symmetric is
     * refused.
     */
    @Test
    void logQMatchesTheReferenceOnEveryPath() {
        SplittableRandom rnd = new SplittableRandom(21);
        int n = 41;
        Matrix a = unitRows(rnd, n, 6);
        Matrix b = unitRows(rnd, n, 6);
        Matrix ga = unitRows(rnd, n, 3);
        Matrix gb = unitRows(rnd, n, 3);
        long[] labels = labels(rnd, n, 7);
        double[] logQ = new double[n];
        double maxOffset = 0;
        for (int j = 0; j < n; j++) {
            logQ[j] = Math.log(0.5) - 8 * rnd.nextDouble();
            maxOffset = Math.max(maxOffset, Math.abs(logQ[j]));
        }
        double[] offset = new double[n];
        for (int j = 0; j < n; j++) {
            offset[j] = -logQ[j];
        }
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < 3; k++) {
                    g[i][j] += (double) ga.get(i, k) * gb.get(j, k);
                }
            }
        }
        for (boolean guided : new boolean[] {false, true}) {
            for (long[] l : new long[][] {null, labels}) {
                java.util.function.BiPredicate<Integer, Integer> mask = (i, j) -> i.equals(j)
                        || ((l == null || l[i] != l[j]) && !(guided && g[i][j] > g[i][i] - 0.3));
                Ref ref = maskedReference(a, b, 1 / 0.1, false, mask, offset, 1.0 / n);
                for (Epilogue e : epilogues()) {
                    for (int[] t : new int[][] {{1, 1}, {4, 7}, {16, 16}, {64, 100}}) {
                        for (long panel : new long[] {TiledInfoNce.PANEL_FLOATS, 0}) {
                            for (boolean stored : new boolean[] {false, true}) {
                                for (int threads : new int[] {1, 3}) {
                                    TiledInfoNce engine = new TiledInfoNce(threads, t[0], t[1], e, panel, true,
                                            stored);
                                    TiledInfoNce.Result r = engine.compute(a, b, 1 / 0.1, false, l,
                                            guided ? new TiledInfoNce.Guide(ga, gb, 0.3) : null, logQ, 1.0 / n, true);
                                    check(e.name() + " logQ guided " + guided + " labels " + (l != null) + " tile "
                                            + t[0] + "×" + t[1] + " panel " + panel + " stored " + stored
                                            + " threads " + threads, ref, r, a, b, 1 / 0.1, 1.0 / n, maxOffset);
                                }
                            }
                        }
                    }
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TiledInfoNce(1).compute(a, b, 10, true, null, null, logQ, 1.0, true));
        assertEquals("the logQ correction is one-way (its candidates are the positives); the loss is symmetric",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TiledInfoNce(1).compute(a, b, 10, false, null, null, new double[3], 1.0, true));
        assertEquals("logQ must have one entry per row (41), had 3", e.getMessage());
        double[] bad = logQ.clone();
        bad[5] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class,
                () -> new TiledInfoNce(1).compute(a, b, 10, false, null, null, bad, 1.0, true));
        assertTrue(e.getMessage().contains("logQ[5]"), e.getMessage());
    }

    @Test
    void oneDimensionalRowsAndDotProductsOfAnySize() {
        SplittableRandom rnd = new SplittableRandom(2);
        // D = 1 unit rows are ±1: every similarity is ±1
        Matrix a = unitRows(rnd, 19, 1);
        Matrix b = unitRows(rnd, 19, 1);
        // unnormalised rows (the dot similarity), logits of a few tens
        Matrix x = gaussian(rnd, 23, 4);
        Matrix y = gaussian(rnd, 23, 4);
        for (Epilogue e : epilogues()) {
            for (boolean symmetric : new boolean[] {false, true}) {
                for (long panel : new long[] {TiledInfoNce.PANEL_FLOATS, 0}) {
                    for (boolean stored : new boolean[] {false, true}) {
                        TiledInfoNce engine = new TiledInfoNce(2, 5, 3, e, panel, true, stored);
                        check(e.name() + " D=1 stored " + stored, reference(a, b, 2.0, symmetric, null, 1.0),
                                engine.compute(a, b, 2.0, symmetric, null, 1.0), a, b, 2.0, 1.0);
                        check(e.name() + " dot stored " + stored, reference(x, y, 2.0, symmetric, null, 0.5),
                                engine.compute(x, y, 2.0, symmetric, null, 0.5), x, y, 2.0, 0.5);
                    }
                }
            }
        }
    }

    @Test
    void logitsOfAThousandStayFiniteInEveryTile() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 29;
        Matrix x = unitRows(rnd, n, 6);
        // every row the same point: all N² logits are 1000, each row's loss is log N exactly
        float[] same = new float[n * 6];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data(), 0, same, i * 6, 6);
        }
        Matrix one = Matrix.of(n, 6, same);
        for (Epilogue e : epilogues()) {
            for (int[] t : new int[][] {{1, 1}, {4, 5}, {64, 64}, {4, 0}, {4, -1}, {64, -1}}) {
                // {4, 0}: 4×5 tiles, one-way in two passes (no panel budget); {r, -1}: stored logits, blocks of r rows
                TiledInfoNce engine = t[1] == 0 ? new TiledInfoNce(2, 4, 5, e, 0, true)
                        : t[1] < 0 ? new TiledInfoNce(2, t[0], 512, e, TiledInfoNce.PANEL_FLOATS, true, true)
                        : new TiledInfoNce(2, t[0], t[1], e, TiledInfoNce.PANEL_FLOATS, true);
                for (boolean symmetric : new boolean[] {false, true}) {
                    // identical inputs, diagonal logits 1000, the rest up to ~1000 below: tiles off the diagonal
                    // have their own (much smaller) maxima
                    TiledInfoNce.Result r = engine.compute(x, x.copy(), 1000, symmetric, null, 1.0 / n);
                    assertFinite(r);
                    check(e.name() + " identical", reference(x, x.copy(), 1000, symmetric, null, 1.0 / n), r, x, x,
                            1000, 1.0 / n);
                    TiledInfoNce.Result all = engine.compute(one, one.copy(), 1000, symmetric, null, 1.0 / n);
                    assertFinite(all);
                    for (double v : all.forward()) {
                        // exact value log N; logits within 1000·γ_6 of 1000 (unit rows of dimension 6)
                        assertEquals(Math.log(n), v, FloatBounds.softmaxRow(1000 * FloatBounds.gamma(6),
                                1000 * (1 + FloatBounds.gamma(6)), 3));
                    }
                }
            }
        }
    }

    private static void assertFinite(TiledInfoNce.Result r) {
        for (double v : r.forward()) {
            assertTrue(Double.isFinite(v));
        }
        if (r.reverse() != null) {
            for (double v : r.reverse()) {
                assertTrue(Double.isFinite(v));
            }
        }
        for (float v : r.gradA().data()) {
            assertTrue(Float.isFinite(v));
        }
        for (float v : r.gradB().data()) {
            assertTrue(Float.isFinite(v));
        }
        assertTrue(Double.isFinite(r.gradDotLogit()));
    }

    /**
     * One shift serves all exponents exactly when 2·σ·max‖a‖·max‖b‖·(1 + 1e-3) ≤ 64: on unit rows up to σ = 31.9.
     * The two paths round differently, so their bits tell which one ran.
     */
    @Test
    void oneShiftRunsExactlyWithinItsRange() {
        SplittableRandom rnd = new SplittableRandom(8);
        Matrix a = unitRows(rnd, 50, 7);
        Matrix b = unitRows(rnd, 50, 7);
        for (double scale : new double[] {1, 10, 31.9, 32, 100}) {
            boolean expected = 2 * scale * 1.001 <= TiledInfoNce.ONE_SHIFT_RANGE;
            TiledInfoNce.Result allowed = new TiledInfoNce(1, 16, 16, Epilogue.select(), TiledInfoNce.PANEL_FLOATS,
                    true).compute(a, b, scale, true, null, 0.02);
            TiledInfoNce.Result maxima = new TiledInfoNce(1, 16, 16, Epilogue.select(), TiledInfoNce.PANEL_FLOATS,
                    false).compute(a, b, scale, true, null, 0.02);
            boolean same = java.util.Arrays.equals(allowed.gradA().data(), maxima.gradA().data());
            assertEquals(!expected, same, "σ = " + scale + ": one shift expected " + expected);
            check("σ = " + scale, reference(a, b, scale, true, null, 0.02), allowed, a, b, scale, 0.02);
        }
    }

    @Test
    void aFixedThreadCountGivesTheSameBitsEveryTime() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 300;
        Matrix a = unitRows(rnd, n, 16);
        Matrix b = unitRows(rnd, n, 16);
        long[] labels = labels(rnd, n, 20);
        for (Epilogue e : epilogues()) {
            for (int threads : new int[] {1, 2, 3, 5}) {
                for (boolean symmetric : new boolean[] {true, false}) {
                  for (double scale : new double[] {14.0, 50.0}) {  // one shift, running maxima
                   for (boolean stored : new boolean[] {false, true}) {
                    TiledInfoNce engine = new TiledInfoNce(threads, 32, 48, e, TiledInfoNce.PANEL_FLOATS, true,
                            stored);
                    TiledInfoNce.Result first = engine.compute(a, b, scale, symmetric, labels, 1.0 / n);
                    for (int rep = 0; rep < 3; rep++) {
                        TiledInfoNce.Result again = engine.compute(a, b, scale, symmetric, labels, 1.0 / n);
                        String what = e.name() + ", " + threads + " threads, symmetric " + symmetric + ", σ "
                                + scale + ", stored " + stored + ", repetition " + rep + ": ";
                        assertArrayEquals(first.forward(), again.forward(), what + "forward");
                        assertArrayEquals(first.reverse(), again.reverse(), what + "reverse");
                        assertArrayEquals(first.gradA().data(), again.gradA().data(), what + "gradA");
                        assertArrayEquals(first.gradB().data(), again.gradB().data(), what + "gradB");
                        assertEquals(first.gradDotLogit(), again.gradDotLogit(), what + "gradDotLogit");
                    }
                   }
                  }
                }
            }
        }
    }

    @Test
    void anInterruptedCallerGetsACancellationAndKeepsItsInterruptStatus() {
        SplittableRandom rnd = new SplittableRandom(5);
        Matrix a = unitRows(rnd, 64, 8);
        TiledInfoNce engine = new TiledInfoNce(2, 8, 8);
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> engine.compute(a, a.copy(), 10, true, null, 1));
            assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
        } finally {
            Thread.interrupted();
        }
    }

    @ParameterizedTest(name = "symmetric = {0}")
    @ValueSource(booleans = {true, false})
    void anInterruptStopsARunningComputationPromptly(boolean symmetric) throws Exception {
        SplittableRandom rnd = new SplittableRandom(6);
        // 6 to 8·N²·D = 100 to 137 GFLOP: seconds of work, far longer than the 100 ms before the interrupt
        int n = 16384;
        Matrix a = unitRows(rnd, n, 64);
        Matrix b = unitRows(rnd, n, 64);
        TiledInfoNce engine = new TiledInfoNce(2, 128, 128);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        long[] stoppedAt = new long[1];
        Thread t = new Thread(() -> {
            try {
                engine.compute(a, b, 10, symmetric, null, 1.0 / n);
            } catch (Throwable e) {
                thrown.set(e);
            }
            stoppedAt[0] = System.nanoTime();
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        Thread.sleep(100);
        long interruptedAt = System.nanoTime();
        t.interrupt();
        t.join(10_000);
        assertTrue(!t.isAlive(), "the computation did not stop within 10 s of the interrupt");
        assertTrue(thrown.get() instanceof CancellationException, "expected a CancellationException, got "
                + thrown.get());
        assertTrue(stillInterrupted.get(), "interrupt status kept");
        double seconds = (stoppedAt[0] - interruptedAt) / 1e9;
        assertTrue(seconds < 2, "stopped " + seconds + " s after the interrupt");
        // no worker goes on computing: the shared pool's threads are back waiting for work within 2 s
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread other : Thread.getAllStackTraces().keySet()) {
            if (other.getName().startsWith(Workers.THREAD_NAME)) {
                while (WorkersTest.busy(other) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(!WorkersTest.busy(other), other.getName() + " still computing");
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        Matrix a = Matrix.zeros(3, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new TiledInfoNce(0));
        assertEquals("threads must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TiledInfoNce(-2));
        assertEquals("threads must be >= 1, was -2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TiledInfoNce(1, 0, 4));
        assertEquals("tile sizes must be >= 1, were rowBlock = 0, columnBlock = 4", e.getMessage());
        TiledInfoNce engine = new TiledInfoNce(1);
        e = assertThrows(IllegalArgumentException.class,
                () -> engine.compute(a, Matrix.zeros(4, 2), 1, false, null, 1));
        assertEquals("anchors and positives must have the same shape, were 3×2 and 4×2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> engine.compute(a, a, 1, false, new long[2], 1));
        assertEquals("labels must have one entry per row (3), had 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.compute(a, a, 0, false, null, 1));
        assertEquals("logit scale must be > 0 and finite, was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> engine.compute(a, a, 1, false, null, Double.NaN));
        assertEquals("row weight must be finite, was NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> engine.compute(Matrix.zeros(0, 2), Matrix.zeros(0, 2), 1, false, null, 1));
        assertEquals("tiled InfoNCE needs N >= 1 rows of D >= 1, was 0×2", e.getMessage());
    }
}
