package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrast4j.text.adapter.AdapterTraining;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The outputs of {@link BibleBenchmark}: the printed task × method table, {@code summary.json} and the self-contained
 * {@code report.html} (a table per task, the stage times, training curves, recall@k curves, HNSW recall, alignment
 * and uniformity before and after training, example queries with their top results before and after).
 */
final class RetrievalReport {
    private static final int W = 560;
    private static final int H = 380;

    private RetrievalReport() {
    }

    /** The methods of a result in table order (those present in any task). */
    static List<String> methods(BibleBenchmark.Result r) {
        List<String> m = new ArrayList<>();
        for (Map<String, AlignedRetrieval.Scores> t : r.scores().values()) {
            for (String k : t.keySet()) {
                if (!m.contains(k)) {
                    m.add(k);
                }
            }
        }
        return m;
    }

    /** The recall@1 table, one row per method, one column per task. */
    static String table(BibleBenchmark.Result r) {
        StringBuilder s = new StringBuilder();
        List<String> tasks = new ArrayList<>(r.scores().keySet());
        int w = 30;
        s.append(String.format(Locale.ROOT, "%-" + w + "s", "recall@1 (" + r.testVerses() + " test verses)"));
        for (String t : tasks) {
            s.append(String.format(Locale.ROOT, "%14s", t));
        }
        s.append('\n');
        for (String m : methods(r)) {
            s.append(String.format(Locale.ROOT, "%-" + w + "s", m));
            for (String t : tasks) {
                AlignedRetrieval.Scores sc = r.scores().get(t).get(m);
                s.append(sc == null ? String.format(Locale.ROOT, "%14s", "") :
                        String.format(Locale.ROOT, "%14.3f", sc.recall1()));
            }
            s.append('\n');
        }
        return s.toString();
    }

    static ObjectNode summary(BibleBenchmark.Result r, double wallSeconds) {
        ObjectNode o = Output.object();
        o.put("data", r.source());
        o.put("train_pairs", r.trainPairs());
        o.put("valid_pairs", r.validPairs());
        o.put("test_verses", r.testVerses());
        o.put("wall_seconds", wallSeconds);
        ObjectNode settings = o.putObject("settings");
        BibleBenchmark.Settings st = r.settings();
        settings.put("epochs", st.epochs());
        settings.put("batch_size", st.batchSize());
        settings.put("learning_rate", st.learningRate());
        settings.put("learnable_temperature", st.learnableTemperature());
        settings.put("hard_negatives", st.hardNegatives());
        settings.put("patience", st.patience());
        settings.put("seed", st.seed());
        settings.put("threads", st.threads());
        ArrayNode variants = settings.putArray("variants");
        st.variants().forEach(variants::add);
        ObjectNode tasks = o.putObject("tasks");
        for (Map.Entry<String, Map<String, AlignedRetrieval.Scores>> t : r.scores().entrySet()) {
            ObjectNode task = tasks.putObject(t.getKey());
            task.put("duplicate_target_rows", r.duplicateTargets().get(t.getKey()));
            ObjectNode methods = task.putObject("methods");
            for (AlignedRetrieval.Scores s : t.getValue().values()) {
                ObjectNode m = methods.putObject(s.method());
                m.put("recall@1", s.recall1());
                m.put("recall@10", s.recall10());
                m.put("mrr@10", s.mrr10());
                m.put("ndcg@10", s.ndcg10());
                ObjectNode curve = m.putObject("recall_curve");
                for (int i = 0; i < AlignedRetrieval.CURVE.length; i++) {
                    if (Double.isFinite(s.recallCurve()[i])) {
                        curve.put(Integer.toString(AlignedRetrieval.CURVE[i]), s.recallCurve()[i]);
                    }
                }
            }
            Map<String, Double> hnsw = r.hnswRecall().get(t.getKey());
            if (hnsw != null) {
                ObjectNode h = task.putObject("hnsw_recall@10");
                hnsw.forEach(h::put);
            }
            Map<String, AlignedRetrieval.Geometry> geometry = r.geometry().get(t.getKey());
            if (geometry != null) {
                ObjectNode g = task.putObject("geometry");
                for (Map.Entry<String, AlignedRetrieval.Geometry> e : geometry.entrySet()) {
                    ObjectNode x = g.putObject(e.getKey());
                    x.put("alignment", e.getValue().alignment());
                    x.put("uniformity_queries", e.getValue().uniformityQueries());
                    x.put("uniformity_corpus", e.getValue().uniformityCorpus());
                    x.put("effective_rank_queries", e.getValue().rankQueries());
                    x.put("effective_rank_corpus", e.getValue().rankCorpus());
                }
            }
        }
        ArrayNode training = o.putArray("training");
        for (BibleBenchmark.Trained t : r.trained()) {
            ObjectNode x = training.addObject();
            x.put("variant", t.variant());
            x.put("pair", t.pair());
            x.put("seconds", t.seconds());
            x.put("best_epoch", t.run().bestEpoch());
            x.put("stopped_early", t.run().stoppedEarly());
            x.put("frozen_valid_recall@1", t.run().frozenValidation().recallAt1());
            x.put("best_valid_recall@1", t.run().bestValidation().recallAt1());
            x.put("parameters", t.run().best().parameterCount());
            ArrayNode epochs = x.putArray("epochs");
            for (AdapterTraining.Epoch e : t.run().epochs()) {
                ObjectNode ep = epochs.addObject();
                ep.put("epoch", e.epoch());
                ep.put("loss", e.loss());
                ep.put("temperature", e.temperature());
                ep.put("valid_recall@1", e.validation().recallAt1());
                ep.put("valid_mrr@10", e.validation().mrrAt10());
                ep.put("seconds", e.seconds());
            }
        }
        ObjectNode stages = o.putObject("stage_seconds");
        r.stageSeconds().forEach(stages::put);
        ArrayNode examples = o.putArray("examples");
        for (BibleBenchmark.Example e : r.examples()) {
            ObjectNode x = examples.addObject();
            x.put("task", e.task());
            x.put("query_row", e.query());
            x.put("query", e.text());
            x.put("gold", e.gold());
            ArrayNode b = x.putArray(e.before() + "_top");
            for (int id : e.beforeTop()) {
                b.add(id);
            }
            ArrayNode a = x.putArray(e.after() + "_top");
            for (int id : e.afterTop()) {
                a.add(id);
            }
        }
        return o;
    }

    static String html(BibleBenchmark.Result r, String title, String settings, double wallSeconds) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Report.esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1180px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;font-size:14px;margin:0.5em 0 1em}td,th{border:1px solid #bbb;"
                        + "padding:3px 8px;text-align:right}th{background:#eee}td:first-child{text-align:left}"
                        + "td.text{text-align:left;max-width:760px}.gold{background:#e3f4e3}"
                        + ".plots img{margin:4px;border:1px solid #ddd}p{line-height:1.45}</style></head><body>\n");
        h.append("<h1>").append(Report.esc(title)).append("</h1>\n<p>").append(settings).append("</p>\n");
        h.append("<h2>What the numbers say</h2>\n").append(reading(r));
        h.append("<h2>Results per task</h2>\n");
        for (Map.Entry<String, Map<String, AlignedRetrieval.Scores>> t : r.scores().entrySet()) {
            h.append("<h3>").append(Report.esc(t.getKey())).append("</h3>\n<table><tr><th>method</th><th>recall@1</th>"
                    + "<th>recall@10</th><th>MRR@10</th><th>nDCG@10</th></tr>\n");
            for (AlignedRetrieval.Scores s : t.getValue().values()) {
                h.append("<tr><td>").append(Report.esc(s.method())).append("</td>").append(cell(s.recall1()))
                        .append(cell(s.recall10())).append(cell(s.mrr10())).append(cell(s.ndcg10()))
                        .append("</tr>\n");
            }
            h.append("</table>\n");
        }
        if (!r.hnswRecall().isEmpty()) {
            h.append("<h2>HNSW against exact search</h2>\n<p>Recall@10 of Lucene's HNSW graph (M = 16, beam 100, "
                    + "10 candidates) against exact cosine search on the same corpus embeddings: the fraction of the "
                    + "exact top 10 the graph finds.</p>\n<table><tr><th>task</th>");
            List<String> keys = new ArrayList<>(r.hnswRecall().values().iterator().next().keySet());
            for (String k : keys) {
                h.append("<th>").append(Report.esc(k)).append("</th>");
            }
            h.append("</tr>\n");
            for (Map.Entry<String, Map<String, Double>> e : r.hnswRecall().entrySet()) {
                h.append("<tr><td>").append(Report.esc(e.getKey())).append("</td>");
                for (String k : keys) {
                    Double v = e.getValue().get(k);
                    h.append(v == null ? "<td></td>" : cell(v));
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        if (!r.geometry().isEmpty()) {
            h.append("<h2>Geometry before and after training</h2>\n<p>Alignment (mean ‖q̂ − d̂‖² of the aligned "
                    + "test pairs, lower = translations closer), uniformity (log mean e^{−2‖x̂ − ŷ‖²} within a "
                    + "tower, lower = more spread) and effective rank (of the covariance of the normalised rows) of "
                    + "the query tower (source language) and the corpus tower (target language), for the frozen "
                    + "encoder and the linear adapter (Wang &amp; Isola 2020; Roy &amp; Vetterli 2007).</p>\n"
                    + "<table><tr><th>task</th><th>embeddings</th><th>alignment</th><th>uniformity (queries)</th>"
                    + "<th>uniformity (corpus)</th><th>effective rank (queries)</th><th>effective rank (corpus)</th>"
                    + "</tr>\n");
            for (Map.Entry<String, Map<String, AlignedRetrieval.Geometry>> e : r.geometry().entrySet()) {
                for (Map.Entry<String, AlignedRetrieval.Geometry> g : e.getValue().entrySet()) {
                    AlignedRetrieval.Geometry x = g.getValue();
                    h.append("<tr><td>").append(Report.esc(e.getKey())).append("</td><td style=\"text-align:left\">")
                            .append(Report.esc(g.getKey())).append("</td>").append(cell(x.alignment()))
                            .append(cell(x.uniformityQueries())).append(cell(x.uniformityCorpus()))
                            .append(cell1(x.rankQueries())).append(cell1(x.rankCorpus())).append("</tr>\n");
                }
            }
            h.append("</table>\n");
        }
        h.append("<h2>Curves</h2>\n<div class=\"plots\">");
        if (!r.trained().isEmpty()) {
            h.append(img(training(r, true)));
            h.append(img(training(r, false)));
        }
        for (String task : r.scores().keySet()) {
            h.append(img(recallCurve(r, task)));
        }
        if (!r.geometry().isEmpty()) {
            h.append(img(plane(r)));
        }
        h.append("</div>\n");
        if (!r.examples().isEmpty()) {
            h.append("<h2>Example queries</h2>\n<p>Test queries whose translation the frozen encoder did not rank "
                    + "first, with the top 3 of the frozen encoder and of the linear adapter (the translation "
                    + "highlighted).</p>\n");
            for (BibleBenchmark.Example e : r.examples()) {
                AlignedRetrieval task = r.tasks().get(e.task());
                h.append("<h3>").append(Report.esc(e.task())).append(": ").append(Report.esc(e.text()))
                        .append("</h3>\n<table><tr><th>method</th><th>rank</th><th>result</th></tr>\n");
                example(h, task, e.before(), e.beforeTop(), e.query());
                example(h, task, e.after(), e.afterTop(), e.query());
                h.append("</table>\n");
            }
        }
        h.append("<h2>Time of each stage</h2>\n<table><tr><th>stage</th><th>seconds</th></tr>\n");
        for (Map.Entry<String, Double> e : r.stageSeconds().entrySet()) {
            h.append("<tr><td>").append(Report.esc(e.getKey())).append("</td>").append(cell1(e.getValue()))
                    .append("</tr>\n");
        }
        h.append("<tr><td>total (wall)</td>").append(cell1(wallSeconds)).append("</tr>\n</table>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void example(StringBuilder h, AlignedRetrieval task, String method, int[] top, int gold) {
        for (int i = 0; i < top.length; i++) {
            String text = top[i] < 0 ? "(nothing)" : task.corpus().get(top[i]);
            h.append("<tr").append(top[i] == gold ? " class=\"gold\"" : "").append("><td>").append(i == 0
                    ? Report.esc(method) : "").append("</td><td>").append(i + 1).append("</td><td class=\"text\">")
                    .append(Report.esc(text)).append("</td></tr>\n");
        }
    }

    /** The text under the title: the improvements and the fusion lesson, read off the numbers. */
    static String reading(BibleBenchmark.Result r) {
        StringBuilder s = new StringBuilder("<ul>\n");
        for (BibleBenchmark.Task t : BibleBenchmark.TASKS) {
            Map<String, AlignedRetrieval.Scores> m = r.scores().get(t.name());
            if (m == null) {
                continue;
            }
            AlignedRetrieval.Scores bm25 = m.get(BibleBenchmark.BM25);
            AlignedRetrieval.Scores frozen = m.get(BibleBenchmark.FROZEN);
            AlignedRetrieval.Scores linear = m.get(BibleBenchmark.LINEAR);
            AlignedRetrieval.Scores rrf = m.get(BibleBenchmark.RRF_LINEAR);
            s.append("<li><b>").append(Report.esc(t.name())).append("</b>: recall@1 BM25 ").append(f(bm25));
            if (frozen != null) {
                s.append(", frozen encoder ").append(f(frozen));
            }
            if (linear != null) {
                s.append(", linear adapter ").append(f(linear)).append(String.format(Locale.ROOT,
                        " (%+.1f points over the frozen encoder)", 100 * (linear.recall1() - frozen.recall1())));
            }
            if (rrf != null) {
                boolean beats = rrf.recall1() > bm25.recall1() && rrf.recall1() > linear.recall1();
                s.append(", RRF(BM25, linear) ").append(f(rrf)).append(beats
                        ? ": fusion beats both of its inputs — BM25 and the adapter are both good here and err on"
                        + " different verses"
                        : String.format(Locale.ROOT, ": fusion is %.1f points %s the adapter alone%s",
                        100 * Math.abs(rrf.recall1() - linear.recall1()),
                        rrf.recall1() < linear.recall1() ? "below" : "above",
                        t.crossLanguage() ? " — across languages BM25 matches only names and numbers (recall@1 "
                                + f(bm25) + "), and RRF gives its near-random ranking the same weight as the"
                                + " adapter's, so do not fuse lexical and dense rankings across languages" : ""));
            }
            s.append(".</li>\n");
        }
        return s.append("</ul>\n").toString();
    }

    private static String f(AlignedRetrieval.Scores s) {
        return s == null ? "–" : String.format(Locale.ROOT, "%.3f", s.recall1());
    }

    private static String cell(double v) {
        return "<td>" + Charts.fixed(v, 3) + "</td>";
    }

    private static String cell1(double v) {
        return "<td>" + Charts.fixed(v, 1) + "</td>";
    }

    private static XYChart chart(String title, String x, String y, int series) {
        XYChart c = new XYChartBuilder().width(W).height(H + 17 * series).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        c.getStyler().setMarkerSize(5).setChartBackgroundColor(java.awt.Color.WHITE);
        return Charts.legendBelow(c);
    }

    /** Training loss (or validation recall@1) per epoch, one series per adapter run. */
    private static XYChart training(BibleBenchmark.Result r, boolean loss) {
        XYChart c = chart(loss ? "Adapter training loss per epoch" : "Validation recall@1 per epoch (epoch 0: "
                + "frozen)", "epoch", loss ? "loss" : "recall@1", r.trained().size());
        for (BibleBenchmark.Trained t : r.trained()) {
            List<AdapterTraining.Epoch> epochs = t.run().epochs();
            int n = epochs.size() + (loss ? 0 : 1);
            double[] x = new double[n];
            double[] y = new double[n];
            int o = 0;
            if (!loss) {
                x[0] = 0;
                y[0] = t.run().frozenValidation().recallAt1();
                o = 1;
            }
            for (int i = 0; i < epochs.size(); i++) {
                x[i + o] = epochs.get(i).epoch();
                y[i + o] = loss ? epochs.get(i).loss() : epochs.get(i).validation().recallAt1();
            }
            c.addSeries(t.pair() + " " + t.variant(), x, y);
        }
        return c;
    }

    /** Recall@k against k (log scale), one series per method. */
    private static XYChart recallCurve(BibleBenchmark.Result r, String task) {
        Map<String, AlignedRetrieval.Scores> m = r.scores().get(task);
        XYChart c = chart("Recall@k, " + task, "k (log scale)", "recall@k", m.size());
        c.getStyler().setXAxisLogarithmic(true);
        for (AlignedRetrieval.Scores s : m.values()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < AlignedRetrieval.CURVE.length; i++) {
                if (Double.isFinite(s.recallCurve()[i])) {
                    xs.add((double) AlignedRetrieval.CURVE[i]);
                    ys.add(s.recallCurve()[i]);
                }
            }
            c.addSeries(s.method(), xs, ys);
        }
        return c;
    }

    /** Alignment against uniformity (of the corpus tower), before → after, one pair of points per task. */
    private static XYChart plane(BibleBenchmark.Result r) {
        XYChart c = chart("Alignment vs uniformity of the corpus tower (lower-left is better)", "uniformity (corpus)",
                "alignment", r.geometry().size());
        for (Map.Entry<String, Map<String, AlignedRetrieval.Geometry>> e : r.geometry().entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (AlignedRetrieval.Geometry g : e.getValue().values()) {
                xs.add(g.uniformityCorpus());
                ys.add(g.alignment());
            }
            XYSeries s = c.addSeries(e.getKey() + ": " + String.join(" → ", e.getValue().keySet()), xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    private static String img(XYChart chart) {
        Charts.ticks(chart);
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "<img alt=\"" + Report.esc(chart.getTitle()) + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(png) + "\">";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the chart " + chart.getTitle(), e);
        }
    }
}
