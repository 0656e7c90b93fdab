package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.contrast4j.text.adapter.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo retrieval} on part of the embedded slice (the first 400 training verses, all 192 validation and 313 test
 * verses; the linear adapter only): its outputs are complete and consistent, and the story's directions hold —
 * compared between methods of the same run, never against fixed figures: BM25 works within English and fails across
 * languages, the trained adapter beats the frozen encoder across languages, and fusing BM25 into the adapter's ranking
 * across languages loses to the adapter alone. A second run loads the embeddings from the cache and gets the same
 * frozen scores.
 */
class DemoRetrievalCommandTest {
    private static final List<String> TASKS = List.of("KJV → WEB", "WEB → KJV", "WEB → RV1909", "RV1909 → WEB");

    @TempDir
    Path dir;

    @Test
    void demoOnPartOfTheSliceIsCompleteAndShowsTheDirections() throws IOException {
        Path out = dir.resolve("out");
        Path cache = dir.resolve("cache");
        CliTesting.Run r = run("demo", "retrieval", "--out", out.toString(), "--cache", cache.toString(), "--limit",
                "400", "--adapters", "linear", "--epochs", "8", "--threads", "2", "--no-progress");
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
        assertTrue(r.out().contains("recall@1 (313 test verses)"), r.out());
        assertTrue(r.err().contains("sentences encoded in"), r.err());

        JsonNode s = json(out.resolve("summary.json"));
        assertEquals(400, s.get("train_pairs").asInt());
        assertEquals(192, s.get("valid_pairs").asInt());
        assertEquals(313, s.get("test_verses").asInt());
        JsonNode settings = s.get("settings");   // the embedded slice's recipe
        assertEquals(128, settings.get("batch_size").asInt());
        assertEquals(1e-3, settings.get("learning_rate").asDouble(), 0.0);
        assertTrue(settings.get("learnable_temperature").asBoolean(), settings.toString());
        assertEquals(3, settings.get("patience").asInt());
        for (String task : TASKS) {
            JsonNode m = s.get("tasks").get(task).get("methods");
            for (String method : List.of("BM25", "frozen", "linear", "RRF(BM25, frozen)", "RRF(BM25, linear)")) {
                JsonNode x = m.get(method);
                assertTrue(x != null, task + " has no " + method);
                double r1 = x.get("recall@1").asDouble();
                double r10 = x.get("recall@10").asDouble();
                double mrr = x.get("mrr@10").asDouble();
                double ndcg = x.get("ndcg@10").asDouble();
                // one relevant row: recall@1 ≤ nDCG@10, MRR@10 ≤ recall@10, and recall@1 ≤ MRR@10 ≤ nDCG@10
                assertTrue(0 <= r1 && r1 <= mrr && mrr <= ndcg && ndcg <= r10 && r10 <= 1,
                        task + " " + method + ": " + x);
                double previous = 0;
                for (JsonNode v : x.get("recall_curve")) {
                    assertTrue(v.asDouble() >= previous, task + " " + method + " recall curve decreases: " + x);
                    previous = v.asDouble();
                }
                assertEquals(r1, x.get("recall_curve").get("1").asDouble(), 1e-12);
            }
            JsonNode h = s.get("tasks").get(task).get("hnsw_recall@10");
            assertTrue(h.get("frozen").asDouble() > 0.9 && h.get("linear").asDouble() > 0.9, h.toString());
            JsonNode g = s.get("tasks").get(task).get("geometry");
            for (String e : List.of("frozen", "linear")) {
                double align = g.get(e).get("alignment").asDouble();
                assertTrue(align > 0 && align < 4, g.toString());
                assertTrue(g.get(e).get("uniformity_queries").asDouble() < 0, g.toString());
                assertTrue(g.get(e).get("effective_rank_corpus").asDouble() > 1, g.toString());
            }
        }
        JsonNode tasks = s.get("tasks");
        for (String english : List.of("KJV → WEB", "WEB → KJV")) {
            for (String spanish : List.of("WEB → RV1909", "RV1909 → WEB")) {
                assertTrue(r1(tasks, english, "BM25") > r1(tasks, spanish, "BM25") + 0.5,
                        "BM25 within English far above BM25 across languages");
            }
        }
        for (String spanish : List.of("WEB → RV1909", "RV1909 → WEB")) {
            assertTrue(r1(tasks, spanish, "linear") > r1(tasks, spanish, "frozen") + 0.05,
                    spanish + ": the adapter beats the frozen encoder across languages");
            assertTrue(r1(tasks, spanish, "RRF(BM25, linear)") < r1(tasks, spanish, "linear"),
                    spanish + ": fusing BM25 across languages hurts the adapter");
            // the aligned translations move closer under the trained adapter
            assertTrue(tasks.get(spanish).get("geometry").get("linear").get("alignment").asDouble()
                    < tasks.get(spanish).get("geometry").get("frozen").get("alignment").asDouble());
        }
        JsonNode training = s.get("training");
        assertEquals(2, training.size());
        for (JsonNode t : training) {
            assertTrue(t.get("best_valid_recall@1").asDouble() >= t.get("frozen_valid_recall@1").asDouble(),
                    t.toString());
            assertTrue(t.get("epochs").size() >= 1 && t.get("epochs").size() <= 8, t.toString());
        }
        assertTrue(s.get("stage_seconds").has("encode test") && s.get("stage_seconds").has("train linear (2 pairs)"));
        assertTrue(s.get("examples").size() >= 1, "example queries");

        String html = Files.readString(out.resolve("report.html"));
        for (String task : TASKS) {
            assertTrue(html.contains("<h3>" + Report.esc(task) + "</h3>"), "a table for " + task);
        }
        Matcher img = Pattern.compile("<img alt=\"[^\"]+\" src=\"data:image/png;base64,").matcher(html);
        int images = 0;
        while (img.find()) {
            images++;
        }
        assertEquals(2 + TASKS.size() + 1, images, "training curves (2), recall@k per task, the geometry plane");
        assertTrue(html.contains("Example queries") && html.contains("class=\"gold\""), "examples with the gold");
        assertTrue(html.contains("Time of each stage"));

        Adapter a = Adapter.load(out.resolve("adapters").resolve("web-rv1909-linear"));
        assertEquals(384, a.inputDimension());

        // again, frozen only: every embedding comes from the cache, and the frozen scores are the same
        CliTesting.Run again = run("demo", "retrieval", "--out", out.toString(), "--cache", cache.toString(),
                "--limit", "400", "--adapters", "none", "--no-progress");
        assertEquals(0, again.code(), () -> "stderr: " + again.err());
        assertFalse(again.err().contains("sentences encoded in"), again.err());
        assertTrue(again.err().contains("loaded from the cache"), again.err());
        JsonNode s2 = json(out.resolve("summary.json"));
        for (String task : TASKS) {
            assertEquals(r1(tasks, task, "frozen"), r1(s2.get("tasks"), task, "frozen"), 0.0, task);
            assertFalse(s2.get("tasks").get(task).get("methods").has("linear"));
        }
        assertFalse(Files.exists(out.resolve("adapters")), "a run without adapters leaves none from the last run");
    }

    private static double r1(JsonNode tasks, String task, String method) {
        return tasks.get(task).get("methods").get(method).get("recall@1").asDouble();
    }

    /** The recipe: the slice's defaults without --data, the full benchmark's with it, each option overriding. */
    @Test
    void recipeDependsOnTheDataAndEachOptionOverridesIt() throws IOException {
        DemoRetrievalCommand.Recipe slice = parse().recipe();
        assertEquals(new DemoRetrievalCommand.Recipe(30, 128, 1e-3, true, 3), slice);
        DemoRetrievalCommand.Recipe full = parse("--data", "out/bible").recipe();
        assertEquals(new DemoRetrievalCommand.Recipe(30, 2048, 2e-3, false, 6), full);
        assertEquals(new DemoRetrievalCommand.Recipe(12, 256, 5e-4, true, 2), parse("--data", "out/bible",
                "--epochs", "12", "--batch-size", "256", "--learning-rate", "5e-4", "--no-fixed-temperature",
                "--patience", "2").recipe());
        assertEquals(new DemoRetrievalCommand.Recipe(30, 128, 1e-3, false, 3), parse("--fixed-temperature").recipe());

        // and the trainers of every variant get it
        BibleBenchmark.Settings settings = new BibleBenchmark.Settings(BibleBenchmark.VARIANTS, full.epochs(),
                full.batchSize(), full.learningRate(), full.learnableTemperature(), 4, full.patience(), 1, 1);
        BibleBenchmark bench = new BibleBenchmark(BibleData.embedded(), settings, dir,
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        for (String variant : BibleBenchmark.VARIANTS) {
            org.contrast4j.text.adapter.AdapterTrainer t = bench.trainer(variant);
            assertEquals(2048, t.batchSize(), variant);
            assertEquals(2e-3, t.learningRate(), 0.0, variant);
            assertFalse(t.learnableTemperature(), variant);
            assertEquals(0.05, t.temperature(), 0.0, variant);
            assertEquals(6, t.patience(), variant);
            assertEquals(30, t.epochs(), variant);
        }
    }

    private static DemoRetrievalCommand parse(String... args) {
        DemoRetrievalCommand c = new DemoRetrievalCommand();
        new picocli.CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void badOptionsAreOneLineErrors() {
        Path out = dir.resolve("o");
        run("demo", "retrieval", "--out", out.toString(), "--limit", "5").assertBadInput("--limit", "5");
        run("demo", "retrieval", "--out", out.toString(), "--adapters", "linear,cubic")
                .assertBadInput("--adapters", "cubic");
        run("demo", "retrieval", "--out", out.toString(), "--data", dir.resolve("missing").toString())
                .assertBadInput("--data", "bible-extract");
        run("demo", "retrieval", "--out", out.toString(), "--epochs", "0").assertBadInput("--epochs");
        assertFalse(Files.exists(out), "nothing written");
    }
}
