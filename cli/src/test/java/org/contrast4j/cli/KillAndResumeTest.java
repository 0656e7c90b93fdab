package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run killed with SIGKILL in the middle of an epoch (after its first checkpoint) and resumed with
 * {@code --resume} ends exactly where an uninterrupted run ends: the checkpoint on disk was complete (atomic writes),
 * and the trainers restore every bit of state. Each run is a child JVM of the command line, killed by
 * {@link Process#destroyForcibly()} (SIGKILL on Linux: no shutdown hook, no finally block runs).
 *
 * <p>Bounds: {@code train words --threads 1} promises bit-identical vectors (its footer), so the word2vec files are
 * compared byte for byte. {@code train images} promises the same parameters and Adam state (ImageTrainerTest compares
 * the checkpoints); here the per-epoch loss and evaluation figures of history.json are compared exactly (only the
 * wall-clock seconds differ).
 */
class KillAndResumeTest {
    private static final long TIMEOUT_SECONDS = 600;

    @TempDir
    Path dir;

    /** A child JVM running the command line with this test's class path and the library's JVM flags. */
    Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx1g");
        for (String p : new String[] {"ai.djl.offline", "ai.djl.pytorch.num_threads",
                "ai.djl.pytorch.num_interop_threads", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR"}) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int finish(Process p, Path log) throws IOException, InterruptedException {
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("the run did not finish in " + TIMEOUT_SECONDS + " s: " + Files.readString(log));
        }
        return p.exitValue();
    }

    /** Starts a run, waits until {@code checkpoint} exists and then {@code afterMillis}, and kills it. */
    void killAfterFirstCheckpoint(Path checkpoint, long afterMillis, Path log, String... args)
            throws IOException, InterruptedException {
        Process p = start(log, args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!Files.exists(checkpoint)) {
            if (!p.isAlive()) {
                fail("the run ended (exit " + p.exitValue() + ") before its first checkpoint: "
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor();
                fail("no checkpoint after " + TIMEOUT_SECONDS + " s: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        Thread.sleep(afterMillis);
        assertTrue(p.isAlive(), "the run finished before it could be killed: lengthen it");
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL (128 + 9)");
    }

    static List<String> leftovers(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void trainWordsKilledMidEpochResumesToTheSameVectors() throws Exception {
        // 40 epochs of the embedded corpus (each well under a second on an idle machine): the start-up and the
        // evaluation do not dominate the kill delay, and dozens of epochs remain when the kill lands
        List<String> common = List.of("train", "words", "--objective", "neg", "--dim", "32", "--epochs", "40",
                "--min-count", "2", "--threads", "1", "--seed", "5", "--no-progress");
        Path straight = dir.resolve("straight");
        Path broken = dir.resolve("broken");
        List<String> a = new ArrayList<>(common);
        a.addAll(List.of("--out", straight.toString()));
        Path logA = dir.resolve("straight.log");
        long t0 = System.nanoTime();
        assertEquals(0, finish(start(logA, a.toArray(String[]::new)), logA), () -> read(logA));
        long half = killDelay(t0, 40);

        List<String> b = new ArrayList<>(common);
        b.addAll(List.of("--out", broken.toString()));
        Path logB = dir.resolve("broken.log");
        killAfterFirstCheckpoint(broken.resolve(TrainWordsCommand.CHECKPOINT), half, logB, b.toArray(String[]::new));
        assertTrue(!Files.exists(broken.resolve("vectors.txt")), "the killed run had not finished");

        b.add("--resume");
        Path logC = dir.resolve("resumed.log");
        assertEquals(0, finish(start(logC, b.toArray(String[]::new)), logC), () -> read(logC));
        assertTrue(read(logC).contains("resumed after"), read(logC));
        assertArrayEquals(Files.readAllBytes(straight.resolve("vectors.txt")),
                Files.readAllBytes(broken.resolve("vectors.txt")), "bit-identical vectors after the resume");
        assertEquals(List.of(), leftovers(broken));
    }

    /**
     * How long to wait after the first checkpoint before the kill: half of the uninterrupted run's wall time shared
     * among its epochs and two more (start-up and evaluation), so less than half an epoch: the kill lands inside
     * the next epoch, and the run cannot have finished.
     */
    static long killDelay(long startNanos, int epochs) {
        long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return Math.max(20, total / (2L * (epochs + 2)));
    }

    @Test
    void trainImagesKilledMidEpochResumesToTheSameHistory() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = KillAndResumeTest.class.getResourceAsStream("/demo/" + f)) {
                Files.copy(in, data.resolve(f));
            }
        }
        List<String> common = List.of("train", "images", "--data", data.toString(), "--objective", "ntxent",
                "--epochs", "3", "--train-limit", "1024", "--test-limit", "200", "--batch-size", "64",
                "--hidden-dim", "64", "--probe-steps", "20", "--seed", "3", "--threads", "1", "--no-progress",
                "--no-baselines");
        Path straight = dir.resolve("straight");
        Path broken = dir.resolve("broken");
        List<String> a = new ArrayList<>(common);
        a.addAll(List.of("--out", straight.toString()));
        Path logA = dir.resolve("straight.log");
        long t0 = System.nanoTime();
        assertEquals(0, finish(start(logA, a.toArray(String[]::new)), logA), () -> read(logA));
        long half = killDelay(t0, 3);
        JsonNode want = history(straight);

        List<String> b = new ArrayList<>(common);
        b.addAll(List.of("--out", broken.toString()));
        Path logB = dir.resolve("broken.log");
        killAfterFirstCheckpoint(broken.resolve("checkpoint.bin"), half, logB, b.toArray(String[]::new));
        assertTrue(!Files.exists(broken.resolve("history.json")), "the killed run had not finished");

        b.add("--resume");
        Path logC = dir.resolve("resumed.log");
        assertEquals(0, finish(start(logC, b.toArray(String[]::new)), logC), () -> read(logC));
        JsonNode got = history(broken);
        assertEquals(want.size(), got.size());
        for (int e = 0; e < want.size(); e++) {
            for (String field : new String[] {"epoch", "loss", "temperature", "knn_accuracy", "linear_probe_accuracy",
                    "alignment", "uniformity", "effective_rank", "effective_negatives"}) {
                assertEquals(want.get(e).get(field), got.get(e).get(field), "epoch " + e + " " + field);
            }
        }
        assertEquals(List.of(), leftovers(broken));
    }

    /** The epochs of the first run in history.json. */
    static JsonNode history(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("history.json").toFile()).get(0).get("epochs");
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
