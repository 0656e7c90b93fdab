package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every in-batch loss on the same rows multiplied by a scale from 1e-30 to the edge of the float32 range: the result
 * is either correct or one precise exception, never NaN, ±∞ or a silently wrong number.
 *
 * <p>For each scale s the inputs are float32(s·x). The reference is the loss's double-precision reference
 * implementation (the one each loss's own test uses) evaluated on exactly those float32 inputs, and its gradient
 * central finite differences of it with a step relative to s. With cosine similarity the reference is also, away
 * from the norm floor 1e-12 of {@code F.normalize}, the reference at scale 1 (cosine does not see the scale) and
 * the gradient that reference's gradient divided by s — which the test checks too. With dot similarity a
 * similarity |⟨x, y⟩| beyond the float32 range makes the loss refuse with an exception naming the logit; where
 * every float32 quantity fits the result must be correct; in between (|⟨x, y⟩| within γ_D of the float32 maximum),
 * either is accepted.
 *
 * <p>Tolerances ({@link FloatBounds}): the similarities the loss computes are within δ of the exact ones, δ = γ_{D+2}
 * for cosine and γ_D·max Σ_k|x_k·y_k| for dot; a per-row loss is within {@code lipschitz}·δ/τ plus its float32
 * arithmetic, {@code lipschitz} being the loss's Lipschitz constant in the max norm of its similarities or distances
 * (2 for a log-sum-exp minus a logit, N for SigLIP's N softplus terms, and so on). A gradient entry is within
 * (D + 2N + 8)·u·(1 + L)·4·(1 + √D) of the largest reference entry (L the largest |logit|: the softmax weights carry
 * a relative error of about 2·δ·L, the products γ_{2N+D}, the back-propagation through the normalisation a factor
 * 1 + √D), plus the finite differences' own error (estimated from two step sizes) and one float32 subnormal spacing.
 * Where the logits are so large that float32 cannot resolve their differences (2δ/τ ≥ 1), no float32 computation can
 * bound the softmax weights: there the value is compared and the gradient is only required to be finite. Where the
 * finite differences cannot resolve the gradient (dot similarity below scale 1, rows under the cosine norm floor)
 * it is only required to be finite too.
 */
class AnyScaleTest {
    static final int N = 6;
    static final int D = 5;
    static final double TAU = 0.5;
    static final long[] LABELS = {0, 1, 0, 2, 1, 3};

    /** One loss: how to build it, its batch and its reference, and its Lipschitz constant in the similarities. */
    record Spec(String name, Function<Similarity, ContrastiveLoss> loss, boolean labels, int sharedNegatives,
                RefFactory reference, double tau, double lipschitz, boolean distances) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface RefFactory {
        LossTesting.Ref apply(LossTesting.Vars v, boolean cosine);
    }

    static List<Spec> specs() {
        List<Spec> s = new ArrayList<>();
        s.add(new Spec("InfoNCE dense", sim -> InfoNce.builder().temperature(TAU).similarity(sim)
                .engine(Engine.DENSE).build(), false, 0,
                (v, c) -> InfoNceTest.reference(v, c, false, null, 0, 0, Double.POSITIVE_INFINITY, Reduction.MEAN),
                TAU, 2, false));
        s.add(new Spec("InfoNCE symmetric, labels", sim -> InfoNce.builder().temperature(TAU).similarity(sim)
                .symmetric(true).engine(Engine.DENSE).build(), true, 0,
                (v, c) -> InfoNceTest.reference(v, c, true, LABELS, 0, 0, Double.POSITIVE_INFINITY, Reduction.MEAN),
                TAU, 2, false));
        s.add(new Spec("InfoNCE tiled", sim -> InfoNce.builder().temperature(TAU).similarity(sim).symmetric(true)
                .engine(Engine.TILED).threads(1).build(), false, 0,
                (v, c) -> InfoNceTest.reference(v, c, true, null, 0, 0, Double.POSITIVE_INFINITY, Reduction.MEAN),
                TAU, 2, false));
        s.add(new Spec("NT-Xent", sim -> NtXent.builder().temperature(TAU).similarity(sim).build(), false, 0,
                (v, c) -> NtXentTest.reference(v, c, Reduction.MEAN), TAU, 2, false));
        s.add(new Spec("SupCon", sim -> SupCon.builder().temperature(TAU).similarity(sim).build(), true, 0,
                (v, c) -> SupConTest.reference(v, LABELS, true, c, Double.NaN, Reduction.MEAN), TAU, 2, false));
        s.add(new Spec("DCL", sim -> Dcl.builder().temperature(TAU).similarity(sim).build(), false, 0,
                (v, c) -> DclTest.reference(v, null, c, Reduction.MEAN), TAU, 2, false));
        s.add(new Spec("SigLIP", sim -> SigLip.builder().temperature(TAU).bias(0).similarity(sim).build(), false, 0,
                (v, c) -> SigLipTest.reference(v, c, Reduction.MEAN), TAU, N, false));
        s.add(new Spec("margin contrastive", sim -> MarginContrastive.builder().similarity(sim).build(), false, 0,
                (v, c) -> MarginContrastiveTest.reference(v, c, 0, 1, null, 0, 0, Reduction.MEAN), 1, Double.NaN,
                true));
        s.add(new Spec("triplet", sim -> Triplet.builder().similarity(sim).build(), false, 4,
                (v, c) -> TripletTest.reference(v, c, 0.2, false, 0, Reduction.MEAN), 1, 2, true));
        return s;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Spec spec : specs()) {
            for (Similarity sim : Similarity.values()) {
                for (double scale : new double[] {1e-30, 1e-10, 1, 1e10, 1e19, 1e25, Double.NaN}) {
                    out.add(Arguments.of(spec, sim, scale));
                }
            }
        }
        return out.stream();
    }

    /** NaN as the scale stands for "the largest entry at 3e38". */
    @ParameterizedTest(name = "{0} {1} scale {2}")
    @MethodSource("cases")
    void correctOrAPreciseExceptionAtAnyScale(Spec spec, Similarity similarity, double scale) {
        SplittableRandom rnd = new SplittableRandom(2026);
        Matrix a = LossTesting.gaussian(rnd, N, D);
        Matrix p = LossTesting.gaussian(rnd, N, D);
        Matrix neg = spec.sharedNegatives() > 0 ? LossTesting.gaussian(rnd, spec.sharedNegatives(), D) : null;
        if (Double.isNaN(scale)) {
            double max = Math.max(FloatBounds.maxAbs(a.data()), FloatBounds.maxAbs(p.data()));
            if (neg != null) {
                max = Math.max(max, FloatBounds.maxAbs(neg.data()));
            }
            scale = 3e38 / max;
        }
        boolean cosine = similarity == Similarity.COSINE;
        Batch one = batch(spec, a, p, neg, 1);
        Batch scaled = batch(spec, a, p, neg, scale);
        ContrastiveLoss loss = spec.loss().apply(similarity);
        LossTesting.Vars vars = new LossTesting.Vars(scaled, spec.tau(), 0);
        LossTesting.Ref ref = spec.reference().apply(vars, cosine);

        // what float32 can hold: the largest Σ_k |x_k·y_k| over every pair of rows the loss may multiply
        double maxAbsDot = cosine ? 1 + FloatBounds.gamma(D + 2) : maxAbsDot(scaled);
        double[] numeric = null;
        double fdError = 0;
        double maxGrad = 0;
        Map<Input, double[]> gradients = new java.util.EnumMap<>(Input.class);
        Map<Input, Double> fdErrors = new java.util.EnumMap<>(Input.class);
        for (Map.Entry<Input, double[]> e : vars.inputs.entrySet()) {
            double[] x = e.getValue();
            double h = 1e-5 * FloatBounds.maxAbs(x);
            numeric = LossTesting.numericGradient(v -> spec.reference().apply(vars, cosine).value(), x, h);
            double[] coarse = LossTesting.numericGradient(v -> spec.reference().apply(vars, cosine).value(), x, 2 * h);
            double err = 0;
            for (int k = 0; k < x.length; k++) {
                err = Math.max(err, Math.abs(numeric[k] - coarse[k]));
            }
            // truncation O(h²): |FD(h) − FD(2h)| ≈ 3·error(h); rounding of the reference U64·|f|·(terms)/h
            fdError = 2 * err + 64 * FloatBounds.U64 * (Math.abs(ref.value()) + 1) * N * N / h;
            gradients.put(e.getKey(), numeric);
            fdErrors.put(e.getKey(), fdError);
            maxGrad = Math.max(maxGrad, FloatBounds.maxAbs(numeric));
        }
        boolean fits = Double.isFinite(ref.value()) && maxAbsDot * (1 + FloatBounds.gamma(D)) < Float.MAX_VALUE
                && maxGrad * (1 + 1e-3) < Float.MAX_VALUE;
        boolean overflows = !cosine && !spec.distances() && maxAbsDot * (1 - FloatBounds.gamma(D)) > Float.MAX_VALUE;

        LossResult r;
        try {
            r = loss.compute(scaled);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            assertTrue(m.contains("overflows float32") && m.contains("scale the inputs down"),
                    "the refusal must name the overflow and the remedy: " + m);
            if (fits) {
                fail(spec + " " + similarity + " at scale " + scale + ": every float32 quantity fits (max |dot| "
                        + maxAbsDot + ", max |gradient| " + maxGrad + ") but the loss refused: " + m);
            }
            if (overflows) {
                assertTrue(m.contains("logit s["), "an overflowing similarity is named as a logit: " + m);
            }
            return;
        }
        if (overflows) {
            fail(spec + " " + similarity + " at scale " + scale + ": a float32 similarity must overflow (max |dot| "
                    + maxAbsDot + ") but the loss returned " + r.value());
        }
        LossTesting.assertAllFinite(r);

        // the value and the per-row losses
        double delta = cosine ? FloatBounds.cosine(D) : FloatBounds.dot(D, maxAbsDot);
        double maxLogit = maxAbsDot / spec.tau();
        double rowBound;
        double lipschitz = Double.isNaN(spec.lipschitz()) ? 2 * (2 * Math.sqrt(maxAbsDot) + 1) : spec.lipschitz();
        if (spec.distances()) {
            // far pairs come from the Gram matrix with d² ≥ 0.1·(‖x‖² + ‖y‖²): |Δd| ≤ γ·Σ|x·y|/d ≤ √5·γ·√(Σ|x·y|)
            double dd = Math.sqrt(5) * (cosine ? FloatBounds.cosine(D) : FloatBounds.gamma(D + 2))
                    * Math.sqrt(maxAbsDot) + 8 * FloatBounds.U64 * Math.sqrt(maxAbsDot);
            rowBound = lipschitz * dd + 8 * FloatBounds.U64 * (Math.abs(FloatBounds.maxAbs(ref.perRow())) + 1);
        } else {
            rowBound = lipschitz * delta / spec.tau() + FloatBounds.logSumExpArithmetic(maxLogit, 3) * lipschitz;
        }
        double[] perRow = r.perRow();
        for (int i = 0; i < perRow.length; i++) {
            within(spec + " " + similarity + " scale " + scale + " per-row " + i, ref.perRow()[i], perRow[i],
                    rowBound);
        }
        within(spec + " " + similarity + " scale " + scale + " value", ref.value(), r.value(), rowBound);

        // cosine away from the norm floor: the same loss as at scale 1
        boolean aboveFloor = minRowNorm(scaled) > 1e-6;
        if (cosine && aboveFloor) {
            LossTesting.Ref refOne = spec.reference().apply(new LossTesting.Vars(one, spec.tau(), 0), true);
            // float32(s·x) rounds each entry (relative u): the cosines move by at most 2u·(1 + √D)
            double inputs = lipschitz * 2 * FloatBounds.U * (1 + Math.sqrt(D)) / spec.tau();
            within(spec + " scale " + scale + " vs scale 1", refOne.value(), r.value(), rowBound + inputs);
        }

        // the gradients
        double logitError = spec.distances() ? 0 : delta / spec.tau();
        if (2 * logitError >= 1) {
            return; // float32 cannot resolve these logits' differences: the value above is all that can be bounded
        }
        double relative = (D + 2 * N + 8) * FloatBounds.U * (1 + maxLogit) * 4 * (1 + Math.sqrt(D));
        for (Map.Entry<Input, double[]> e : gradients.entrySet()) {
            double[] expected = e.getValue();
            float[] got = r.gradient(e.getKey()).data();
            // finite differences resolve the gradient only where the value moves by more than its double rounding
            // under a step: not for dot similarity below scale 1 (logits ~ s², the value ~ log N + O(s²)), nor under
            // the cosine norm floor; there the gradient is only required to be finite (checked above), and
            // SimilarityTest covers the floor
            boolean resolvable = fdErrors.get(e.getKey()) <= 1e-2 * FloatBounds.maxAbs(expected);
            boolean mustResolve = cosine ? aboveFloor : scale >= 1;
            if (!resolvable) {
                assertTrue(!mustResolve, spec + " " + similarity + " scale " + scale + ": finite differences should "
                        + "resolve the gradient here, error estimate " + fdErrors.get(e.getKey()));
                continue;
            }
            double tol = relative * FloatBounds.maxAbs(expected) + fdErrors.get(e.getKey()) + Float.MIN_VALUE;
            for (int k = 0; k < got.length; k++) {
                within(spec + " " + similarity + " scale " + scale + " gradient " + e.getKey().key() + "[" + k + "]",
                        expected[k], got[k], tol);
            }
        }
    }

    static Batch batch(Spec spec, Matrix a, Matrix p, Matrix neg, double scale) {
        Batch.Builder b = Batch.builder(scaled(a, scale)).positives(scaled(p, scale));
        if (neg != null) {
            b.sharedNegatives(scaled(neg, scale));
        }
        if (spec.labels()) {
            b.labels(LABELS);
        }
        return b.build();
    }

    static Matrix scaled(Matrix m, double scale) {
        float[] out = new float[m.data().length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (m.data()[k] * scale);
            if (!Float.isFinite(out[k])) {
                throw new AssertionError("scaled input not finite: " + out[k]);
            }
        }
        return Matrix.of(m.rows(), m.cols(), out);
    }

    /** max over every pair of rows (any inputs) of Σ_k |x_k·y_k|, in double. */
    static double maxAbsDot(Batch b) {
        List<float[]> rows = new ArrayList<>();
        addRows(rows, b.anchors());
        b.positives().ifPresent(m -> addRows(rows, m));
        b.negatives().ifPresent(m -> addRows(rows, m));
        double max = 0;
        for (float[] x : rows) {
            for (float[] y : rows) {
                double s = 0;
                for (int k = 0; k < x.length; k++) {
                    s += Math.abs((double) x[k] * y[k]);
                }
                max = Math.max(max, s);
            }
        }
        return max;
    }

    private static void addRows(List<float[]> rows, Matrix m) {
        for (int i = 0; i < m.rows(); i++) {
            rows.add(m.row(i));
        }
    }

    static double minRowNorm(Batch b) {
        double min = Double.POSITIVE_INFINITY;
        for (float[] x : List.of(b.anchors().data(), b.positives().orElseThrow().data())) {
            for (int off = 0; off < x.length; off += D) {
                double s = 0;
                for (int k = 0; k < D; k++) {
                    s += (double) x[off + k] * x[off + k];
                }
                min = Math.min(min, Math.sqrt(s));
            }
        }
        return min;
    }

    static void within(String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": expected " + expected + ", was " + actual + " (tolerance " + tol + ")");
        }
    }
}
