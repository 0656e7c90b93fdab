package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.contrast4j.linalg.Matrix;

/**
 * Properties of every embed reader on files broken at random — word2vec text and binary ({@link WordVectors#read}),
 * skip-gram checkpoints ({@link SkipGramTraining#resume}), corpora ({@link TextCorpus}), synonym pairs
 * ({@link WordNetSynonyms#readPairs}) and analogy questions ({@link Evaluation#analogies}): cut anywhere, bits
 * flipped anywhere, sizes declared far beyond the file, garbage. Each either reads the whole file or throws one
 * precise exception naming the file (IllegalArgumentException; UncheckedIOException for a damaged .gz corpus) —
 * never another type, never an allocation the file cannot back (the suite runs with a 4 GB heap), never a partial
 * result.
 */
class ReaderPropertiesTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("embed-properties");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface FileCheck {
        void run(Path p) throws Exception;
    }

    static void withFile(String suffix, byte[] bytes, FileCheck check) throws Exception {
        Path p = Files.createTempFile(DIR, "f", suffix);
        try {
            Files.write(p, bytes);
            check.run(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    /** The result of {@code read}, or null after one IllegalArgumentException naming {@code p} in one line. */
    static <T> T readOrRefuse(Path p, Callable<T> read) {
        try {
            return read.call();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return null;
        } catch (Throwable t) {
            return fail("reading " + p + " threw " + t + " instead of an IllegalArgumentException", t);
        }
    }

    // ------------------------------------------------------------ word2vec files

    @Provide
    Arbitrary<WordVectors> vectors() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abcxyzé日0-_'").ofMinLength(1).ofMaxLength(6);
        Arbitrary<List<String>> words = word.set().ofMinSize(1).ofMaxSize(8).map(ArrayList::new);
        return Combinators.combine(words, Arbitraries.integers().between(1, 5), Arbitraries.longs())
                .as((w, d, seed) -> {
                    Random rnd = new Random(seed);
                    float[] v = new float[w.size() * d];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(13) - 6));
                    }
                    return new WordVectors(w.toArray(new String[0]), Matrix.of(w.size(), d, v));
                });
    }

    static byte[] bytesOf(WordVectors v, boolean binary) throws IOException {
        Path p = Files.createTempFile(DIR, "w", binary ? ".bin" : ".txt");
        try {
            if (binary) {
                v.writeBinary(p);
            } else {
                v.writeText(p);
            }
            return Files.readAllBytes(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    static void assertSame(WordVectors want, WordVectors got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.word(i), got.word(i));
        }
        assertArrayEquals(want.vectors().data(), got.vectors().data());
    }

    @Property(tries = 100)
    void word2vecRoundTrips(@ForAll("vectors") WordVectors v, @ForAll boolean binary) throws Exception {
        withFile(".w2v", bytesOf(v, binary), p -> assertSame(v, WordVectors.read(p)));
    }

    @Property(tries = 150)
    void word2vecTruncationsAreRefusedOrLoseNothing(@ForAll("vectors") WordVectors v, @ForAll boolean binary,
                                                    @ForAll Random rnd) throws Exception {
        byte[] bytes = bytesOf(v, binary);
        int cut = rnd.nextInt(bytes.length);
        withFile(".w2v", Arrays.copyOf(bytes, cut), p -> {
            WordVectors got = readOrRefuse(p, () -> WordVectors.read(p));
            if (got != null) {
                // only a binary file cut exactly after its last vector's bytes is complete (the newline is optional)
                assertTrue(binary && cut == bytes.length - 1, "a cut at " + cut + " of " + bytes.length + " read");
                assertSame(v, got);
            }
        });
    }

    @Property(tries = 150)
    void word2vecBitFlipsGiveACompleteResultOrARefusal(@ForAll("vectors") WordVectors v, @ForAll boolean binary,
                                                       @ForAll Random rnd,
                                                       @ForAll @IntRange(min = 1, max = 4) int flips)
            throws Exception {
        byte[] bytes = bytesOf(v, binary);
        for (int f = 0; f < flips; f++) {
            bytes[rnd.nextInt(bytes.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        withFile(".w2v", bytes, p -> {
            WordVectors got = readOrRefuse(p, () -> WordVectors.read(p));
            if (got != null) {
                // complete: as many rows and values as the (possibly changed) header line declares
                String head = new String(bytes, 0, indexOf(bytes, (byte) '\n'), StandardCharsets.UTF_8).strip();
                String[] vd = head.split("[ \\t]+");
                assertEquals(Integer.parseInt(vd[0]), got.size());
                assertEquals(Integer.parseInt(vd[1]), got.dimension());
            }
        });
    }

    static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return b.length;
    }

    @Property
    void word2vecHeadersFarBeyondTheFileAreRefused(@ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int words,
                                                   @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int dim,
                                                   @ForAll boolean binary,
                                                   @ForAll @IntRange(min = 0, max = 3) int rows) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((words + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII));
        for (int r = 0; r < rows; r++) {
            if (binary) {
                b.writeBytes(("w" + r + " ").getBytes(StandardCharsets.US_ASCII));
                b.writeBytes(new byte[12]);
            } else {
                b.writeBytes(("w" + r + " 1 2 3\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        withFile(".w2v", b.toByteArray(), p -> {
            WordVectors got = readOrRefuse(p, () -> WordVectors.read(p));
            if (got != null) {
                assertEquals(List.of(rows, 3), List.of(words, dim));
            }
        });
    }

    @Property
    void word2vecGarbageIsRefusedOrReadWhole(@ForAll byte[] body, @ForAll @IntRange(min = 0, max = 5) int words,
                                             @ForAll @IntRange(min = 1, max = 4) int dim) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((words + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(body);
        withFile(".w2v", b.toByteArray(), p -> {
            WordVectors got = readOrRefuse(p, () -> WordVectors.read(p));
            if (got != null) {
                assertEquals(List.of(words, dim), List.of(got.size(), got.dimension()));
            }
        });
    }

    // ------------------------------------------------------------ skip-gram checkpoints

    private static final SkipGramCorpus CORPUS = SkipGramTrainingTest.corpus();
    private static final SkipGram CONFIG = SkipGramTrainingTest.small(Objective.NEGATIVE_SAMPLING).epochs(2)
            .threads(2).build();
    private static final byte[] CHECKPOINT;
    private static final SkipGramTraining SAVED;

    static {
        try {
            SAVED = CONFIG.start(CORPUS);
            SAVED.runEpoch(null);
            Path p = Files.createTempFile(DIR, "c", ".ckpt");
            SAVED.checkpoint(p);
            CHECKPOINT = Files.readAllBytes(p);
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offsets of the count fields of {@link #CHECKPOINT}, from the format in {@link SkipGramCheckpoint}. */
    static List<int[]> countFields() {
        List<int[]> fields = new ArrayList<>(); // {offset, 0 = int}
        int at = 2 + "contrast4j-skipgram".length() + 4 + 2 + CONFIG.objective().key().length() + 4 + 8;
        fields.add(new int[] {at}); // dimension
        at += 4;
        fields.add(new int[] {at}); // window
        at += 4;
        fields.add(new int[] {at}); // epochs
        at += 4 + 8 + 8 + 8;
        fields.add(new int[] {at}); // batch size
        at += 4;
        fields.add(new int[] {at}); // threads
        at += 4 + 8 + 2 + CONFIG.step().key().length();   // threads, seed, step key (version 2)
        fields.add(new int[] {at}); // V
        at += 4;
        fields.add(new int[] {at}); // min count
        at += 4;
        Vocabulary v = CORPUS.vocabulary();
        for (int w = 0; w < v.size(); w++) {
            at += 2 + v.word(w).getBytes(StandardCharsets.UTF_8).length + 8;
        }
        at += 8 + 4 + 8;
        fields.add(new int[] {at}); // epochs done
        at += 4 + 44 * SAVED.epochsDone();
        fields.add(new int[] {at}); // random states
        at += 4 + 8 * CONFIG.threads();
        fields.add(new int[] {at}); // input table length
        at += 4 + 4 * v.size() * CONFIG.dimension();
        fields.add(new int[] {at}); // output table length
        at += 4 + 4 * v.size() * CONFIG.dimension();
        assertEquals(CHECKPOINT.length - 8, at, "the layout walked here matches the file");
        return fields;
    }

    static byte[] withCrc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b).putLong(b.length - 8, crc.getValue());
        return b;
    }

    static void resumeOrRefuse(byte[] bytes, SkipGram expected) throws Exception {
        withFile(".ckpt", bytes, p -> {
            SkipGramTraining run = readOrRefuse(p, () -> SkipGramTraining.resume(p, CORPUS, expected));
            if (run != null) {
                assertArrayEquals(SAVED.inputVectors().data(), run.inputVectors().data());
                assertArrayEquals(SAVED.outputVectors().data(), run.outputVectors().data());
            }
        });
    }

    @Property
    void checkpointTruncationsAreRefused(@ForAll Random rnd) throws Exception {
        byte[] cut = Arrays.copyOf(CHECKPOINT, rnd.nextInt(CHECKPOINT.length));
        withFile(".ckpt", cut, p -> {
            if (readOrRefuse(p, () -> SkipGramTraining.resume(p, CORPUS, CONFIG)) != null) {
                fail("a checkpoint cut to " + cut.length + " bytes was read");
            }
        });
    }

    @Property
    void checkpointBitFlipsAreRefused(@ForAll Random rnd, @ForAll @IntRange(min = 1, max = 4) int flips)
            throws Exception {
        byte[] b = CHECKPOINT.clone();
        for (int f = 0; f < flips; f++) {
            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        resumeOrRefuse(b, CONFIG);
    }

    @Property
    void checkpointCountsFarBeyondTheFileAreRefused(@ForAll Random rnd, @ForAll("counts") int value)
            throws Exception {
        List<int[]> fields = countFields();
        int at = fields.get(rnd.nextInt(fields.size()))[0];
        byte[] b = CHECKPOINT.clone();
        ByteBuffer.wrap(b).putInt(at, value);
        // a consistent CRC: the reader must catch the sizes themselves, with no expected settings to compare
        resumeOrRefuse(withCrc(b), null);
    }

    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0,
                1, 1 << 20, 1 << 28, Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 16 + 1));
    }

    // ------------------------------------------------------------ corpora

    @Property
    void corporaOfAnyBytesReadConsistently(@ForAll byte[] bytes, @ForAll boolean gzip, @ForAll Random rnd,
                                           @ForAll @IntRange(min = 0, max = 2) int damage) throws Exception {
        byte[] file = bytes;
        if (gzip) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(b)) {
                z.write(bytes);
            }
            file = b.toByteArray();
            if (damage == 1) {
                file = Arrays.copyOf(file, rnd.nextInt(file.length));
            } else if (damage == 2) {
                file[rnd.nextInt(file.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
        }
        withFile(gzip ? ".txt.gz" : ".txt", file, p -> {
            TextCorpus c = TextCorpus.open(p);
            long[] tokens = {0};
            long[] sentences = {0};
            try {
                c.forEachSentence(s -> {
                    assertTrue(s.length > 0);
                    for (String t : s) {
                        assertFalse(t.isEmpty());
                        assertEquals(t.toLowerCase(java.util.Locale.ROOT), t);
                        assertTrue(t.codePoints().noneMatch(Character::isWhitespace), t);
                    }
                    tokens[0] += s.length;
                    sentences[0]++;
                });
            } catch (UncheckedIOException e) {
                assertTrue(gzip && damage > 0, "an undamaged corpus failed: " + e);
                assertTrue(e.getMessage().startsWith("corpus " + p + ": "), e.getMessage());
                return;
            } catch (Throwable t) {
                fail("reading corpus " + p + " threw " + t, t);
            }
            assertEquals(tokens[0], c.tokens());
            assertEquals(sentences[0], c.sentences());
            assertTrue(c.invalidBytes() >= 0 && c.invalidBytes() <= (gzip ? Long.MAX_VALUE : bytes.length));
        });
    }

    // ------------------------------------------------------------ synonym pairs and analogy questions

    @Provide
    Arbitrary<byte[]> textish() {
        Arbitrary<String> token = Arbitraries.of("king", "queen", "man", "woman", " ", "  ", "\t", "\n", "\r\n", ":",
                ": section", "#", "é", "\u00a0", "\u2028", "\u0000", "\uFFFD");
        Arbitrary<byte[]> text = token.list().ofMaxSize(30).map(l -> String.join("", l)
                .getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        return Arbitraries.oneOf(text, raw);
    }

    @Property
    void synonymPairsAreTwoWordsOrARefusal(@ForAll("textish") byte[] bytes) throws Exception {
        withFile(".txt", bytes, p -> {
            List<String[]> pairs = readOrRefuse(p, () -> WordNetSynonyms.readPairs(p));
            if (pairs != null) {
                for (String[] pair : pairs) {
                    assertEquals(2, pair.length);
                    assertFalse(pair[0].isEmpty() || pair[1].isEmpty());
                }
            }
        });
    }

    @Provide
    Arbitrary<List<String>> wndbFiles() {
        // wndb data lines: offset lex_filenum ss_type w_cnt (hex) then word lex_id pairs — with extreme counts
        Arbitrary<String> ssType = Arbitraries.of("n", "v", "a", "s", "r", "x", "nn");
        Arbitrary<String> count = Arbitraries.of("01", "02", "03", "7fffffff", "80000000", "ff", "0", "-1", "zz");
        Arbitrary<String> token = Arbitraries.of("dog", "domestic_dog", "Canis_familiaris", "big(a)", "0", "1",
                "@", "|", "a_gloss", "é", "hound", "Dog");
        Arbitrary<String> line = Combinators.combine(Arbitraries.of("00001740", "x"), ssType, count,
                token.list().ofMaxSize(8)).as((o, t, c, rest) -> o + " 03 " + t + " " + c
                + (rest.isEmpty() ? "" : " " + String.join(" ", rest)));
        return Arbitraries.oneOf(line, Arbitraries.of("  licence header line", "")).list().ofMaxSize(6);
    }

    @Property
    void wordNetDataLinesArePairsOrARefusal(@ForAll("wndbFiles") List<String> lines) throws Exception {
        Path dict = Files.createTempDirectory(DIR, "dict");
        Path data = dict.resolve("data.noun");
        try {
            Files.write(data, lines);
            try {
                List<String[]> pairs = WordNetSynonyms.load(dict);
                for (String[] pair : pairs) {
                    assertEquals(2, pair.length);
                    assertTrue(pair[0].compareTo(pair[1]) < 0, pair[0] + " " + pair[1]);
                }
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("WordNet " + data + " line "), e.getMessage());
            } catch (Throwable t) {
                fail("WordNetSynonyms.load threw " + t, t);
            }
        } finally {
            Files.deleteIfExists(data);
            Files.deleteIfExists(dict);
        }
    }

    private static final WordVectors SMALL = new WordVectors(new String[] {"king", "queen", "man", "woman"},
            Matrix.of(4, 2, new float[] {1, 1, 1, -1, 0.5f, 1, 0.5f, -1}));

    @Property
    void analogyQuestionsAreCountedOrRefused(@ForAll("textish") byte[] bytes) throws Exception {
        withFile(".txt", bytes, p -> {
            AnalogyResult r = readOrRefuse(p, () -> Evaluation.analogies(SMALL, p, 10));
            if (r != null) {
                assertTrue(0 <= r.correct() && r.correct() <= r.seen() && r.seen() <= r.total(), r.toString());
            }
        });
    }
}
