package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train images} end to end on a copy of the embedded slice, and its bad-input paths (exit 2, one line). */
class TrainImagesCommandTest {
    private static final String[] FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void copyData() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        for (String f : FILES) {
            try (InputStream in = getClass().getResourceAsStream("/demo/" + f)) {
                Files.copy(in, data.resolve(f));
            }
        }
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "images", "--data", data.toString(), "--out",
                dir.resolve("out").toString(), "--train-limit", "300", "--test-limit", "100",
                "--probe-steps", "30", "--no-progress", "--no-baselines"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsWritesOutputsAndResumes() throws IOException {
        CliTesting.Run r = CliTesting.run(args("--epochs", "1", "--embedding-dim", "4", "--batch-size", "64"));
        assertEquals(0, r.code(), r.err());
        Path out = dir.resolve("out");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(2, summary.size());
        assertEquals("ntxent-t0.1", summary.get(0).get("name").asText());
        assertEquals("untrained", summary.get(1).get("name").asText());
        List<String> keys = new ArrayList<>();
        summary.get(0).fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("name", "objective", "temperature", "embedding_dim", "knn_accuracy",
                "linear_probe_accuracy", "alignment", "uniformity", "effective_rank", "seconds"), keys);
        assertEquals(4, summary.get(0).get("embedding_dim").asInt());
        assertTrue(summary.get(1).get("objective").isNull());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,") && !html.contains("src=\"http"), "self-contained");
        assertTrue(Files.isRegularFile(out.resolve("checkpoint.bin")));
        assertTrue(r.out().contains("ntxent-t0.1") && r.out().contains("untrained"), r.out());

        CliTesting.Run resumed = CliTesting.run(args("--epochs", "2", "--embedding-dim", "4", "--batch-size", "64", "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        JsonNode history = new ObjectMapper().readTree(out.resolve("history.json").toFile());
        assertEquals(3, history.get(0).get("epochs").size(), "epochs 0, 1 and the resumed 2");

        CliTesting.run(args("--epochs", "3", "--embedding-dim", "8", "--batch-size", "64", "--resume"))
                .assertBadInput("other settings", "--embedding-dim is 8 now, the checkpoint has 4");
        CliTesting.run(args("--epochs", "3", "--embedding-dim", "4", "--batch-size", "64", "--seed", "5", "--resume"))
                .assertBadInput("--resume", "--seed is 5 now, the checkpoint has 1");
        CliTesting.run(args("--epochs", "1", "--embedding-dim", "4", "--batch-size", "64", "--resume"))
                .assertBadInput("--resume", "has 2 epochs done, more than --epochs 1");
        assertEquals(3, new ObjectMapper().readTree(out.resolve("history.json").toFile()).get(0).get("epochs").size(),
                "a refused resume leaves the outputs as they were");
    }

    @Test
    void badInput() throws IOException {
        CliTesting.run(args("--objective", "byol")).assertBadInput("unknown objective 'byol'", "alignment-only");
        CliTesting.run(args("--encoder", "resnet")).assertBadInput("unknown encoder 'resnet'");
        CliTesting.run(args("--batch-size", "512")).assertBadInput("batch size 512 is larger than the 300 training");
        CliTesting.run(args("--temperature", "0")).assertBadInput("temperature must be in [0.001, 10], was 0.0");
        CliTesting.run(args("--resume")).assertBadInput("--resume: no checkpoint at");
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        CliTesting.run("train", "images", "--data", data.toString(), "--out", file.resolve("sub").toString(),
                "--train-limit", "300", "--no-progress").assertBadInput("--out", "plain-file");
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
        CliTesting.run("train", "images", "--data", dir.resolve("none").toString(), "--no-progress")
                .assertBadInput("none: no such directory");
    }

    @Test
    void corruptIdxFiles() throws IOException {
        byte[] images = Files.readAllBytes(data.resolve(FILES[0]));
        Files.write(data.resolve(FILES[0]), java.util.Arrays.copyOf(images, images.length / 2));
        CliTesting.run(args()).assertBadInput("train-images-idx3-ubyte.gz", "truncated");
        copyData2();
        Files.delete(data.resolve(FILES[1]));
        Files.write(data.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
        CliTesting.run(args()).assertBadInput("train-labels-idx1-ubyte", "magic number 0x00000803",
                "expected 0x00000801");
        Files.write(data.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 1, 2});
        CliTesting.run(args()).assertBadInput("has 5000 images but", "has 2 labels");
    }

    private void copyData2() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/demo/" + FILES[0])) {
            Files.copy(in, data.resolve(FILES[0]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
