package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every loss against the golden PyTorch fixtures in {@code src/test/resources/fixtures} (written by
 * {@code scripts/make_fixtures.py}: the losses implemented independently in torch from their formulas, float64,
 * autograd gradients). One dynamic test per fixture file, so a new fixture is picked up without touching this class.
 * Each test builds the loss from the fixture's config with the public builders ({@link FixtureLosses}), computes it on
 * the fixture's float32 inputs and compares the value, every per-row loss, the skipped-row count, the gradient with
 * respect to every raw input, every learnable-scalar gradient and every named term torch reports. The sets of
 * gradients and scalar gradients must be exactly those torch has (the inputs used, the learnable scalars).
 *
 * <p><b>Disagreement measures.</b> A number (value, per-row loss, term, scalar gradient) x against torch's t:
 * |x − t| / max(1, |t|) — relative for |t| ≥ 1, absolute below (a per-row loss of 1e-8 is the difference of two
 * O(1) logits and float32 cannot resolve it relatively). A gradient, row r: max_k |x_rk − t_rk| / s_r with
 * s_r = max(‖t_r‖∞, 0.01·median_r ‖t_r‖∞, 1e-6) — each row relative to its own largest entry, but a row whose
 * gradient is tiny (a nearly solved anchor) is judged against 1% of a typical row (its float32 rounding comes from
 * terms of the typical size), and the 1e-6 floor treats gradients below ~1e-10 (the identical-inputs case at logit
 * 1000, where torch's gradients are ~1e-77) as zero. Per row and not per array so that the zero-row fixture, whose
 * cosine gradient is g/ε ≈ 1e11 on one row, does not hide the others.
 *
 * <p><b>Tolerance.</b> 1e-4 · max(1, scale/100), scale = the logit scale min(1/τ, max logit scale) (1 for the
 * distance losses): 1e-4 for every τ ≥ 0.01, growing linearly to 1e-3 at τ = 1e-3. The library keeps float32 data
 * and accumulates in double; a float32 similarity is off by ~6e-8 and the logit scale multiplies that error. At
 * scale ≤ 100 the measured disagreement is a few 1e-6, so 1e-4 is tight. At τ = 1e-3 the logits are ~1000 and
 * differ by O(1): the rounding of the similarities alone puts ~6e-5 into every logit, which the loss, its gradients
 * and above all ∂L/∂log τ = −Σ ∂L/∂s·s (a sum of terms of size 1000 that cancel to O(1)) inherit; a plain float32
 * computation is off by up to ~1e-2 there (each fixture's {@code float32_check}: the same torch code run in
 * float32), contrast4j by ~1.5e-4 at most, so 1e-3 keeps a margin while any error in a formula (O(1)) still fails.
 *
 * <p>The largest disagreement of each kind over all fixtures, split into normal and small temperatures, is printed
 * after the run.
 */
class PyTorchFixturesTest {
    private static final double BASE_TOLERANCE = 1e-4;

    /** The kinds of number compared, each with its worst disagreement. */
    private enum Kind {
        VALUE("value"), ROWS("per-row and terms"), GRADIENT("input gradients"), SCALAR("scalar gradients");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** Worst disagreements: [kind][regime 0 = scale ≤ 100, 1 = scale > 100]. */
    private static final double[][] WORST = new double[Kind.values().length][2];
    private static final String[][] WORST_AT = new String[Kind.values().length][2];
    private static int checked;

    static double tolerance(double logitScale) {
        return BASE_TOLERANCE * Math.max(1.0, logitScale / 100.0);
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        List<Path> files = Fixture.files();
        assertFalse(files.isEmpty(), "no fixtures found");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> check(f, Engine.AUTO)));
    }

    /**
     * The InfoNCE and CLIP fixtures without explicit negatives (the batches the tiled engine covers), once more on the
     * tiled engine; at least the plain, symmetric, labelled, learnable, clamped and τ = 1e-3 ones.
     */
    @TestFactory
    Stream<DynamicTest> matchesPyTorchOnTheTiledEngine() {
        List<Path> files = Fixture.files().stream().filter(f -> {
            Fixture fx = Fixture.read(f);
            return (fx.loss().equals("infonce") || fx.loss().equals("clip")) && fx.batch().negatives().isEmpty();
        }).toList();
        assertTrue(files.size() >= 15, "expected at least 15 InfoNCE/CLIP fixtures without negatives, found "
                + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString() + " (tiled)",
                () -> check(f, Engine.TILED)));
    }

    @Test
    void everyCliLossHasAFixture() {
        Set<String> seen = new TreeSet<>();
        for (Path f : Fixture.files()) {
            Fixture fx = Fixture.read(f);
            assertTrue(FixtureLosses.LOSS_NAMES.contains(fx.loss()),
                    fx.file() + " has loss " + fx.loss() + ", not a CLI loss name " + FixtureLosses.LOSS_NAMES);
            assertEquals(fx.name() + ".json", fx.file(), "fixture name and file name differ");
            seen.add(fx.loss());
        }
        Set<String> missing = new TreeSet<>(FixtureLosses.LOSS_NAMES);
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), "no fixture for " + missing);
    }

    @Test
    void measuresCatchADisagreement() {
        // the comparison itself must be able to fail; rows of width 3 with largest entries 1, 2, 1e-5, 4
        double[] torch = {0.5, -1.0, 0.25, 2.0, 0.1, 0.3, 1e-5, 0, 0, 4, 0, 0};
        double[] ours = torch.clone();
        assertEquals(0.0, gradientError(ours, torch, 3));
        ours[4] += 1e-3; // row 1: relative to its largest entry, 2
        assertEquals(1e-3 / 2.0, gradientError(ours, torch, 3), 1e-12);
        ours[4] = torch[4];
        ours[7] += 1e-3; // row 2 is tiny: judged against 1% of the median row maximum (1.5), 0.015
        assertEquals(1e-3 / 0.015, gradientError(ours, torch, 3), 1e-12);
        ours[7] = Float.NaN;
        assertEquals(Double.POSITIVE_INFINITY, gradientError(ours, torch, 3));
        assertEquals(1e-3, numberError(5.005, 5.0), 1e-12);
        assertEquals(1e-5, numberError(0.5 + 1e-5, 0.5), 1e-12); // absolute below 1
        assertEquals(Double.POSITIVE_INFINITY, numberError(Double.NaN, 5.0));
        assertEquals(1e-4, tolerance(10));
        assertEquals(1e-4, tolerance(100));
        assertEquals(1e-3, tolerance(1000), 1e-15);
    }

    private static void check(Path file, Engine engine) {
        Fixture fx = Fixture.read(file);
        double scale = FixtureLosses.logitScale(fx.config());
        double tol = tolerance(scale);
        int regime = scale > 100 * (1 + 1e-12) ? 1 : 0;
        ContrastiveLoss loss = FixtureLosses.build(fx.loss(), fx.config(), engine);
        LossResult r = loss.compute(fx.batch());
        Fixture.Expected ex = fx.expected();
        List<String> problems = new ArrayList<>();

        compare(problems, fx, Kind.VALUE, regime, tol, "value", r.value(), ex.value());
        double[] perRow = r.perRow();
        if (perRow.length != ex.perRow().length) {
            problems.add("per_row has " + perRow.length + " rows, torch " + ex.perRow().length);
        } else {
            for (int i = 0; i < perRow.length; i++) {
                compare(problems, fx, Kind.ROWS, regime, tol, "per_row[" + i + "]", perRow[i], ex.perRow()[i]);
            }
        }
        if (r.skippedRows() != ex.skippedRows()) {
            problems.add("skipped_rows " + r.skippedRows() + ", torch " + ex.skippedRows());
        }
        for (Map.Entry<String, Double> t : ex.terms().entrySet()) {
            Double ours = r.terms().get(t.getKey());
            if (ours == null) {
                problems.add("no term " + t.getKey() + " (terms " + r.terms().keySet() + ")");
            } else {
                compare(problems, fx, Kind.ROWS, regime, tol, "term " + t.getKey(), ours, t.getValue());
            }
        }

        if (!r.gradients().keySet().equals(ex.gradients().keySet())) {
            problems.add("gradients for " + r.gradients().keySet() + ", torch for " + ex.gradients().keySet());
        }
        for (Map.Entry<Input, double[]> g : ex.gradients().entrySet()) {
            Matrix ours = r.gradients().get(g.getKey());
            if (ours == null) {
                continue;
            }
            int cols = ex.gradientCols().get(g.getKey());
            double[] t = g.getValue();
            if (ours.cols() != cols || (long) ours.rows() * ours.cols() != t.length) {
                problems.add("gradient " + g.getKey().key() + " is " + ours.shape() + ", torch has " + t.length
                        + " entries of width " + cols);
                continue;
            }
            double[] o = new double[t.length];
            for (int k = 0; k < o.length; k++) {
                o[k] = ours.data()[k];
            }
            double err = gradientError(o, t, cols);
            record(fx, Kind.GRADIENT, regime, err, "gradient " + g.getKey().key());
            if (!(err <= tol)) {
                int at = worstEntry(o, t, cols);
                problems.add(String.format(Locale.ROOT, "gradient %s: disagreement %.3g > %.3g, worst at [%d, %d]:"
                        + " ours %.9g, torch %.9g", g.getKey().key(), err, tol, at / cols, at % cols, o[at], t[at]));
            }
        }

        if (!r.scalarGradients().keySet().equals(ex.scalarGradients().keySet())) {
            problems.add("scalar gradients for " + r.scalarGradients().keySet() + ", torch for "
                    + ex.scalarGradients().keySet());
        }
        for (Map.Entry<Scalar, Double> s : ex.scalarGradients().entrySet()) {
            Double ours = r.scalarGradients().get(s.getKey());
            if (ours != null) {
                compare(problems, fx, Kind.SCALAR, regime, tol, "d/d " + s.getKey().key(), ours, s.getValue());
            }
        }
        synchronized (WORST) {
            checked++;
        }
        if (!problems.isEmpty()) {
            fail(fx.name() + " (" + loss + ", logit scale " + scale + ", tolerance " + tol + "):\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(problems.size(), 12)))
                    + (problems.size() > 12 ? "\n  … " + (problems.size() - 12) + " more" : ""));
        }
    }

    private static void compare(List<String> problems, Fixture fx, Kind kind, int regime, double tol, String what,
                                double ours, double torch) {
        double err = numberError(ours, torch);
        record(fx, kind, regime, err, what);
        if (!(err <= tol)) {
            problems.add(String.format(Locale.ROOT, "%s: ours %.12g, torch %.12g (disagreement %.3g > %.3g)", what,
                    ours, torch, err, tol));
        }
    }

    /** |x − t| / max(1, |t|); infinite for a NaN or infinite result. */
    static double numberError(double ours, double torch) {
        if (!Double.isFinite(ours)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(ours - torch) / Math.max(1.0, Math.abs(torch));
    }

    /** Row-wise relative gradient disagreement, see the class comment. */
    static double gradientError(double[] ours, double[] torch, int cols) {
        double[] scale = rowScales(torch, cols);
        double worst = 0;
        for (int k = 0; k < torch.length; k++) {
            double e = Double.isFinite(ours[k]) ? Math.abs(ours[k] - torch[k]) / scale[k / cols]
                    : Double.POSITIVE_INFINITY;
            worst = Math.max(worst, e);
        }
        return worst;
    }

    private static int worstEntry(double[] ours, double[] torch, int cols) {
        double[] scale = rowScales(torch, cols);
        int at = 0;
        double worst = -1;
        for (int k = 0; k < torch.length; k++) {
            double e = Double.isFinite(ours[k]) ? Math.abs(ours[k] - torch[k]) / scale[k / cols]
                    : Double.POSITIVE_INFINITY;
            if (e > worst) {
                worst = e;
                at = k;
            }
        }
        return at;
    }

    private static double[] rowScales(double[] torch, int cols) {
        int rows = torch.length / cols;
        double[] rowMax = new double[rows];
        for (int k = 0; k < torch.length; k++) {
            rowMax[k / cols] = Math.max(rowMax[k / cols], Math.abs(torch[k]));
        }
        double[] sorted = rowMax.clone();
        Arrays.sort(sorted);
        double median = rows % 2 == 1 ? sorted[rows / 2] : 0.5 * (sorted[rows / 2 - 1] + sorted[rows / 2]);
        double[] scale = new double[rows];
        for (int i = 0; i < rows; i++) {
            scale[i] = Math.max(Math.max(rowMax[i], 0.01 * median), 1e-6);
        }
        return scale;
    }

    private static void record(Fixture fx, Kind kind, int regime, double err, String what) {
        synchronized (WORST) {
            if (err > WORST[kind.ordinal()][regime] || WORST_AT[kind.ordinal()][regime] == null) {
                WORST[kind.ordinal()][regime] = err;
                WORST_AT[kind.ordinal()][regime] = fx.name() + " (" + what + ")";
            }
        }
    }

    @AfterAll
    static void printLargestDisagreement() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "PyTorch fixtures: %d checked (kernel %s); largest disagreement "
                + "(|ours − torch| / max(1, |torch|); gradients row-relative):%n", checked, Kernels.kind().id()));
        String[] regimes = {"logit scale <= 100 (tolerance 1e-4)", "logit scale > 100, i.e. tau = 1e-3 (tolerance 1e-4 * scale/100 = 1e-3)"};
        for (int g = 0; g < 2; g++) {
            sb.append("  ").append(regimes[g]).append(":\n");
            for (Kind k : Kind.values()) {
                String at = WORST_AT[k.ordinal()][g];
                sb.append(String.format(Locale.ROOT, "    %-20s %.3g%s%n", k.label, WORST[k.ordinal()][g],
                        at == null ? "" : "  at " + at));
            }
        }
        System.out.print(sb);
    }
}
