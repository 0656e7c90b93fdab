package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import org.contrast4j.NpyBytes;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import picocli.CommandLine;

/** Runs the command line in-process and makes seeded .npy inputs. */
final class CliTesting {
    private CliTesting() {
    }

    /**
     * Bad inputs tried, by class: the category a test names with {@link #category}, else the test class that tried it.
     * Written to {@code target/bad-inputs.txt} when the test JVM exits (the count the issue asks for).
     */
    static final java.util.Map<String, Integer> BAD_INPUTS = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final ThreadLocal<String> CATEGORY = new ThreadLocal<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StringBuilder sb = new StringBuilder();
            int total = 0;
            for (var e : BAD_INPUTS.entrySet()) {
                sb.append(String.format(java.util.Locale.ROOT, "%5d  %s%n", e.getValue(), e.getKey()));
                total += e.getValue();
            }
            sb.append(String.format(java.util.Locale.ROOT, "%5d  total%n", total));
            try {
                java.nio.file.Files.writeString(Path.of("target", "bad-inputs.txt"), sb.toString());
            } catch (IOException e) {
                System.err.println("cannot write target/bad-inputs.txt: " + e);
            }
        }));
    }

    /** Names the class of the bad inputs the calling thread tries next (null: the test class). */
    static void category(String name) {
        if (name == null) {
            CATEGORY.remove();
        } else {
            CATEGORY.set(name);
        }
    }

    private static void countBadInput() {
        String c = CATEGORY.get();
        if (c == null) {
            c = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                    .map(f -> f.getDeclaringClass()).filter(k -> k != CliTesting.class && k != Run.class)
                    .findFirst().map(Class::getSimpleName).orElse("?"));
        }
        BAD_INPUTS.merge(c, 1, Integer::sum);
    }

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        /** Asserts exit 2 with exactly one line on stderr containing every fragment, and nothing on stdout. */
        String assertBadInput(String... fragments) {
            countBadInput();
            assertEquals(2, code, () -> "exit code; stderr: " + err + " stdout: " + out);
            assertEquals("", out, "nothing on stdout");
            String line = err.strip();
            assertFalse(line.isEmpty(), "a reason on stderr");
            assertFalse(line.contains("\n"), () -> "one line on stderr, was:\n" + err);
            for (String f : fragments) {
                assertTrue(line.contains(f), () -> "stderr should contain «" + f + "», was: " + line);
            }
            return line;
        }

        void assertOk() {
            assertEquals(0, code, () -> "exit code; stderr: " + err);
            assertEquals("", err, "nothing on stderr");
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    /** Writes a seeded Gaussian array of {@code shape} to {@code dir/name} and returns its values. */
    static float[] write(Path dir, String name, Random rnd, int... shape) throws IOException {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = gaussian(rnd, n);
        Npy.write(dir.resolve(name), shape, v);
        return v;
    }

    /** Writes int64 labels as a hand-built .npy (the writer only does float32). */
    static void writeLabels(Path file, long... labels) throws IOException {
        byte[] bytes = NpyBytes.npy(1, 0, NpyBytes.dict("<i8", false, "(" + labels.length + ",)"),
                NpyBytes.i8(labels));
        java.nio.file.Files.write(file, bytes);
    }

    static void writeLabelsInt32(Path file, int... labels) throws IOException {
        byte[] bytes = NpyBytes.npy(1, 0, NpyBytes.dict("<i4", false, "(" + labels.length + ",)"),
                NpyBytes.i4(labels));
        java.nio.file.Files.write(file, bytes);
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    static Matrix matrix(int rows, int cols, float[] v) {
        return Matrix.of(rows, cols, v.clone());
    }
}
