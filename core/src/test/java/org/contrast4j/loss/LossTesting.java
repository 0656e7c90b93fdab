package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;

/**
 * Test support shared by the loss tests: seeded inputs, double-precision helpers for reference implementations, and
 * the check that a loss matches a reference: value and per-row losses directly, every gradient against central
 * finite differences of the reference (in double), so the reference's own gradient never has to be derived by hand.
 */
final class LossTesting {
    private LossTesting() {
    }

    /** The raw inputs and scalars a reference loss is a function of, all in double. */
    static final class Vars {
        final Map<Input, double[]> inputs = new EnumMap<>(Input.class);
        final int n;
        final int d;
        double logTau;
        double bias;

        Vars(Batch batch, double tau, double bias) {
            this.n = batch.size();
            this.d = batch.dimension();
            this.logTau = Math.log(tau);
            this.bias = bias;
            inputs.put(Input.ANCHORS, toDouble(batch.anchors()));
            batch.positives().ifPresent(p -> inputs.put(Input.POSITIVES, toDouble(p)));
            batch.negatives().ifPresent(m -> inputs.put(Input.NEGATIVES, toDouble(m)));
        }

        double tau() {
            return Math.exp(logTau);
        }

        /** Row i of an input as a vector of length d. */
        double[] row(Input input, int i) {
            double[] x = inputs.get(input);
            double[] r = new double[d];
            System.arraycopy(x, i * d, r, 0, d);
            return r;
        }

        int rows(Input input) {
            return inputs.get(input).length / d;
        }
    }

    /** What a reference computes: the per-row losses and the reduced value. */
    record Ref(double value, double[] perRow) {
    }

    static Matrix gaussian(SplittableRandom rnd, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) gauss(rnd);
        }
        return Matrix.of(rows, cols, data);
    }

    static double gauss(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static double[] toDouble(Matrix m) {
        double[] out = new double[m.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.data()[i];
        }
        return out;
    }

    /** x / max(‖x‖, 1e-12) for cosine, x itself for dot — as F.normalize. */
    static double[] prepare(double[] x, boolean cosine) {
        if (!cosine) {
            return x;
        }
        double n = 0;
        for (double v : x) {
            n += v * v;
        }
        n = Math.max(Math.sqrt(n), 1e-12);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / n;
        }
        return out;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static double sim(double[] x, double[] y, boolean cosine) {
        return dot(prepare(x, cosine), prepare(y, cosine));
    }

    /** log Σ e^{v}, max-subtracted. */
    static double logSumExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - max);
        }
        return max + Math.log(s);
    }

    static double reduce(Reduction reduction, double[] perRow, boolean[] skipped) {
        double sum = 0;
        int valid = 0;
        for (int i = 0; i < perRow.length; i++) {
            if (skipped == null || !skipped[i]) {
                sum += perRow[i];
                valid++;
            }
        }
        return reduction == Reduction.MEAN ? (valid == 0 ? 0 : sum / valid) : sum;
    }

    /** Central finite differences of f at x (x is restored). */
    static double[] numericGradient(Function<double[], Double> f, double[] x, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double old = x[i];
            x[i] = old + h;
            double up = f.apply(x);
            x[i] = old - h;
            double down = f.apply(x);
            x[i] = old;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    /**
     * The float32 error bounds of a loss on a batch ({@link FloatBounds}): the prepared rows have norm ≤ R (1 for
     * cosine, the largest row norm for dot), so every similarity is within δ_s = γ_{D+2}·R² and every logit within
     * δ = δ_s/τ; a per-row loss is within K·δ plus its float32 arithmetic (K = 2 for a log-sum-exp minus a logit —
     * InfoNCE, NT-Xent, SupCon, DCL —, N for SigLIP's N softplus terms). The distance losses see distances within
     * √5·γ_{D+2}·R (the Gram form is used only where d² ≥ 0.1·(‖x‖² + ‖y‖²)) and have K = 2R + m⁻ (margin
     * contrastive) or 2 (triplet). A gradient entry is within (D + 2n + 8)·u·(1 + L)·4·(1 + √D) of the largest
     * entry (L the largest |logit|: the softmax weights move by about 2δ·L, the products by γ_{2n+D}, the cosine
     * back-propagation by 1 + √D; n the number of rows).
     */
    record Bounds(double perRow, double gradientRelative) {
        static Bounds of(ContrastiveLoss loss, Batch batch, double tau) {
            String config = loss.toString();
            boolean cosine = !config.contains("similarity=DOT");
            int d = batch.dimension();
            double r = 1;
            if (!cosine) {
                r = Math.max(1, FloatBounds.maxRowNorm(batch.anchors().data(), d));
                if (batch.positives().isPresent()) {
                    r = Math.max(r, FloatBounds.maxRowNorm(batch.positives().get().data(), d));
                }
                if (batch.negatives().isPresent()) {
                    r = Math.max(r, FloatBounds.maxRowNorm(batch.negatives().get().data(), d));
                }
            }
            int rows = batch.size() + batch.positives().map(Matrix::rows).orElse(0)
                    + batch.negatives().map(Matrix::rows).orElse(0);
            double maxLogit = r * r / tau;
            double perRow;
            if (config.startsWith("MarginContrastive") || config.startsWith("Triplet")) {
                double dd = Math.sqrt(5) * FloatBounds.gamma(d + 2L) * r + 8 * FloatBounds.U64 * r;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("negativeMargin=([0-9.Ee+-]+)")
                        .matcher(config);
                double k = m.find() ? 2 * r + Double.parseDouble(m.group(1)) : 2;
                perRow = k * dd + 8 * FloatBounds.U64 * (maxLogit + 1);
            } else {
                double k = config.startsWith("SigLip") ? batch.size() : 2;
                double delta = FloatBounds.gamma(d + 2L) * r * r / tau;
                perRow = k * delta + k * FloatBounds.logSumExpArithmetic(maxLogit, 3);
            }
            double gradient = (d + 2.0 * rows + 8) * FloatBounds.U * (1 + maxLogit) * 4 * (1 + Math.sqrt(d));
            return new Bounds(perRow, gradient);
        }
    }

    /**
     * Checks a loss against a reference: value and per-row losses within the {@link Bounds} of the batch, every
     * input gradient and each learnable scalar's gradient against central differences of the reference (max-norm
     * error within the gradient bound times the largest entry, plus the finite differences' own error, estimated
     * from steps h and 2h: their truncation error is O(h²), so |FD(h) − FD(2h)| ≈ 3× it, plus the reference's
     * rounding 64·u64·(|value| + 1)/h).
     */
    static LossResult checkAgainstReference(ContrastiveLoss loss, Batch batch, double tau, double bias,
                                            Function<Vars, Ref> reference, Scalar... learnable) {
        LossResult result = loss.compute(batch);
        Vars vars = new Vars(batch, tau, bias);
        Ref ref = reference.apply(vars);
        Bounds bounds = Bounds.of(loss, batch, tau);
        double[] perRow = result.perRow();
        double valueTol = loss.toString().contains("reduction=MEAN") ? bounds.perRow()
                : perRow.length * bounds.perRow();
        assertWithin("value", ref.value(), result.value(), valueTol);
        assertEquals(ref.perRow().length, perRow.length, "per-row length");
        for (int i = 0; i < perRow.length; i++) {
            assertWithin("per-row " + i, ref.perRow()[i], perRow[i], bounds.perRow());
        }
        double h = 1e-6;
        double rounding = 64 * FloatBounds.U64 * (Math.abs(ref.value()) + 1) / h;
        for (Map.Entry<Input, double[]> e : vars.inputs.entrySet()) {
            double[] x = e.getValue();
            double[] numeric = numericGradient(v -> reference.apply(vars).value(), x, h);
            double[] coarse = numericGradient(v -> reference.apply(vars).value(), x, 2 * h);
            Matrix g = result.gradient(e.getKey());
            assertEquals(x.length, g.data().length, e.getKey() + " gradient size");
            assertGradient(e.getKey().key() + " gradient", numeric, coarse, toDouble(g), bounds.gradientRelative(),
                    rounding);
        }
        assertEquals(learnable.length, result.scalarGradients().size(),
                "learnable scalars reported: " + result.scalarGradients());
        for (Scalar s : learnable) {
            double[] x = {s == Scalar.LOG_TEMPERATURE ? vars.logTau : vars.bias};
            Function<double[], Double> f = v -> {
                if (s == Scalar.LOG_TEMPERATURE) {
                    vars.logTau = v[0];
                } else {
                    vars.bias = v[0];
                }
                double value = reference.apply(vars).value();
                if (s == Scalar.LOG_TEMPERATURE) {
                    vars.logTau = Math.log(tau);
                } else {
                    vars.bias = bias;
                }
                return value;
            };
            double[] numeric = numericGradient(f, x, h);
            double[] coarse = numericGradient(f, x, 2 * h);
            Double actual = result.scalarGradients().get(s);
            assertTrue(actual != null, "missing scalar gradient " + s);
            assertGradient(s.key() + " gradient", numeric, coarse, new double[] {actual}, bounds.gradientRelative(),
                    rounding);
        }
        return result;
    }

    /** |expected − actual| ≤ tol, with the tolerance in the message. */
    static void assertWithin(String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": expected " + expected + ", was " + actual + " (tolerance " + tol + ")");
        }
    }

    /**
     * A gradient against central differences at steps h ({@code fine}) and 2h ({@code coarse}): max-norm error
     * within relative·max|fine| + 2·|fine − coarse|_∞ + {@code rounding} + one float32 subnormal spacing.
     */
    static void assertGradient(String what, double[] fine, double[] coarse, double[] actual, double relative,
                               double rounding) {
        double scale = 0;
        double fd = 0;
        double err = 0;
        int worst = -1;
        for (int i = 0; i < fine.length; i++) {
            scale = Math.max(scale, Math.abs(fine[i]));
            fd = Math.max(fd, Math.abs(fine[i] - coarse[i]));
            double e = Math.abs(fine[i] - actual[i]);
            if (!(e <= err)) {
                err = e;
                worst = i;
            }
        }
        double tol = relative * scale + 2 * fd + rounding + Float.MIN_VALUE;
        if (!(err <= tol)) {
            fail(what + ": max error " + err + " at " + worst + " (expected " + fine[worst] + ", was "
                    + actual[worst] + "), tolerance " + tol);
        }
    }

    /**
     * The bound on a per-row softmax loss (InfoNCE, NT-Xent, SupCon, DCL) on cosine similarities of D-dimensional
     * rows at temperature τ, as {@link Bounds}: logits within γ_{D+2}/τ, float32 arithmetic on logits of size 1/τ.
     * Two float32 computations of the same quantity (another row order, another product shape) differ by at most
     * twice this.
     */
    static double softmaxRowBound(int d, double tau) {
        return FloatBounds.softmaxRow(FloatBounds.cosine(d) / tau, 1 / tau, 3);
    }

    /** τ from a loss's configuration ("temperature=…"), 1 for the losses without one (distances). */
    static double tauOf(ContrastiveLoss loss) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("temperature=([0-9.Ee+-]+)")
                .matcher(loss.toString());
        return m.find() ? Double.parseDouble(m.group(1)) : 1.0;
    }

    /** The bound on a double computation of n terms of magnitude up to {@code magnitude}: γ64(n)·magnitude. */
    static double doubleBound(int n, double magnitude) {
        return FloatBounds.gamma64(n) * magnitude;
    }

    static void assertClose(String what, double expected, double actual, double rel) {
        double tol = rel * Math.max(1, Math.abs(expected));
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": expected " + expected + ", was " + actual + " (tolerance " + tol + ")");
        }
    }

    static void assertVectorClose(String what, double[] expected, double[] actual, double rel) {
        double scale = 0;
        double err = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double e = Math.abs(expected[i] - actual[i]);
            if (!(e <= err)) {
                err = e;
                worst = i;
            }
        }
        double tol = rel * scale + 1e-7;
        if (!(err <= tol)) {
            fail(what + ": max error " + err + " at " + worst + " (expected " + expected[worst] + ", was "
                    + actual[worst] + "), tolerance " + tol);
        }
    }

    static void assertAllFinite(LossResult r) {
        assertTrue(Double.isFinite(r.value()), "value " + r.value());
        for (double v : r.perRow()) {
            assertTrue(Double.isFinite(v), "per-row " + v);
        }
        r.gradients().forEach((k, m) -> {
            for (float v : m.data()) {
                assertTrue(Float.isFinite(v), k + " gradient " + v);
            }
        });
        r.scalarGradients().forEach((k, v) -> assertTrue(Double.isFinite(v), k + " gradient " + v));
    }
}
