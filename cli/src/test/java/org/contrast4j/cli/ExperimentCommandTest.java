package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.contrast4j.experiment.MiExperiment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code contrast4j experiment mi|nce} in-process, on tiny configurations: the files, the table, bad arguments. */
class ExperimentCommandTest {
    @TempDir
    Path dir;

    static Set<String> keys(JsonNode o) {
        Set<String> k = new LinkedHashSet<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            k.add(it.next());
        }
        return k;
    }

    static void assertRan(CliTesting.Run r, int progressLines) {
        assertEquals(0, r.code(), () -> "exit code; stderr: " + r.err());
        assertEquals(progressLines, r.err().lines().count(), () -> "one progress line per run on stderr: " + r.err());
    }

    @Test
    void miWritesRowsWithTheDocumentedKeys() throws IOException {
        Path out = dir.resolve("mi");
        CliTesting.Run r = run("experiment", "mi", "--dim", "2", "--rho", "0.5", "--batch", "4,8", "--steps", "5",
                "--eval-samples", "32", "--seed", "3", "--out", out.toString());
        assertRan(r, 2);
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("result.json")));
        assertEquals("mi", j.get("experiment").asText());
        assertEquals(2, j.get("config").get("dim").asInt());
        JsonNode rows = j.get("rows");
        assertEquals(2, rows.size());
        for (int i = 0; i < 2; i++) {
            JsonNode row = rows.get(i);
            assertEquals(Set.of("n", "true_mi", "estimate", "standard_error", "log_n", "oracle_estimate",
                    "train_steps", "eval_batches", "seconds"), keys(row));
            int n = i == 0 ? 4 : 8;
            assertEquals(n, row.get("n").asInt());
            assertEquals(Math.log(n), row.get("log_n").asDouble(), 1e-12);
            // −(d/2)·log(1 − ρ²) for d = 2, ρ = 0.5, written out here
            assertEquals(-Math.log(0.75), row.get("true_mi").asDouble(), 1e-12);
            assertTrue(row.get("estimate").asDouble() <= Math.log(n) + 1e-9);
            assertEquals(5, row.get("train_steps").asInt());
        }
        // the command runs the library's experiment: same configuration, same numbers
        MiExperiment.Row lib = MiExperiment.builder().dimension(2).rho(0.5).batchSizes(8).steps(5).evalSamples(32)
                .seed(3).build().run(line -> { }).getFirst();
        assertEquals(lib.estimate(), rows.get(1).get("estimate").asDouble(), 0.0);
        String table = r.out();
        assertTrue(table.contains("true I") && table.contains("log N"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("8 ")), table);
        assertTrue(table.contains("wrote " + out.resolve("result.json")), table);
    }

    @Test
    void miWithoutOutPrintsTheTableOnly() {
        CliTesting.Run r = run("experiment", "mi", "--dim", "1", "--batch", "2", "--steps", "2", "--eval-samples", "8");
        assertRan(r, 1);
        assertTrue(r.out().contains("optimal critic"), r.out());
        assertFalse(r.out().contains("wrote"), r.out());
    }

    @Test
    void miBadArguments() {
        run("experiment", "mi", "--rho", "1").assertBadInput("experiment mi", "rho must be in (-1, 1)", "was 1.0");
        run("experiment", "mi", "--rho", "-1.5").assertBadInput("rho must be in (-1, 1)", "was -1.5");
        run("experiment", "mi", "--rho", "NaN").assertBadInput("rho must be in (-1, 1)");
        run("experiment", "mi", "--dim", "0").assertBadInput("dimension d must be >= 1, was 0");
        run("experiment", "mi", "--batch", "16,1").assertBadInput("batch size N must be >= 2", "was 1 at position 1");
        run("experiment", "mi", "--batch", "16,x").assertBadInput("--batch");
        run("experiment", "mi", "--steps", "0").assertBadInput("steps must be >= 1, was 0");
        run("experiment", "mi", "--learning-rate", "-1").assertBadInput("learning rate must be > 0");
        run("experiment", "mi", "--frobnicate").assertBadInput("frobnicate");
        run("experiment").assertBadInput("missing experiment: mi or nce");
    }

    @Test
    void outThatIsAFileIsBadInputBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        run("experiment", "mi", "--dim", "1", "--batch", "2", "--steps", "1", "--out", file.toString())
                .assertBadInput("--out", "exists and is not a directory");
    }
}
