package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer, sentence splitting, invalid-byte counting and the embedded corpus. */
class TextCorpusTest {
    @TempDir
    Path dir;

    static List<List<String>> sentences(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String[] s : Tokenizer.sentences(text)) {
            out.add(List.of(s));
        }
        return out;
    }

    @Test
    void tokensAsDocumented() {
        assertEquals(List.of("don't", "stop", "o'brien's", "3", "5", "ton", "well", "known", "café"),
                Tokenizer.tokens("Don't stop, O’Brien's 3.5-ton well-known café!"));
        // apostrophes at the ends go, inner ones stay; quotes and dashes separate
        assertEquals(List.of("tis", "the", "boys", "rock'n'roll", "hello"),
                Tokenizer.tokens("'Tis the boys' rock'n'roll — ‘hello’"));
        // a lone apostrophe is no token; underscores, symbols and digits mixed with letters
        assertEquals(List.of("a", "b", "x2", "c"), Tokenizer.tokens("a ' b_x2 + c"));
        // combining accent after a letter stays in the token; a leading mark separates
        assertEquals(List.of("cafe\u0301", "x"), Tokenizer.tokens("CAFE\u0301 \u0301x"));
        // non-Latin letters and a letter outside the BMP (U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter)
        assertEquals(List.of("москва", "東京", "\uD835\uDC00b"), Tokenizer.tokens("Москва 東京 \uD835\uDC00B"));
        // Locale.ROOT lower-casing (no Turkish dotless i whatever the default locale)
        assertEquals(List.of("title"), Tokenizer.tokens("TITLE"));
    }

    @Test
    void sentencesEndAtLinesAndSentencePunctuation() {
        assertEquals(List.of(List.of("one", "two"), List.of("three"), List.of("four"), List.of("five"), List.of("six"),
                        List.of("pi", "is", "3", "14", "ok"), List.of("end", "1990"), List.of("new")),
                sentences("One two.  Three! Four?\n\nfive\u2026\u2026 six\r\npi is 3.14 ok. end 1990. new"));
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c"), List.of("d")),
                sentences("a\u2028b\u2029c\u0085d"));
        assertEquals(List.of(), sentences(" ... \n\n!?"));
        // a '.' after a digit followed by a digit keeps the sentence, followed by anything else ends it
        assertEquals(List.of(List.of("v1", "2", "x")), sentences("v1.2 x"));
        assertEquals(List.of(List.of("v1"), List.of("x")), sentences("v1.x"));
    }

    @Test
    void longSentencesAreCut() {
        String text = "w ".repeat(Tokenizer.MAX_SENTENCE_TOKENS * 2 + 5);
        List<String[]> s = Tokenizer.sentences(text);
        assertEquals(3, s.size());
        assertEquals(Tokenizer.MAX_SENTENCE_TOKENS, s.get(0).length);
        assertEquals(Tokenizer.MAX_SENTENCE_TOKENS, s.get(1).length);
        assertEquals(5, s.get(2).length);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) p;
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static List<List<String>> read(TextCorpus c) {
        List<List<String>> out = new ArrayList<>();
        c.forEachSentence(s -> out.add(List.of(s)));
        return out;
    }

    @Test
    void invalidBytesAreReplacedAndCounted() throws IOException {
        // Invalid: FF (1), FE (1), E2 82 = a 3-byte sequence cut by a space (2), C0 AF = overlong '/' (2),
        // ED A0 80 = an encoded surrogate (3), and C3 cut by the end of the file (1): 10 bytes. Valid: é (C3 A9).
        byte[] data = concat("ok", bytes(0xFF), "x ", bytes(0xFE), "caf", bytes(0xC3, 0xA9), " y",
                bytes(0xE2, 0x82), " z", bytes(0xC0, 0xAF), "w", bytes(0xED, 0xA0, 0x80), "v end", bytes(0xC3));
        TextCorpus c = TextCorpus.open(write("bad.txt", data));
        assertEquals(List.of(List.of("ok", "x", "café", "y", "z", "w", "v", "end")), read(c));
        assertEquals(10, c.invalidBytes());
        assertEquals(data.length, c.bytes(), "the denominator: every byte of the file");
        assertEquals(8, c.tokens());
        assertEquals(1, c.sentences());
    }

    @Test
    void buffersBoundariesDoNotBreakCharactersOrCounts() throws IOException {
        // A 2-byte 'é' straddles the 64 KiB read buffer boundary, then an invalid byte straddles the next one.
        int buffer = 1 << 16;
        byte[] a = concat("a ".repeat((buffer - 2) / 2), "x", bytes(0xC3, 0xA9), "y\n");
        assertEquals(0xC3, a[buffer - 1] & 0xFF);
        assertEquals(buffer + 3, a.length);
        byte[] b = concat(a, "b ".repeat((buffer - 6) / 2), "qq", bytes(0xFF), "r");
        assertEquals(0xFF, b[2 * buffer - 1] & 0xFF);
        TextCorpus c = TextCorpus.open(write("big.txt", b));
        List<String> all = new ArrayList<>();
        c.forEachSentence(s -> all.addAll(List.of(s)));
        assertEquals("xéy", all.get((buffer - 2) / 2));
        assertEquals(List.of("qq", "r"), all.subList(all.size() - 2, all.size()));
        assertEquals(1, c.invalidBytes());
        long expected = (buffer - 2) / 2 + 1 + (buffer - 6) / 2 + 2;
        assertEquals(expected, c.tokens());
    }

    @Test
    void gzipFilesAreRead() throws IOException {
        Path f = dir.resolve("c.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("Hello world.\nBye".getBytes(StandardCharsets.UTF_8));
        }
        TextCorpus c = TextCorpus.open(f);
        assertEquals(List.of(List.of("hello", "world"), List.of("bye")), read(c));
        assertEquals(3, c.tokens());
    }

    @Test
    void countsWithoutAPassAndEmptyFiles() throws IOException {
        TextCorpus c = TextCorpus.open(write("t.txt", "a b\nc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, c.tokens()); // counting pass
        assertEquals(2, c.sentences());
        assertEquals(0, c.invalidBytes());
        TextCorpus empty = TextCorpus.open(write("e.txt", new byte[0]));
        assertEquals(0, empty.tokens());
        assertEquals(List.of(), read(empty));
    }

    @Test
    void badFiles() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextCorpus.open(dir.resolve("missing.txt")));
        assertTrue(e.getMessage().contains("missing.txt: no such file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.open(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void embeddedCorpus() {
        TextCorpus c = TextCorpus.embedded();
        List<String[]> all = new ArrayList<>();
        c.forEachSentence(all::add);
        // Independent counts from Python on the unpacked text: per line, split at [.!?…], tokens =
        // re.findall(r"[A-Za-z0-9'’]+") with ' stripped at both ends (the text is ASCII apart from ’ and —).
        assertEquals(71014, c.tokens());
        assertEquals(3004, c.sentences());
        assertEquals(3004, all.size());
        assertEquals(0, c.invalidBytes());
        assertArrayEquals(new String[] {"in", "the", "beginning", "god", "created", "the", "heaven", "and", "the",
            "earth"}, all.get(0));
        assertTrue(Arrays.stream(all.get(all.size() - 1)).anyMatch("tabernacle"::equals));
        assertTrue(c.name().startsWith("embedded:"));
    }
}
