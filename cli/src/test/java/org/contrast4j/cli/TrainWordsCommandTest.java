package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramCorpus;
import org.contrast4j.embed.SkipGramTraining;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordNetSynonyms;
import org.contrast4j.embed.WordVectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code contrast4j train words} on a small two-topic corpus: the files it writes, summary numbers equal to the
 * library's evaluation of the vectors file, an exact resume from a checkpoint, and bad input (exit 2, one line).
 */
class TrainWordsCommandTest {
    static final String[] FRUIT = {"apple", "pear", "plum", "fig", "grape", "melon"};
    static final String[] VEHICLES = {"car", "bus", "train", "truck", "boat", "ship"};

    @TempDir
    Path dir;
    Path corpus;

    @BeforeEach
    void writeCorpus() throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < 600; s++) {
            String[] topic = r.nextBoolean() ? FRUIT : VEHICLES;
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                line.append(i == 0 ? "" : " ").append(r.nextDouble() < 0.3 ? "the" : topic[r.nextInt(topic.length)]);
            }
            lines.add(line.toString());
        }
        corpus = dir.resolve("corpus.txt");
        Files.write(corpus, lines);
    }

    /** The small settings, {@code more} replacing any of them it names. */
    String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "words"));
        List<String> given = List.of(more);
        String[] defaults = {"--corpus", corpus.toString(), "--dim", "16", "--window", "3", "--epochs", "2",
            "--min-count", "1", "--sample", "0", "--threads", "1", "--out", out.toString()};
        for (int i = 0; i < defaults.length; i += 2) {
            if (!given.contains(defaults[i])) {
                a.add(defaults[i]);
                a.add(defaults[i + 1]);
            }
        }
        a.addAll(given);
        return a.toArray(new String[0]);
    }

    /** The trainer the command builds from {@link #args}. */
    static SkipGram config() {
        return SkipGram.builder().objective(Objective.NEGATIVE_SAMPLING).dimension(16).window(3).epochs(2).sample(0)
                .threads(1).seed(1).build();
    }

    static void assertEpochLinesOnly(CliTesting.Run run, int... epochs) {
        assertEquals(0, run.code(), () -> "exit code; stderr: " + run.err());
        String[] lines = run.err().strip().split("\n");
        assertEquals(epochs.length, lines.length, run.err());
        for (int i = 0; i < epochs.length; i++) {
            assertTrue(lines[i].startsWith("epoch " + epochs[i] + " done: "), lines[i]);
        }
    }

    @Test
    void writesVectorsSummaryAndCheckpoint() throws IOException {
        Path out = dir.resolve("run");
        CliTesting.Run run = CliTesting.run(args(out, "--binary"));
        assertEpochLinesOnly(run, 1, 2);
        assertTrue(run.out().contains("words_per_second"), run.out());
        WordVectors v = WordVectors.read(out.resolve("vectors.txt"));
        assertEquals(13, v.size());
        assertEquals(16, v.dimension());
        assertEquals("the", v.word(0));
        WordVectors bin = WordVectors.read(out.resolve("vectors.bin"));
        assertArrayEquals(v.vectors().data(), bin.vectors().data());
        assertTrue(Files.isRegularFile(out.resolve(TrainWordsCommand.CHECKPOINT)));

        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("neg", s.get("settings").get("objective").asText());
        assertEquals(2, s.get("epochs").size());
        assertEquals(0, s.get("resumed_after_epoch").asInt());
        assertEquals(600 * 8, s.get("corpus_tokens").asLong());
        assertEquals(13, s.get("vocabulary").asInt());
        double seconds = s.get("epochs").get(0).get("seconds").asDouble() + s.get("epochs").get(1).get("seconds")
                .asDouble();
        // sums and quotients of the same doubles: double rounding only
        assertEquals(seconds, s.get("seconds").asDouble(), FloatBounds.gamma64(2) * seconds);
        double wps = 2 * 600 * 8 / seconds;
        assertEquals(wps, s.get("words_per_second").asDouble(), FloatBounds.gamma64(4) * wps);
        // the evaluation numbers are the library's on the vectors file written
        AnalogyResult a = Evaluation.analogies(v, 30000);
        assertEquals(a.accuracy(), s.get("analogy_accuracy").asDouble());
        assertEquals(a.seen(), s.get("analogy_seen").asInt());
        assertEquals(19544, s.get("analogy_total").asInt());
        SynonymResult syn = Evaluation.synonyms(v, WordNetSynonyms.embedded());
        assertEquals(syn.used(), s.get("synonym_pairs_used").asInt());
        assertEquals(syn.unknown(), s.get("synonym_pairs_unknown").asInt());
        assertEquals(String.valueOf(syn.alignment()), s.get("synonym_alignment").asText());
        assertEquals(String.valueOf(syn.recallAt10()), s.get("synonym_recall_at_10").asText());
    }

    @Test
    void resumeFromACheckpointGivesTheSameVectorsAsAnUninterruptedRun() throws IOException {
        Path whole = dir.resolve("whole");
        assertEpochLinesOnly(CliTesting.run(args(whole)), 1, 2);

        // an interrupted run: epoch 1 and its checkpoint, made through the library with the command's settings
        Path cut = dir.resolve("cut");
        Files.createDirectories(cut);
        TextCorpus text = TextCorpus.open(corpus);
        SkipGramTraining first = config().start(SkipGramCorpus.ofSentences(text::forEachSentence, 1));
        first.runEpoch(null);
        first.checkpoint(cut.resolve(TrainWordsCommand.CHECKPOINT));

        assertEpochLinesOnly(CliTesting.run(args(cut, "--resume")), 2);
        assertArrayEquals(Files.readAllBytes(whole.resolve("vectors.txt")), Files.readAllBytes(cut.resolve(
                "vectors.txt")));
        JsonNode s = new ObjectMapper().readTree(cut.resolve("summary.json").toFile());
        assertEquals(1, s.get("resumed_after_epoch").asInt());
        assertEquals(2, s.get("epochs").size());

        // resuming a finished run trains nothing and writes the same vectors again
        CliTesting.Run again = CliTesting.run(args(cut, "--resume"));
        assertEquals(0, again.code());
        assertEquals("", again.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("vectors.txt")), Files.readAllBytes(cut.resolve(
                "vectors.txt")));

        CliTesting.run(args(cut, "--resume", "--seed", "2"))
                .assertBadInput("--resume", "other settings (--seed 2 requested, checkpoint has 1)");
    }

    @Test
    void badInput() throws IOException {
        Path out = dir.resolve("bad");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        CliTesting.run("train", "words", "--corpus", empty.toString(), "--out", out.toString())
                .assertBadInput("--corpus " + empty, "the corpus is empty");
        CliTesting.run(args(out, "--min-count", "5000"))
                .assertBadInput("no word occurs at least --min-count = 5000 times");
        CliTesting.run(args(out, "--num-negatives", "30"))
                .assertBadInput("the vocabulary has 13 words but neg with k = 30 negatives needs at least k + 1 = 31");
        CliTesting.run(args(out, "--dim", "0")).assertBadInput("--dim must be >= 1, was 0");
        CliTesting.run(args(out, "--sample", "-1")).assertBadInput("--sample must be finite and >= 0, was -1.0");
        CliTesting.run(args(out, "--objective", "hs")).assertBadInput("--objective", "unknown objective 'hs'");
        CliTesting.run(args(out, "--objective", "infonce", "--batch-size", "1"))
                .assertBadInput("--objective infonce needs --batch-size >= 2");
        CliTesting.run(args(dir.resolve("fresh"), "--resume")).assertBadInput("--resume", "nothing to resume");
        CliTesting.run(args(out, "--objective", "infonce", "--learning-rate", "100", "--epochs", "1"))
                .assertBadInput("training diverged in epoch 1", "learning rate 100.0 is too large for infonce");
        CliTesting.run(args(out, "--threads")).assertBadInput("--threads");
        CliTesting.run("train", "words", "--corpus", dir.resolve("missing.txt").toString(), "--out", out.toString())
                .assertBadInput("missing.txt");
        CliTesting.run("train").assertBadInput("missing subcommand: images, words or pairs");
        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve(TrainWordsCommand.CHECKPOINT), "not a checkpoint");
        CliTesting.run(args(corrupt, "--resume")).assertBadInput("not a contrast4j skip-gram checkpoint");
    }
}
