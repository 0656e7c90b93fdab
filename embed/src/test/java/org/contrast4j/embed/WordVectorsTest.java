package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** word2vec text and binary files (round trips, hand-written files, errors) and nearest neighbours. */
class WordVectorsTest {
    @TempDir
    Path dir;

    static final String[] WORDS = {"the", "café", "東京", "don't", "x1", "Zebra"};

    /** Values that stress the float formatting: extremes, subnormals, signed zero, and gaussians. */
    static WordVectors sample(Random rnd, int d) {
        float[] v = new float[WORDS.length * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        v[0] = Float.MAX_VALUE;
        v[1] = -Float.MIN_VALUE;
        v[2] = -0.0f;
        v[3] = 1e-30f;
        v[4] = 0.1f;
        v[5] = 123456.79f;
        return new WordVectors(WORDS, Matrix.of(WORDS.length, d, v));
    }

    static void assertSame(WordVectors expected, WordVectors actual) {
        assertEquals(expected.words(), actual.words());
        assertEquals(expected.dimension(), actual.dimension());
        float[] a = expected.vectors().data();
        float[] b = actual.vectors().data();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "value " + i);
        }
    }

    @Test
    void textRoundTripIsExact() throws IOException {
        WordVectors v = sample(new Random(1), 7);
        Path f = dir.resolve("v.txt");
        v.writeText(f);
        assertSame(v, WordVectors.read(f));
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertEquals("6 7", lines.get(0));
        assertEquals(7, lines.get(1).split(" ").length - 1);
        assertTrue(lines.get(1).startsWith("the 3.4028235E38 -1.4E-45 -0.0 1.0E-30 0.1 123456.79 "), lines.get(1));
    }

    @Test
    void binaryRoundTripIsExactAndTheLayoutIsWord2vecs() throws IOException {
        WordVectors v = sample(new Random(2), 5);
        Path f = dir.resolve("v.bin");
        v.writeBinary(f);
        assertSame(v, WordVectors.read(f));
        // layout: "6 5\n" then per word: UTF-8 bytes, ' ', 5 little-endian floats, '\n'
        byte[] bytes = Files.readAllBytes(f);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("6 5\n".getBytes(StandardCharsets.US_ASCII));
        float[] data = v.vectors().data();
        for (int i = 0; i < WORDS.length; i++) {
            expected.writeBytes((WORDS[i] + " ").getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < 5; c++) {
                b.putFloat(data[i * 5 + c]);
            }
            expected.writeBytes(b.array());
            expected.write('\n');
        }
        assertArrayEquals(expected.toByteArray(), bytes);
    }

    @Test
    void readsWord2vecCTextAndGensimBinaryVariants() throws IOException {
        // word2vec.c's text output: "%lf " per value, a trailing space before the newline; CRLF line ends
        Path t = dir.resolve("c.txt");
        Files.writeString(t, "2 3\r\nking 0.500000 -1.000000 2.000000 \r\nqueen 1e-3 0 -0 \r\n\n");
        WordVectors v = WordVectors.read(t);
        assertEquals(List.of("king", "queen"), v.words());
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, v.vector("king"));
        assertArrayEquals(new float[] {1e-3f, 0f, -0f}, v.vector("queen"));
        // gensim's binary output: no newline after a vector
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("2 2\n".getBytes(StandardCharsets.US_ASCII));
        for (String w : new String[] {"a", "bb"}) {
            b.writeBytes((w + " ").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(w.length())
                    .putFloat(-w.length()).array());
        }
        Path g = dir.resolve("g.bin");
        Files.write(g, b.toByteArray());
        WordVectors gv = WordVectors.read(g);
        assertEquals(List.of("a", "bb"), gv.words());
        assertArrayEquals(new float[] {2f, -2f}, gv.vector("bb"));
    }

    private String readError(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return assertThrows(IllegalArgumentException.class, () -> WordVectors.read(f)).getMessage();
    }

    private static void contains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "«" + f + "» not in: " + message);
        }
    }

    @Test
    void wrongHeadersNameLineOne() throws IOException {
        contains(readError("empty.txt", ""), "empty.txt is empty");
        contains(readError("h1.txt", "3\na 1\n"), "h1.txt line 1", "'<number of words> <dimension>'", "'3'");
        contains(readError("h2.txt", "x 2\n"), "line 1", "'x 2'");
        contains(readError("glove.txt", "the 0.1 0.2 0.3\nof 0.4 0.5 0.6\n"), "line 1", "GloVe");
        contains(readError("h3.txt", "0 5\n"), "line 1", "declares 0 words");
        contains(readError("h4.txt", "2 3\n"), "line 2", "ends after the header");
    }

    @Test
    void raggedAndBadRowsNameTheirLine() throws IOException {
        contains(readError("r1.txt", "3 2\na 1 2\nb 1\nc 1 2\n"), "r1.txt line 3",
                "expected a word and 2 values but found 1 values after 'b'");
        contains(readError("r2.txt", "2 2\na 1 2\nb 1 2 3\n"), "line 3", "found 3 values");
        contains(readError("r3.txt", "2 2\na 1 2\nb 1 zz\n"), "line 3", "value 2 of 'b' is 'zz'");
        contains(readError("r4.txt", "2 2\na 1 NaN\nb 1 2\n"), "line 2", "'NaN', not a finite number");
        contains(readError("r5.txt", "3 2\na 1 2\nb 1 2\n"), "line 4", "ends after 2 rows", "declares 3 words");
        contains(readError("r6.txt", "1 2\na 1 2\nb 3 4\n"), "line 3", "after the 1 words");
        contains(readError("r7.txt", "2 2\na 1 2\na 3 4\n"), "line 3", "'a' repeats the word of row 1");
        contains(readError("r8.txt", "2 2\na 1 2\n\nb 1 2\n"), "line 3", "an empty line");
        contains(readError("r9.txt", "2 2\na 1 2\nno\u00A0break 1 2\n"), "line 3", "whitespace", "U+00A0");
    }

    @Test
    void badBinaryRecordsNameTheRecord() throws IOException {
        WordVectors v = sample(new Random(3), 4);
        Path f = dir.resolve("v.bin");
        v.writeBinary(f);
        byte[] ok = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(ok, ok.length - 10));
        contains(assertThrows(IllegalArgumentException.class, () -> WordVectors.read(cut)).getMessage(),
                "cut.bin (binary) record 6 of 6", "ends inside the vector of 'Zebra'");
        byte[] more = java.util.Arrays.copyOf(ok, ok.length + 3);
        more[ok.length] = 'x';
        Path extra = dir.resolve("extra.bin");
        Files.write(extra, more);
        contains(assertThrows(IllegalArgumentException.class, () -> WordVectors.read(extra)).getMessage(),
                "data after the 6 records");
        byte[] header = "7 4\n".getBytes(StandardCharsets.US_ASCII);
        byte[] fewer = new byte[ok.length - 4 + header.length];
        System.arraycopy(header, 0, fewer, 0, header.length);
        System.arraycopy(ok, 4, fewer, header.length, ok.length - 4);
        Path f7 = dir.resolve("seven.bin");
        Files.write(f7, fewer);
        contains(assertThrows(IllegalArgumentException.class, () -> WordVectors.read(f7)).getMessage(),
                "record 7 of 7", "ends before the record");
        contains(assertThrows(IllegalArgumentException.class,
                () -> WordVectors.read(dir.resolve("nope.bin"))).getMessage(), "nope.bin: no such file");
    }

    @Test
    void constructorChecks() {
        Matrix m = Matrix.of(2, 1, new float[] {1, 2});
        contains(assertThrows(IllegalArgumentException.class,
                () -> new WordVectors(new String[] {"a", "a"}, m)).getMessage(), "word 1 'a' repeats word 0");
        contains(assertThrows(IllegalArgumentException.class,
                () -> new WordVectors(new String[] {"a", "b c"}, m)).getMessage(), "word 1", "whitespace");
        contains(assertThrows(IllegalArgumentException.class,
                () -> new WordVectors(new String[] {"a"}, m)).getMessage(), "1 words", "2×1");
        contains(assertThrows(IllegalArgumentException.class,
                () -> new WordVectors(new String[] {"a", ""}, m)).getMessage(), "word 1 is empty");
        contains(assertThrows(IllegalArgumentException.class, () -> new WordVectors(new String[] {"a", "b"},
                Matrix.of(2, 1, new float[] {1, Float.NaN}))).getMessage(), "word 1 'b', column 0 is NaN");
        float[] data = {1, 2};
        WordVectors v = new WordVectors(new String[] {"a", "b"}, Matrix.of(2, 1, data));
        data[0] = 99; // the constructor copied
        assertArrayEquals(new float[] {1}, v.vector("a"));
    }

    /** Cosine neighbours against a brute force in double, ties broken by index. */
    @Test
    void nearestMatchesABruteForce() {
        Random rnd = new Random(4);
        int n = 300;
        int d = 6;
        String[] words = new String[n];
        float[] data = new float[n * d];
        for (int i = 0; i < n; i++) {
            words[i] = "w" + i;
            for (int c = 0; c < d; c++) {
                data[i * d + c] = (float) rnd.nextGaussian() * (1 + i % 3);
            }
        }
        WordVectors v = new WordVectors(words, Matrix.of(n, d, data));
        for (int q : new int[] {0, 17, 299}) {
            List<WordVectors.Neighbour> got = v.nearest("w" + q, 12);
            List<double[]> ref = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i != q) {
                    ref.add(new double[] {cosine(data, q, i, d), i});
                }
            }
            ref.sort(Comparator.comparingDouble((double[] r) -> -r[0]).thenComparingDouble(r -> r[1]));
            assertEquals(12, got.size());
            for (int r = 0; r < 12; r++) {
                assertEquals("w" + (int) ref.get(r)[1], got.get(r).word(), "rank " + r + " of w" + q);
                // a float32 cosine: within γ_{d+2} of the double one
                assertEquals(ref.get(r)[0], got.get(r).cosine(), FloatBounds.cosine(d) + FloatBounds.gamma64(3L * d));
            }
        }
        // a free vector with exclusions; k larger than the vocabulary left
        float[] query = v.vector("w5");
        List<WordVectors.Neighbour> got = v.nearest(query, 3, Set.of("w5", "unknown"));
        assertTrue(got.stream().noneMatch(x -> x.word().equals("w5")));
        WordVectors tiny = new WordVectors(new String[] {"a", "b", "c"}, Matrix.of(3, 1, new float[] {1, -1, 2}));
        List<WordVectors.Neighbour> all = tiny.nearest("a", 10);
        assertEquals(List.of("c", "b"), all.stream().map(WordVectors.Neighbour::word).toList());
        // one-dimensional rows: the normalised entries are exactly ±1, so are the cosines up to double rounding
        assertEquals(1.0, all.get(0).cosine(), FloatBounds.gamma64(4));
        assertEquals(-1.0, all.get(1).cosine(), FloatBounds.gamma64(4));
        contains(assertThrows(IllegalArgumentException.class, () -> tiny.nearest("zz", 3)).getMessage(),
                "unknown word 'zz'", "3 words");
        contains(assertThrows(IllegalArgumentException.class, () -> tiny.nearest("a", 0)).getMessage(),
                "k must be >= 1, was 0");
        contains(assertThrows(IllegalArgumentException.class,
                () -> tiny.nearest(new float[2], 1, Set.of())).getMessage(), "2 values", "dimension 1");
    }

    static double cosine(float[] data, int a, int b, int d) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < d; c++) {
            dot += (double) data[a * d + c] * data[b * d + c];
            na += (double) data[a * d + c] * data[a * d + c];
            nb += (double) data[b * d + c] * data[b * d + c];
        }
        return dot / Math.max(Math.sqrt(na), 1e-12) / Math.max(Math.sqrt(nb), 1e-12);
    }
}
