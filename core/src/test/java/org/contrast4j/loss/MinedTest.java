package org.contrast4j.loss;

import static org.contrast4j.loss.LossReferences2.distance;
import static org.contrast4j.loss.LossReferences2.softplus;
import static org.contrast4j.loss.LossTesting.assertWithin;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.numericGradient;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * The miners against brute force in double: every triplet (a, p, n) of the batch is enumerated with its distances,
 * and the chosen one must be the hardest (batch-hard) or TF Addons' semi-hard choice — up to ties within the float32
 * bound of a distance, where either row is accepted. The mined losses against a reference that mines by brute force
 * and evaluates the triplet / margin loss in double, with finite differences of that reference for every gradient.
 */
class MinedTest {

    /** The distances of the pool (anchors, then positives), in double from the float inputs. */
    static double[][] distances(double[][] x, boolean cosine) {
        int n = x.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i][j] = i == j ? 0 : distance(x[i], x[j], cosine);
            }
        }
        return d;
    }

    /** Brute force: all triplets (a, p, n) with p ≠ a of a's label and n of another label. */
    static List<int[]> allTriplets(long[] labels) {
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < labels.length; a++) {
            for (int p = 0; p < labels.length; p++) {
                for (int n = 0; n < labels.length; n++) {
                    if (p != a && labels[p] == labels[a] && labels[n] != labels[a]) {
                        out.add(new int[] {a, p, n});
                    }
                }
            }
        }
        return out;
    }

    /** The reference choice: batch-hard per anchor, or semi-hard per (a, p), in the miner's order; ties → lower row. */
    static List<int[]> referenceChoice(double[][] d, long[] labels, boolean batchHard) {
        List<int[]> all = allTriplets(labels);
        List<int[]> out = new ArrayList<>();
        int n = labels.length;
        for (int a = 0; a < n; a++) {
            if (batchHard) {
                int[] best = null;
                for (int[] t : all) {
                    if (t[0] == a && (best == null || d[a][t[1]] > d[a][best[1]]
                            || (d[a][t[1]] == d[a][best[1]] && d[a][t[2]] < d[a][best[2]]))) {
                        best = t;
                    }
                }
                if (best != null) {
                    out.add(best);
                }
                continue;
            }
            for (int p = 0; p < n; p++) {
                int[] outside = null;
                int[] inside = null;
                for (int[] t : all) {
                    if (t[0] != a || t[1] != p) {
                        continue;
                    }
                    double dn = d[a][t[2]];
                    if (dn > d[a][p] && (outside == null || dn < d[a][outside[2]])) {
                        outside = t;
                    }
                    if (inside == null || dn > d[a][inside[2]]) {
                        inside = t;
                    }
                }
                if (inside != null) {
                    out.add(outside != null ? outside : inside);
                }
            }
        }
        return out;
    }

    static double[][] pool(LossTesting.Vars v) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < v.n; i++) {
            rows.add(v.row(Input.ANCHORS, i));
        }
        if (v.inputs.containsKey(Input.POSITIVES)) {
            for (int i = 0; i < v.n; i++) {
                rows.add(v.row(Input.POSITIVES, i));
            }
        }
        return rows.toArray(new double[0][]);
    }

    static long[] poolLabels(long[] labels, boolean twoViews) {
        if (!twoViews) {
            return labels;
        }
        long[] out = new long[2 * labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i % labels.length];
        }
        return out;
    }

    /**
     * The mined loss in double: brute-force choice, then per triplet the triplet hinge / softplus or the margin
     * loss ½max(0, d_ap − m⁺)² + ½max(0, m⁻ − d_an)².
     */
    static LossTesting.Ref reference(LossTesting.Vars v, long[] labels, boolean batchHard, boolean cosine,
                                     boolean triplet, double margin, boolean soft, double mPos, double mNeg,
                                     Reduction reduction) {
        double[][] x = pool(v);
        double[][] d = distances(x, cosine);
        List<int[]> chosen = referenceChoice(d, poolLabels(labels, v.inputs.containsKey(Input.POSITIVES)), batchHard);
        double[] perRow = new double[chosen.size()];
        for (int t = 0; t < perRow.length; t++) {
            int[] c = chosen.get(t);
            double dp = d[c[0]][c[1]];
            double dn = d[c[0]][c[2]];
            if (triplet) {
                double u = dp - dn + margin;
                perRow[t] = soft ? softplus(u) : Math.max(0, u);
            } else {
                double pos = Math.max(0, dp - mPos);
                double neg = Math.max(0, mNeg - dn);
                perRow[t] = 0.5 * pos * pos + 0.5 * neg * neg;
            }
        }
        return new LossTesting.Ref(reduce(reduction, perRow, null), perRow);
    }

    /** float32 bound on a distance of prepared rows of norm ≤ r: √5·γ_{D+2}·r (as {@link LossTesting.Bounds}). */
    static double distanceBound(int d, double r) {
        return 4 * Math.sqrt(5) * FloatBounds.gamma(d + 2L) * r;
    }

    /** The miner's triplets against brute force, accepting either row of a tie within {@code tol}. */
    static void assertChoice(TripletMiner.Triplets got, List<int[]> expected, double[][] d, long[] labels,
                             boolean batchHard, double tol) {
        assertEquals(expected.size(), got.size(), "number of triplets");
        int[] ga = got.anchors();
        int[] gp = got.positives();
        int[] gn = got.negatives();
        for (int t = 0; t < expected.size(); t++) {
            int[] e = expected.get(t);
            String at = "triplet " + t + " " + List.of(ga[t], gp[t], gn[t]) + " vs " + List.of(e[0], e[1], e[2]);
            assertEquals(e[0], ga[t], at);
            int a = e[0];
            assertTrue(gp[t] != a && labels[gp[t]] == labels[a], at + ": positive label");
            assertTrue(labels[gn[t]] != labels[a], at + ": negative label");
            if (batchHard) {
                assertTrue(d[a][gp[t]] >= d[a][e[1]] - tol, at + ": not the hardest positive");
                assertTrue(d[a][gn[t]] <= d[a][e[2]] + tol, at + ": not the hardest negative");
                if (gp[t] != e[1] || gn[t] != e[2]) {
                    System.out.println("MinedTest: tie within " + tol + " at " + at);
                }
            } else {
                assertEquals(e[1], gp[t], at);
                assertTrue(Math.abs(d[a][gn[t]] - d[a][e[2]]) <= tol || gn[t] == e[2], at + ": distances "
                        + d[a][gn[t]] + " vs " + d[a][e[2]] + " (positive " + d[a][e[1]] + ")");
            }
        }
    }

    @Test
    void minersMatchBruteForce() {
        int checked = 0;
        for (Similarity s : Similarity.values()) {
            for (boolean batchHard : new boolean[] {true, false}) {
                for (int seed = 0; seed < 6; seed++) {
                    SplittableRandom rnd = new SplittableRandom(100 + seed);
                    int n = 10 + seed;
                    int dim = 3 + seed;
                    Matrix x = gaussian(rnd, n, dim);
                    long[] labels = new long[n];
                    for (int i = 0; i < n; i++) {
                        labels[i] = rnd.nextInt(4);
                    }
                    labels[n - 1] = 99; // a singleton: no positive
                    boolean cosine = s == Similarity.COSINE;
                    double[][] rows = new double[n][];
                    for (int i = 0; i < n; i++) {
                        rows[i] = LossTesting.toDouble(Matrix.of(1, dim, x.row(i)));
                    }
                    double[][] d = distances(rows, cosine);
                    double r = cosine ? 1 : FloatBounds.maxRowNorm(x.data(), dim);
                    TripletMiner miner = batchHard ? TripletMiner.batchHard() : TripletMiner.semiHard();
                    TripletMiner.Triplets got = miner.mine(x, labels, s);
                    assertChoice(got, referenceChoice(d, labels, batchHard), d, labels, batchHard,
                            distanceBound(dim, r));
                    checked += got.size();
                }
            }
        }
        assertTrue(checked > 100, "triplets checked: " + checked);
    }

    @Test
    void handWorkedOneDimensional() {
        // rows 0: 0, 1: 3 (label 0); 2: 1, 3: 2 (label 1); DOT: d = |x − y|, exact in float and double
        Matrix x = Matrix.of(4, 1, new float[] {0, 3, 1, 2});
        long[] labels = {0, 0, 1, 1};
        TripletMiner.Triplets hard = TripletMiner.batchHard().mine(x, labels, Similarity.DOT);
        assertArrayEquals(new int[] {0, 1, 2, 3}, hard.anchors());
        assertArrayEquals(new int[] {1, 0, 3, 2}, hard.positives());
        assertArrayEquals(new int[] {2, 3, 0, 1}, hard.negatives());
        // semi-hard: a=0,p=1 (d 3): no negative beyond 3 → farthest (row 3, d 2); a=1,p=0: farthest row 2 (d 2);
        // a=2,p=3 (d 1): row 0 has d = 1, not > 1 → row 1 (d 2); a=3,p=2 (d 1): row 0 (d 2) beyond, row 1 (d 1) not
        TripletMiner.Triplets semi = TripletMiner.semiHard().mine(x, labels, Similarity.DOT);
        assertArrayEquals(new int[] {0, 1, 2, 3}, semi.anchors());
        assertArrayEquals(new int[] {1, 0, 3, 2}, semi.positives());
        assertArrayEquals(new int[] {3, 2, 1, 0}, semi.negatives());
    }

    /** The mined loss against the brute-force reference and finite differences of it. */
    static void checkLoss(ContrastiveLoss inner, boolean batchHard, Batch batch, long[] labels,
                          Function<LossTesting.Vars, LossTesting.Ref> reference) {
        Mined loss = Mined.of(inner, batchHard ? TripletMiner.batchHard() : TripletMiner.semiHard());
        LossResult result = loss.compute(batch);
        LossTesting.Vars vars = new LossTesting.Vars(batch, 1, 0);
        LossTesting.Ref ref = reference.apply(vars);
        // bounds of the inner loss on the gathered rows (the gathered batch built here from the reported triplets)
        TripletMiner.Triplets t = loss.mine(batch);
        Matrix pool = batch.positives().isPresent() ? stack(batch.anchors(), batch.positives().get())
                : batch.anchors();
        Batch gathered = Batch.builder(rows(pool, t.anchors())).positives(rows(pool, t.positives()))
                .pairedNegatives(rows(pool, t.negatives()), 1).build();
        LossTesting.Bounds b = LossTesting.Bounds.of(inner, gathered, 1);
        boolean mean = inner.toString().contains("reduction=MEAN");
        assertWithin("value", ref.value(), result.value(), mean ? b.perRow() : t.size() * b.perRow());
        assertEquals(ref.perRow().length, result.perRow().length, "triplets");
        for (int i = 0; i < ref.perRow().length; i++) {
            assertWithin("per-row " + i, ref.perRow()[i], result.perRow()[i], b.perRow());
        }
        double h = 1e-6;
        double rounding = 64 * FloatBounds.U64 * (Math.abs(ref.value()) + 1) / h;
        assertEquals(vars.inputs.keySet(), result.gradients().keySet());
        for (var e : vars.inputs.entrySet()) {
            double[] fine = numericGradient(v -> reference.apply(vars).value(), e.getValue(), h);
            double[] coarse = numericGradient(v -> reference.apply(vars).value(), e.getValue(), 2 * h);
            MatryoshkaTest.assertGradient(e.getKey().key(), fine, coarse,
                    LossTesting.toDouble(result.gradient(e.getKey())),
                    b.gradientRelative() * FloatBounds.maxAbs(fine) + rounding);
        }
    }

    static Matrix stack(Matrix a, Matrix p) {
        float[] data = new float[a.data().length + p.data().length];
        System.arraycopy(a.data(), 0, data, 0, a.data().length);
        System.arraycopy(p.data(), 0, data, a.data().length, p.data().length);
        return Matrix.of(a.rows() + p.rows(), a.cols(), data);
    }

    static Matrix rows(Matrix x, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int t = 0; t < idx.length; t++) {
            out[t] = x.row(idx[t]);
        }
        return Matrix.fromRows(out);
    }

    @Test
    void minedTripletLossMatchesReferenceAndFiniteDifferences() {
        long[] labels = {0, 1, 0, 2, 1, 2, 0, 3, 1};
        for (Similarity s : Similarity.values()) {
            for (boolean batchHard : new boolean[] {true, false}) {
                for (boolean soft : new boolean[] {false, true}) {
                    for (boolean twoViews : new boolean[] {false, true}) {
                        SplittableRandom rnd = new SplittableRandom(7 + (soft ? 1 : 0) + (twoViews ? 2 : 0));
                        Batch.Builder bb = Batch.builder(gaussian(rnd, labels.length, 5)).labels(labels);
                        if (twoViews) {
                            bb.positives(gaussian(rnd, labels.length, 5));
                        }
                        double margin = s == Similarity.COSINE ? 0.3 : 1.0;
                        Reduction r = soft ? Reduction.SUM : Reduction.MEAN;
                        Triplet inner = Triplet.builder().margin(margin).softplus(soft).similarity(s).reduction(r)
                                .build();
                        checkLoss(inner, batchHard, bb.build(), labels, v -> reference(v, labels, batchHard,
                                s == Similarity.COSINE, true, margin, soft, 0, 0, r));
                    }
                }
            }
        }
    }

    @Test
    void minedMarginLossMatchesReferenceAndFiniteDifferences() {
        long[] labels = {0, 1, 0, 2, 1, 2, 0, 3, 1, 3};
        for (Similarity s : Similarity.values()) {
            for (boolean batchHard : new boolean[] {true, false}) {
                for (boolean twoViews : new boolean[] {false, true}) {
                    SplittableRandom rnd = new SplittableRandom(31 + (twoViews ? 2 : 0));
                    Batch.Builder bb = Batch.builder(gaussian(rnd, labels.length, 4)).labels(labels);
                    if (twoViews) {
                        bb.positives(gaussian(rnd, labels.length, 4));
                    }
                    double mPos = 0.2;
                    double mNeg = s == Similarity.COSINE ? 1.2 : 2.5;
                    MarginContrastive inner = MarginContrastive.builder().positiveMargin(mPos).negativeMargin(mNeg)
                            .similarity(s).build();
                    checkLoss(inner, batchHard, bb.build(), labels, v -> reference(v, labels, batchHard,
                            s == Similarity.COSINE, false, 0, false, mPos, mNeg, Reduction.MEAN));
                }
            }
        }
    }

    @Test
    void badInput() {
        SplittableRandom rnd = new SplittableRandom(9);
        Matrix x = gaussian(rnd, 4, 3);
        Mined mined = Mined.of(Triplet.builder().build(), TripletMiner.batchHard());
        assertMessage(() -> mined.compute(Batch.of(x, gaussian(rnd, 4, 3))), "mining needs labels");
        assertMessage(() -> mined.compute(Batch.builder(x).labels(new long[] {0, 0, 1, 1})
                .sharedNegatives(gaussian(rnd, 2, 3)).build()), "mining does not use explicit negatives");
        assertMessage(() -> mined.compute(Batch.builder(x).labels(new long[] {0, 1, 2, 3}).build()),
                "no triplet can be mined from the 4 rows");
        assertMessage(() -> TripletMiner.semiHard().mine(x, new long[] {5, 5, 5, 5}, Similarity.COSINE),
                "no triplet can be mined");
        assertMessage(() -> TripletMiner.batchHard().mine(x, new long[] {0, 1}, Similarity.COSINE),
                "labels has 2 entries but there are 4 embeddings");
        assertMessage(() -> Mined.of(InfoNce.builder().build(), TripletMiner.batchHard()),
                "mining feeds Triplet or MarginContrastive");
        assertThrows(NullPointerException.class, () -> TripletMiner.of(null));
        assertEquals("Mined{miner=SEMI_HARD, loss=Triplet{margin=0.2, softplus=false, similarity=COSINE, "
                + "reduction=MEAN}}", Mined.of(Triplet.builder().build(), TripletMiner.semiHard()).toString());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        if (!x.getMessage().contains(part)) {
            fail("message \"" + x.getMessage() + "\" lacks \"" + part + "\"");
        }
    }
}
