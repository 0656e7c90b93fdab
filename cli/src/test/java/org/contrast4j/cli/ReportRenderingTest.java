package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.contrast4j.djl.train.EpochRecord;
import org.contrast4j.djl.train.Evaluation;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.WordVectors;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/**
 * The HTML reports on made-up runs: wording that follows the sign of each change, compact numbers (τ = 0.05, no
 * "-0.000"), plurals, no raw {@code toString} dumps. The pages are also written to {@code target/report-samples/} to
 * be looked at (e.g. {@code chromium --headless --screenshot=x.png --window-size=1200,3000 file://…}).
 */
class ReportRenderingTest {

    static Evaluation eval(double knn, double probe, double align, double unif, double erank, double effNeg,
                           double tau) {
        return new Evaluation(knn, probe, align, unif, erank, effNeg, tau);
    }

    /** A run of {@code epochs} epochs whose kNN accuracy goes linearly from {@code knn0} to the final one. */
    static RunSummary run(String name, String objective, Double tau, Evaluation last, double knn0, int epochs) {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 0; e <= epochs; e++) {
            double f = (double) e / epochs;
            Evaluation ev = eval(knn0 + f * (last.knnAccuracy() - knn0), 0.55 + f * (last.linearProbeAccuracy()
                    - 0.55), 0.006 + f * (last.alignment() - 0.006), -0.02 + f * (last.uniformity() + 0.02),
                    1 + f * (last.effectiveRank() - 1), 998 + f * (last.effectiveNegatives() - 998),
                    tau == null ? 0.1 : tau);
            history.add(new EpochRecord(e, e == 0 ? Double.NaN : 5.5 - 0.4 * e, tau == null ? 0.1 : tau, 3.0 * e,
                    ev));
        }
        return new RunSummary(name, objective, tau, 8, last, 3.0 * epochs, history, null);
    }

    static List<RunSummary> runs(double mainKnn, double mainProbe) {
        List<RunSummary> runs = new ArrayList<>();
        runs.add(run("ntxent-t0.1", "ntxent", 0.1, eval(mainKnn, mainProbe, 0.208, -1.752, 4.06, 211.9, 0.1), 0.598,
                3));
        runs.add(run("ntxent-t0.05", "ntxent", 0.05, eval(0.698, 0.686, 0.132, -1.334, 3.59, 171.5, 0.05), 0.598, 3));
        runs.add(run("ntxent-t1", "ntxent", 1.0, eval(0.660, 0.617, 0.316, -1.709, 2.9, 842.5, 1), 0.598, 3));
        runs.add(run("alignment-only", "alignment-only", null, eval(0.427, 0.45, 2.9e-5, -0.00013, 1.0, 999, 0.1),
                0.598, 3));
        runs.add(new RunSummary("untrained", null, null, 8, eval(0.598, 0.55, 0.006, -0.021, 1.04, 998.3, 0.1), 4.8,
                List.of(new EpochRecord(0, Double.NaN, 0.1, 4.8, eval(0.598, 0.55, 0.006, -0.021, 1.04, 998.3,
                        0.1))), null));
        runs.add(new RunSummary("raw-pixels", null, null, 784, eval(0.789, 0.8, 0.667, -1.422, 9.02, 592.8, 0.1),
                22.5, List.of(), null));
        return runs;
    }

    static Path samples() throws IOException {
        return Files.createDirectories(Path.of("target", "report-samples"));
    }

    @Test
    void imageReportWordingFollowsTheSignOfTheChange() throws IOException {
        String up = new Report("up", "settings", "ntxent-t0.1", 1000).html(runs(0.705, 0.672));
        assertTrue(up.contains("ntxent-t0.1 lifts the kNN accuracy"), "both measures rose");
        assertTrue(up.contains("(+10.7 points)"), up);
        Files.writeString(samples().resolve("image-report.html"), up);

        String down = new Report("down", "settings", "ntxent-t0.1", 1000).html(runs(0.40, 0.35));
        assertTrue(down.contains("ntxent-t0.1 lowers the kNN accuracy"), "both measures fell");
        assertFalse(down.contains("lifts"), "never 'lifts' for a fall");
        assertTrue(down.contains("made both measures <em>worse</em>"), down);
        Files.writeString(samples().resolve("image-report-worse.html"), down);

        String mixed = new Report("mixed", "settings", "ntxent-t0.1", 1000).html(runs(0.70, 0.50));
        assertTrue(mixed.contains("ntxent-t0.1 changes the kNN accuracy"), "one rose, one fell");
    }

    @Test
    void imageReportNumbersAreCompact() {
        String html = new Report("t", "settings", "ntxent-t0.1", 1000).html(runs(0.705, 0.672));
        String text = html.replaceAll("src=\"data:image/png;base64,[^\"]*\"", "");
        assertTrue(text.contains("<td>0.05</td>") && text.contains("<td>1</td>"), "τ as 0.05 and 1 in the table");
        assertTrue(text.contains("τ = 0.05: 171.5"), "and in the text");
        assertFalse(text.contains("0.0500") || text.contains("0.100<"), "no padded τ");
        assertFalse(text.matches("(?s).*-0\\.0+(?![0-9]).*"), "no negative zero");
        assertFalse(text.contains("{") && text.matches("(?s).*\\w+\\{\\w+=.*"), "no toString dump");
        assertTrue(text.contains("alignment 2.9e-05, uniformity -0.00013"), text);
        assertTrue(text.contains("with 98 times fewer numbers"), text);
    }

    @Test
    void ticksAndWordsHelpers() {
        assertEquals("0.05", Charts.compact(0.05, 3));
        assertEquals("1", Charts.compact(1.0, 3));
        assertEquals("0.000", Charts.fixed(-0.0001, 3));
        assertEquals("-0.001", Charts.fixed(-0.001, 3));
        assertEquals("1 epoch", Charts.count(1, "epoch"));
        assertEquals("2 epochs", Charts.count(2, "epoch"));
        // ticks as fine as 0.005 over a 0.17 range need three decimals, one more to spare; a 6-wide axis one and one
        assertEquals("0.####", Charts.pattern(Charts.decimals(0.006, 0.178)));
        assertEquals("0.##", Charts.pattern(Charts.decimals(0, 6)));
        assertEquals("temperature 0.1, learnable temperature no, similarity cosine, reduction mean",
                Output.settings("InfoNce{temperature=0.1, learnableTemperature=false, similarity=COSINE,"
                        + " reduction=MEAN}"));
        assertEquals("anchors 8×4, positives 8×4", Output.settings("Batch{anchors=8×4, positives=8×4}"));
    }

    @Test
    void wordsReportWordingFollowsTheDirection() throws IOException {
        WordVectors v = new WordVectors(new String[] {"a", "b"}, Matrix.of(2, 2, new float[] {1, 0, 0, 1}));
        List<WordsReport.Row> rows = new ArrayList<>();
        double[] seconds = {2.0, 0.5, 8.0};
        String[] objectives = {"neg", "nce", "softmax"};
        for (int i = 0; i < 3; i++) {
            WordTrainer.Epoch e = new WordTrainer.Epoch(seconds[i], 70_000, 70_000 / seconds[i], 2.5);
            rows.add(new WordsReport.Row(new WordTrainer.Run(objectives[i], v, List.of(e, e)),
                    new AnalogyResult(0.1 * i, i, 130, 19544, Map.of()), new SynonymResult(0.5, -3, 0.02, 10, 2)));
        }
        WordsReport report = new WordsReport(new WordsReport.Context("corpus", 71014, 0, 1656, 68748,
                new WordTrainer.Settings(5, 0.75, 32, 5, 2, 3, 1e-4, null, null, null, 1, 1), "questions", 30000,
                "pairs"), rows);
        List<String> lines = report.tradeOff();
        assertTrue(lines.get(0).startsWith("nce (binary, NCE family): 4× faster per epoch than neg (0.50 s vs 2.00 s)"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("softmax (cross-entropy, exact): 4× slower per epoch than neg"),
                lines.get(1));
        Path dir = Files.createDirectories(samples().resolve("words"));
        report.write(dir);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("faster per epoch"));
    }
}
