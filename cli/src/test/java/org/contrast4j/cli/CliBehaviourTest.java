package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line's behaviour across commands: every class of bad input answered with exit 2, one line on stderr,
 * nothing on stdout and nothing written (no output directory left behind); defects as internal errors; --version
 * everywhere; consistent option names; output directories prepared before the work, cleared of a previous run's files
 * and removed when a run fails; the trainers' inputs checked before training; resume rules; out-of-memory answers.
 */
class CliBehaviourTest {
    @TempDir
    Path dir;
    Path corpus;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(5);
        write(dir, "a.npy", rnd, 8, 4);
        write(dir, "p.npy", rnd, 8, 4);
        write(dir, "n.npy", rnd, 3, 4);
        SplittableRandom r = new SplittableRandom(11);
        String[][] topics = {TrainWordsCommandTest.FRUIT, TrainWordsCommandTest.VEHICLES};
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < 300; s++) {
            String[] topic = topics[r.nextInt(2)];
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                line.append(i == 0 ? "" : " ").append(topic[r.nextInt(topic.length)]);
            }
            lines.add(line.toString());
        }
        corpus = Files.write(dir.resolve("corpus.txt"), lines);
    }

    @AfterEach
    void noCategory() {
        CliTesting.category(null);
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    /** train words with small settings into {@code out}; {@code more} replaces the value of an option it names. */
    String[] words(Path out, String... more) {
        return concat(new String[] {"train", "words", "--corpus", corpus.toString(), "--dim", "8", "--window", "2",
            "--epochs", "1", "--min-count", "1", "--sample", "0", "--out", out.toString(), "--no-progress"}, more);
    }

    static void assertRan(CliTesting.Run r) {
        assertEquals(0, r.code(), r::err);
    }

    /** Asserts the bad-input answer and that {@code out} was not created. */
    static String badAndNothingWritten(Path out, String[] args, String... fragments) {
        String line = run(args).assertBadInput(fragments);
        assertFalse(Files.exists(out), () -> out + " must not exist after: " + String.join(" ", args));
        return line;
    }

    // ---------------------------------------------------------------------------------------------- --version

    @Test
    void versionWorksOnEveryCommand() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.newCommandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 13, "every command and subcommand: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--version");
            CliTesting.Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), () -> args + ": " + r.err());
            assertTrue(r.out().startsWith("contrast4j "), () -> args + " printed «" + r.out() + "»");
        }
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }

    // ------------------------------------------------------------------------------------------- option names

    /**
     * Across all commands: an option name means one kind of thing (a file or directory, or a number), --out is a
     * directory everywhere (except embed, which writes one array: --out E.npy), --threads defaults to 1 everywhere, the learning rate is --learning-rate.
     */
    @Test
    void optionNamesAreConsistentAcrossCommands() {
        Map<String, String> kind = new HashMap<>();
        Map<String, String> where = new HashMap<>();
        List<CommandLine> all = new ArrayList<>();
        flatten(Main.newCommandLine(), all);
        for (CommandLine c : all) {
            for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                String name = o.longestName();
                Class<?> type = o.type();
                if (type.isArray()) {
                    type = type.getComponentType();
                } else if (java.util.Collection.class.isAssignableFrom(type)) {
                    type = o.auxiliaryTypes()[0];                   // a list of values: the kind of its elements
                }
                String k = type == Path.class ? "path" : type == boolean.class || type == Boolean.class ? "flag"
                        : Number.class.isAssignableFrom(box(type)) ? "number" : "text";
                String before = kind.putIfAbsent(name, k);
                String at = c.getCommandSpec().qualifiedName();
                assertTrue(before == null || before.equals(k), () -> name + " is a " + k + " in '" + at + "' but a "
                        + before + " in '" + where.get(name) + "'");
                where.putIfAbsent(name, at);
                assertFalse(name.equals("--lr") || name.equals("--batch"), () -> at + " has " + name);
                if (name.equals("--out") && !at.equals("contrast4j embed")) {   // embed: one array, --out E.npy (issue 12)
                    assertEquals("DIR", o.paramLabel(), () -> at + ": --out must be a directory");
                }
                if (name.equals("--threads")) {
                    Object v = o.defaultValue() != null ? o.defaultValue() : o.initialValue();
                    assertEquals("1", String.valueOf(v), () -> at + ": --threads default");
                }
            }
        }
    }

    private static Class<?> box(Class<?> t) {
        return t == int.class ? Integer.class : t == long.class ? Long.class : t == double.class ? Double.class : t;
    }

    private static void flatten(CommandLine cli, List<CommandLine> out) {
        out.add(cli);
        cli.getSubcommands().values().forEach(c -> flatten(c, out));
    }

    // ------------------------------------------------------------------------------------------- --out

    @Test
    void unusableOutIsBadInputBeforeAnyWork() throws IOException {
        CliTesting.category("--out unusable (a file, or under a file)");
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path under = file.resolve("sub");
        List<String[]> commands = List.of(
                new String[] {"loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy")},
                new String[] {"metrics", "--x", f("a.npy")},
                new String[] {"experiment", "mi", "--dim", "1", "--batch-sizes", "2", "--steps", "1"},
                new String[] {"experiment", "nce", "--num-classes", "4", "--k", "1", "--num-samples", "10"},
                words(dir.resolve("unused")),
                new String[] {"compare", "words", "--corpus", corpus.toString(), "--min-count", "1",
                    "--objectives", "neg", "--epochs", "1"},
                new String[] {"demo", "--epochs", "1"});
        for (String[] base : commands) {
            for (Path out : List.of(file, under)) {
                List<String> a = new ArrayList<>(List.of(base));
                int i = a.indexOf("--out");
                if (i >= 0) {
                    a.set(i + 1, out.toString());
                } else {
                    a.add("--out");
                    a.add(out.toString());
                }
                String line = run(a.toArray(String[]::new)).assertBadInput("--out " + out);
                assertTrue(line.contains("exists and is not a directory") || line.contains("cannot create"), line);
                assertEquals("x", Files.readString(file), "the file is left alone");
            }
        }
    }

    @Test
    void aReusedOutHoldsOnlyThisRunsFiles() throws IOException {
        Path out = dir.resolve("reused");
        run("loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives",
                f("n.npy"), "--out", out.toString()).assertOk();
        assertTrue(Files.exists(out.resolve("grad_negatives.npy")));
        Files.writeString(out.resolve("notes.txt"), "mine");
        run("loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--out",
                out.toString()).assertOk();
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("grad_anchors.npy", "grad_positives.npy", "notes.txt", "result.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the stale grad_negatives.npy is gone; a file the command does not write is kept");
        }

        Path w = dir.resolve("words-reused");
        assertRan(run(words(w, "--binary")));
        assertTrue(Files.exists(w.resolve("vectors.bin")));
        assertRan(run(words(w)));
        assertFalse(Files.exists(w.resolve("vectors.bin")), "no vectors.bin from the earlier --binary run");
    }

    @Test
    void aFailedRunLeavesNoDirectoryItCreated() throws IOException {
        CliTesting.category("input the library rejects after --out is prepared");
        // the library rejects the batch after the directory is prepared: every label equal leaves no negative
        CliTesting.writeLabels(dir.resolve("same.npy"), 7, 7, 7, 7, 7, 7, 7, 7);
        Path out = dir.resolve("new/deeper/out");
        badAndNothingWritten(dir.resolve("new"), new String[] {"loss", "--loss", "infonce", "--anchors",
            f("a.npy"), "--positives", f("p.npy"), "--labels", f("same.npy"), "--out", out.toString()},
                "has no negative");
        // training that diverges in epoch 1: no checkpoint was written, so nothing is kept
        Path w = dir.resolve("diverged");
        badAndNothingWritten(w, words(w, "--objective", "infonce", "--learning-rate", "100"), "diverged");
        // an existing directory and its files are left as they were
        Path kept = Files.createDirectories(dir.resolve("kept"));
        Files.writeString(kept.resolve("notes.txt"), "mine");
        run("loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--labels",
                f("same.npy"), "--out", kept.toString()).assertBadInput("has no negative");
        assertEquals("mine", Files.readString(kept.resolve("notes.txt")));
    }

    // ------------------------------------------------------------------------------------------- errors

    @Test
    void internalErrorsAreNotReportedAsUserErrors() {
        CommandLine cli = Main.newCommandLine();
        cli.addSubcommand("broken", new Broken());
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(1, cli.execute("broken"), "an IllegalArgumentException from the program is a defect: exit 1");
        assertTrue(err.toString().startsWith("contrast4j broken: internal error: java.lang.IllegalArgumentException:"
                + " a bug"), err.toString());
        assertTrue(err.toString().contains("\tat "), "with its stack trace");
    }

    @CommandLine.Command(name = "broken")
    static final class Broken implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalArgumentException("a bug");
        }
    }

    @Test
    void aJobLargerThanTheHeapIsRefusedBeforeItStarts() {
        CliTesting.category("job larger than the heap");
        long max = Runtime.getRuntime().maxMemory();
        // the dense engine's N×N arrays: 40000² × 13 bytes ≈ 19 GiB, more than the heap: refused before allocating
        assumeTrue(max < 19_000_000_000L, "a heap smaller than the job");
        run("bench", "infonce", "--n", "40000", "--dim", "1", "--engine", "dense", "--reps", "1", "--warmup", "0")
                .assertBadInput("needs 40000×40000 arrays", "GiB", "use the tiled engine");
    }

    @Test
    void runningOutOfMemorySaysHowMuchAndHowToGiveIt() {
        CommandLine cli = Main.newCommandLine();
        cli.addSubcommand("hungry", new Hungry());
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(2, cli.execute("hungry"), "a job known to exceed the heap is the user's to size: exit 2");
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("contrast4j hungry: out of memory: the test's arrays needs about 1024.0 GiB"), line);
        assertTrue(line.contains("CONTRAST4J_JAVA_OPTS=-Xmx"), line);
        Memory.begin();
        Memory.Exhausted none = Memory.exhausted(new OutOfMemoryError("Java heap space"));
        assertFalse(none.tooLarge(), "no estimate: not known to be the user's to size");
        assertTrue(none.getMessage().contains("CONTRAST4J_JAVA_OPTS=-Xmx"), none.getMessage());
    }

    /** Announces a job of 1 TiB, then runs out of memory as the JVM would. */
    @CommandLine.Command(name = "hungry")
    static final class Hungry implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            Memory.expect(1L << 40, "the test's arrays");
            throw new OutOfMemoryError("Java heap space");
        }
    }

    // --------------------------------------------------------------------------- trainers: inputs and resume

    @Test
    void wordInputsAreCheckedBeforeTraining() throws IOException {
        Path out = dir.resolve("w");
        CliTesting.category("train/compare words: bad evaluation file");
        Path questions = Files.writeString(dir.resolve("q.txt"), ": capital\nathens greece oslo\n");
        badAndNothingWritten(out, words(out, "--questions", questions.toString()), "--questions", "line 2",
                "expected four words");
        Path noQuestions = Files.writeString(dir.resolve("q0.txt"), ": only a section\n");
        badAndNothingWritten(out, words(out, "--questions", noQuestions.toString()), "holds no question");
        badAndNothingWritten(out, new String[] {"compare", "words", "--corpus", corpus.toString(), "--min-count",
            "1", "--questions", questions.toString(), "--out", out.toString()}, "line 2");

        Path samePair = Files.writeString(dir.resolve("same.txt"), "apple pear\nplum plum\n");
        badAndNothingWritten(out, words(out, "--synonyms", samePair.toString()), "--synonyms", "pair 2",
                "the same word twice");
        Path noPair = Files.writeString(dir.resolve("none.txt"), "# nothing\n");
        badAndNothingWritten(out, words(out, "--synonyms", noPair.toString()), "holds no pair");

        CliTesting.category("train/compare words: corpus not UTF-8 text");
        byte[] random = new byte[20_000];
        new Random(3).nextBytes(random);
        Path noise = Files.write(dir.resolve("random.bin"), random);
        badAndNothingWritten(out, words(out, "--corpus", noise.toString()), "not UTF-8 text", "are not valid UTF-8");
        badAndNothingWritten(out, new String[] {"compare", "words", "--corpus", noise.toString(), "--min-count", "1",
            "--out", out.toString()}, "not UTF-8 text");

        CliTesting.category("train/compare words: corpus that trains no pair");
        Path single = Files.writeString(dir.resolve("single.txt"),
                "apple\npear\nplum\nfig\ngrape\nmelon\nkiwi\nlime\napple\npear\n");
        badAndNothingWritten(out, words(out, "--corpus", single.toString()), "epoch 1 trained no pair");
        badAndNothingWritten(out, new String[] {"compare", "words", "--corpus", single.toString(), "--min-count",
            "1", "--objectives", "neg", "--epochs", "1", "--out", out.toString()}, "trained no pair");
        Path one = Files.writeString(dir.resolve("one.txt"), "apple apple apple\n");
        badAndNothingWritten(out, words(out, "--corpus", one.toString()), "nothing to train on", "1 word");

        CliTesting.category("train words: option values (named as options)");
        badAndNothingWritten(out, words(out, "--min-count", "500"), "--min-count");
        badAndNothingWritten(out, words(out, "--num-negatives", "0"), "--num-negatives");
        badAndNothingWritten(out, words(out, "--negatives", "5"), "Unknown option", "--negatives");
    }

    @Test
    void wordResumeAllowsMoreEpochsAndNamesTheSettingThatDiffers() throws IOException {
        Path out = dir.resolve("r");
        assertRan(run(words(out)));
        CliTesting.Run more = run(words(out, "--epochs", "2", "--resume"));
        assertEquals(0, more.code(), more.err());
        assertTrue(more.err().contains("epoch 2 done"), more.err());
        CliTesting.category("train words --resume: settings that differ");
        String line = run(words(out, "--epochs", "2", "--dim", "9", "--resume"))
                .assertBadInput("--resume", "--dim 9 requested, checkpoint has 8");
        assertTrue(line.length() < 250, "one short line, not two configuration dumps: " + line);
        run(words(out, "--epochs", "1", "--resume")).assertBadInput("2 epochs done, more than the 1 requested");
        assertTrue(Files.exists(out.resolve("vectors.txt")), "a refused resume leaves the run's outputs alone");
    }

    @Test
    void imageInputsAreCheckedBeforeTraining() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = getClass().getResourceAsStream("/demo/" + name)) {
                Files.copy(in, data.resolve(name));
            }
        }
        // training labels with a 12 at image 3
        LabelsFile labels = LabelsFile.read(getClass().getResourceAsStream("/demo/train-labels-idx1-ubyte.gz"));
        labels.bytes[8 + 3] = 12;
        labels.write(data.resolve("train-labels-idx1-ubyte"));
        Path out = dir.resolve("img");
        String[] base = {"train", "images", "--data", data.toString(), "--out", out.toString(), "--train-limit",
            "300", "--test-limit", "100", "--epochs", "1", "--batch-size", "64", "--no-baselines"};
        CliTesting.category("train images: data that does not fit");
        badAndNothingWritten(out, base, "image 3 has label 12, outside 0…9");
        labels.bytes[8 + 3] = 1;
        labels.write(data.resolve("train-labels-idx1-ubyte"));
        badAndNothingWritten(out, concat(base, "--batch-size", "500"), "--data", "batch size 500 is larger than the 300"
                + " training images");
        CliTesting.category("train images: option values (named as options)");
        badAndNothingWritten(out, concat(base, "--hidden-dim", "0"), "--hidden-dim must be >= 1, was 0");
        badAndNothingWritten(out, concat(base, "--learning-rate", "-1"), "--learning-rate must be > 0");
        badAndNothingWritten(out, concat(base, "--crop-scale-min", "2"), "--crop-scale-min must be in (0, 1], was 2.0");
        badAndNothingWritten(out, concat(base, "--objective", "alignment-only", "--learnable-temperature"),
                "--learnable-temperature", "has no temperature to learn");
        badAndNothingWritten(out, concat(base, "--lr", "0.1"), "Unknown option", "--lr");
        badAndNothingWritten(out, concat(base, "--train-limit", "0"), "--train-limit must be >= 1");
    }

    /** {@code a} with {@code b} appended, an option of {@code b} that takes a value replacing its value in a. */
    static String[] concat(String[] a, String... b) {
        List<String> out = new ArrayList<>(List.of(a));
        for (int i = 0; i < b.length; i++) {
            boolean valued = b[i].startsWith("--") && i + 1 < b.length && !b[i + 1].startsWith("--");
            int at = out.indexOf(b[i]);
            if (valued && at >= 0 && at + 1 < out.size()) {
                out.set(at + 1, b[++i]);
            } else {
                out.add(b[i]);
            }
        }
        return out.toArray(String[]::new);
    }

    /** A gunzipped IDX label file to edit. */
    record LabelsFile(byte[] bytes) {
        static LabelsFile read(InputStream gz) throws IOException {
            try (InputStream in = new java.util.zip.GZIPInputStream(gz)) {
                return new LabelsFile(in.readAllBytes());
            }
        }

        void write(Path file) throws IOException {
            Files.deleteIfExists(Path.of(file + ".gz"));
            Files.write(file, bytes);
        }
    }

    // ------------------------------------------------------------------------------------------- progress

    @Test
    void progressBarsOnlyOnATerminal() {
        String before = System.getProperty(Terminal.PROPERTY);
        try {
            System.setProperty(Terminal.PROPERTY, "false");
            assertFalse(Terminal.stderr());
            java.io.StringWriter err = new java.io.StringWriter();
            try (ImageRuns.Progress p = ImageRuns.progress("run", 10, false, new java.io.PrintWriter(err, true))) {
                assertTrue(p instanceof ImageRuns.Lines, "plain lines in a log");
            }
            System.setProperty(Terminal.PROPERTY, "true");
            assertTrue(Terminal.stderr());
        } finally {
            if (before == null) {
                System.clearProperty(Terminal.PROPERTY);
            } else {
                System.setProperty(Terminal.PROPERTY, before);
            }
        }
    }
}
