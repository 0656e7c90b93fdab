package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.contrast4j.embed.WordVectors;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code contrast4j neighbours}: the table equals the library's neighbours; bad input exits 2 with one line. */
class NeighboursCommandTest {
    @TempDir
    Path dir;
    WordVectors vectors;

    @BeforeEach
    void vectors() throws IOException {
        Random rnd = new Random(21);
        int n = 40;
        String[] words = new String[n];
        float[] v = new float[n * 6];
        for (int i = 0; i < n; i++) {
            words[i] = "w" + i;
            for (int c = 0; c < 6; c++) {
                v[i * 6 + c] = (float) rnd.nextGaussian();
            }
        }
        words[7] = "king";
        vectors = new WordVectors(words, Matrix.of(n, 6, v));
        vectors.writeText(dir.resolve("v.txt"));
        vectors.writeBinary(dir.resolve("v.bin"));
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void tableListsTheNearestWords() {
        for (String file : new String[] {"v.txt", "v.bin"}) {
            CliTesting.Run r = run("neighbours", "--vectors", f(file), "king", "--k", "5");
            r.assertOk();
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.get(0).contains("nearest to 'king'") && lines.get(0).contains("40 words × 6"),
                    lines.get(0));
            assertEquals(7, lines.size());
            List<WordVectors.Neighbour> expected = vectors.nearest("king", 5);
            for (int i = 0; i < 5; i++) {
                String[] cells = lines.get(2 + i).trim().split("\\s+");
                assertEquals(Integer.toString(i + 1), cells[0]);
                assertEquals(expected.get(i).word(), cells[1]);
                assertEquals(String.format(Locale.ROOT, "%.4f", expected.get(i).cosine()), cells[2]);
            }
        }
        // default k = 10
        assertEquals(12, run("neighbours", "--vectors", f("v.txt"), "w0").out().lines().count());
    }

    @Test
    void badInput() throws IOException {
        run("neighbours", "--vectors", f("v.txt"), "queen").assertBadInput("neighbours: unknown word 'queen'",
                "not among the 40 words of");
        run("neighbours", "--vectors", f("v.txt"), "King").assertBadInput("unknown word 'King'",
                "did you mean 'king'?");
        run("neighbours", "--vectors", f("none.txt"), "king").assertBadInput("--vectors", "none.txt: no such file");
        Files.writeString(dir.resolve("ragged.txt"), "3 2\na 1 2\nb 1\nc 1 2\n");
        run("neighbours", "--vectors", f("ragged.txt"), "a").assertBadInput("--vectors", "ragged.txt line 3",
                "expected a word and 2 values but found 1");
        Files.writeString(dir.resolve("header.txt"), "the 1 2\n");
        run("neighbours", "--vectors", f("header.txt"), "a").assertBadInput("header.txt line 1", "header");
        run("neighbours", "--vectors", f("v.txt"), "king", "--k", "0").assertBadInput("--k must be >= 1, was 0");
        run("neighbours", "--vectors", f("v.txt")).assertBadInput("WORD");
    }
}
