package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.InfoNce;
import org.junit.jupiter.api.Test;

/** {@code contrast4j bench infonce}: the documented input generator, the report and bad arguments. */
class BenchCommandTest {

    /**
     * The generator against values computed independently by the NumPy function in bench/README.md
     * ({@code bench_inputs(3, 4, 42, m)} and {@code bench_inputs(2, 2, -7, 1)}, printed with {@code tolist()}).
     */
    @Test
    void inputsAreTheNumPyGeneratorsValues() {
        assertArrayEquals(new float[] {0.48312973976135254f, -0.680179238319397f, -0.44279778003692627f,
            -0.3116186857223511f, -0.9239397048950195f, 0.736456036567688f, -0.5631896257400513f,
            0.6012636423110962f, -0.32013797760009766f, 0.23696410655975342f, -0.5901963710784912f,
            -0.014021635055541992f}, BenchCommand.inputs(3, 4, 42, 0));
        assertArrayEquals(new float[] {0.02989363670349121f, -0.04448878765106201f, 0.3482154607772827f,
            -0.1378190517425537f, 0.9041211605072021f, -0.614964485168457f, -0.3292027711868286f,
            -0.6144182682037354f, -0.36651575565338135f, -0.20518755912780762f, 0.347741961479187f,
            0.7974684238433838f}, BenchCommand.inputs(3, 4, 42, 1));
        assertArrayEquals(new float[] {-0.4867459535598755f, 0.9607199430465698f, 0.9556864500045776f,
            0.5248488187789917f}, BenchCommand.inputs(2, 2, -7, 1));
    }

    @Test
    void reportsTimingsAndTheLossValueAsJsonOnTheLastLine() throws Exception {
        for (String engine : new String[] {"dense", "tiled", "stored"}) {
            CliTesting.Run r = CliTesting.run("bench", "infonce", "--n", "40", "--dim", "8", "--symmetric",
                    "--threads", "2", "--engine", engine, "--reps", "2", "--seed", "5", "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("warm-up: ") && r.err().contains("run 2/2: "), r.err());
            String[] lines = r.out().strip().split("\n");
            JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
            assertEquals(engine, j.get("engine").asText());
            assertEquals(Kernels.kind().id(), j.get("kernel").asText());
            assertEquals(2, j.get("runs").size());
            double seconds = j.get("seconds").asDouble();
            assertTrue(seconds > 0);
            assertTrue(j.get("cpu_seconds").asDouble() >= 0);
            assertEquals(8.0 * 40 * 40 * 8, j.get("flops").asDouble());
            // a few double divisions of the same numbers
            double gflops = 8.0 * 40 * 40 * 8 / seconds / 1e9;
            assertEquals(gflops, j.get("gflops").asDouble(), FloatBounds.gamma64(4) * gflops);
            assertTrue(j.get("peak_rss_bytes").asLong() > 1 << 20, "peak RSS " + j.get("peak_rss_bytes"));
            // the value is the library's loss on the documented inputs
            Batch batch = Batch.of(Matrix.of(40, 8, BenchCommand.inputs(40, 8, 5, 0)),
                    Matrix.of(40, 8, BenchCommand.inputs(40, 8, 5, 1)));
            double expected = InfoNce.builder().temperature(0.1).symmetric(true).engine(Engine.DENSE).build()
                    .compute(batch).value();
            // the bench and this test both run the library; allowing another OpenBLAS thread count, two float32
            // computations of the same CLIP loss (cosine, D = 8, 1/τ = 10): twice the per-row bound
            assertEquals(expected, j.get("value").asDouble(),
                    2 * FloatBounds.softmaxRow(FloatBounds.cosine(8) * 10, 10, 3));
            assertTrue(r.out().contains("median seconds"), r.out());
        }
        // one-way: 6·N²·D; AUTO below the threshold is dense
        CliTesting.Run r = CliTesting.run("bench", "infonce", "--n", "30", "--dim", "4", "--reps", "1", "--warmup",
                "0", "--json");
        assertTrue(!r.err().contains("warm-up") && r.err().contains("run 1/1: "), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals(6.0 * 30 * 30 * 4, j.get("flops").asDouble());
        assertEquals("dense", j.get("engine").asText());
        assertEquals(1, j.get("threads").asInt());
    }

    @Test
    void badArgumentsExitWithTwo() {
        CliTesting.run("bench", "infonce", "--n", "1", "--dim", "4").assertBadInput("--n must be >= 2", "was 1");
        CliTesting.run("bench", "infonce", "--n", "8", "--dim", "0").assertBadInput("--dim must be >= 1");
        CliTesting.run("bench", "infonce", "--n", "8", "--dim", "4", "--threads", "0")
                .assertBadInput("--threads must be >= 1, was 0");
        CliTesting.run("bench", "infonce", "--n", "8", "--dim", "4", "--reps", "0")
                .assertBadInput("--reps must be >= 1, was 0");
        CliTesting.run("bench", "infonce", "--n", "8", "--dim", "4", "--warmup", "-1")
                .assertBadInput("--warmup must be >= 0, was -1");
        CliTesting.run("bench", "infonce", "--n", "8", "--dim", "4", "--engine", "gpu")
                .assertBadInput("expected one of auto, dense, tiled, stored but was 'gpu'");
        CliTesting.run("bench", "infonce", "--n", "100000", "--dim", "100000")
                .assertBadInput("must fit in one Java array");
        CliTesting.run("bench", "infonce", "--dim", "4").assertBadInput("--n");
        CliTesting.run("bench").assertBadInput("missing benchmark: infonce");
    }

    @Test
    void lossCommandTakesAnEngine() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bench-engine");
        java.util.Random rnd = new java.util.Random(3);
        CliTesting.write(dir, "a.npy", rnd, 12, 5);
        CliTesting.write(dir, "p.npy", rnd, 12, 5);
        String[] results = new String[2];
        String[] engines = {"dense", "tiled"};
        for (int e = 0; e < 2; e++) {
            CliTesting.Run r = CliTesting.run("loss", "--loss", "clip", "--anchors", dir.resolve("a.npy").toString(),
                    "--positives", dir.resolve("p.npy").toString(), "--engine", engines[e], "--out",
                    dir.resolve(engines[e]).toString());
            r.assertOk();
            JsonNode j = new ObjectMapper().readTree(dir.resolve(engines[e]).resolve("result.json").toFile());
            assertTrue(j.get("config").asText().contains("engine=" + engines[e].toUpperCase()), j.toString());
            results[e] = j.get("value").asText();
        }
        // dense and tiled engines on the CLIP preset (cosine, D = 5, τ = 0.07, logit scale ≤ 100): each within the
        // per-row bound of the exact loss
        double scale = 1 / 0.07;
        assertEquals(Double.parseDouble(results[0]), Double.parseDouble(results[1]),
                2 * FloatBounds.softmaxRow(FloatBounds.cosine(5) * scale, scale, 3));
        CliTesting.run("loss", "--loss", "siglip", "--anchors", dir.resolve("a.npy").toString(),
                "--positives", dir.resolve("p.npy").toString(), "--engine", "tiled", "--out",
                dir.resolve("x").toString()).assertBadInput("--engine does not apply to --loss siglip",
                "infonce, clip, ntxent, supcon, dcl, dclw");
    }
}
