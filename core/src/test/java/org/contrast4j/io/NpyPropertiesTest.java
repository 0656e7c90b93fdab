package org.contrast4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.contrast4j.NpyBytes;

/**
 * Properties of the .npy reader on random arrays and on files broken at random: cut anywhere, bits flipped anywhere,
 * sizes declared far beyond the file, dtypes and orders it does not read, plain garbage. Each broken file gets one
 * {@link FileFormatException} naming the file, in one line — never another exception type, never an allocation
 * beyond what the file holds (the suite runs with a 4 GB heap; a 2^31-element shape would need 8 to 16 GB).
 */
class NpyPropertiesTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("npy-properties");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file holding {@code bytes}, deleted after {@code check} runs on it. */
    static void withFile(byte[] bytes, FileCheck check) throws Exception {
        Path p = Files.createTempFile(DIR, "a", ".npy");
        try {
            Files.write(p, bytes);
            check.run(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @FunctionalInterface
    interface FileCheck {
        void run(Path p) throws Exception;
    }

    /** Reading {@code p} either succeeds or throws one FileFormatException whose one-line message names {@code p}. */
    static NpyArray readOrFormatError(Path p) {
        return readOrFormatError(p, () -> Npy.read(p));
    }

    static <T> T readOrFormatError(Path p, Callable<T> read) {
        try {
            return read.call();
        } catch (FileFormatException e) {
            assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
            assertEquals(p.toString(), e.file());
            return null;
        } catch (Throwable t) {
            return fail("reading " + p + " threw " + t + " instead of a FileFormatException", t);
        }
    }

    static void mustFail(Path p) {
        NpyArray a = readOrFormatError(p);
        if (a != null) {
            fail("reading " + p + " returned " + a + " instead of a FileFormatException");
        }
    }

    // ------------------------------------------------------------ generators

    @Provide
    Arbitrary<NpyArray> arrays() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 6).list().ofMaxSize(4)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        Arbitrary<NpyArray.DType> dtypes = Arbitraries.of(NpyArray.DType.class);
        return Combinators.combine(shapes, dtypes, Arbitraries.longs()).as(NpyPropertiesTest::array);
    }

    /** An array of random bit patterns (every float, NaN and infinity included). */
    static NpyArray array(int[] shape, NpyArray.DType dtype, long seed) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        Random rnd = new Random(seed);
        return switch (dtype) {
            case FLOAT32 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Float.intBitsToFloat(rnd.nextInt());
                }
                yield NpyArray.ofFloats(shape, v);
            }
            case FLOAT64 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Double.longBitsToDouble(rnd.nextLong());
                }
                yield NpyArray.ofDoubles(shape, v);
            }
            case INT32 -> NpyArray.ofInts(shape, rnd.ints(n).toArray());
            case INT64 -> NpyArray.ofLongs(shape, rnd.longs(n).toArray());
        };
    }

    /** The bytes of {@code a} as a .npy file, in memory (no fsync per try): the writer's header, data encoded here. */
    static byte[] bytesOf(NpyArray a) {
        byte[] head = Npy.header(a.shape(), a.dtype());
        ByteBuffer b = ByteBuffer.allocate(head.length + a.size() * a.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(head);
        switch (a.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(a.toFloats());
            case FLOAT64 -> b.asDoubleBuffer().put(a.toDoubles());
            case INT32 -> b.asIntBuffer().put(a.toInts());
            case INT64 -> b.asLongBuffer().put(a.toLongs());
        }
        return b.array();
    }

    // ------------------------------------------------------------ properties

    @Property(tries = 100)
    void writeThenReadGivesTheSameArray(@ForAll("arrays") NpyArray a) throws Exception {
        Path w = Files.createTempFile(DIR, "w", ".npy");
        byte[] bytes;
        try {
            Npy.write(w, a);
            bytes = Files.readAllBytes(w);
        } finally {
            Files.deleteIfExists(w);
        }
        assertArrayEquals(bytesOf(a), bytes);
        // data starts on a 64-byte boundary, as numpy writes it
        int hlen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + hlen) % 64);
        assertEquals(10L + hlen + (long) a.size() * a.dtype().bytes(), bytes.length);
        withFile(bytes, p -> assertEquals(a, Npy.read(p)));
    }

    @Property
    void everyTruncationIsAFormatError(@ForAll("arrays") NpyArray a, @ForAll Random rnd) throws Exception {
        byte[] bytes = bytesOf(a);
        int cut = rnd.nextInt(bytes.length);
        withFile(Arrays.copyOf(bytes, cut), NpyPropertiesTest::mustFail);
    }

    @Property
    void extraBytesAreAFormatError(@ForAll("arrays") NpyArray a, @ForAll @IntRange(min = 1, max = 100) int extra)
            throws Exception {
        byte[] bytes = bytesOf(a);
        withFile(Arrays.copyOf(bytes, bytes.length + extra), NpyPropertiesTest::mustFail);
    }

    @Property
    void bitFlipsGiveAnArrayOfTheFileOrAFormatError(@ForAll("arrays") NpyArray a, @ForAll Random rnd,
                                                    @ForAll @IntRange(min = 1, max = 8) int flips) throws Exception {
        byte[] bytes = bytesOf(a);
        for (int f = 0; f < flips; f++) {
            int at = rnd.nextInt(bytes.length);
            bytes[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        withFile(bytes, p -> {
            NpyArray read = readOrFormatError(p);
            if (read != null) {
                // a complete array whose data is exactly what the file holds after its header
                int hlen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
                assertEquals(bytes.length - 10L - hlen, (long) read.size() * read.dtype().bytes());
            }
        });
    }

    @Property
    void headerFlipsInTheFirstBytesAreCaught(@ForAll("arrays") NpyArray a, @ForAll Random rnd) throws Exception {
        // the magic, version and length bytes: any change there must be refused, or give the same array
        byte[] bytes = bytesOf(a);
        int at = rnd.nextInt(10);
        bytes[at] ^= (byte) (1 << rnd.nextInt(8));
        withFile(bytes, p -> {
            NpyArray read = readOrFormatError(p);
            if (read != null) {
                fail("a flip in byte " + at + " was read as " + read);
            }
        });
    }

    @Property
    void shapesFarBeyondTheFileAreRefusedBeforeAllocating(
            @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int d0,
            @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int d1,
            @ForAll("dtypeStrings") String descr,
            @ForAll @IntRange(min = 0, max = 64) int dataBytes) throws Exception {
        String shape = "(" + d0 + ", " + d1 + ")";
        byte[] bytes = NpyBytes.npy(1, 0, NpyBytes.dict(descr, false, shape), new byte[dataBytes]);
        withFile(bytes, p -> {
            NpyArray read = readOrFormatError(p);
            if (read != null) {
                assertEquals(dataBytes, read.size() * read.dtype().bytes());
            }
        });
    }

    @Property
    void headerLengthsFarBeyondTheFileAreRefused(@ForAll @LongRange(min = 0, max = 0xffffffffL) long declared,
                                                 @ForAll @IntRange(min = 1, max = 3) int major,
                                                 @ForAll @IntRange(min = 0, max = 200) int rest) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(12 + rest).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) declared);
        } else {
            b.putInt((int) declared);
        }
        withFile(b.array(), NpyPropertiesTest::mustFail);
    }

    @Provide
    Arbitrary<String> dtypeStrings() {
        Arbitrary<String> known = Arbitraries.of("<f4", "<f8", "<i4", "<i8", ">f4", ">f8", ">i4", ">i8", "|u1", "|i1",
                "<f2", "<u4", "<u8", "<c8", "<c16", "|b1", "<U3", "|S5", "=f4", "f4", "float32", "<M8[ns]", "|O", "");
        Arbitrary<String> random = Arbitraries.strings().withChars("<>|=fiucbUSO0123456789[]").ofMaxLength(6);
        return Arbitraries.oneOf(known, random);
    }

    @Property
    void unsupportedDtypesAreAFormatErrorAndSupportedOnesRead(@ForAll("dtypeStrings") String descr,
                                                              @ForAll boolean fortran,
                                                              @ForAll @IntRange(min = 0, max = 5) int rows,
                                                              @ForAll @IntRange(min = 0, max = 5) int cols)
            throws Exception {
        List<String> supported = List.of("<f4", "<f8", "<i4", "<i8", ">f4", ">f8", ">i4", ">i8");
        int size = supported.contains(descr) ? Integer.parseInt(descr.substring(2)) : 4;
        byte[] data = new byte[rows * cols * size];
        new Random(rows * 31L + cols).nextBytes(data);
        byte[] bytes = NpyBytes.npy(1, 0, NpyBytes.dict(descr, fortran, "(" + rows + ", " + cols + ")"), data);
        withFile(bytes, p -> {
            NpyArray read = readOrFormatError(p);
            assertEquals(supported.contains(descr), read != null, descr);
            if (read != null) {
                assertEquals(List.of(rows, cols), Arrays.stream(read.shape()).boxed().toList());
                if (fortran && rows > 0 && cols > 0) {
                    // element [r, c] of a Fortran file is at flat position c·rows + r of the data
                    ByteOrder order = descr.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                    ByteBuffer raw = ByteBuffer.wrap(data).order(order);
                    int r = rows - 1;
                    int c = cols / 2;
                    int f = (c * rows + r) * size;
                    double want = switch (descr.substring(1)) {
                        case "f4" -> raw.getFloat(f);
                        case "f8" -> raw.getDouble(f);
                        case "i4" -> raw.getInt(f);
                        default -> raw.getLong(f);
                    };
                    double got = read.dtype().isFloat() ? read.toDoubles()[r * cols + c]
                            : read.toLongs()[r * cols + c];
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), descr);
                }
            }
        });
    }

    @Property
    void randomHeadersAreAFormatError(@ForAll("headerish") String header) throws Exception {
        withFile(NpyBytes.npy(1, 0, header, new byte[16]), p -> readOrFormatError(p));
    }

    @Provide
    Arbitrary<String> headerish() {
        // fragments of real headers, shuffled and repeated: reaches deep into the parser
        Arbitrary<String> token = Arbitraries.of("{", "}", "(", ")", "[", "]", ",", ":", " ", "'descr'", "'<f4'",
                "'fortran_order'", "True", "False", "'shape'", "4", "2L", "0", "99999999999999999999", "'", "\"",
                "\\", "\n", "\u0000", "é", "((((((((((((((((((((((((((((((((((((((((", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
        return token.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property
    void garbageIsAFormatError(@ForAll byte[] bytes, @ForAll boolean withMagic) throws Exception {
        byte[] b = bytes;
        if (withMagic) {
            b = new byte[8 + bytes.length];
            System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, 0, b, 0, 8);
            System.arraycopy(bytes, 0, b, 8, bytes.length);
        }
        withFile(b, NpyPropertiesTest::mustFail);
    }

    @Property(tries = 100)
    void readMatrixAndReadLongsFailOnlyWithFormatErrors(@ForAll("arrays") NpyArray a) throws Exception {
        withFile(bytesOf(a), p -> {
            readOrFormatError(p, () -> Npy.readMatrix(p));
            readOrFormatError(p, () -> Npy.readLongs(p));
        });
    }
}
