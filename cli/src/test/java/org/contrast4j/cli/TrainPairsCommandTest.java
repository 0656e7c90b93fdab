package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.adapter.Adapter;
import org.contrast4j.text.adapter.Side;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train pairs} end to end with {@link HashedBagOfWordsTestEncoder} on a seeded "translation" task: each
 * query is four words of language A, its document the same words in language B (a word-for-word dictionary), so the
 * frozen bag-of-words embeddings of the two sides share no word and a per-side linear adapter can learn the
 * dictionary.
 */
class TrainPairsCommandTest {
    @TempDir
    static Path dir;

    static Path train;
    static Path valid;

    @BeforeAll
    static void data() throws IOException {
        HashedBagOfWordsTestEncoder.register(64);
        train = dir.resolve("train.tsv");
        valid = dir.resolve("valid.tsv");
        Files.writeString(train, pairs(600, new Random(1)));
        Files.writeString(valid, pairs(150, new Random(2)));
    }

    private static String pairs(int n, Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            List<String> a = new ArrayList<>();
            List<String> z = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                int w = rnd.nextInt(40);
                a.add("alpha" + w);
                z.add("zulu" + w);
            }
            b.append(String.join(" ", a)).append('\t').append(String.join(" ", z)).append('\n');
        }
        return b.toString();
    }

    private static CliTesting.Run train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "pairs", "--train", train.toString(), "--valid",
                valid.toString(), "--model", HashedBagOfWordsTestEncoder.NAME, "--threads", "1", "--learning-rate", "1e-2",
                "--batch-size", "64", "--no-progress", "--out", out.toString()));
        args.addAll(List.of(more));
        return CliTesting.run(args.toArray(String[]::new));
    }

    @Test
    void trainsAnAdapterThatBeatsTheFrozenEncoderAndWritesItsFiles() throws IOException {
        Path out = dir.resolve("run");
        CliTesting.Run r = train(out, "--epochs", "6");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("epoch 1 done"), r.err());
        JsonNode s = CliTesting.json(out.resolve("summary.json"));
        double before = s.get("before").get("recall@1").asDouble();
        double after = s.get("after").get("recall@1").asDouble();
        assertTrue(after > before + 0.5 * (1 - before), "recall@1 " + before + " → " + after);
        assertEquals(150, s.get("before").get("queries").asInt());
        assertEquals(s.get("epochs").asInt(), s.get("history").size());
        assertTrue(s.get("seconds").asDouble() > 0);
        assertTrue(s.get("temperature").asDouble() > 0);
        assertTrue(Files.readString(out.resolve("report.html")).contains("data:image/png;base64,"));
        assertTrue(Files.isRegularFile(out.resolve("checkpoint.bin")));

        // the saved adapter reproduces the validation score in the summary
        Adapter a = Adapter.load(out);
        assertEquals(HashedBagOfWordsTestEncoder.NAME + "/d=64", a.encoder().orElseThrow());
        Matrix w = Npy.readMatrix(out.resolve("query_weight.npy"));
        assertEquals(64, w.rows());
        assertTrue(r.out().contains("recall@1"), r.out());
    }

    @Test
    void resumingAfterTwoEpochsGivesTheSameAdapterAsFourInOneRun() throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        assertEquals(0, train(whole, "--epochs", "4", "--patience", "0", "--adapter-kind", "mlp", "--hidden", "16",
                "--hard-negatives", "2").code());
        assertEquals(0, train(parts, "--epochs", "2", "--patience", "0", "--adapter-kind", "mlp", "--hidden", "16",
                "--hard-negatives", "2").code());
        CliTesting.Run r = train(parts, "--epochs", "4", "--patience", "0", "--adapter-kind", "mlp", "--hidden", "16",
                "--hard-negatives", "2", "--resume");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resumed after 2"), r.out());
        for (String f : new String[] {"query_w1.npy", "query_b1.npy", "query_w2.npy", "query_b2.npy",
            "document_w1.npy", "document_w2.npy"}) {
            assertArrayEquals(Npy.read(whole.resolve(f)).toFloats(), Npy.read(parts.resolve(f)).toFloats(), f);
        }
        JsonNode a = CliTesting.json(whole.resolve("summary.json"));
        JsonNode b = CliTesting.json(parts.resolve("summary.json"));
        assertEquals(a.get("after"), b.get("after"));
        assertEquals(a.get("temperature"), b.get("temperature"));
    }

    @Test
    void matryoshkaRunsReportEveryPrefix() throws IOException {
        Path out = dir.resolve("matryoshka");
        assertEquals(0, train(out, "--epochs", "2", "--matryoshka-dims", "16,64", "--gist").code());
        JsonNode m = CliTesting.json(out.resolve("summary.json")).get("matryoshka");
        assertEquals(2, m.size());
        assertEquals(16, m.get(0).get("dim").asInt());
        // the full prefix is the validation of the best adapter itself
        assertEquals(CliTesting.json(out.resolve("summary.json")).get("after"), m.get(1).get("after"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("first 16 dimensions"));
    }

    @Test
    void badInputsAreOneLineErrors() throws IOException {
        Path out = dir.resolve("bad");
        train(out, "--adapter-kind", "conv").assertBadInput("--adapter-kind: adapter kind must be linear or mlp, was conv");
        train(out, "--hidden", "8").assertBadInput("--hidden applies to --adapter-kind mlp only");
        train(out, "--matryoshka-dims", "32,128").assertBadInput(
                "Matryoshka dimension 128 exceeds the adapter's output dimension 64");
        train(out, "--matryoshka-dims", "32,16").assertBadInput("--matryoshka-dims 32,16", "strictly ascending");
        CliTesting.run("train", "pairs", "--train", train.toString(), "--valid", valid.toString(), "--batch-size",
                "1", "--out", out.toString()).assertBadInput("--batch-size must be >= 2, was 1");
        train(out, "--mining", "sometimes").assertBadInput("--mining must be per-epoch or fixed, was sometimes");
        train(out, "--resume").assertBadInput("--resume:", "does not exist (nothing to resume)");
        Path broken = dir.resolve("broken.tsv");
        Files.writeString(broken, "q\td\nno tab here\n");
        CliTesting.run("train", "pairs", "--train", broken.toString(), "--valid", valid.toString(), "--model",
                HashedBagOfWordsTestEncoder.NAME, "--out", out.toString()).assertBadInput(
                "--train " + broken + " line 2: expected query<TAB>positive[<TAB>negative…], found 1 field (no tab)");
        CliTesting.run("train", "pairs", "--train", dir.resolve("missing.tsv").toString(), "--valid",
                valid.toString(), "--out", out.toString()).assertBadInput("--train", "missing.tsv: cannot read");
        CliTesting.run("train", "pairs", "--train", train.toString(), "--valid", valid.toString(), "--model",
                "word2vec", "--out", out.toString()).assertBadInput("--model must be minilm-q or minilm, was 'word2vec'");
        assertTrue(!Files.exists(out), "a failed run leaves no output directory");
    }

    @Test
    void anAdapterAppliesToNewEmbeddings() throws IOException {
        Path out = dir.resolve("apply");
        assertEquals(0, train(out, "--epochs", "1", "--shared").code());
        Adapter a = Adapter.load(out);
        Matrix x = new HashedBagOfWordsTestEncoder(64).encode(List.of("alpha1 alpha2", "zulu3"));
        Matrix y = a.apply(x, Side.QUERY);
        assertArrayEquals(y.data(), a.apply(x, Side.DOCUMENT).data(), 0f, "shared: one tower");
        for (int i = 0; i < 2; i++) {
            double s = 0;
            for (float v : y.row(i)) {
                s += (double) v * v;
            }
            assertEquals(1.0, Math.sqrt(s), 64 * 0x1p-24, "unit rows");
        }
    }
}
