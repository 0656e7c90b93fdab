package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import org.contrast4j.FloatBounds;
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
 * <p><b>Bound.</b> Each fixture is compared within an error bound derived from its own sizes, logit scale and
 * magnitudes ({@link Bound}): torch computed in float64, so the bound is that of our float32 computation (plus the 15
 * significant digits the fixture keeps).
 *
 * <p>The largest fraction of its bound used by each kind of number over all fixtures, split into normal and small
 * temperatures, is printed after the run.
 */
class PyTorchFixturesTest {
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

    /**
     * The float32 error bound of one fixture, derived from its sizes (D, N, the rows of every input), its logit scale
     * 1/τ, its similarity and its magnitudes ({@link FloatBounds}, as {@link LossTesting.Bounds}). The prepared rows
     * have norm ≤ R (1 for cosine, the largest row norm, at least 1, for dot), so each similarity is within
     * γ_{D+2}·R² and each logit within δ = γ_{D+2}·R²·scale; L = R²·scale + |bias| bounds |logit|. A per-row loss is
     * K-Lipschitz in the max norm of its logits (K = 2 for a log-sum-exp minus a logit, doubled for the symmetric and
     * the weighted (DCLW) forms, ×τ/τ_base for SupCon; K = the column count for SigLIP's softplus terms; the distance
     * losses as {@link LossTesting.Bounds}), so it is within K·δ plus K·{@link FloatBounds#logSumExpArithmetic}; the
     * value and the terms within that (mean) or the row count times that (sum, none). A scalar gradient
     * −Σ ∂L/∂l·l (log τ) or Σ ∂L/∂l (bias): Σ|∂L/∂l| ≤ K per row and each ∂L/∂l moves by (e^{2δ} − 1) relatively
     * plus the arithmetic, so within rows·K·(max(L, 1)·(e^{2δ} − 1 + arithmetic) + δ). An input gradient: relative
     * error (D + 2·rows + 8)·u·(1 + L)·4·(1 + √D) (LossTesting) of the upstream gradient ∂L/∂x̂, whose size is
     * estimated as G = max(max_r ‖t_r‖∞·‖x_r‖, K·scale·R/rows) (torch's raw gradient times the row norm, floored at
     * the analytic size of one row's share), and for cosine a row r gets G/‖x_r‖ (the back-propagation through
     * x/‖x‖, ‖x‖ clamped at 1e-12 as F.normalize). Torch's float64 answer written with 15 significant digits adds
     * 1e-14·|t| (it is float64 throughout: the fixture's {@code float32_check} records what float32 torch would cost
     * and is not part of this bound).
     */
    record Bound(double perRow, double value, double scalar, double gradientRelative, double gradientFloor,
                 boolean cosine) {
        static Bound of(Fixture fx, double scale) {
            JsonNode c = fx.config();
            Batch b = fx.batch();
            int d = b.dimension();
            int n = b.size();
            int p = b.positives().map(Matrix::rows).orElse(0);
            int m = b.negatives().map(Matrix::rows).orElse(0);
            int rows = n + p + m;
            String loss = fx.loss();
            boolean cosine = c.has("similarity") ? !c.get("similarity").asText().equals("dot")
                    : !c.has("normalize") || c.get("normalize").asBoolean();
            double r = 1;
            if (!cosine) {
                r = Math.max(r, FloatBounds.maxRowNorm(b.anchors().data(), d));
                if (p > 0) {
                    r = Math.max(r, FloatBounds.maxRowNorm(b.positives().get().data(), d));
                }
                if (m > 0) {
                    r = Math.max(r, FloatBounds.maxRowNorm(b.negatives().get().data(), d));
                }
            }
            double bias = c.has("bias") && c.get("bias").isNumber() ? Math.abs(c.get("bias").doubleValue()) : 0;
            double g = FloatBounds.gamma(d + 2L);
            double k;
            double perRow;
            double maxLogit = r * r * scale + bias;
            double delta = g * r * r * scale;
            switch (loss) {
                case "margin", "triplet" -> {
                    double dd = Math.sqrt(5) * g * r + 8 * FloatBounds.U64 * r;
                    double margin = c.has("negative_margin") ? c.get("negative_margin").doubleValue()
                            : c.has("margin") ? c.get("margin").doubleValue() : 0;
                    k = loss.equals("margin") ? 4 * r + 2 * Math.abs(margin) : 2 * Math.max(1, m);
                    maxLogit = 2 * r + Math.abs(margin);
                    delta = dd;
                    perRow = k * dd + 8 * FloatBounds.U64 * (maxLogit + 1) * k;
                }
                case "align_uniform" -> {
                    double t = c.get("t").doubleValue();
                    double alpha = c.get("alpha").doubleValue();
                    double lambda = Math.abs(c.get("lambda").doubleValue());
                    k = 2 * t + alpha * Math.pow(2 * r, alpha - 1);
                    maxLogit = 4 * t * r * r;
                    delta = 4 * g * r * r;
                    perRow = FloatBounds.alignment(alpha, 2 * r, Math.sqrt(5) * g * r, n, 0)
                            + 2 * Math.max(1, lambda) * FloatBounds.uniformity(d, t, rows, r * r, 0)
                            + FloatBounds.logSumExpArithmetic(maxLogit, 3) * (1 + lambda);
                }
                case "siglip" -> {
                    k = p + m;
                    perRow = k * delta + k * FloatBounds.logSumExpArithmetic(maxLogit, 3);
                }
                default -> {
                    k = 2;
                    if (c.has("symmetric") && c.get("symmetric").asBoolean() || loss.equals("clip")
                            || loss.equals("ntxent")) {
                        k *= 2;
                    }
                    if (c.has("weighted") && c.get("weighted").asBoolean() || loss.equals("dclw")) {
                        k *= 2;
                    }
                    if (c.has("base_temperature") && c.has("temperature")) {
                        k *= Math.max(1, c.get("temperature").doubleValue() / c.get("base_temperature").doubleValue());
                    }
                    double sigmaTerm = 0;
                    if (c.has("sigma") && c.get("sigma").isNumber()) {
                        double ds = g * r * r / c.get("sigma").doubleValue();
                        sigmaTerm = 2 * FloatBounds.softmaxRelative(ds) * maxLogit;
                    }
                    perRow = k * delta + k * FloatBounds.logSumExpArithmetic(maxLogit, 3) + sigmaTerm;
                }
            }
            int rowCount = fx.expected().perRow().length;
            boolean mean = !c.has("reduction") || c.get("reduction").asText().equals("mean");
            double value = mean ? perRow : Math.max(1, rowCount) * perRow;
            double arithmetic = FloatBounds.logSumExpArithmetic(maxLogit, 3);
            double scalar = (mean ? 1 : Math.max(1, rowCount)) * k
                    * (Math.max(maxLogit, 1) * (FloatBounds.softmaxRelative(delta) + arithmetic) + delta);
            double gradient = (d + 2.0 * rows + 8) * FloatBounds.U * (1 + maxLogit) * 4 * (1 + Math.sqrt(d));
            double floor = k * Math.max(scale, 1) * r / Math.max(1, rowCount);
            return new Bound(perRow, value, scalar, gradient, floor, cosine);
        }

        /** The bound on every entry of each row of the gradient t (width cols) with respect to the input x. */
        double[] gradientRows(Matrix x, double[] t, int cols) {
            int rows = t.length / cols;
            double[] norm = new double[rows];
            double[] rowMax = new double[rows];
            double upstream = gradientFloor;
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    double v = x.data()[i * cols + j];
                    s += v * v;
                    rowMax[i] = Math.max(rowMax[i], Math.abs(t[i * cols + j]));
                }
                norm[i] = cosine ? Math.max(Math.sqrt(s), 1e-12) : 1;
                upstream = Math.max(upstream, rowMax[i] * norm[i]);
            }
            double[] out = new double[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = gradientRelative * upstream / norm[i] + 1e-14 * rowMax[i] + Float.MIN_VALUE;
            }
            return out;
        }
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
        // the comparison itself must be able to fail; rows of width 3, each with its own bound
        double[] torch = {0.5, -1.0, 0.25, 2.0, 0.1, 0.3};
        double[] rowBound = {1e-6, 1e-3};
        double[] ours = torch.clone();
        assertEquals(0.0, boundUsed(ours, torch, 3, rowBound));
        ours[4] += 5e-4; // row 1: half its bound
        assertEquals(0.5, boundUsed(ours, torch, 3, rowBound), 1e-9);
        ours[0] += 2e-6; // row 0: twice its bound
        assertEquals(2.0, boundUsed(ours, torch, 3, rowBound), 1e-6);
        ours[2] = Float.NaN;
        assertEquals(Double.POSITIVE_INFINITY, boundUsed(ours, torch, 3, rowBound));
    }

    private static void check(Path file, Engine engine) {
        Fixture fx = Fixture.read(file);
        double scale = FixtureLosses.logitScale(fx.config());
        Bound bound = Bound.of(fx, scale);
        int regime = scale > 100 * (1 + 1e-12) ? 1 : 0;
        ContrastiveLoss loss = FixtureLosses.build(fx.loss(), fx.config(), engine);
        LossResult r = loss.compute(fx.batch());
        Fixture.Expected ex = fx.expected();
        List<String> problems = new ArrayList<>();

        compare(problems, fx, Kind.VALUE, regime, bound.value(), "value", r.value(), ex.value());
        double[] perRow = r.perRow();
        if (perRow.length != ex.perRow().length) {
            problems.add("per_row has " + perRow.length + " rows, torch " + ex.perRow().length);
        } else {
            for (int i = 0; i < perRow.length; i++) {
                compare(problems, fx, Kind.ROWS, regime, bound.perRow(), "per_row[" + i + "]", perRow[i],
                        ex.perRow()[i]);
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
                compare(problems, fx, Kind.ROWS, regime, bound.value(), "term " + t.getKey(), ours, t.getValue());
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
            double[] rowBound = bound.gradientRows(input(fx.batch(), g.getKey()), t, cols);
            double used = boundUsed(o, t, cols, rowBound);
            record(fx, Kind.GRADIENT, regime, used, "gradient " + g.getKey().key());
            if (!(used <= 1)) {
                int at = worstEntry(o, t, cols, rowBound);
                problems.add(String.format(Locale.ROOT, "gradient %s: %.3g of its bound, worst at [%d, %d]:"
                        + " ours %.9g, torch %.9g, bound %.3g", g.getKey().key(), used, at / cols, at % cols, o[at],
                        t[at], rowBound[at / cols]));
            }
        }

        if (!r.scalarGradients().keySet().equals(ex.scalarGradients().keySet())) {
            problems.add("scalar gradients for " + r.scalarGradients().keySet() + ", torch for "
                    + ex.scalarGradients().keySet());
        }
        for (Map.Entry<Scalar, Double> s : ex.scalarGradients().entrySet()) {
            Double ours = r.scalarGradients().get(s.getKey());
            if (ours != null) {
                compare(problems, fx, Kind.SCALAR, regime, bound.scalar(), "d/d " + s.getKey().key(), ours,
                        s.getValue());
            }
        }
        synchronized (WORST) {
            checked++;
        }
        if (!problems.isEmpty()) {
            fail(fx.name() + " (" + loss + ", logit scale " + scale + ", " + bound + "):\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(problems.size(), 12)))
                    + (problems.size() > 12 ? "\n  … " + (problems.size() - 12) + " more" : ""));
        }
    }

    private static Matrix input(Batch batch, Input input) {
        return switch (input) {
            case ANCHORS -> batch.anchors();
            case POSITIVES -> batch.positives().orElseThrow();
            case NEGATIVES -> batch.negatives().orElseThrow();
        };
    }

    /** Compares a number against torch's within an absolute bound; records the fraction of the bound used. */
    private static void compare(List<String> problems, Fixture fx, Kind kind, int regime, double bound, String what,
                                double ours, double torch) {
        double err = Double.isFinite(ours) ? Math.abs(ours - torch) : Double.POSITIVE_INFINITY;
        bound += 1e-14 * Math.abs(torch);
        record(fx, kind, regime, err / bound, what);
        if (!(err <= bound)) {
            problems.add(String.format(Locale.ROOT, "%s: ours %.12g, torch %.12g (|difference| %.3g > bound %.3g)",
                    what, ours, torch, err, bound));
        }
    }

    /** max over entries of |ours − torch| / the bound of the entry's row; infinite for a NaN or infinite entry. */
    static double boundUsed(double[] ours, double[] torch, int cols, double[] rowBound) {
        double worst = 0;
        for (int k = 0; k < torch.length; k++) {
            double e = Double.isFinite(ours[k]) ? Math.abs(ours[k] - torch[k]) / rowBound[k / cols]
                    : Double.POSITIVE_INFINITY;
            worst = Math.max(worst, e);
        }
        return worst;
    }

    private static int worstEntry(double[] ours, double[] torch, int cols, double[] rowBound) {
        int at = 0;
        double worst = -1;
        for (int k = 0; k < torch.length; k++) {
            double e = Double.isFinite(ours[k]) ? Math.abs(ours[k] - torch[k]) / rowBound[k / cols]
                    : Double.POSITIVE_INFINITY;
            if (e > worst) {
                worst = e;
                at = k;
            }
        }
        return at;
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
        sb.append(String.format(Locale.ROOT, "PyTorch fixtures: %d checked (kernel %s); largest fraction of "
                + "the derived error bound used (|ours − torch| / bound):%n", checked, Kernels.kind().id()));
        String[] regimes = {"logit scale <= 100", "logit scale > 100, i.e. tau = 1e-3"};
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
