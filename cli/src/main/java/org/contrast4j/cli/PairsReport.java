package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.contrast4j.text.adapter.AdapterTraining;
import org.contrast4j.text.adapter.RetrievalScores;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The self-contained {@code report.html} of {@code train pairs}: validation scores before and after, the settings, and
 * the training curves (loss, validation recall@1 / recall@10 / MRR@10 against the frozen encoder's, temperature) as
 * XChart PNGs inlined in base64.
 */
final class PairsReport {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final AdapterTraining run;
    private final ObjectNode summary;
    private final String trainName;
    private final String validName;

    PairsReport(AdapterTraining run, ObjectNode summary, String trainName, String validName) {
        this.run = run;
        this.summary = summary;
        this.trainName = trainName;
        this.validName = validName;
    }

    String html() {
        RetrievalScores before = run.frozenValidation();
        RetrievalScores after = run.bestValidation();
        StringBuilder h = new StringBuilder(1 << 15);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>contrast4j train pairs")
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1180px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #bbb;padding:3px 8px;")
                .append("text-align:right}th{background:#eee}td:first-child{text-align:left}")
                .append(".plots img{margin:4px;border:1px solid #ddd}p{line-height:1.45}</style></head><body>\n");
        h.append("<h1>Adapter trained on ").append(WordsReport.esc(trainName)).append("</h1>\n");
        // every number below is from summary.json
        h.append("<p>").append(WordsReport.esc(String.format(Locale.ROOT,
                "%d training pairs (%d documents) from %s and %d validation pairs (%d documents) from %s, "
                        + "encoded by %s (%d-d, frozen). Adapter: %s%s, %d → %d, %d parameters. Symmetric InfoNCE, batch %d, "
                        + "Adam lr %s, τ from %s%s%s%s%s; %d epochs (best: %d)%s in %.1f s.",
                summary.get("train_pairs").asInt(), summary.get("train_documents").asInt(), trainName,
                summary.get("valid_pairs").asInt(), summary.get("valid_documents").asInt(), validName,
                summary.get("encoder").asText(), summary.get("dimension").asInt(), summary.get("adapter").asText(),
                summary.get("shared").asBoolean() ? " (shared)" : " (one per side)",
                summary.get("dimension").asInt(), summary.get("output_dimension").asInt(),
                summary.get("parameters").asInt(), summary.get("batch_size").asInt(),
                Charts.compact(summary.get("learning_rate").asDouble(), 3),
                Charts.compact(summary.get("initial_temperature").asDouble(), 3),
                summary.get("learnable_temperature").asBoolean() ? " (learned)" : " (fixed)",
                summary.get("hard_negatives").asInt() > 0 ? ", " + summary.get("hard_negatives").asInt()
                        + " mined hard negatives per query (" + summary.get("mining").asText() + ")" : "",
                summary.get("gist").asBoolean() ? ", GIST (margin " + summary.get("gist_margin").asDouble() + ")"
                        : "",
                summary.get("matryoshka_dims").isEmpty() ? "" : ", Matryoshka " + summary.get("matryoshka_dims"),
                run.epochsDone(), run.bestEpoch(), run.stoppedEarly() ? ", stopped early" : "", run.seconds())))
                .append("</p>\n");
        h.append("<h2>Validation</h2>\n<table><tr><th></th><th>recall@1</th><th>recall@10</th><th>MRR@10</th></tr>\n");
        row(h, "frozen encoder", before);
        row(h, "with the adapter (epoch " + run.bestEpoch() + ")", after);
        if (summary.has("matryoshka")) {
            for (var n : summary.get("matryoshka")) {
                int m = n.get("dim").asInt();
                row(h, "frozen, first " + m + " dimensions", n.get("before"));
                row(h, "adapter, first " + m + " dimensions", n.get("after"));
            }
        }
        h.append("</table>\n<p>").append(String.format(Locale.ROOT, "Recall@1 %s by %+.1f points. Each validation "
                        + "query's positive is ranked among all %d validation documents by one exact cosine search "
                        + "(equal scores to the lower row, never to the positive).",
                after.recallAt1() >= before.recallAt1() ? "rises" : "falls",
                100 * (after.recallAt1() - before.recallAt1()), summary.get("valid_documents").asInt()))
                .append("</p>\n");
        h.append("<h2>Training curves</h2>\n<div class=\"plots\">");
        List<AdapterTraining.Epoch> ep = run.epochs();
        h.append(img(curve("Training loss per epoch (mean over batches)", "loss", ep, AdapterTraining.Epoch::loss)));
        XYChart v = curve("Validation per epoch (dashed: the frozen encoder)", "score", ep,
                e -> e.validation().recallAt1());
        v.getSeriesMap().values().iterator().next().setLabel("recall@1");
        add(v, "recall@10", ep, e -> e.validation().recallAt10());
        add(v, "MRR@10", ep, e -> e.validation().mrrAt10());
        baseline(v, "frozen recall@1", before.recallAt1(), ep);
        baseline(v, "frozen MRR@10", before.mrrAt10(), ep);
        Charts.legendBelow(v);
        h.append(img(v));
        h.append(img(curve("Temperature τ at the end of each epoch", "τ", ep, AdapterTraining.Epoch::temperature)));
        h.append("</div>\n</body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, RetrievalScores s) {
        h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr>\n",
                WordsReport.esc(name), s.recallAt1(), s.recallAt10(), s.mrrAt10()));
    }

    private static void row(StringBuilder h, String name, com.fasterxml.jackson.databind.JsonNode s) {
        row(h, name, new RetrievalScores(s.get("recall@1").asDouble(), s.get("recall@10").asDouble(),
                s.get("mrr@10").asDouble(), s.get("queries").asInt()));
    }

    private static XYChart curve(String title, String yTitle, List<AdapterTraining.Epoch> ep,
                                 ToDoubleFunction<AdapterTraining.Epoch> y) {
        XYChart c = new XYChartBuilder().width(560).height(380).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setAntiAlias(true);
        add(c, yTitle, ep, y);
        c.getStyler().setLegendVisible(false);
        return c;
    }

    private static void add(XYChart c, String name, List<AdapterTraining.Epoch> ep,
                            ToDoubleFunction<AdapterTraining.Epoch> y) {
        double[] xs = new double[ep.size()];
        double[] ys = new double[ep.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = ep.get(i).epoch();
            ys[i] = y.applyAsDouble(ep.get(i));
        }
        c.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        c.getStyler().setLegendVisible(true);
    }

    private static void baseline(XYChart c, String name, double value, List<AdapterTraining.Epoch> ep) {
        double last = ep.isEmpty() ? 1 : ep.get(ep.size() - 1).epoch();
        XYSeries s = c.addSeries(name, new double[] {ep.isEmpty() ? 0 : ep.get(0).epoch(), last},
                new double[] {value, value});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f},
                0f));
    }

    private static String img(XYChart chart) {
        Charts.ticks(chart);
        return "<img alt=\"" + WordsReport.esc(chart.getTitle()) + "\" src=\"data:image/png;base64,"
                + WordsReport.png(chart) + "\">";
    }
}
