package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The outputs of {@code compare words}: the printed table, {@code compare.json} and a self-contained
 * {@code report.html} whose plots (XChart) are inlined as base64 PNG.
 */
final class WordsReport {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One objective's training and evaluation. */
    record Row(WordTrainer.Run run, AnalogyResult analogies, SynonymResult synonyms) {
        String objective() {
            return run.objective();
        }

        /** Normalised cross-entropy (softmax over the vocabulary, a sample of it, or the batch) vs binary NCE. */
        String family() {
            return switch (objective()) {
                case "neg", "nce" -> "binary, NCE family";
                case "softmax" -> "cross-entropy, exact";
                case "sampled-softmax" -> "cross-entropy, sampled";
                case "infonce" -> "cross-entropy, in-batch";
                default -> "";
            };
        }
    }

    /** What was compared. */
    record Context(String corpus, long corpusTokens, long invalidBytes, int vocabulary, long trainedTokens,
                   WordTrainer.Settings settings, String questions, int topWords, String synonyms) {
    }

    private final Context context;
    private final List<Row> rows;

    WordsReport(Context context, List<Row> rows) {
        this.context = context;
        this.rows = List.copyOf(rows);
    }

    static String percent(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String words(double perSecond) {
        return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.2fM", perSecond / 1e6)
                : String.format(Locale.ROOT, "%.0fk", perSecond / 1e3);
    }

    private Row reference() {
        for (Row r : rows) {
            if (r.objective().equals("neg")) {
                return r;
            }
        }
        return rows.get(0);
    }

    /** The table columns: header, then one array of cells per objective. */
    List<String[]> table() {
        Row ref = reference();
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"objective", "loss family", "s/epoch", "× " + ref.objective(), "words/s",
            "analogy", "(seen)", "semantic", "syntactic", "syn recall@10", "alignment", "uniformity", "final loss"});
        for (Row r : rows) {
            WordTrainer.Run run = r.run();
            t.add(new String[] {r.objective(), r.family(), fixed(run.secondsPerEpoch(), 2),
                fixed(run.secondsPerEpoch() / ref.run().secondsPerEpoch(), 1), words(run.wordsPerSecond()),
                percent(r.analogies().accuracy()), r.analogies().seen() + "/" + r.analogies().total(),
                percent(r.analogies().semanticAccuracy()), percent(r.analogies().syntacticAccuracy()),
                percent(r.synonyms().recallAt10()), fixed(r.synonyms().alignment(), 3),
                fixed(r.synonyms().uniformity(), 3), fixed(run.finalLoss(), 4)});
        }
        return t;
    }

    void printTable(PrintWriter out) {
        List<String[]> t = table();
        int[] w = new int[t.get(0).length];
        for (String[] row : t) {
            for (int c = 0; c < row.length; c++) {
                w[c] = Math.max(w[c], row[c].length());
            }
        }
        for (String[] row : t) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                String cell = row[c];
                boolean left = c < 2;
                String pad = " ".repeat(w[c] - cell.length());
                line.append(c == 0 ? "" : "  ").append(left ? cell + pad : pad + cell);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** One sentence per non-reference objective: its time per epoch and accuracy against negative sampling. */
    List<String> tradeOff() {
        Row ref = reference();
        List<String> lines = new ArrayList<>();
        for (Row r : rows) {
            if (r == ref) {
                continue;
            }
            double ratio = r.run().secondsPerEpoch() / ref.run().secondsPerEpoch();
            // the wording follows the direction: "3.5× faster" or "1.7× slower", never "0.3× the time"
            String speed = Math.abs(ratio - 1) < 0.05 ? "about as fast per epoch as " + ref.objective()
                    : ratio < 1 ? String.format(Locale.ROOT, "%s× faster per epoch than %s", Charts.compact(1 / ratio,
                    2), ref.objective()) : String.format(Locale.ROOT, "%s× slower per epoch than %s",
                    Charts.compact(ratio, 2), ref.objective());
            lines.add(String.format(Locale.ROOT, "%s (%s): %s (%s s vs %s s); analogy accuracy %s vs %s, synonym"
                            + " recall@10 %s vs %s.", r.objective(), r.family(), speed,
                    fixed(r.run().secondsPerEpoch(), 2), fixed(ref.run().secondsPerEpoch(), 2),
                    percent(r.analogies().accuracy()), percent(ref.analogies().accuracy()),
                    percent(r.synonyms().recallAt10()), percent(ref.synonyms().recallAt10())));
        }
        return lines;
    }

    // ---- JSON ----

    static void put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    ObjectNode json() {
        ObjectNode j = Output.object();
        j.put("corpus", context.corpus());
        j.put("corpus_tokens", context.corpusTokens());
        j.put("invalid_bytes", context.invalidBytes());
        j.put("vocabulary", context.vocabulary());
        j.put("trained_tokens_per_epoch", context.trainedTokens());
        ObjectNode s = j.putObject("settings");
        WordTrainer.Settings st = context.settings();
        s.put("negatives", st.negatives());
        s.put("noise_power", st.noisePower());
        s.put("dim", st.dimension());
        s.put("window", st.window());
        s.put("epochs", st.epochs());
        s.put("min_count", st.minCount());
        s.put("sample", st.sample());
        if (st.learningRate() != null) {
            s.put("learning_rate", st.learningRate());
        }
        if (st.temperature() != null) {
            s.put("temperature", st.temperature());
        }
        if (st.batchSize() != null) {
            s.put("batch_size", st.batchSize());
        }
        s.put("threads", st.threads());
        s.put("seed", st.seed());
        j.put("questions", context.questions());
        j.put("top_words", context.topWords());
        j.put("synonyms", context.synonyms());
        ArrayNode objectives = j.putArray("objectives");
        for (Row r : rows) {
            ObjectNode o = objectives.addObject();
            WordTrainer.Run run = r.run();
            o.put("objective", r.objective());
            o.put("family", r.family());
            put(o, "seconds", run.seconds());
            put(o, "seconds_per_epoch_median", run.secondsPerEpoch());
            put(o, "words_per_second", run.wordsPerSecond());
            put(o, "words_per_second_overall", run.overallWordsPerSecond());
            put(o, "final_loss", run.finalLoss());
            ArrayNode epochs = o.putArray("epochs");
            for (WordTrainer.Epoch e : run.epochs()) {
                ObjectNode eo = epochs.addObject();
                put(eo, "seconds", e.seconds());
                eo.put("words", e.words());
                put(eo, "words_per_second", e.wordsPerSecond());
                put(eo, "loss", e.loss());
            }
            AnalogyResult a = r.analogies();
            put(o, "analogy_accuracy", a.accuracy());
            o.put("analogy_correct", a.correct());
            o.put("analogy_seen", a.seen());
            o.put("analogy_total", a.total());
            put(o, "analogy_semantic_accuracy", a.semanticAccuracy());
            put(o, "analogy_syntactic_accuracy", a.syntacticAccuracy());
            ObjectNode sections = o.putObject("analogy_sections");
            for (Map.Entry<String, AnalogyResult.Section> e : a.perSection().entrySet()) {
                ObjectNode so = sections.putObject(e.getKey());
                so.put("correct", e.getValue().correct());
                so.put("seen", e.getValue().seen());
                so.put("total", e.getValue().total());
            }
            SynonymResult sy = r.synonyms();
            put(o, "synonym_alignment", sy.alignment());
            put(o, "synonym_uniformity", sy.uniformity());
            put(o, "synonym_recall_at_10", sy.recallAt10());
            o.put("synonym_pairs_used", sy.used());
            o.put("synonym_pairs_unknown", sy.unknown());
        }
        ArrayNode trade = j.putArray("trade_off");
        tradeOff().forEach(trade::add);
        return j;
    }

    // ---- charts ----

    private List<String> names() {
        return rows.stream().map(Row::objective).toList();
    }

    private static double orZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /**
     * A bar per objective. {@code log} asks for a log axis, used only when the values span more than a decade (within
     * one decade a log axis would show a single tick label); the title says which.
     */
    private CategoryChart bars(String title, String yTitle, List<Double> values, boolean log, String pattern) {
        double lo = values.stream().mapToDouble(Double::doubleValue).filter(x -> x > 0).min().orElse(1);
        double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        log = log && hi > 10 * lo;
        CategoryChart c = new CategoryChartBuilder().width(640).height(380).title(title + (log ? ", log scale)"
                : ")")).xAxisTitle("objective").yAxisTitle(yTitle).build();
        style(c);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setDecimalPattern(pattern);
        c.getStyler().setYAxisLogarithmic(log);
        if (log) {
            // XChart draws bars from the axis minimum, which must be > 0 on a log axis: a power of ten below all
            double min = values.stream().mapToDouble(Double::doubleValue).filter(x -> x > 0).min().orElse(1);
            double floor = Math.pow(10, Math.floor(Math.log10(min)));
            c.getStyler().setYAxisMin(floor < min ? floor : floor / 10);
        }
        c.getStyler().setLabelsVisible(true);
        c.addSeries(yTitle, names(), values);
        return c;
    }

    private static void style(Chart<?, ?> c) {
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setAntiAlias(true);
    }

    CategoryChart timeChart() {
        return bars("Time per epoch (s, median over epochs", "seconds per epoch",
                rows.stream().map(r -> r.run().secondsPerEpoch()).toList(), true, "#,##0.###");
    }

    CategoryChart speedChart() {
        return bars("Training speed (words/s in the median epoch", "words per second",
                rows.stream().map(r -> r.run().wordsPerSecond()).toList(), true, "#,##0");
    }

    CategoryChart analogyChart() {
        CategoryChart c = new CategoryChartBuilder().width(640).height(380)
                .title("Analogy accuracy (3CosAdd, top " + context.topWords() + " words)").xAxisTitle("objective")
                .yAxisTitle("accuracy (%)").build();
        style(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        c.addSeries("all", names(), rows.stream().map(r -> 100 * orZero(r.analogies().accuracy())).toList());
        c.addSeries("semantic", names(),
                rows.stream().map(r -> 100 * orZero(r.analogies().semanticAccuracy())).toList());
        c.addSeries("syntactic", names(),
                rows.stream().map(r -> 100 * orZero(r.analogies().syntacticAccuracy())).toList());
        return c;
    }

    XYChart alignUniformChart() {
        XYChart c = new XYChartBuilder().width(640).height(380)
                .title("Synonym pairs: alignment vs uniformity (lower-left is better)")
                .xAxisTitle("uniformity (t = 2)").yAxisTitle("alignment (α = 2)").build();
        style(c);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(12);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (Row r : rows) {
            SynonymResult s = r.synonyms();
            if (Double.isFinite(s.alignment()) && Double.isFinite(s.uniformity())) {
                c.addSeries(r.objective(), new double[] {s.uniformity()}, new double[] {s.alignment()})
                        .setMarker(SeriesMarkers.CIRCLE);
            }
        }
        if (c.getSeriesMap().isEmpty()) {
            c.addSeries("no synonym pair in the vocabulary", new double[] {0}, new double[] {0});
        }
        return c;
    }

    CategoryChart recallChart() {
        return bars("Synonym recall@10 (%", "recall@10 (%)",
                rows.stream().map(r -> 100 * orZero(r.synonyms().recallAt10())).toList(), false, "#,##0.#");
    }

    static String png(Chart<?, ?> chart) {
        try {
            return Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart,
                    BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the chart '" + chart.getTitle() + "'", e);
        } catch (IllegalArgumentException e) {
            // XChart's complaints are about our chart, not the user's input: an internal error (exit 1)
            throw new IllegalStateException("cannot render the chart '" + chart.getTitle() + "': " + e.getMessage(),
                    e);
        }
    }

    // ---- HTML ----

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    String html() {
        WordTrainer.Settings st = context.settings();
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<title>contrast4j compare words</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1300px;margin:2em auto;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
                .append("text-align:right}td:nth-child(-n+2),th{text-align:left}\n")
                .append("img{max-width:100%;margin:0.5em 0}.grid{display:grid;grid-template-columns:1fr 1fr;")
                .append("gap:1em}code{background:#f4f4f4;padding:0 3px}\n</style></head><body>\n");
        h.append("<h1>Skip-gram objectives compared</h1>\n");
        h.append("<p>One corpus, one set of settings, five objectives: the normalised cross-entropy objectives (full ")
                .append("softmax, sampled softmax, in-batch InfoNCE) against the binary noise-contrastive ones ")
                .append("(negative sampling, NCE). The softmax pays O(V·D) per pair for the exact normaliser; the ")
                .append("sampled objectives pay O(k·D).</p>\n");
        h.append("<h2>Setup</h2>\n<table>\n");
        row(h, "corpus", esc(context.corpus()));
        row(h, "tokens (read)", Long.toString(context.corpusTokens()));
        row(h, "invalid UTF-8 bytes", Long.toString(context.invalidBytes()));
        row(h, "vocabulary (min count " + st.minCount() + ")", Integer.toString(context.vocabulary()));
        row(h, "tokens per epoch (in vocabulary)", Long.toString(context.trainedTokens()));
        row(h, "settings", esc(String.format(Locale.ROOT, "dim %d, window %d, epochs %d, negatives %d, noise power "
                        + "%s, sample %s, threads %d, seed %d%s%s%s", st.dimension(), st.window(), st.epochs(),
                st.negatives(), Output.number(st.noisePower()), Output.number(st.sample()), st.threads(), st.seed(),
                st.learningRate() == null ? ", learning rate per objective's default" : ", learning rate "
                        + Output.number(st.learningRate()),
                st.temperature() == null ? "" : ", InfoNCE τ " + Output.number(st.temperature()),
                st.batchSize() == null ? "" : ", InfoNCE batch " + st.batchSize())));
        row(h, "analogy questions", esc(context.questions()) + " (3CosAdd over the " + context.topWords()
                + " most frequent words)");
        row(h, "synonym pairs", esc(context.synonyms()));
        h.append("</table>\n<h2>Results</h2>\n<table>\n");
        List<String[]> t = table();
        for (int i = 0; i < t.size(); i++) {
            h.append("<tr>");
            for (String cell : t.get(i)) {
                h.append(i == 0 ? "<th>" : "<td>").append(esc(cell)).append(i == 0 ? "</th>" : "</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p>s/epoch and words/s: the median epoch (the first epochs include the JIT ")
                .append("compilation of the trainer, mostly paid by the first objective; every epoch is listed ")
                .append("below). Analogy: share of the questions asked (all four words among the top words) answered ")
                .append("right. Synonym metrics on the unit-normalised vectors of the WordNet pairs found in the ")
                .append("vocabulary: alignment (mean squared distance of the pairs, lower is better), uniformity ")
                .append("(log mean exp(−2·distance²) over their words, lower is more spread), recall@10 (partner ")
                .append("among the 10 nearest words). Losses of different objectives are not comparable.</p>\n");
        h.append("<h2>The trade-off</h2>\n<ul>\n");
        for (String line : tradeOff()) {
            h.append("<li>").append(esc(line)).append("</li>\n");
        }
        h.append("</ul>\n<div class=\"grid\">\n");
        for (Chart<?, ?> c : List.of(timeChart(), speedChart(), analogyChart(), alignUniformChart(),
                recallChart())) {
            h.append("<img alt=\"").append(esc(c.getTitle())).append("\" src=\"data:image/png;base64,")
                    .append(png(c)).append("\">\n");
        }
        h.append("</div>\n<h2>Epochs</h2>\n<table>\n<tr><th>objective</th><th>epoch</th><th>seconds</th>")
                .append("<th>words/s</th><th>mean loss</th></tr>\n");
        for (Row r : rows) {
            List<WordTrainer.Epoch> es = r.run().epochs();
            for (int e = 0; e < es.size(); e++) {
                h.append("<tr><td>").append(esc(r.objective())).append("</td><td>").append(e + 1).append("</td><td>")
                        .append(fixed(es.get(e).seconds(), 3)).append("</td><td>")
                        .append(words(es.get(e).wordsPerSecond())).append("</td><td>")
                        .append(fixed(es.get(e).loss(), 4)).append("</td></tr>\n");
            }
        }
        h.append("</table>\n<p>Written by <code>contrast4j compare words</code>; the numbers are in ")
                .append("<code>compare.json</code> beside this file.</p>\n</body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><td>").append(esc(key)).append("</td><td>").append(value).append("</td></tr>\n");
    }

    /** Writes report.html and compare.json into {@code dir}, atomically each. */
    void write(Path dir) throws IOException {
        byte[] page = html().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve("report.html"), out -> out.write(page));
        Output.writeJson(dir.resolve("compare.json"), json());
    }
}
