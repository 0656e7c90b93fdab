package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordNetSynonyms;
import org.contrast4j.embed.WordVectors;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code contrast4j compare words} with a stand-in trainer (seeded vectors, fixed epoch times), so the test checks the
 * command's own work: the evaluation numbers in compare.json equal the library's on the vectors files written, the
 * report holds the plots, and bad input exits 2 with one line.
 */
class CompareWordsCommandTest {
    @TempDir
    Path dir;
    Path out;

    /** Vocabulary by decreasing count (ties by word), vectors seeded per objective o, epochs 0.5·(o+1) s, first 5×. */
    static final class StandIn implements WordTrainer {
        final List<String> trained = new ArrayList<>();

        @Override
        public Prepared prepare(TextCorpus corpus, int minCount) {
            Map<String, Long> counts = new HashMap<>();
            corpus.forEachSentence(s -> {
                for (String w : s) {
                    counts.merge(w, 1L, Long::sum);
                }
            });
            List<String> vocab = new ArrayList<>(counts.keySet());
            vocab.removeIf(w -> counts.get(w) < minCount);
            if (vocab.isEmpty()) {
                throw new IllegalArgumentException("no word occurs at least " + minCount + " times");
            }
            vocab.sort((a, b) -> counts.get(b).equals(counts.get(a)) ? a.compareTo(b)
                    : Long.compare(counts.get(b), counts.get(a)));
            long tokens = vocab.stream().mapToLong(counts::get).sum();
            return new Prepared() {
                @Override
                public int vocabularySize() {
                    return vocab.size();
                }

                @Override
                public long tokens() {
                    return tokens;
                }

                @Override
                public Run train(String objective, Settings s, WordsProgress progress) {
                    trained.add(objective);
                    int o = OBJECTIVES.indexOf(objective);
                    Random rnd = new Random(s.seed() * 31 + o);
                    float[] v = new float[vocab.size() * s.dimension()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) rnd.nextGaussian();
                    }
                    List<Epoch> epochs = new ArrayList<>();
                    for (int e = 0; e < s.epochs(); e++) {
                        double sec = 0.5 * (o + 1) * (e == 0 ? 5 : 1);
                        epochs.add(new Epoch(sec, tokens, tokens / sec, 1.0 / (e + 1)));
                    }
                    return new Run(objective, new WordVectors(vocab.toArray(new String[0]),
                            Matrix.of(vocab.size(), s.dimension(), v)), epochs);
                }
            };
        }
    }

    StandIn trainer;

    @BeforeEach
    void files() throws IOException {
        out = dir.resolve("out");
        trainer = new StandIn();
        StringBuilder text = new StringBuilder();
        String[] base = {"the king and the queen", "a man and a woman", "the boy saw the girl", "paris is in france",
            "rome is in italy", "the car and the automobile"};
        for (int r = 0; r < 8; r++) {
            for (String s : base) {
                text.append(s).append(r % 2 == 0 ? ".\n" : ". ");
            }
        }
        Files.writeString(dir.resolve("corpus.txt"), text);
        Files.writeString(dir.resolve("q.txt"), """
                : capital
                paris france rome italy
                rome italy paris france
                rome italy berlin germany
                : gram-x
                man woman king queen
                boy girl man woman
                """);
        Files.writeString(dir.resolve("pairs.txt"), "car automobile\nman boy\nqueen unknownword\n");
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    CliTesting.Run run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = Main.newCommandLine();
        ((CompareWordsCommand) cli.getSubcommands().get("compare").getSubcommands().get("words").getCommand())
                .trainer = trainer;
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        int code = cli.execute(args);
        return new CliTesting.Run(code, o.toString(), e.toString());
    }

    @Test
    void reportJsonAndVectorsAgreeWithTheLibrary() throws IOException {
        CliTesting.Run r = run("compare", "words", "--corpus", f("corpus.txt"), "--objectives", "neg,softmax",
                "--epochs", "3", "--dim", "8", "--min-count", "1", "--questions", f("q.txt"), "--synonyms",
                f("pairs.txt"), "--top-words", "20", "--seed", "3", "--out", out.toString());
        r.assertOk();
        assertEquals(List.of("neg", "softmax"), trainer.trained);
        JsonNode j = CliTesting.json(out.resolve("compare.json"));
        assertEquals(f("corpus.txt"), j.get("corpus").asText());
        assertEquals(8 * (5 + 5 + 5 + 4 + 4 + 5), j.get("corpus_tokens").asLong()); // 8 repeats of the 6 sentences
        assertEquals(18, j.get("vocabulary").asInt());
        assertEquals(3, j.get("settings").get("epochs").asInt());
        assertEquals(20, j.get("top_words").asInt());
        List<String[]> pairs = WordNetSynonyms.readPairs(dir.resolve("pairs.txt"));
        Path questions = dir.resolve("q.txt");
        JsonNode objs = j.get("objectives");
        assertEquals(2, objs.size());
        for (JsonNode o : objs) {
            String name = o.get("objective").asText();
            WordVectors v = WordVectors.read(out.resolve("vectors-" + name + ".bin"));
            AnalogyResult a = Evaluation.analogies(v, questions, 20);
            SynonymResult s = Evaluation.synonyms(v, pairs);
            assertEquals(a.correct(), o.get("analogy_correct").asInt(), name);
            assertEquals(a.seen(), o.get("analogy_seen").asInt());
            assertEquals(5, o.get("analogy_total").asInt());
            assertEquals(4, a.seen()); // berlin/germany are not in the corpus
            assertEquals(a.perSection().get("capital").seen(), o.get("analogy_sections").get("capital")
                    .get("seen").asInt());
            assertEquals(a.accuracy(), o.get("analogy_accuracy").asDouble());
            assertEquals(s.alignment(), o.get("synonym_alignment").asDouble());
            assertEquals(s.uniformity(), o.get("synonym_uniformity").asDouble());
            assertEquals(s.recallAt10(), o.get("synonym_recall_at_10").asDouble());
            assertEquals(2, o.get("synonym_pairs_used").asInt());
            assertEquals(1, o.get("synonym_pairs_unknown").asInt());
            double sec = 0.5 * (WordTrainer.OBJECTIVES.indexOf(name) + 1);
            long tokens = j.get("trained_tokens_per_epoch").asLong();
            // sums and quotients of the same doubles: double rounding only
            assertEquals(sec, o.get("seconds_per_epoch_median").asDouble(), FloatBounds.gamma64(4) * sec); // 5s, s, s
            assertEquals(7 * sec, o.get("seconds").asDouble(), FloatBounds.gamma64(4) * 7 * sec);
            assertEquals(tokens / sec, o.get("words_per_second").asDouble(), FloatBounds.gamma64(4) * tokens / sec);
            assertEquals(3 * tokens / (7 * sec), o.get("words_per_second_overall").asDouble(),
                    FloatBounds.gamma64(8) * 3 * tokens / (7 * sec));
            assertEquals(3, o.get("epochs").size());
            assertEquals(0.5, o.get("epochs").get(1).get("loss").asDouble());
        }
        // the trade-off, derived from the stand-in's epoch times: softmax 2.0 s vs neg 0.5 s
        assertTrue(r.out().contains("softmax (cross-entropy, exact): 4× slower per epoch than neg"), r.out());
        assertEquals(1, j.get("trade_off").size());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(1).startsWith("objective") && lines.get(1).contains("syn recall@10"), lines.get(1));
        assertTrue(lines.get(2).startsWith("neg ") && lines.get(3).startsWith("softmax "), r.out());
        assertTrue(lines.get(3).contains(" 2.00 ") && lines.get(3).contains(" 4.0 "), lines.get(3));

        String html = Files.readString(out.resolve("report.html"));
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            byte[] png = Base64.getDecoder().decode(m.group(1));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
            images++;
        }
        assertEquals(5, images);
        assertTrue(html.contains("<td>softmax</td><td>cross-entropy, exact</td>"), "results table");
        assertFalse(html.contains("src=\"http"), "self-contained");
    }

    @Test
    void defaultsUseTheEmbeddedData() throws IOException {
        CliTesting.Run r = run("compare", "words", "--objectives", "nce", "--epochs", "1", "--dim", "4",
                "--out", out.toString());
        r.assertOk();
        JsonNode j = CliTesting.json(out.resolve("compare.json"));
        assertTrue(j.get("corpus").asText().startsWith("embedded:"));
        assertEquals(71014, j.get("corpus_tokens").asLong()); // as TextCorpusTest derives it
        JsonNode o = j.get("objectives").get(0);
        assertEquals(19544, o.get("analogy_total").asInt());
        assertEquals(8278, o.get("synonym_pairs_used").asInt() + o.get("synonym_pairs_unknown").asInt());
        assertTrue(j.get("questions").asText().contains("embedded"));
    }

    @Test
    void wordNetDirectoryAsSynonyms() throws IOException {
        Path dict = Files.createDirectories(dir.resolve("dict"));
        Files.writeString(dict.resolve("data.noun"),
                "02958343 06 n 02 car 0 automobile 0 000 | a motor vehicle\n");
        run("compare", "words", "--corpus", f("corpus.txt"), "--objectives", "neg", "--epochs", "1", "--dim", "4",
                "--min-count", "1", "--synonyms", dict.toString(), "--out", out.toString()).assertOk();
        JsonNode o = CliTesting.json(out.resolve("compare.json")).get("objectives").get(0);
        assertEquals(1, o.get("synonym_pairs_used").asInt());
    }

    /** The real skip-gram trainer behind the command: every objective trains and is evaluated. */
    @Test
    void theSkipGramTrainerRunsEveryObjective() throws IOException {
        CliTesting.Run r = CliTesting.run("compare", "words", "--corpus", f("corpus.txt"), "--epochs", "1", "--dim",
                "8", "--min-count", "1", "--sample", "0", "--threads", "1", "--questions", f("q.txt"), "--synonyms",
                f("pairs.txt"), "--out", out.toString());
        assertEquals(0, r.code(), r::err);
        // stderr: one line per finished epoch of each objective, with its loss (no progress bars outside a terminal)
        String[] lines = r.err().strip().split("\n");
        assertEquals(5, lines.length, r.err());
        for (int i = 0; i < 5; i++) {
            String pattern = WordTrainer.OBJECTIVES.get(i) + " epoch 1 done: .* words/s, loss \\d+\\.\\d{4}";
            assertTrue(lines[i].matches(pattern), lines[i]);
        }
        JsonNode j = CliTesting.json(out.resolve("compare.json"));
        assertEquals(18, j.get("vocabulary").asInt());
        assertEquals(5, j.get("objectives").size());
        for (int i = 0; i < 5; i++) {
            JsonNode o = j.get("objectives").get(i);
            String name = WordTrainer.OBJECTIVES.get(i);
            assertEquals(name, o.get("objective").asText());
            assertTrue(o.get("seconds").asDouble() > 0);
            WordVectors v = WordVectors.read(out.resolve("vectors-" + name + ".bin"));
            assertEquals(18, v.size());
            assertEquals(8, v.dimension());
            assertEquals("the", v.word(0)); // the most frequent word first
            assertEquals(Evaluation.synonyms(v, WordNetSynonyms.readPairs(dir.resolve("pairs.txt"))).alignment(),
                    o.get("synonym_alignment").asDouble());
        }
    }

    String bad(String... args) {
        List<String> all = new ArrayList<>(List.of("compare", "words", "--out", out.toString()));
        all.addAll(List.of(args));
        return run(all.toArray(new String[0])).assertBadInput();
    }

    @Test
    void badInput() throws IOException {
        assertTrue(bad("--corpus", f("none.txt")).contains("--corpus " + f("none.txt") + ": no such file"));
        assertTrue(bad("--objectives", "neg,hinge").contains("unknown objective 'hinge'"));
        assertTrue(bad("--objectives", "neg,neg").contains("'neg' is listed twice"));
        assertTrue(bad("--epochs", "0").contains("--epochs must be >= 1, was 0"));
        assertTrue(bad("--sample", "-1").contains("--sample must be finite and >= 0, was -1.0"));
        assertTrue(bad("--questions", f("nq.txt")).contains("--questions " + f("nq.txt") + ": no such file"));
        Files.writeString(dir.resolve("badpairs.txt"), "car automobile\nlonely\n");
        assertTrue(bad("--synonyms", f("badpairs.txt")).contains("badpairs.txt line 2: expected two words"));
        // the trainer's refusal (no word reaches the min count) names the corpus
        String m = bad("--corpus", f("corpus.txt"), "--min-count", "1000");
        assertTrue(m.contains("--corpus " + f("corpus.txt") + ": no word occurs at least 1000 times"), m);
        Files.writeString(dir.resolve("afile"), "x");
        String m2 = run("compare", "words", "--out", f("afile")).assertBadInput();
        assertTrue(m2.contains("exists and is not a directory"), m2);
        String m3 = run("compare").assertBadInput();
        assertTrue(m3.contains("missing what to compare: words"), m3);
        assertFalse(Files.exists(out.resolve("compare.json")));
    }
}
