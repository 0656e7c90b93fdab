package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.contrast4j.experiment.MiExperiment;
import org.contrast4j.experiment.NceExperiment;
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
        CliTesting.Run r = run("experiment", "mi", "--dim", "2", "--rho", "0.5", "--batch-sizes", "4,8", "--steps", "5",
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
            // double rounding of a logarithm and a product
            assertEquals(Math.log(n), row.get("log_n").asDouble(), FloatBounds.gamma64(2) * Math.log(n));
            // −(d/2)·log(1 − ρ²) for d = 2, ρ = 0.5, written out here
            assertEquals(-Math.log(0.75), row.get("true_mi").asDouble(), FloatBounds.gamma64(4) * -Math.log(0.75));
            // log N − L with L ≥ 0 computed in double: ≤ log N up to the rounding of the mean over batches
            assertTrue(row.get("estimate").asDouble() <= Math.log(n) * (1 + FloatBounds.gamma64(8)));
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
        CliTesting.Run r = run("experiment", "mi", "--dim", "1", "--batch-sizes", "2", "--steps", "2", "--eval-samples", "8");
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
        run("experiment", "mi", "--batch-sizes", "16,1").assertBadInput("--batch-sizes 16,1: batch size N must be >= 2", "was 1 at position 1");
        run("experiment", "mi", "--batch-sizes", "16,x").assertBadInput("--batch-sizes");
        run("experiment", "mi", "--steps", "0").assertBadInput("steps must be >= 1, was 0");
        run("experiment", "mi", "--learning-rate", "-1").assertBadInput("learning rate must be > 0");
        run("experiment", "mi", "--frobnicate").assertBadInput("frobnicate");
        run("experiment").assertBadInput("missing experiment: mi or nce");
    }

    @Test
    void outThatIsAFileIsBadInputBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        run("experiment", "mi", "--dim", "1", "--batch-sizes", "2", "--steps", "1", "--out", file.toString())
                .assertBadInput("--out", "exists and is not a directory");
    }

    @Test
    void nceWritesRowsWithTheDocumentedKeys() throws IOException {
        Path out = dir.resolve("nce");
        CliTesting.Run r = run("experiment", "nce", "--num-classes", "8", "--k", "1,4", "--num-samples", "300", "--epochs",
                "1", "--batch-size", "100", "--seed", "2", "--threads", "1", "--out", out.toString());
        int runs = 1 + 3 * 3 * 2; // full softmax, then 3 objectives × 3 noises × 2 k
        assertRan(r, runs);
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("result.json")));
        assertEquals("nce", j.get("experiment").asText());
        assertEquals(8, j.get("config").get("classes").asInt());
        JsonNode rows = j.get("rows");
        assertEquals(runs, rows.size());
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            assertEquals(Set.of("objective", "noise", "k", "kl", "log_z", "seconds", "predicted_kl",
                    "predicted_log_z"), keys(row));
            assertTrue(row.get("kl").asDouble() >= 0, row::toString);
            seen.add(row.get("objective").asText() + "/" + row.get("noise").asText() + "/" + row.get("k").asInt());
        }
        assertEquals(runs, seen.size(), "every (objective, noise, k) once");
        assertTrue(seen.contains("full_softmax/none/0"), seen::toString);
        assertTrue(seen.contains("nce/unigram/1") && seen.contains("negative_sampling/uniform/4")
                && seen.contains("sampled_softmax/reversed_zipf/4"), seen::toString);
        JsonNode full = rows.get(0);
        assertTrue(full.get("predicted_kl").isNull() && full.get("predicted_log_z").isNull(), full::toString);
        // the command runs the library's experiment: same configuration, same numbers
        NceExperiment.Row lib = NceExperiment.builder().classes(8).ks(1, 4).samples(300).epochs(1).batchSize(100)
                .seed(2).threads(1).build().fit(NceExperiment.Objective.NCE, NceExperiment.Noise.UNIFORM, 4).row();
        JsonNode nce = null;
        for (JsonNode row : rows) {
            if (row.get("objective").asText().equals("nce") && row.get("noise").asText().equals("uniform")
                    && row.get("k").asInt() == 4) {
                nce = row;
            }
        }
        assertEquals(lib.kl(), nce.get("kl").asDouble(), 0.0);
        assertEquals(lib.logZ(), nce.get("log_z").asDouble(), 0.0);
        assertEquals(0.0, nce.get("predicted_log_z").asDouble(), 0.0);
        assertTrue(r.out().contains("predicted log Z"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("negative_sampling") && l.contains("reversed_zipf")),
                r.out());
    }

    @Test
    void nceBadArguments() {
        run("experiment", "nce", "--k", "1,0").assertBadInput("experiment nce",
                "k (noise samples per data sample) must be >= 1, was 0 at position 1");
        run("experiment", "nce", "--k", "-3").assertBadInput("must be >= 1, was -3");
        run("experiment", "nce", "--k", "5,5").assertBadInput("k = 5 is given twice");
        run("experiment", "nce", "--num-classes", "1").assertBadInput("--num-classes 1: classes V must be >= 2, was 1");
        run("experiment", "nce", "--num-samples", "0").assertBadInput("--num-samples 0: samples M must be >= 1, was 0");
        run("experiment", "nce", "--zipf", "-1").assertBadInput("zipf exponent must be >= 0");
        run("experiment", "nce", "--threads", "0").assertBadInput("threads must be >= 1, was 0");
        run("experiment", "nce", "--epochs", "x").assertBadInput("--epochs");
    }
}
