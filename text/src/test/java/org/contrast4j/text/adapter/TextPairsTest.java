package org.contrast4j.text.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading sentence-transformers pair / triplet TSV files, and their errors. */
class TextPairsTest {
    @TempDir
    Path tmp;

    private Path file(String text) throws IOException {
        Path f = tmp.resolve("p.tsv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void pairsAndTripletsShareOneDeduplicatedCorpus() throws IOException {
        TextPairs p = TextPairs.readTsv(file("q1\tA\r\nq2\tB\tA\n\nq3\tA\tC\tB\n"));
        assertEquals(List.of("q1", "q2", "q3"), p.queries());
        assertEquals(List.of("A", "B", "C"), p.documents());
        assertArrayEquals(new int[] {0, 1, 0}, p.positives());
        assertArrayEquals(new int[] {}, p.negatives(0));
        assertArrayEquals(new int[] {0}, p.negatives(1));
        assertArrayEquals(new int[] {2, 1}, p.negatives(2));
    }

    @Test
    void badFilesNameTheLine() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextPairs.readTsv(file("q1\tA\nonly a query\n")));
        assertEquals(tmp.resolve("p.tsv") + " line 2: expected query<TAB>positive[<TAB>negative…], found 1 field "
                + "(no tab)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextPairs.readTsv(file("q1\tA\nq2\t \n")));
        assertEquals(tmp.resolve("p.tsv") + " line 2: field 2 (positive) is empty", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextPairs.readTsv(file("q1\tA\tA\n")));
        assertEquals(tmp.resolve("p.tsv") + " line 1: field 3 (negative) is the same text as the positive",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextPairs.readTsv(file("\n\n")));
        assertEquals(tmp.resolve("p.tsv") + ": no pairs (expected lines query<TAB>positive[<TAB>negative…])",
                e.getMessage());
        Path bin = tmp.resolve("b.tsv");
        Files.write(bin, new byte[] {'q', '\t', (byte) 0xC3, (byte) 0x28, '\n'});
        e = assertThrows(IllegalArgumentException.class, () -> TextPairs.readTsv(bin));
        assertEquals(bin + ": not valid UTF-8 (Input length = 1)", e.getMessage());
    }
}
