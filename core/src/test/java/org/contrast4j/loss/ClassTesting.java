package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.assertClose;
import static org.contrast4j.loss.LossTesting.assertVectorClose;
import static org.contrast4j.loss.LossTesting.numericGradient;
import static org.contrast4j.loss.LossTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;

/**
 * Test support for the class-scoring losses: the four objectives written again in plain double loops straight from
 * their formulas (independent of the library's code paths), and the check that a loss matches such a reference —
 * value, per-row losses and terms directly, the query, class-table, bias and log-normaliser gradients against central
 * finite differences of the reference over <em>every</em> entry (so the sparse class gradient must be exactly zero
 * on untouched rows), and the sparse ids against the touched set.
 */
final class ClassTesting {
    private ClassTesting() {
    }

    /** Largest disagreement with the reference seen so far, by loss and quantity. */
    static final Map<String, Double> WORST = new TreeMap<>();

    /** The differentiable variables of a reference, in double: h (B×D), W (V×D), b (V, or null), log Z. */
    static final class Vars {
        final int b;
        final int d;
        final int v;
        final double[] h;
        final double[] w;
        final double[] bias;
        double logZ;

        Vars(ClassBatch batch, double logZ) {
            this.b = batch.size();
            this.d = batch.dimension();
            this.v = batch.classCount();
            this.h = toDouble(batch.queries());
            this.w = toDouble(batch.classes());
            this.bias = batch.bias().map(ClassTesting::widen).orElse(null);
            this.logZ = logZ;
        }

        /** s(c|h_i) = h_i·W_c + b_c. */
        double score(int i, int c) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += h[i * d + k] * w[c * d + k];
            }
            return bias == null ? s : s + bias[c];
        }
    }

    /** What a reference computes. */
    record Ref(double value, double[] perRow, Map<String, Double> terms) {
    }

    static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    static double softplus(double x) {
        return LossReferences2.softplus(x);
    }

    /** log σ(x) = −softplus(−x). */
    static double logSigmoid(double x) {
        return -softplus(-x);
    }

    /** E of position j of row i (j = 0 the target, j ≥ 1 sample j − 1): the batch's expected count, else k·q(c). */
    static double expectedCount(ClassBatch batch, int i, int j, int c) {
        int k = batch.samplesPerRow();
        if (batch.targetExpectedCounts().isPresent()) {
            return j == 0 ? batch.targetExpectedCounts().get()[i]
                    : batch.sampleExpectedCounts().get()[batch.sharedSamples() ? j - 1 : i * k + j - 1];
        }
        return k * batch.noise().orElseThrow()[c];
    }

    static int sampleOf(ClassBatch batch, int[] samples, int i, int j) {
        int k = batch.samplesPerRow();
        return batch.sharedSamples() ? samples[j] : samples[i * k + j];
    }

    /** Full softmax: ℓ_i = −s(t_i) + log Σ_c e^{s(c)}. */
    static Ref fullSoftmax(Vars x, ClassBatch batch, Reduction r) {
        int[] t = batch.targets();
        double[] perRow = new double[x.b];
        for (int i = 0; i < x.b; i++) {
            double[] s = new double[x.v];
            for (int c = 0; c < x.v; c++) {
                s[c] = x.score(i, c);
            }
            perRow[i] = LossTesting.logSumExp(s) - s[t[i]];
        }
        return new Ref(LossTesting.reduce(r, perRow, null), perRow, Map.of());
    }

    /**
     * NCE (correct = true) or negative sampling (false): Δ(c) = s(c) − log Z − [log E(c)],
     * ℓ_i = −log σ(Δ(t_i)) − Σ_j log σ(−Δ(c_ij)), accidental hits (c_ij = t_i) dropped when asked.
     */
    static Ref binary(Vars x, ClassBatch batch, boolean correct, boolean removeHits, Reduction r) {
        int[] t = batch.targets();
        int[] samples = batch.samples().orElseThrow();
        int k = batch.samplesPerRow();
        double[] perRow = new double[x.b];
        double[] data = new double[x.b];
        double[] noise = new double[x.b];
        for (int i = 0; i < x.b; i++) {
            double dt = x.score(i, t[i]) - x.logZ - (correct ? Math.log(expectedCount(batch, i, 0, t[i])) : 0);
            data[i] = -logSigmoid(dt);
            for (int j = 0; j < k; j++) {
                int c = sampleOf(batch, samples, i, j);
                if (removeHits && c == t[i]) {
                    continue;
                }
                double dc = x.score(i, c) - x.logZ - (correct ? Math.log(expectedCount(batch, i, j + 1, c)) : 0);
                noise[i] -= logSigmoid(-dc);
            }
            perRow[i] = data[i] + noise[i];
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("data", LossTesting.reduce(r, data, null));
        terms.put("noise", LossTesting.reduce(r, noise, null));
        return new Ref(LossTesting.reduce(r, perRow, null), perRow, terms);
    }

    /** Sampled softmax: cross-entropy over [t_i, c_i1 … c_ik] (hits removed when asked) with logits s − log E. */
    static Ref sampledSoftmax(Vars x, ClassBatch batch, boolean removeHits, Reduction r) {
        int[] t = batch.targets();
        int[] samples = batch.samples().orElseThrow();
        int k = batch.samplesPerRow();
        double[] perRow = new double[x.b];
        for (int i = 0; i < x.b; i++) {
            double[] z = new double[k + 1];
            int n = 0;
            z[n++] = x.score(i, t[i]) - Math.log(expectedCount(batch, i, 0, t[i]));
            for (int j = 0; j < k; j++) {
                int c = sampleOf(batch, samples, i, j);
                if (!(removeHits && c == t[i])) {
                    z[n++] = x.score(i, c) - Math.log(expectedCount(batch, i, j + 1, c));
                }
            }
            perRow[i] = LossTesting.logSumExp(Arrays.copyOf(z, n)) - z[0];
        }
        return new Ref(LossTesting.reduce(r, perRow, null), perRow, Map.of());
    }

    /** The class ids a sampled loss must report gradients for: targets ∪ samples, sorted. */
    static int[] touched(ClassBatch batch) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (int t : batch.targets()) {
            ids.add(t);
        }
        batch.samples().ifPresent(s -> Arrays.stream(s).forEach(ids::add));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Checks {@code loss} on {@code batch} against {@code reference}: value, per-row and terms within the float32
     * bound of the scores ({@link FloatBounds}: each score h·W_c is within δ = γ_D·max‖h‖·max‖W‖; a per-row loss is
     * within K·δ plus its arithmetic, K = 2 for a softmax, k + 1 for the k + 1 binary terms of NCE / negative
     * sampling); ∂/∂h, ∂/∂W (dense, from the sparse rows), ∂/∂b and, when {@code learnableLogZ}, ∂/∂log Z against
     * central differences of the reference, within (D + 2·(k + 1) + 8)·u·(1 + L)·4 of the largest entry plus the
     * absolute floor 1e-7 of {@link LossTesting#assertVectorClose} for the central differences' own error (step
     * 1e-6 on values of order 1: rounding ~1e-10, truncation ~1e-12·|f‴|); the sparse ids equal
     * {@code expectedIds}.
     */
    static ClassLossResult check(String name, ClassScoringLoss loss, ClassBatch batch, double logZ,
                                 Function<Vars, Ref> reference, boolean learnableLogZ, int[] expectedIds) {
        ClassLossResult result = loss.compute(batch);
        Vars x = new Vars(batch, logZ);
        Ref ref = reference.apply(x);
        double maxH = 0;
        double maxW = 0;
        for (int i = 0; i < x.b; i++) {
            maxH = Math.max(maxH, norm(x.h, i, x.d));
        }
        for (int c = 0; c < x.v; c++) {
            maxW = Math.max(maxW, norm(x.w, c, x.d));
        }
        double maxLogit = maxH * maxW + (x.bias == null ? 0 : FloatBounds.maxAbs(x.bias)) + Math.abs(logZ);
        double delta = FloatBounds.dot(x.d, maxH * maxW);
        int terms = batch.samplesPerRow() + 1;
        double k = name.contains("softmax") ? 2 : terms;
        double rel = k * delta + k * FloatBounds.logSumExpArithmetic(maxLogit, 0);
        double gradientRel = (x.d + 2.0 * Math.max(terms, x.v) + 8) * FloatBounds.U * (1 + maxLogit) * 4;
        double worst = 0;
        assertClose(name + " value", ref.value(), result.value(), rel);
        worst = Math.max(worst, Math.abs(ref.value() - result.value()) / Math.max(1, Math.abs(ref.value())));
        double[] perRow = result.perRow();
        assertEquals(x.b, perRow.length, "per-row length");
        for (int i = 0; i < perRow.length; i++) {
            assertClose(name + " per-row " + i, ref.perRow()[i], perRow[i], rel);
            worst = Math.max(worst, Math.abs(ref.perRow()[i] - perRow[i]) / Math.max(1, Math.abs(ref.perRow()[i])));
        }
        assertEquals(ref.terms().keySet(), result.terms().keySet(), name + " terms");
        for (Map.Entry<String, Double> e : ref.terms().entrySet()) {
            assertClose(name + " term " + e.getKey(), e.getValue(), result.terms().get(e.getKey()), rel);
        }
        note(name + " value/per-row", worst);

        double step = 1e-6;
        Function<double[], Double> f = v -> reference.apply(x).value();
        double[] gh = numericGradient(f, x.h, step);
        assertEquals(x.b, result.queryGradient().rows());
        assertEquals(x.d, result.queryGradient().cols());
        assertVectorClose(name + " query gradient", gh, toDouble(result.queryGradient()), gradientRel);
        note(name + " query gradient", normwise(gh, toDouble(result.queryGradient())));

        SparseRows gw = result.classGradient();
        assertArrayEquals(expectedIds, gw.ids(), name + " class gradient ids");
        assertEquals(x.v, gw.totalRows());
        assertEquals(x.d, gw.cols());
        double[] numericW = numericGradient(f, x.w, step);
        double[] denseW = toDouble(gw.toDense());
        assertVectorClose(name + " class gradient", numericW, denseW, gradientRel);
        note(name + " class gradient", normwise(numericW, denseW));

        if (x.bias != null) {
            SparseVector gb = result.biasGradient().orElseThrow(() -> new AssertionError("no bias gradient"));
            assertArrayEquals(expectedIds, gb.ids(), name + " bias gradient ids");
            double[] numericB = numericGradient(f, x.bias, step);
            assertVectorClose(name + " bias gradient", numericB, gb.toDense(), gradientRel);
            note(name + " bias gradient", normwise(numericB, gb.toDense()));
        } else {
            assertTrue(result.biasGradient().isEmpty(), "no bias, no bias gradient");
        }
        if (learnableLogZ) {
            double[] z = {x.logZ};
            double[] numeric = numericGradient(v -> {
                x.logZ = v[0];
                double value = reference.apply(x).value();
                x.logZ = logZ;
                return value;
            }, z, step);
            Double actual = result.scalarGradients().get(Scalar.LOG_NORMALISER);
            assertTrue(actual != null, "missing log-normaliser gradient");
            assertVectorClose(name + " log-normaliser gradient", numeric, new double[] {actual}, gradientRel);
            note(name + " log-normaliser gradient", normwise(numeric, new double[] {actual}));
            assertEquals(1, result.scalarGradients().size());
        } else {
            assertTrue(result.scalarGradients().isEmpty(), "no learnable scalar: " + result.scalarGradients());
        }
        return result;
    }

    static synchronized void note(String what, double err) {
        WORST.merge(what, err, Math::max);
    }

    static double normwise(double[] expected, double[] actual) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        return scale == 0 ? err : err / scale;
    }

    static String report() {
        StringBuilder sb = new StringBuilder("class-scoring losses, largest disagreement with the double reference"
                + " (gradients: max error / max |finite difference|):\n");
        WORST.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "  %-45s %.3g%n", k, v)));
        return sb.toString();
    }

    /** A V-long distribution proportional to 1 + (c mod 5), every class > 0. */
    static double[] noise(int v) {
        double[] q = new double[v];
        double sum = 0;
        for (int c = 0; c < v; c++) {
            q[c] = 1 + c % 5;
            sum += q[c];
        }
        for (int c = 0; c < v; c++) {
            q[c] /= sum;
        }
        return q;
    }

    static Matrix scaled(Matrix m, float f) {
        return LossReferences2.scaled(m, f);
    }

    /**
     * The bounds of {@link #check} for two float32 computations of the same class loss on {@code batch} (another
     * code path, another sample order): twice the per-row bound (K = {@code lipschitz}) and twice the relative
     * gradient bound, as {perRow, gradientRelative}.
     */
    static double[] twoComputations(ClassBatch batch, double lipschitz) {
        int d = batch.queries().cols();
        double maxH = FloatBounds.maxRowNorm(batch.queries().data(), d);
        double maxW = FloatBounds.maxRowNorm(batch.classes().data(), d);
        double maxBias = 0;
        if (batch.bias().isPresent()) {
            for (float b : batch.bias().get()) {
                maxBias = Math.max(maxBias, Math.abs(b));
            }
        }
        double maxLogit = maxH * maxW + maxBias;
        double delta = FloatBounds.dot(d, maxH * maxW);
        double perRow = lipschitz * delta + lipschitz * FloatBounds.logSumExpArithmetic(maxLogit, 0);
        int terms = batch.samplesPerRow() + 1;
        double gradient = (d + 2.0 * Math.max(terms, batch.classes().rows()) + 8) * FloatBounds.U * (1 + maxLogit)
                * 4;
        return new double[] {2 * perRow, 2 * gradient};
    }

    private static double norm(double[] a, int row, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += a[row * d + k] * a[row * d + k];
        }
        return Math.sqrt(s);
    }
}
