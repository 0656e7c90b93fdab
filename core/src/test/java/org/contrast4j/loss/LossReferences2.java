package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.contrast4j.linalg.Matrix;

/**
 * Test support for the SigLIP, margin-contrastive and triplet tests, on top of {@link LossTesting}: double-precision
 * building blocks for their references (softplus, Euclidean distance between prepared rows), a record of the largest
 * disagreement between each loss and its reference, and the row-permutation and descent properties.
 */
final class LossReferences2 {
    private LossReferences2() {
    }

    /** Largest relative disagreement with the reference seen so far, by loss and quantity. */
    private static final Map<String, Double> WORST = new TreeMap<>();

    /** log(1 + eˣ), written directly from the definition with the large-x branch that avoids overflow. */
    static double softplus(double x) {
        return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /** ‖x̃ − ỹ‖₂ between the prepared rows (normalised for cosine, raw for dot). */
    static double distance(double[] x, double[] y, boolean cosine) {
        double[] a = LossTesting.prepare(x, cosine);
        double[] b = LossTesting.prepare(y, cosine);
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Multiplies every entry by f, in a new matrix. */
    static Matrix scaled(Matrix m, float f) {
        Matrix out = m.copy();
        for (int i = 0; i < out.data().length; i++) {
            out.data()[i] *= f;
        }
        return out;
    }

    /** a + f·noise, row by row. */
    static Matrix plus(Matrix a, Matrix noise, float f) {
        Matrix out = a.copy();
        for (int i = 0; i < out.data().length; i++) {
            out.data()[i] += f * noise.data()[i];
        }
        return out;
    }

    /** Row i multiplied by (i + 1)/rows: noise that leaves some positives close to their anchor and some far. */
    static Matrix rowScaled(Matrix m) {
        Matrix out = m.copy();
        for (int i = 0; i < m.rows(); i++) {
            for (int k = 0; k < m.cols(); k++) {
                out.set(i, k, m.get(i, k) * (i + 1) / m.rows());
            }
        }
        return out;
    }

    /**
     * {@link LossTesting#checkAgainstReference} (value, per-row, every gradient against central differences of the
     * reference, learnable scalars), then records how far the loss was from the reference under {@code name}.
     */
    static LossResult check(String name, ContrastiveLoss loss, Batch batch, double tau, double bias,
                            Function<LossTesting.Vars, LossTesting.Ref> reference, Scalar... learnable) {
        LossResult result = LossTesting.checkAgainstReference(loss, batch, tau, bias, reference, learnable);
        record(name, result, batch, tau, bias, reference, learnable);
        return result;
    }

    private static void record(String name, LossResult result, Batch batch, double tau, double bias,
                               Function<LossTesting.Vars, LossTesting.Ref> reference, Scalar... learnable) {
        LossTesting.Vars vars = new LossTesting.Vars(batch, tau, bias);
        LossTesting.Ref ref = reference.apply(vars);
        double worst = Math.abs(result.value() - ref.value()) / Math.max(1, Math.abs(ref.value()));
        for (int i = 0; i < ref.perRow().length; i++) {
            worst = Math.max(worst,
                    Math.abs(result.perRow()[i] - ref.perRow()[i]) / Math.max(1, Math.abs(ref.perRow()[i])));
        }
        note(name + " value/per-row", worst);
        for (Map.Entry<Input, double[]> e : vars.inputs.entrySet()) {
            double[] numeric = LossTesting.numericGradient(v -> reference.apply(vars).value(), e.getValue(), 1e-6);
            note(name + " " + e.getKey().key() + " gradient",
                    normwise(numeric, LossTesting.toDouble(result.gradient(e.getKey()))));
        }
        for (Scalar s : learnable) {
            double h = 1e-6;
            double up;
            double down;
            if (s == Scalar.LOG_TEMPERATURE) {
                vars.logTau = Math.log(tau) + h;
                up = reference.apply(vars).value();
                vars.logTau = Math.log(tau) - h;
                down = reference.apply(vars).value();
                vars.logTau = Math.log(tau);
            } else {
                vars.bias = bias + h;
                up = reference.apply(vars).value();
                vars.bias = bias - h;
                down = reference.apply(vars).value();
                vars.bias = bias;
            }
            double numeric = (up - down) / (2 * h);
            note(name + " " + s.key() + " gradient",
                    Math.abs(numeric - result.scalarGradients().get(s)) / Math.max(1e-12, Math.abs(numeric)));
        }
    }

    /** max|actual − expected| / max|expected| (0 when both are 0). */
    private static double normwise(double[] expected, double[] actual) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        return err == 0 ? 0 : err / Math.max(scale, 1e-12);
    }

    private static synchronized void note(String what, double disagreement) {
        WORST.merge(what, disagreement, Math::max);
    }

    /** The worst disagreements recorded under names starting with the prefix, one per line. */
    static synchronized String report(String prefix) {
        StringBuilder sb = new StringBuilder("largest relative disagreement with the reference:\n");
        WORST.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                sb.append(String.format("  %-40s %.3e%n", k, v));
            }
        });
        return sb.toString();
    }

    /** Copies rows of m in the order perm (blocks of {@code block} rows for paired negatives). */
    static Matrix permuteRows(Matrix m, int[] perm, int block) {
        int d = m.cols() * block;
        Matrix out = Matrix.zeros(m.rows(), m.cols());
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(m.data(), perm[i] * d, out.data(), i * d, d);
        }
        return out;
    }

    /**
     * Permuting the rows of a batch (anchors, positives, labels and paired negatives together; shared negatives by
     * their own permutation) permutes the per-row losses and the gradients the same way and leaves the value as it
     * was.
     */
    static void assertPermutationEquivariant(ContrastiveLoss loss, Matrix a, Matrix p, Matrix negatives,
                                             int pairedM, long[] labels, int[] perm, int[] negPerm) {
        Batch.Builder b = Batch.builder(a).positives(p);
        Batch.Builder bp = Batch.builder(permuteRows(a, perm, 1)).positives(permuteRows(p, perm, 1));
        if (labels != null) {
            long[] lp = new long[labels.length];
            for (int i = 0; i < perm.length; i++) {
                lp[i] = labels[perm[i]];
            }
            b.labels(labels);
            bp.labels(lp);
        }
        if (negatives != null && pairedM > 0) {
            b.pairedNegatives(negatives, pairedM);
            bp.pairedNegatives(permuteRows(negatives, perm, pairedM), pairedM);
        } else if (negatives != null) {
            b.sharedNegatives(negatives);
            bp.sharedNegatives(permuteRows(negatives, negPerm, 1));
        }
        Batch batch = b.build();
        LossResult r = loss.compute(batch);
        LossResult rp = loss.compute(bp.build());
        // the permuted batch is another float32 computation of the same numbers: twice the bounds of each
        LossTesting.Bounds bounds = LossTesting.Bounds.of(loss, batch, LossTesting.tauOf(loss));
        double valueTol = 2 * (loss.toString().contains("reduction=MEAN") ? 1 : perm.length) * bounds.perRow();
        LossTesting.assertWithin("value", r.value(), rp.value(), valueTol);
        for (int i = 0; i < perm.length; i++) {
            LossTesting.assertWithin("row " + i, r.perRow()[perm[i]], rp.perRow()[i], 2 * bounds.perRow());
        }
        assertEquals(r.gradients().keySet(), rp.gradients().keySet());
        for (Input input : r.gradients().keySet()) {
            Matrix g = r.gradient(input);
            Matrix expected = input == Input.NEGATIVES
                    ? (pairedM > 0 ? permuteRows(g, perm, pairedM) : permuteRows(g, negPerm, 1))
                    : permuteRows(g, perm, 1);
            double[] e = LossTesting.toDouble(expected);
            LossTesting.assertGradient(input.key() + " gradient after permutation", e, e,
                    LossTesting.toDouble(rp.gradient(input)), 2 * bounds.gradientRelative(), 0);
        }
    }

    /**
     * A small step against the reported gradients lowers the loss: x ← x − η·∂L/∂x on every input, with η chosen so
     * that no entry moves by more than 1e-3. Checks the sign and consistency of the gradients on the loss itself.
     */
    static void assertGradientStepDescends(ContrastiveLoss loss, Batch batch) {
        LossResult r = loss.compute(batch);
        double gmax = 0;
        for (Matrix g : r.gradients().values()) {
            for (float v : g.data()) {
                gmax = Math.max(gmax, Math.abs(v));
            }
        }
        assertTrue(gmax > 0, "gradients are all zero: nothing to descend");
        float eta = (float) (1e-3 / gmax);
        Matrix a = step(batch.anchors(), r.gradient(Input.ANCHORS), eta);
        Batch.Builder b = Batch.builder(a);
        batch.positives().ifPresent(p -> b.positives(step(p, r.gradient(Input.POSITIVES), eta)));
        batch.labels().ifPresent(b::labels);
        batch.negatives().ifPresent(n -> {
            Matrix moved = step(n, r.gradient(Input.NEGATIVES), eta);
            if (batch.pairedNegatives()) {
                b.pairedNegatives(moved, batch.negativesPerAnchor());
            } else {
                b.sharedNegatives(moved);
            }
        });
        double after = loss.compute(b.build()).value();
        assertTrue(after < r.value(), "a gradient step should lower the loss: " + r.value() + " -> " + after);
    }

    private static Matrix step(Matrix x, Matrix g, float eta) {
        Matrix out = x.copy();
        for (int i = 0; i < out.data().length; i++) {
            out.data()[i] -= eta * g.data()[i];
        }
        return out;
    }
}
