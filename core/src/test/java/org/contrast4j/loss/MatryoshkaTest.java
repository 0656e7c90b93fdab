package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertWithin;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.contrast4j.loss.LossTesting.logSumExp;
import static org.contrast4j.loss.LossTesting.numericGradient;
import static org.contrast4j.loss.LossTesting.reduce;
import static org.contrast4j.loss.LossTesting.sim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;

/**
 * Matryoshka against a reference written here in double: Σ_k w_k · (inner loss on the first m_k coordinates of every
 * input, each prefix re-normalised under cosine), the inner losses (InfoNCE, NT-Xent, SigLIP) themselves plain
 * loops; every gradient (raw inputs through the per-prefix normalisation, log τ, bias) against central finite
 * differences of that reference. Tolerances: Σ_k w_k × the float32 bound of the inner loss on prefix k
 * ({@link LossTesting.Bounds}).
 */
class MatryoshkaTest {

    // ------------------------------------------------------------------ references (double, from the formulas)

    /** Rows of an input truncated to m coordinates. */
    private static double[][] rows(LossTesting.Vars v, Input input, int m) {
        double[] x = v.inputs.get(input);
        int count = x.length / v.d;
        double[][] out = new double[count][m];
        for (int i = 0; i < count; i++) {
            System.arraycopy(x, i * v.d, out[i], 0, m);
        }
        return out;
    }

    /** InfoNCE on m-prefixes; negKind 0 none, 1 shared, 2 paired (perAnchor); labels mask in-batch candidates. */
    static double[] infoNce(LossTesting.Vars v, int m, boolean cosine, boolean symmetric, long[] labels, int negKind,
                            int perAnchor) {
        double[][] a = rows(v, Input.ANCHORS, m);
        double[][] p = rows(v, Input.POSITIVES, m);
        double[][] neg = negKind == 0 ? null : rows(v, Input.NEGATIVES, m);
        double s = 1 / v.tau();
        int n = a.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            List<Double> l = new ArrayList<>();
            List<Double> back = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j == i || labels == null || labels[j] != labels[i]) {
                    l.add(s * sim(a[i], p[j], cosine));
                    back.add(s * sim(p[i], a[j], cosine));
                }
            }
            if (negKind == 1) {
                for (double[] x : neg) {
                    l.add(s * sim(a[i], x, cosine));
                }
            } else if (negKind == 2) {
                for (int k = 0; k < perAnchor; k++) {
                    l.add(s * sim(a[i], neg[i * perAnchor + k], cosine));
                }
            }
            double fwd = -s * sim(a[i], p[i], cosine) + logSumExp(l.stream().mapToDouble(x -> x).toArray());
            double rev = -s * sim(p[i], a[i], cosine) + logSumExp(back.stream().mapToDouble(x -> x).toArray());
            out[i] = symmetric ? 0.5 * (fwd + rev) : fwd;
        }
        return out;
    }

    /** NT-Xent on m-prefixes: z = [a; p], ℓ_k = −s(z_k, z_k') + log Σ_{l≠k} e^{s(z_k, z_l)}. */
    static double[] ntXent(LossTesting.Vars v, int m, boolean cosine) {
        double[][] a = rows(v, Input.ANCHORS, m);
        double[][] p = rows(v, Input.POSITIVES, m);
        int n = a.length;
        double[][] z = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            z[i] = a[i];
            z[i + n] = p[i];
        }
        double[] out = new double[2 * n];
        for (int k = 0; k < 2 * n; k++) {
            double[] l = new double[2 * n - 1];
            int c = 0;
            for (int j = 0; j < 2 * n; j++) {
                if (j != k) {
                    l[c++] = sim(z[k], z[j], cosine) / v.tau();
                }
            }
            out[k] = -sim(z[k], z[(k + n) % (2 * n)], cosine) / v.tau() + logSumExp(l);
        }
        return out;
    }

    /** SigLIP on m-prefixes: ℓ_i = Σ_j softplus(−z_ij (s(a_i, p_j)/τ + b)). */
    static double[] sigLip(LossTesting.Vars v, int m, boolean cosine) {
        double[][] a = rows(v, Input.ANCHORS, m);
        double[][] p = rows(v, Input.POSITIVES, m);
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                double x = sim(a[i], p[j], cosine) / v.tau() + v.bias;
                double zx = (i == j ? -1 : 1) * x;
                out[i] += Math.max(zx, 0) + Math.log1p(Math.exp(-Math.abs(zx)));
            }
        }
        return out;
    }

    /** Σ_k w_k·inner(prefix m_k): per-row Σ_k w_k ℓ_{k,i}, value Σ_k w_k reduce(ℓ_k). */
    static LossTesting.Ref matryoshka(LossTesting.Vars v, int[] dims, double[] weights, Reduction reduction,
                                      java.util.function.BiFunction<LossTesting.Vars, Integer, double[]> inner) {
        double[] perRow = null;
        double value = 0;
        for (int k = 0; k < dims.length; k++) {
            double[] rows = inner.apply(v, dims[k]);
            if (perRow == null) {
                perRow = new double[rows.length];
            }
            for (int i = 0; i < rows.length; i++) {
                perRow[i] += weights[k] * rows[i];
            }
            value += weights[k] * reduce(reduction, rows, null);
        }
        return new LossTesting.Ref(value, perRow);
    }

    // ------------------------------------------------------------------ the check

    /** The batch's first m columns, sliced here (for the bounds and the per-prefix terms). */
    static Batch prefixOf(Batch batch, int m) {
        Batch.Builder b = Batch.builder(cols(batch.anchors(), m));
        batch.positives().ifPresent(p -> b.positives(cols(p, m)));
        batch.negatives().ifPresent(x -> {
            if (batch.pairedNegatives()) {
                b.pairedNegatives(cols(x, m), batch.negativesPerAnchor());
            } else {
                b.sharedNegatives(cols(x, m), batch.negativeLabels().orElse(null));
            }
        });
        b.labels(batch.labels().orElse(null));
        return b.build();
    }

    static Matrix cols(Matrix x, int m) {
        Matrix out = Matrix.zeros(x.rows(), m);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < m; j++) {
                out.set(i, j, x.get(i, j));
            }
        }
        return out;
    }

    static LossResult check(ContrastiveLoss innerLoss, int[] dims, double[] weights, Batch batch, double tau,
                            double bias, Reduction reduction,
                            java.util.function.BiFunction<LossTesting.Vars, Integer, double[]> inner,
                            Scalar... learnable) {
        Matryoshka loss = Matryoshka.of(innerLoss).dims(dims).weights(weights).build();
        LossResult result = loss.compute(batch);
        LossTesting.Vars vars = new LossTesting.Vars(batch, tau, bias);
        Function<LossTesting.Vars, LossTesting.Ref> reference = v -> matryoshka(v, dims, weights, reduction, inner);
        LossTesting.Ref ref = reference.apply(vars);

        // bounds: Σ_k w_k × the inner loss's bound on prefix k; gradients: Σ_k w_k·rel_k·max|g_k| (absolute), g_k the
        // reference gradient of prefix k's value
        double rowTol = 0;
        Map<Input, Double> gradTol = new java.util.EnumMap<>(Input.class);
        double scalarTol = 0;
        for (int k = 0; k < dims.length; k++) {
            Batch pb = prefixOf(batch, dims[k]);
            LossTesting.Bounds b = LossTesting.Bounds.of(innerLoss, pb, tau);
            rowTol += weights[k] * b.perRow();
            // the scale of prefix k's gradients, from central differences of its reference value
            int m = dims[k];
            Function<double[], Double> valueK = x -> reduce(reduction, inner.apply(vars, m), null);
            for (Map.Entry<Input, double[]> e : vars.inputs.entrySet()) {
                double scale = FloatBounds.maxAbs(numericGradient(valueK, e.getValue(), 1e-6));
                gradTol.merge(e.getKey(), weights[k] * b.gradientRelative() * scale, Double::sum);
            }
            for (Scalar s : learnable) {
                double keep = s == Scalar.LOG_TEMPERATURE ? vars.logTau : vars.bias;
                double[] at = {keep};
                double g = numericGradient(x -> {
                    if (s == Scalar.LOG_TEMPERATURE) {
                        vars.logTau = x[0];
                    } else {
                        vars.bias = x[0];
                    }
                    double value = valueK.apply(null);
                    if (s == Scalar.LOG_TEMPERATURE) {
                        vars.logTau = keep;
                    } else {
                        vars.bias = keep;
                    }
                    return value;
                }, at, 1e-6)[0];
                scalarTol += weights[k] * b.gradientRelative() * Math.abs(g);
            }
            double[] rowsK = inner.apply(vars, m);
            double termRef = reduce(reduction, rowsK, null);
            double termTol = reduction == Reduction.MEAN ? b.perRow() : rowsK.length * b.perRow();
            assertWithin("term dim_" + dims[k], termRef, result.terms().get("dim_" + dims[k]), termTol);
        }
        assertEquals(dims.length, result.terms().size(), "terms " + result.terms());
        double valueTol = reduction == Reduction.MEAN ? rowTol : ref.perRow().length * rowTol;
        assertWithin("value", ref.value(), result.value(), valueTol);
        double[] perRow = result.perRow();
        assertEquals(ref.perRow().length, perRow.length);
        for (int i = 0; i < perRow.length; i++) {
            assertWithin("per-row " + i, ref.perRow()[i], perRow[i], rowTol);
        }

        double h = 1e-6;
        double rounding = 64 * FloatBounds.U64 * (Math.abs(ref.value()) + 1) / h;
        assertEquals(vars.inputs.keySet(), result.gradients().keySet(), "gradients reported");
        for (Map.Entry<Input, double[]> e : vars.inputs.entrySet()) {
            double[] x = e.getValue();
            double[] fine = numericGradient(v -> reference.apply(vars).value(), x, h);
            double[] coarse = numericGradient(v -> reference.apply(vars).value(), x, 2 * h);
            assertGradient(e.getKey().key(), fine, coarse, LossTesting.toDouble(result.gradient(e.getKey())),
                    gradTol.getOrDefault(e.getKey(), 0.0) + rounding);
        }
        assertEquals(learnable.length, result.scalarGradients().size(), "scalars " + result.scalarGradients());
        for (Scalar s : learnable) {
            Function<double[], Double> f = x -> {
                double keepTau = vars.logTau;
                double keepBias = vars.bias;
                if (s == Scalar.LOG_TEMPERATURE) {
                    vars.logTau = x[0];
                } else {
                    vars.bias = x[0];
                }
                double value = reference.apply(vars).value();
                vars.logTau = keepTau;
                vars.bias = keepBias;
                return value;
            };
            double[] at = {s == Scalar.LOG_TEMPERATURE ? vars.logTau : vars.bias};
            assertGradient(s.key(), numericGradient(f, at, h), numericGradient(f, at, 2 * h),
                    new double[] {result.scalarGradients().get(s)}, scalarTol + rounding);
        }
        return result;
    }

    /** max-norm error ≤ tol + 2·|FD(h) − FD(2h)|∞ + one float32 subnormal spacing. */
    static void assertGradient(String what, double[] fine, double[] coarse, double[] actual, double tol) {
        double fd = 0;
        double err = 0;
        int worst = 0;
        for (int i = 0; i < fine.length; i++) {
            fd = Math.max(fd, Math.abs(fine[i] - coarse[i]));
            double e = Math.abs(fine[i] - actual[i]);
            if (e > err) {
                err = e;
                worst = i;
            }
        }
        double bound = tol + 2 * fd + Float.MIN_VALUE;
        if (!(err <= bound)) {
            fail(what + " gradient: max error " + err + " at " + worst + " (expected " + fine[worst] + ", was "
                    + actual[worst] + "), tolerance " + bound);
        }
    }

    // ------------------------------------------------------------------ cases

    @Test
    void infoNceCosineSymmetricLabelsSharedNegativesLearnableTau() {
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 6;
        int d = 8;
        long[] labels = {0, 1, 0, 2, 1, 3};
        Batch batch = Batch.builder(gaussian(rnd, n, d)).positives(gaussian(rnd, n, d))
                .sharedNegatives(gaussian(rnd, 3, d)).labels(labels).build();
        double tau = 0.3;
        InfoNce inner = InfoNce.builder().temperature(tau).learnableTemperature(true).symmetric(true).build();
        LossResult r = check(inner, new int[] {2, 5, 8}, new double[] {1, 0.5, 2}, batch, tau, 0, Reduction.MEAN,
                (v, m) -> infoNce(v, m, true, true, labels, 1, 0), Scalar.LOG_TEMPERATURE);
        assertEquals(List.of("dim_2", "dim_5", "dim_8"), List.copyOf(r.terms().keySet()));
    }

    @Test
    void infoNceDotPairedNegativesSum() {
        SplittableRandom rnd = new SplittableRandom(2);
        int n = 5;
        int d = 6;
        int per = 2;
        Batch batch = Batch.builder(LossReferences2.scaled(gaussian(rnd, n, d), 0.5f))
                .positives(LossReferences2.scaled(gaussian(rnd, n, d), 0.5f))
                .pairedNegatives(LossReferences2.scaled(gaussian(rnd, n * per, d), 0.5f), per).build();
        double tau = 0.5;
        InfoNce inner = InfoNce.builder().temperature(tau).similarity(Similarity.DOT).reduction(Reduction.SUM).build();
        check(inner, new int[] {1, 3, 6}, new double[] {1, 1, 1}, batch, tau, 0, Reduction.SUM,
                (v, m) -> infoNce(v, m, false, false, null, 2, per));
    }

    @Test
    void ntXentCosineLearnableTau() {
        SplittableRandom rnd = new SplittableRandom(3);
        Batch batch = Batch.of(gaussian(rnd, 5, 7), gaussian(rnd, 5, 7));
        double tau = 0.2;
        NtXent inner = NtXent.builder().temperature(tau).learnableTemperature(true).build();
        check(inner, new int[] {3, 7}, new double[] {0.25, 1}, batch, tau, 0, Reduction.MEAN,
                (v, m) -> ntXent(v, m, true), Scalar.LOG_TEMPERATURE);
    }

    @Test
    void sigLipCosineLearnableTauAndBias() {
        SplittableRandom rnd = new SplittableRandom(4);
        Batch batch = Batch.of(gaussian(rnd, 6, 8), gaussian(rnd, 6, 8));
        double tau = 0.5;
        double bias = -2;
        SigLip inner = SigLip.builder().temperature(tau).bias(bias).learnableTemperature(true).learnableBias(true)
                .build();
        check(inner, new int[] {2, 4, 8}, new double[] {1, 1, 1}, batch, tau, bias, Reduction.MEAN,
                (v, m) -> sigLip(v, m, true), Scalar.LOG_TEMPERATURE, Scalar.BIAS);
    }

    /**
     * The guide model's embeddings and the log q corrections reach every prefix: Matryoshka over guided, logQ-corrected
     * InfoNCE is the weighted sum of that loss on the truncated batches (each checked against its own reference in
     * InfoNceFalseNegativesTest), and differs from the sum without them.
     */
    @Test
    void guideAndLogQArePassedToEveryPrefix() {
        SplittableRandom rnd = new SplittableRandom(8);
        Matrix a = gaussian(rnd, 6, 8);
        Matrix p = gaussian(rnd, 6, 8);
        double[] logQ = {-1.0, -2.5, -0.3, -4.0, -1.7, -0.9};
        Batch batch = Batch.builder(a).positives(p).guide(gaussian(rnd, 6, 3), gaussian(rnd, 6, 3)).logQ(logQ).build();
        InfoNce inner = InfoNce.builder().temperature(0.5).guideMargin(0.2).build();
        int[] dims = {3, 8};
        double[] w = {2, 1};
        LossResult r = Matryoshka.of(inner).dims(dims).weights(w).build().compute(batch);
        double expected = 0;
        double plain = 0;
        for (int k = 0; k < dims.length; k++) {
            Batch prefix = Batch.builder(cols(a, dims[k])).positives(cols(p, dims[k]))
                    .guide(batch.guideAnchors().orElseThrow(), batch.guidePositives().orElseThrow()).logQ(logQ)
                    .build();
            expected += w[k] * inner.compute(prefix).value();
            plain += w[k] * inner.compute(Batch.of(cols(a, dims[k]), cols(p, dims[k]))).value();
        }
        assertEquals(expected, r.value(), 1e-6 * Math.max(1, Math.abs(expected)));   // the same float sums, reordered
        assertTrue(Math.abs(plain - expected) > 1e-3, "the guide and log q change the loss: " + plain + " vs " + expected);
    }

    @Test
    void coordinatesPastTheLargestPrefixGetNoGradient() {
        SplittableRandom rnd = new SplittableRandom(5);
        Batch batch = Batch.of(gaussian(rnd, 4, 9), gaussian(rnd, 4, 9));
        double tau = 0.5;
        InfoNce inner = InfoNce.builder().temperature(tau).build();
        LossResult r = check(inner, new int[] {2, 6}, new double[] {1, 3}, batch, tau, 0, Reduction.MEAN,
                (v, m) -> infoNce(v, m, true, false, null, 0, 0));
        for (Input in : new Input[] {Input.ANCHORS, Input.POSITIVES}) {
            Matrix g = r.gradient(in);
            for (int i = 0; i < g.rows(); i++) {
                for (int j = 6; j < 9; j++) {
                    assertEquals(0f, g.get(i, j), in + " gradient at " + i + ", " + j);
                }
            }
        }
    }

    @Test
    void validation() {
        InfoNce inner = InfoNce.builder().build();
        assertThrows(NullPointerException.class, () -> Matryoshka.of(null));
        assertMessage(() -> Matryoshka.of(inner).dims(), "dims must hold at least one dimension");
        assertMessage(() -> Matryoshka.of(inner).dims(0, 4), "dims[0] must be >= 1, was 0");
        assertMessage(() -> Matryoshka.of(inner).dims(4, 4), "strictly ascending, but dims[1] = 4 follows dims[0] = 4");
        assertMessage(() -> Matryoshka.of(inner).dims(8, 4), "dims[1] = 4 follows dims[0] = 8");
        assertMessage(() -> Matryoshka.of(inner).weights(1, 0), "weights[1] must be finite and > 0, was 0.0");
        assertMessage(() -> Matryoshka.of(inner).weights(Double.NaN), "weights[0] must be finite and > 0, was NaN");
        assertMessage(() -> Matryoshka.of(inner).dims(2, 4).weights(1, 1, 1).build(),
                "one weight per dimension: 2 dims [2, 4] but 3 weights");
        assertThrows(IllegalStateException.class, () -> Matryoshka.of(inner).build());
        SplittableRandom rnd = new SplittableRandom(6);
        Batch batch = Batch.of(gaussian(rnd, 3, 4), gaussian(rnd, 3, 4));
        assertMessage(() -> Matryoshka.of(inner).dims(2, 5).build().compute(batch),
                "Matryoshka dimension 5 exceeds the batch's dimension D = 4");
        assertMessage(() -> Matryoshka.of(Triplet.builder().build()).dims(2).build().compute(batch),
                "Triplet needs explicit negatives");
        String s = Matryoshka.of(inner).dims(2, 4).weights(1, 0.5).build().toString();
        assertTrue(s.startsWith("Matryoshka{dims=[2, 4], weights=[1.0, 0.5], inner=InfoNce{"), s);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
