package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
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
     * Checks a loss against a reference: value and per-row losses within {@code rel} (relative to max(1, |ref|)),
     * every input gradient and each learnable scalar's gradient against central differences of the reference
     * (max-norm error within {@code rel} of the max-norm of the numerical gradient, plus a 1e-7 floor).
     */
    static LossResult checkAgainstReference(ContrastiveLoss loss, Batch batch, double tau, double bias,
                                            Function<Vars, Ref> reference, double rel, Scalar... learnable) {
        LossResult result = loss.compute(batch);
        Vars vars = new Vars(batch, tau, bias);
        Ref ref = reference.apply(vars);
        assertClose("value", ref.value(), result.value(), rel);
        double[] perRow = result.perRow();
        assertEquals(ref.perRow().length, perRow.length, "per-row length");
        for (int i = 0; i < perRow.length; i++) {
            assertClose("per-row " + i, ref.perRow()[i], perRow[i], rel);
        }
        double h = 1e-6;
        for (Map.Entry<Input, double[]> e : vars.inputs.entrySet()) {
            double[] x = e.getValue();
            double[] numeric = numericGradient(v -> reference.apply(vars).value(), x, h);
            Matrix g = result.gradient(e.getKey());
            assertEquals(x.length, g.data().length, e.getKey() + " gradient size");
            assertVectorClose(e.getKey().key() + " gradient", numeric, toDouble(g), rel);
        }
        assertEquals(learnable.length, result.scalarGradients().size(),
                "learnable scalars reported: " + result.scalarGradients());
        for (Scalar s : learnable) {
            double[] x = {s == Scalar.LOG_TEMPERATURE ? vars.logTau : vars.bias};
            double[] numeric = numericGradient(v -> {
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
            }, x, h);
            Double actual = result.scalarGradients().get(s);
            assertTrue(actual != null, "missing scalar gradient " + s);
            assertVectorClose(s.key() + " gradient", numeric, new double[] {actual}, rel);
        }
        return result;
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
