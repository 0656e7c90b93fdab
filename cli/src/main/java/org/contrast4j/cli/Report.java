package org.contrast4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.contrast4j.djl.train.EpochRecord;
import org.contrast4j.djl.train.Evaluation;
import org.contrast4j.metric.Hardness;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The self-contained HTML report of an image run: the summary table, XChart plots inlined as base64 PNG (loss,
 * kNN and linear-probe accuracy, alignment and uniformity per epoch; the alignment–uniformity plane, one point per
 * run, as Wang &amp; Isola's Figure; effective negatives against τ), and a text that reads the numbers.
 */
final class Report {
    private static final int W = 560;
    private static final int H = 380;

    private final String title;
    private final String settings;
    private final String mainRun;
    private final int testImages;

    /**
     * @param title the page title
     * @param settings an HTML fragment describing data and settings
     * @param mainRun the name of the run the text compares with the baselines
     * @param testImages the number of held-out images (for the standard error of an accuracy)
     */
    Report(String title, String settings, String mainRun, int testImages) {
        this.title = title;
        this.settings = settings;
        this.mainRun = mainRun;
        this.testImages = testImages;
    }

    String html(List<RunSummary> runs) {
        List<RunSummary> trained = runs.stream().filter(r -> r.objective() != null).toList();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1180px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #bbb;padding:3px 8px;"
                        + "text-align:right}th{background:#eee}td:first-child,td:nth-child(2){text-align:left}"
                        + ".plots img{margin:4px;border:1px solid #ddd}p{line-height:1.45}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(settings).append("</p>\n");
        h.append("<h2>Results</h2>\n").append(table(runs));
        h.append("<h2>What the numbers say</h2>\n").append(reading(runs));
        h.append("<h2>Training curves</h2>\n<div class=\"plots\">");
        h.append(img(perEpoch("Training loss per epoch", "loss", trained, EpochRecord::loss, 1)));
        h.append(img(withBaseline(perEpoch("kNN accuracy (k = 20, cosine) per epoch", "accuracy", trained,
                r -> r.evaluation().knnAccuracy(), 0), runs, Evaluation::knnAccuracy)));
        h.append(img(withBaseline(perEpoch("Linear-probe accuracy per epoch", "accuracy", trained,
                r -> r.evaluation().linearProbeAccuracy(), 0), runs, Evaluation::linearProbeAccuracy)));
        h.append(img(perEpoch("Alignment per epoch (lower = positives closer)", "alignment", trained,
                r -> r.evaluation().alignment(), 0)));
        h.append(img(perEpoch("Uniformity per epoch (lower = more uniform, 0 = collapse)", "uniformity", trained,
                r -> r.evaluation().uniformity(), 0)));
        h.append("</div>\n<h2>Geometry and temperature</h2>\n<div class=\"plots\">");
        h.append(img(plane(runs)));
        XYChart hard = hardness(trained, find(runs, mainRun));
        if (hard != null) {
            h.append(img(hard));
        }
        h.append("</div>\n<p style=\"font-size:13px;color:#555\">Alignment, uniformity, effective rank and effective "
                + "negatives are measured on the L2-normalised projection-head outputs of two fixed augmented views "
                + "of each test image (the space the loss acts on); kNN and the linear probe use the encoder output "
                + "before the head. The raw-pixel row measures the same quantities on the normalised pixels. "
                + "Effective rank: of the uncentred second moment of the normalised outputs (1 = every output "
                + "points the same way). Effective negatives: exp of the entropy of the in-batch softmax over the "
                + (testImages - 1) + " negatives of each test image at the run's τ.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String table(List<RunSummary> runs) {
        StringBuilder t = new StringBuilder("<table><tr><th>run</th><th>objective</th><th>τ</th><th>dim</th>"
                + "<th>kNN acc.</th><th>probe acc.</th><th>alignment</th><th>uniformity</th><th>eff. rank</th>"
                + "<th>eff. negatives</th><th>seconds</th></tr>\n");
        for (RunSummary s : runs) {
            Evaluation e = s.evaluation();
            t.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%.3f</td>"
                            + "<td>%.3f</td><td>%s</td><td>%s</td><td>%.2f</td><td>%.1f</td><td>%.1f</td></tr>\n",
                    esc(s.name()), s.objective() == null ? "—" : esc(s.objective()),
                    s.temperature() == null ? "—" : Charts.compact(s.temperature(), 3),
                    s.embeddingDim(), e.knnAccuracy(), e.linearProbeAccuracy(), Charts.fixed(e.alignment(), 3),
                    Charts.fixed(e.uniformity(), 3), e.effectiveRank(), e.effectiveNegatives(), s.seconds()));
        }
        return t.append("</table>\n").toString();
    }

    /** The text: every sentence is computed from the numbers, including which way each comparison went. */
    private String reading(List<RunSummary> runs) {
        RunSummary main = find(runs, mainRun);
        RunSummary untrained = find(runs, "untrained");
        RunSummary raw = find(runs, "raw-pixels");
        StringBuilder p = new StringBuilder();
        double se = 100 * Math.sqrt(0.25 / testImages); // the binomial standard error is largest at p = 1/2
        if (main != null && untrained != null) {
            Evaluation m = main.evaluation();
            Evaluation u = untrained.evaluation();
            double dk = 100 * (m.knnAccuracy() - u.knnAccuracy());
            double dp = 100 * (m.linearProbeAccuracy() - u.linearProbeAccuracy());
            String verb = dk >= 0 && dp >= 0 ? "lifts" : dk < 0 && dp < 0 ? "lowers" : "changes";
            p.append(String.format(Locale.ROOT, "<p><b>Learning.</b> %s %s the kNN accuracy of the %d-dimensional "
                            + "encoder output from %.1f%% (the same network untrained) to %.1f%% (%+.1f points) and "
                            + "the linear probe from %.1f%% to %.1f%% (%+.1f points). An accuracy on this test set has "
                            + "a standard error of at most %.1f points, so %s</p>\n",
                    esc(main.name()), verb, main.embeddingDim(), 100 * u.knnAccuracy(), 100 * m.knnAccuracy(), dk,
                    100 * u.linearProbeAccuracy(), 100 * m.linearProbeAccuracy(), dp, se,
                    Math.min(dk, dp) > 3 * se ? "both gains are far outside the noise: contrastive training learnt "
                            + "something a random network of the same size does not have."
                            : Math.min(dk, dp) > 0 ? "the gains are positive but not all of them are clear of the "
                            + "noise." : Math.max(dk, dp) < -3 * se ? "training made both measures <em>worse</em>, "
                            + "far outside the noise." : "training did <em>not</em> beat the untrained network on both "
                            + "measures."));
            boolean bunched = u.uniformity() > -0.5;
            p.append(String.format(Locale.ROOT, "<p><b>Geometry.</b> Untrained, the head output has alignment %.3f, "
                            + "uniformity %.3f and effective rank %.2f%s. After training: uniformity %.3f, effective "
                            + "rank %.2f, alignment %.3f%s</p>\n",
                    u.alignment(), u.uniformity(), u.effectiveRank(), bunched ? " — every image lands in nearly the "
                            + "same direction, so positives agree only because everything does" : "",
                    m.uniformity(), m.effectiveRank(), m.alignment(), m.uniformity() < u.uniformity()
                            ? ": the outputs are spread over the sphere while the two views of an image stay close — "
                            + "InfoNCE's numerator and denominator pulling in their two directions, as Wang &amp; "
                            + "Isola describe." : ": training did not make the outputs more uniform."));
        }
        if (main != null && raw != null) {
            Evaluation m = main.evaluation();
            Evaluation r = raw.evaluation();
            boolean below = m.knnAccuracy() < r.knnAccuracy();
            p.append(String.format(Locale.ROOT, "<p><b>Against raw pixels.</b> The %d raw pixels reach %.1f%% kNN "
                            + "and %.1f%% linear-probe accuracy. The learnt %d-dimensional code %s (%.1f%% and "
                            + "%.1f%%), with %s times fewer numbers per image. Random features are strong on "
                            + "Fashion-MNIST; the honest claim for a short run on a few thousand images is a compact "
                            + "code that keeps most of what the pixels carry, not one that beats them.</p>\n",
                    raw.embeddingDim(), 100 * r.knnAccuracy(), 100 * r.linearProbeAccuracy(), main.embeddingDim(),
                    below ? "stays below that" : "matches or passes that", 100 * m.knnAccuracy(),
                    100 * m.linearProbeAccuracy(), Charts.compact((double) raw.embeddingDim()
                            / Math.max(1, main.embeddingDim()), 2)));
        }
        RunSummary collapse = runs.stream().filter(r -> "alignment-only".equals(r.objective())).findFirst()
                .orElse(null);
        if (collapse != null) {
            Evaluation c = collapse.evaluation();
            boolean collapsed = c.uniformity() > -0.05 && c.effectiveRank() < 1.5;
            p.append(String.format(Locale.ROOT, "<p><b>Alignment alone.</b> Trained to pull the two views together "
                            + "and nothing else, the head output reaches alignment %s, uniformity %s and "
                            + "effective rank %.2f: %s The encoder output below the head keeps some information, "
                            + "but kNN falls to %.1f%%.</p>\n",
                    Charts.compact(c.alignment(), 2), Charts.compact(c.uniformity(), 2), c.effectiveRank(), collapsed
                            ? "it has collapsed — every image maps to the same point, the trivial minimiser. The "
                            + "negatives in InfoNCE's denominator (uniformity) are what prevents this."
                            : "it has <em>not</em> fully collapsed in this run.", 100 * c.knnAccuracy()));
        }
        List<RunSummary> sweep = new ArrayList<>(runs.stream().filter(r -> r.temperature() != null
                && main != null && main.objective().equals(r.objective())).toList());
        if (sweep.size() >= 2) {
            sweep.sort(Comparator.comparingDouble(RunSummary::temperature));
            StringBuilder list = new StringBuilder();
            boolean increasing = true;
            for (int i = 0; i < sweep.size(); i++) {
                RunSummary s = sweep.get(i);
                list.append(String.format(Locale.ROOT, "%sτ = %s: %.1f", i == 0 ? "" : ", ",
                        Charts.compact(s.temperature(), 3), s.evaluation().effectiveNegatives()));
                if (i > 0 && s.evaluation().effectiveNegatives() <= sweep.get(i - 1).evaluation()
                        .effectiveNegatives()) {
                    increasing = false;
                }
            }
            RunSummary best = sweep.stream().max(Comparator.comparingDouble(s -> s.evaluation().knnAccuracy()))
                    .orElseThrow();
            p.append(String.format(Locale.ROOT, "<p><b>Temperature.</b> Effective negatives out of %d (%s) %s "
                            + "a small τ puts nearly all of each anchor's gradient on a few hard negatives, a large "
                            + "one spreads it evenly, so hard and easy negatives are pushed alike (Wang &amp; Liu "
                            + "2021). Here the best kNN accuracy comes at τ = %s (%.1f%%).</p>\n",
                    testImages - 1, list, increasing ? "grow with τ:" : "do not grow monotonically with τ in this run, although",
                    Charts.compact(best.temperature(), 3), 100 * best.evaluation().knnAccuracy()));
        }
        return p.toString();
    }

    private static RunSummary find(List<RunSummary> runs, String name) {
        return runs.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(W).height(H + 110).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        Charts.legendBelow(c);
        c.getStyler().setChartBackgroundColor(Color.WHITE)
                .setMarkerSize(6).setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD,
                        13));
        return c;
    }

    private static XYChart perEpoch(String title, String y, List<RunSummary> runs,
                                    ToDoubleFunction<EpochRecord> value, int firstEpoch) {
        XYChart c = chart(title, "epoch", y);
        for (RunSummary s : runs) {
            List<EpochRecord> h = s.history().stream().filter(r -> r.epoch() >= firstEpoch).toList();
            if (h.isEmpty()) {
                continue;
            }
            double[] xs = h.stream().mapToDouble(EpochRecord::epoch).toArray();
            double[] ys = h.stream().mapToDouble(value).toArray();
            c.addSeries(s.name(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    private static XYChart withBaseline(XYChart c, List<RunSummary> runs, ToDoubleFunction<Evaluation> value) {
        RunSummary raw = find(runs, "raw-pixels");
        double maxEpoch = runs.stream().flatMap(r -> r.history().stream()).mapToInt(EpochRecord::epoch).max()
                .orElse(1);
        if (raw != null) {
            double v = value.applyAsDouble(raw.evaluation());
            XYSeries s = c.addSeries("raw pixels", new double[] {0, maxEpoch}, new double[] {v, v});
            s.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY)
                    .setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                            new float[] {6, 4}, 0));
        }
        return c;
    }

    /** One point per run in the (uniformity, alignment) plane of the head output, as Wang &amp; Isola's Figure. */
    private static XYChart plane(List<RunSummary> runs) {
        XYChart c = new XYChartBuilder().width(W + 180).height(H).title("Alignment vs uniformity (head output), one "
                + "point per run").xAxisTitle("uniformity (lower = more uniform)").yAxisTitle("alignment (lower = "
                + "more aligned)").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarkerSize(11)
                .setLegendPosition(Styler.LegendPosition.OutsideE);
        for (RunSummary s : runs) {
            if ("raw-pixels".equals(s.name())) {
                continue; // a different space (784-d pixels); it is in the table
            }
            Evaluation e = s.evaluation();
            c.addSeries(String.format(Locale.ROOT, "%s (kNN %.2f)", s.name(), e.knnAccuracy()),
                    new double[] {e.uniformity()}, new double[] {e.alignment()});
        }
        return c;
    }

    /**
     * Effective negatives against τ (log axes): each run at its own training τ, and the main run's final head outputs
     * measured at a grid of τ (the pure effect of the temperature on the same embeddings).
     */
    private static XYChart hardness(List<RunSummary> trained, RunSummary main) {
        List<RunSummary> withTau = new ArrayList<>(trained.stream().filter(r -> r.temperature() != null).toList());
        if (withTau.size() < 2 && (main == null || main.headOutputs() == null)) {
            return null;
        }
        withTau.sort(Comparator.comparingDouble(RunSummary::temperature));
        XYChart c = chart("Effective negatives vs temperature", "τ (log scale)",
                "effective negatives");
        c.getStyler().setXAxisLogarithmic(true);
        double[] xs = withTau.stream().mapToDouble(RunSummary::temperature).toArray();
        double[] ys = withTau.stream().mapToDouble(r -> r.evaluation().effectiveNegatives()).toArray();
        if (xs.length >= 2) {
            c.addSeries("each run at its training τ", xs, ys).setMarker(SeriesMarkers.DIAMOND);
        }
        if (main != null && main.headOutputs() != null) {
            double[] grid = {0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
            double[] eff = new double[grid.length];
            for (int i = 0; i < grid.length; i++) {
                eff[i] = Hardness.of(main.headOutputs().view1(), main.headOutputs().view2(), grid[i], true)
                        .effectiveNegatives().mean();
            }
            c.addSeries(main.name() + " outputs at each τ", grid, eff).setMarker(SeriesMarkers.CIRCLE);
        }
        // a log axis only across more than a decade: within one it would carry no tick label at all
        double lo = c.getSeriesMap().values().stream().flatMapToDouble(x -> java.util.Arrays.stream(x.getYData()))
                .filter(v -> v > 0).min().orElse(1);
        double hi = c.getSeriesMap().values().stream().flatMapToDouble(x -> java.util.Arrays.stream(x.getYData()))
                .max().orElse(1);
        if (hi > 10 * lo) {
            c.getStyler().setYAxisLogarithmic(true);
            c.setYAxisTitle("effective negatives (log scale)");
        }
        return c;
    }

    private static String img(XYChart chart) {
        Charts.ticks(chart);
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "<img alt=\"" + esc(chart.getTitle()) + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(png) + "\">";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the chart " + chart.getTitle(), e);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
