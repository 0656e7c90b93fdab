package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.contrast4j.FloatBounds;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.MiniLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embed}: line i of the text is row i of the output (against the library's encoder, itself tested against
 * langchain4j's pipeline in the text module), the cache's second run, and bad inputs (exit 2, one line, nothing
 * written).
 */
class EmbedCommandTest {
    static final List<String> LINES = List.of("In the beginning God created the heaven and the earth.", "",
            "En el principio creó Dios los cielos y la tierra.", "Jesus wept.",
            "And the earth was without form, and void; and darkness was upon the face of the deep.");

    @TempDir
    Path dir;

    Path text() throws IOException {
        Path p = dir.resolve("verses.txt");
        Files.writeString(p, String.join("\n", LINES) + "\n", StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void rowsFollowTheLinesAndTheCacheServesTheSecondRun() throws IOException {
        Path text = text();
        Path out = dir.resolve("sub/e.npy");
        Path cache = dir.resolve("cache");
        CliTesting.Run r = run("embed", "--text", text.toString(), "--out", out.toString(), "--threads", "2",
                "--batch-size", "2", "--cache", cache.toString());
        r.assertOk();
        assertTrue(r.out().contains("no cached embeddings of "), r.out());
        assertTrue(r.out().contains("sentences/s"), r.out());
        assertTrue(r.out().contains("all-MiniLM-L6-v2-q/max-tokens=256/batch-size=2"), r.out());
        Matrix e = Npy.readMatrix(out);
        assertEquals(LINES.size(), e.rows());
        assertEquals(384, e.cols());
        Matrix expected;
        try (MiniLm m = MiniLm.quantized().threads(2).batchSize(2).build()) {
            expected = m.encode(LINES);
        }
        // same graph, same batches: only the summation order of ONNX Runtime's float kernels may differ
        double r2 = 6 * FloatBounds.gamma(1536) + FloatBounds.gamma(256);
        for (int i = 0; i < LINES.size(); i++) {
            double d = 1 - cos(e.row(i), expected.row(i));
            assertTrue(d <= 2 * r2 * r2, "row " + i + ": 1 - cos = " + d);
        }

        Path out2 = dir.resolve("e2.npy");
        CliTesting.Run again = run("embed", "--text", text.toString(), "--out", out2.toString(), "--threads", "2",
                "--batch-size", "2", "--cache", cache.toString(), "--no-progress");
        again.assertOk();
        assertTrue(again.out().contains("loaded 5 cached embeddings from "), again.out());
        assertTrue(again.out().contains("cache read seconds"), again.out());
        assertFalse(again.out().contains("sentences/s"), "no rate when nothing was encoded: " + again.out());
        assertArrayEquals(e.data(), Npy.readMatrix(out2).data());

        Files.writeString(text, "Jesus wept.\n", StandardCharsets.UTF_8);
        CliTesting.Run changed = run("embed", "--text", text.toString(), "--out", out2.toString(), "--threads", "2",
                "--batch-size", "2", "--cache", cache.toString());
        changed.assertOk();
        assertTrue(changed.out().contains("changed since it was cached"), changed.out());
        Matrix one = Npy.readMatrix(out2);
        assertEquals(1, one.rows());
        assertTrue(1 - cos(one.row(0), e.row(3)) < 0.05, "the quantised model, alone vs in a batch");
    }

    @Test
    void fullModelWithoutCache() throws IOException {
        Path out = dir.resolve("f.npy");
        CliTesting.Run r = run("embed", "--text", text().toString(), "--out", out.toString(), "--model", "minilm",
                "--batch-size", "3");
        assertTrue(r.out().contains(", 1 thread\n"), "--threads defaults to 1: " + r.out());
        r.assertOk();
        assertTrue(r.out().contains("all-MiniLM-L6-v2/max-tokens=256"), r.out());
        assertTrue(r.out().contains("encoded (no --cache)"), r.out());
        Matrix e = Npy.readMatrix(out);
        assertEquals(5, e.rows());
        for (int i = 0; i < e.rows(); i++) {
            assertEquals(1.0, Math.sqrt(dot(e.row(i), e.row(i))), 8 * 384 * FloatBounds.U, "unit norm");
        }
    }

    @Test
    void badInputsExitTwoWithOneLineAndWriteNothing() throws IOException {
        Path text = text();
        Path out = dir.resolve("o.npy");
        String t = text.toString();
        String o = out.toString();
        run("embed", "--text", dir.resolve("missing.txt").toString(), "--out", o)
                .assertBadInput("--text ", "missing.txt");
        Path bad = dir.resolve("latin1.txt");
        Files.write(bad, "ni\u00f1o\n".getBytes(StandardCharsets.ISO_8859_1));
        run("embed", "--text", bad.toString(), "--out", o)
                .assertBadInput("--text ", "latin1.txt: line 1: not UTF-8 at byte 2 (0xf1)");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        run("embed", "--text", empty.toString(), "--out", o).assertBadInput("--text ", "empty.txt: has no lines");
        run("embed", "--text", t, "--out", o, "--threads", "0").assertBadInput("--threads must be >= 1, was 0");
        run("embed", "--text", t, "--out", o, "--batch-size", "-3")
                .assertBadInput("--batch-size must be >= 1, was -3");
        run("embed", "--text", t, "--out", o, "--model", "bert").assertBadInput("--model must be minilm-q or minilm",
                "'bert'");
        run("embed", "--text", t, "--out", dir.toString()).assertBadInput("--out ", "is a directory");
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        run("embed", "--text", t, "--out", o, "--cache", file.toString())
                .assertBadInput("--cache ", "exists and is not a directory");
        run("embed", "--out", o).assertBadInput("Missing required option: '--text=FILE.txt'");
        run("embed", "--text", t).assertBadInput("Missing required option: '--out=E.npy'");
        assertFalse(Files.exists(out), "nothing written");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("empty.txt", "latin1.txt", "plain-file", "verses.txt"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double cos(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }
}
