package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every metric on the same rows multiplied by a scale from 1e-30 to the edge of the float32 range, against the
 * double-precision {@link Reference} evaluated on exactly those float32 inputs and, for the metrics that normalise
 * (and rows above the norm floor 1e-12 of {@code F.normalize}), against the reference at scale 1: cosine does not
 * see the scale. Before the row norms were summed in double, rows of magnitude 1e19 gave another value and rows of
 * 1e25 reported total collapse (norm ∞, every normalised row 0).
 *
 * <p>Tolerances ({@link FloatBounds}): a normalised row carries one float32 rounding per entry, so a cosine or a
 * distance between normalised rows is within γ_{D+2} (twice that for a squared distance); a float32 Gram entry of
 * raw rows within γ_D·Σ|x_k·y_k|; the float32 inputs float32(s·x) differ from s·x by u per entry, which moves a
 * cosine by at most 2u·(1 + √D). Log-mean-exps are 1-Lipschitz in their arguments (uniformity: t·|Δd²|; the InfoNCE
 * loss of the hardness report: 2·|Δl|). Everything else is double arithmetic, bounded by γ64 of the number of terms
 * times the magnitudes involved.
 */
class AnyScaleMetricsTest {
    static final int N = 40;
    static final int D = 8;

    static Matrix scaled(Matrix m, double scale) {
        float[] out = new float[m.data().length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (m.data()[k] * scale);
            assertTrue(Float.isFinite(out[k]), "scaled input " + out[k]);
        }
        return Matrix.of(m.rows(), m.cols(), out);
    }

    /** 3e38 / max|x|: the largest entry at 3e38. */
    static double edge(Matrix... ms) {
        double max = 0;
        for (Matrix m : ms) {
            max = Math.max(max, FloatBounds.maxAbs(m.data()));
        }
        return 3e38 / max;
    }

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(doubles = {1e-30, 1e-10, 1, 1e10, 1e19, 1e25, Double.NaN})
    void metricsAtAnyScale(double s) {
        Matrix x1 = Reference.gaussian(N, D, 1.0, 11);
        Matrix y1 = Reference.noisy(x1, 0.5, 12);
        double scale = Double.isNaN(s) ? edge(x1, y1) : s;
        Matrix x = scaled(x1, scale);
        Matrix y = scaled(y1, scale);
        boolean aboveFloor = scale > 1e-6;
        double cos = FloatBounds.cosine(D);
        double inputs = 2 * FloatBounds.U * (1 + Math.sqrt(D));

        // alignment, normalised: Σ(x̂ − ŷ)² within 2·2γ_{D+2} of the exact (rows of norm ≤ 1)
        double alignTol = 4 * cos + FloatBounds.gamma64(2L * N * D) * 4;
        assertEquals(Reference.alignment(x, y, 2, true), Alignment.of(x, y), alignTol, "alignment");
        if (aboveFloor) {
            assertEquals(Reference.alignment(x1, y1, 2, true), Alignment.of(x, y), alignTol + 4 * inputs,
                    "alignment vs scale 1");
        }
        // alignment, raw: differences and squares in double from the float32 inputs
        double rawAlign = Reference.alignment(x, y, 2, false);
        assertEquals(rawAlign, Alignment.of(x, y, 2, false), FloatBounds.gamma64(4L * N * D) * rawAlign,
                "raw alignment");

        // uniformity, normalised (t = 2): the Gram form's d² within 2·γ_{D+2}·2 (‖x̂‖, ‖ŷ‖ ≤ 1)
        double unifTol = 2 * (4 * cos) + FloatBounds.gamma64(4L * N * N) * 8;
        assertEquals(Reference.uniformity(x, 2, true), Uniformity.of(x), unifTol, "uniformity");
        if (aboveFloor) {
            assertEquals(Reference.uniformity(x1, 2, true), Uniformity.of(x), unifTol + 2 * 4 * inputs,
                    "uniformity vs scale 1");
        }
        // uniformity, raw (t = 2): d² within 2γ_D·Σ|x·y| + γ64 of ‖x‖² + ‖y‖², in log space for large rows
        double maxSq = 0;
        for (int i = 0; i < N; i++) {
            double sq = 0;
            for (int k = 0; k < D; k++) {
                sq += (double) x.get(i, k) * x.get(i, k);
            }
            maxSq = Math.max(maxSq, sq);
        }
        double rawUnif = Reference.uniformityLogSpace(x, 2);
        double rawTol = 2 * (2 * FloatBounds.gamma(D) * maxSq + FloatBounds.gamma64(4L * D) * 2 * maxSq)
                + FloatBounds.gamma64(4L * N * N) * (Math.abs(rawUnif) + 1);
        assertEquals(rawUnif, Uniformity.of(x, 2, false), rawTol, "raw uniformity");

        // collapse: the mean cosine within γ_{D+2} (every pair's cosine is), the effective rank within the
        // entropy-continuity bound of FloatBounds.effectiveRank for the perturbation of the covariance
        CollapseReport c = Collapse.of(x, true);
        assertEquals(Reference.meanCosine(x), c.meanCosine(), cos + FloatBounds.gamma64(4L * N * D));
        if (aboveFloor) {
            assertEquals(Reference.meanCosine(x1), c.meanCosine(), cos + inputs + FloatBounds.gamma64(4L * N * D),
                    "mean cosine vs scale 1");
            double erank = Reference.effectiveRank(x1, true);
            // normalised rows rounded to float32 (u per entry) from inputs rounded to float32: ‖Δx̂‖ ≤ u + inputs,
            // the centred rows move by twice that and have norm ≤ 2, so ‖ΔC‖₂ ≤ 2·2·2·(u + inputs)
            assertEquals(erank, c.effectiveRank(),
                    FloatBounds.effectiveRank(erank, D, 8 * (FloatBounds.U + inputs) / trace(x1, true)),
                    "effective rank vs scale 1");
        }
        CollapseReport raw = Collapse.of(x, false);
        double erankRaw = Reference.effectiveRank(x, false);
        // raw: the covariance is computed from the same float32 inputs in double; only double arithmetic
        // the same float32 inputs in double on both sides: ‖ΔC‖₂ ≤ γ64(N·D)·max‖z‖², relative to tr(C)
        double spread = maxSquaredNorm(x1) * 4 / trace(x1, false); // max‖z‖² ≤ 4·max‖x‖², scale-free
        assertEquals(erankRaw, raw.effectiveRank(),
                FloatBounds.effectiveRank(erankRaw, D, FloatBounds.gamma64(4L * N * D) * spread), "raw effective rank");
        // against scale 1: the inputs float32(s·x) moved each entry by u relative: ‖ΔC‖₂ ≤ 2·2u·max‖z‖·max‖x‖
        assertEquals(Reference.effectiveRank(x1, false), raw.effectiveRank(),
                FloatBounds.effectiveRank(erankRaw, D, (4 * FloatBounds.U + FloatBounds.gamma64(4L * N * D)) * spread),
                "raw effective rank vs scale 1");

        // hardness and the mutual-information bound (cosine, τ = 0.1): logits within γ_{D+2}/τ
        double tau = 0.1;
        Reference.AnchorStats ref = Reference.hardness(x, y, tau, true);
        double lossTol = FloatBounds.softmaxRow(cos / tau, 1 / tau, 0);
        assertEquals(ref.loss(), Hardness.of(x, y, tau, true).infoNceLoss(), lossTol, "hardness loss");
        assertEquals(Math.log(N) - ref.loss(), MutualInformation.infoNceBound(x, y, tau), lossTol, "MI bound");
        if (aboveFloor) {
            double one = Reference.hardness(x1, y1, tau, true).loss();
            assertEquals(one, Hardness.of(x, y, tau, true).infoNceLoss(), lossTol + 2 * inputs / tau,
                    "hardness loss vs scale 1");
        }
        // hardness on raw rows (dot): the logits come from float32 products (redone in double where they overflow)
        double maxDot = maxSq; // Σ|x·y| ≤ max ‖x‖·max ‖y‖ ≈ max ‖x‖² here (y is x plus noise), checked below
        double maxDotY = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double sd = 0;
                for (int k = 0; k < D; k++) {
                    sd += Math.abs((double) x.get(i, k) * y.get(j, k));
                }
                maxDotY = Math.max(maxDotY, sd);
            }
        }
        assertTrue(maxDot > 0 && maxDotY > 0);
        double delta = FloatBounds.dot(D, maxDotY) / tau;
        Reference.AnchorStats refRaw = Reference.hardness(x, y, tau, false);
        assertEquals(refRaw.loss(), Hardness.of(x, y, tau, false).infoNceLoss(),
                2 * delta + FloatBounds.gamma64(4L * N) * (Math.abs(refRaw.loss()) + maxDotY / tau + 1),
                "raw hardness loss");
    }

    private static double maxSquaredNorm(Matrix x) {
        double max = FloatBounds.maxRowNorm(x.data(), x.cols());
        return max * max;
    }

    private static double trace(Matrix x, boolean normalize) {
        double[][] c = Reference.covariance(x, normalize);
        double t = 0;
        for (int k = 0; k < c.length; k++) {
            t += c[k][k];
        }
        return t;
    }

    @Test
    void alignmentBeyondTheDoubleRangeIsAPreciseError() {
        Matrix x = scaled(Reference.gaussian(4, 3, 1.0, 1), 1e38);
        Matrix y = scaled(Reference.gaussian(4, 3, 1.0, 2), 1e38);
        // ‖x − y‖^α with ‖x − y‖ ~ 1e38 and α = 10: 1e380 is beyond double
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Alignment.of(x, y, 10, false));
        assertTrue(e.getMessage().contains("alignment with alpha = 10.0 is Infinity"), e.getMessage());
    }
}
