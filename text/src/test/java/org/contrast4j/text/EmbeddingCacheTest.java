package org.contrast4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.contrast4j.io.FileFormatException;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmbeddingCache} and {@link TextFile}: hits, every kind of mismatch (each re-encodes and says why), damaged
 * files (re-encode, never wrong numbers). A deterministic stand-in encoder counts its calls; one test uses the real
 * model.
 */
class EmbeddingCacheTest {
    @TempDir
    Path dir;

    /** Each sentence to a fixed pseudo-random unit vector seeded by its text; counts the sentences it encodes. */
    static final class Counting implements SentenceEncoder {
        final String id;
        int encoded;

        Counting(String id) {
            this.id = id;
        }

        @Override
        public int dimension() {
            return 8;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Matrix encode(List<String> sentences) {
            encoded += sentences.size();
            float[] v = new float[sentences.size() * 8];
            for (int i = 0; i < sentences.size(); i++) {
                Random r = new Random(sentences.get(i).hashCode());
                for (int j = 0; j < 8; j++) {
                    v[i * 8 + j] = (float) r.nextGaussian();
                }
            }
            return Matrix.of(sentences.size(), 8, v);
        }

        @Override
        public void close() {
        }
    }

    Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void secondRunLoadsTheSameNumbersWithoutEncoding() throws IOException {
        Path text = write("t.txt", "one\ntwo\nthree\n");
        Counting enc = new Counting("fake/1");
        EmbeddingCache cache = EmbeddingCache.at(dir.resolve("cache"));
        EmbeddingCache.Entry first = cache.entry(TextFile.read(text), enc);
        assertFalse(first.cached());
        assertTrue(first.reason().startsWith("no cached embeddings of "), first.reason());
        List<Integer> progress = new ArrayList<>();
        Matrix a = first.embeddings(progress::add);
        assertEquals(3, enc.encoded);
        assertEquals(List.of(3), progress);
        assertTrue(Files.exists(first.npy()) && Files.exists(first.manifest()));
        assertTrue(first.npy().getFileName().toString().matches("t\\.txt\\.[0-9a-f]{12}\\.npy"));

        EmbeddingCache.Entry second = cache.entry(TextFile.read(text), enc);
        assertTrue(second.cached(), second.reason());
        assertTrue(second.reason().startsWith("loaded 3 cached embeddings from "), second.reason());
        Matrix b = second.embeddings(d -> { });
        assertTrue(second.fromCache());
        assertEquals(3, enc.encoded, "not encoded again");
        assertArrayEquals(a.data(), b.data());
        // the manifest records what the brief asks for
        String json = Files.readString(first.manifest());
        for (String key : new String[] {"\"format\"", "\"model\" : \"fake/1\"", "\"textSha256\"", "\"rows\" : 3",
                "\"dimension\" : 8", "\"embeddingsSha256\"", "\"settings\""}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertTrue(json.contains(TextFile.read(text).sha256()));
    }

    @Test
    void changedTextReEncodesAndSaysWhy() throws IOException {
        Path text = write("t.txt", "one\ntwo\n");
        Counting enc = new Counting("fake/1");
        EmbeddingCache cache = EmbeddingCache.at(dir);
        cache.embed(TextFile.read(text), enc, d -> { });
        write("t.txt", "one\ntwo!\n");
        EmbeddingCache.Entry e = cache.entry(TextFile.read(text), enc);
        assertFalse(e.cached());
        assertTrue(e.reason().contains("changed since it was cached (sha256 "), e.reason());
        Matrix m = e.embeddings(d -> { });
        assertEquals(4, enc.encoded);
        assertArrayEquals(new Counting("x").encode(List.of("one", "two!")).data(), m.data());
        assertTrue(cache.entry(TextFile.read(text), enc).cached());
    }

    @Test
    void anotherEncoderIdIsAnotherEntry() throws IOException {
        Path text = write("t.txt", "one\ntwo\n");
        EmbeddingCache cache = EmbeddingCache.at(dir);
        Counting a = new Counting("fake/a");
        Counting b = new Counting("fake/b");
        EmbeddingCache.Entry ea = cache.entry(TextFile.read(text), a);
        ea.embeddings(d -> { });
        EmbeddingCache.Entry eb = cache.entry(TextFile.read(text), b);
        assertFalse(eb.cached());
        assertNotEquals(ea.npy(), eb.npy());
        eb.embeddings(d -> { });
        assertTrue(cache.entry(TextFile.read(text), a).cached());
        assertTrue(cache.entry(TextFile.read(text), b).cached());
    }

    @Test
    void damagedFilesAreDetectedAndReEncoded() throws IOException {
        Path text = write("t.txt", "alpha\nbeta\ngamma\ndelta\n");
        Counting enc = new Counting("fake/1");
        EmbeddingCache cache = EmbeddingCache.at(dir);
        Matrix good = cache.embed(TextFile.read(text), enc, d -> { });
        EmbeddingCache.Entry e = cache.entry(TextFile.read(text), enc);
        Path npy = e.npy();
        Path manifest = e.manifest();
        byte[] npyBytes = Files.readAllBytes(npy);
        String manifestText = Files.readString(manifest);

        // 1. one float changed in place (same size, valid .npy): only the checksum can tell
        try (FileChannel ch = FileChannel.open(npy, StandardOpenOption.WRITE)) {
            ByteBuffer f = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).flip();
            ch.write(f, npyBytes.length - 4);
        }
        assertReEncodes(cache, text, enc, "do not match the checksum", good);

        // 2. truncated
        Files.write(npy, java.util.Arrays.copyOf(npyBytes, npyBytes.length - 10));
        assertReEncodes(cache, text, enc, "unreadable", good);

        // 3. missing
        Files.delete(npy);
        assertReEncodes(cache, text, enc, "are missing", good);

        // 4. another shape under the same name
        Npy.write(npy, Matrix.zeros(4, 7));
        assertReEncodes(cache, text, enc, "hold 4×7", good);
        Npy.write(npy, Matrix.zeros(3, 8));
        assertReEncodes(cache, text, enc, "hold 3×8", good);

        // 5. manifest: garbage, not an object, another format, wrong rows, deleted
        Files.writeString(manifest, "{ not json");
        assertReEncodes(cache, text, enc, "is unreadable", good);
        Files.writeString(manifest, "[1, 2]");
        assertReEncodes(cache, text, enc, "is not a JSON object", good);
        Files.writeString(manifest, manifestText.replace(EmbeddingCache.FORMAT, "something-else/9"));
        assertReEncodes(cache, text, enc, "has format 'something-else/9'", good);
        Files.writeString(manifest, manifestText.replace("\"rows\" : 4", "\"rows\" : 5"));
        assertReEncodes(cache, text, enc, "says 5×8 but the text has 4 rows", good);
        Files.delete(manifest);
        assertReEncodes(cache, text, enc, "no cached embeddings", good);
        assertTrue(cache.entry(TextFile.read(text), enc).cached());
    }

    private static void assertReEncodes(EmbeddingCache cache, Path text, Counting enc, String why, Matrix good)
            throws IOException {
        EmbeddingCache.Entry e = cache.entry(TextFile.read(text), enc);
        assertFalse(e.cached(), "should not trust the damaged cache: " + e.reason());
        assertTrue(e.reason().contains(why), "reason '" + e.reason() + "' should contain '" + why + "'");
        int before = enc.encoded;
        Matrix m = e.embeddings(d -> { });
        assertEquals(before + 4, enc.encoded);
        assertArrayEquals(good.data(), m.data());
        // and the rewritten entry is good again
        EmbeddingCache.Entry again = cache.entry(TextFile.read(text), enc);
        assertTrue(again.cached(), again.reason());
        assertArrayEquals(good.data(), again.embeddings(d -> { }).data());
    }

    @Test
    void listEntriesAreKeyedByNameAndContent() throws IOException {
        Counting enc = new Counting("fake/1");
        EmbeddingCache cache = EmbeddingCache.at(dir);
        cache.entry("queries", List.of("a\nb", "c"), enc).embeddings(d -> { });
        assertTrue(cache.entry("queries", List.of("a\nb", "c"), enc).cached());
        // same joined text, other split: another content hash
        EmbeddingCache.Entry e = cache.entry("queries", List.of("a", "b\nc"), enc);
        assertFalse(e.cached());
        assertTrue(e.reason().contains("queries changed since it was cached"), e.reason());
        assertThrows(NullPointerException.class, () -> cache.entry("q", java.util.Arrays.asList("a", null), enc));
    }

    @Test
    void realModelSecondRunIsFromTheCache() throws IOException {
        Path text = write("verses.txt", "In the beginning God created the heaven and the earth.\n"
                + "En el principio creó Dios los cielos y la tierra.\n\nJesus wept.\n");
        EmbeddingCache cache = EmbeddingCache.at(dir.resolve("c"));
        try (MiniLm m = MiniLm.quantized().batchSize(2).build()) {
            EmbeddingCache.Entry first = cache.entry(TextFile.read(text), m);
            assertFalse(first.cached());
            Matrix a = first.embeddings(d -> { });
            assertEquals(4, a.rows());
            assertEquals(384, a.cols());
            EmbeddingCache.Entry second = cache.entry(TextFile.read(text), m);
            assertTrue(second.cached(), second.reason());
            assertArrayEquals(a.data(), second.embeddings(d -> { }).data());
            String json = Files.readString(second.manifest());
            assertTrue(json.contains("\"model\" : \"all-MiniLM-L6-v2-q/max-tokens=256/batch-size=2\""), json);
            assertTrue(json.contains("\"batchSize\" : 2"), json);
        }
        try (MiniLm m = MiniLm.quantized().batchSize(3).build()) {
            assertFalse(cache.entry(TextFile.read(text), m).cached(), "another batch size is another id");
        }
    }

    @Test
    void textFileLines() throws IOException {
        TextFile t = TextFile.read(write("a.txt", "\uFEFFfirst\r\nsecond\n\nfourth"));
        assertEquals(List.of("first", "second", "", "fourth"), t.lines());
        assertEquals(List.of("x", ""), TextFile.read(write("b.txt", "x\n\n")).lines());
        assertEquals(List.of(), TextFile.read(write("c.txt", "")).lines());
        assertEquals(List.of(""), TextFile.read(write("d.txt", "\n")).lines());
        assertEquals(List.of("ñandú ☃ 𝄞"), TextFile.read(write("e.txt", "ñandú ☃ 𝄞\n")).lines());
        // SHA-256 of "abc" (FIPS 180-2 test vector)
        TextFile abc = TextFile.read(write("f.txt", "abc"));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", abc.sha256());
        assertEquals(3, abc.bytes());
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'a', (byte) 0xff, 'b', '\n'});
        FileFormatException e = assertThrows(FileFormatException.class, () -> TextFile.read(bad));
        assertEquals(bad + ": line 2: not UTF-8 at byte 4 (0xff): save the file as UTF-8", e.getMessage());
    }
}
