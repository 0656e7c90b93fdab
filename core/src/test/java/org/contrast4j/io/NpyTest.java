package org.contrast4j.io;

import static org.contrast4j.NpyBytes.dict;
import static org.contrast4j.NpyBytes.f4;
import static org.contrast4j.NpyBytes.f8;
import static org.contrast4j.NpyBytes.i4;
import static org.contrast4j.NpyBytes.i8;
import static org.contrast4j.NpyBytes.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy reader and writer, on files built byte by byte here (independently of {@link Npy}'s own writer). */
class NpyTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------ hand-built files

    Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The message of the FileFormatException reading {@code p} throws. */
    String error(Path p) {
        return assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage();
    }

    @Test
    void readsFloat32TwoD() throws IOException {
        NpyArray a = Npy.read(file("a.npy", npy(1, 0, dict("<f4", false, "(2, 3)"), f4(1, 2, 3, -4, 5.5f, 6e-8f))));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(NpyArray.DType.FLOAT32, a.dtype());
        assertArrayEquals(new float[] {1, 2, 3, -4, 5.5f, 6e-8f}, a.toFloats());
        assertEquals("2×3", a.shapeString());
    }

    @Test
    void readsFloat64AsRoundedFloat32() throws IOException {
        double[] v = {1.0 / 3, -2.0 / 7, 1e-30, 123456.789};
        NpyArray a = Npy.read(file("a.npy", npy(1, 0, dict("<f8", false, "(4,)"), f8(v))));
        assertEquals(NpyArray.DType.FLOAT64, a.dtype());
        float[] want = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            want[i] = (float) v[i];
        }
        assertArrayEquals(want, a.toFloats());
    }

    @Test
    void keepsFloat64AtFullPrecisionAndWidensFloat32() throws IOException {
        double[] v = {1.0 / 3, -2.0 / 7, 1e-30, 123456.789};
        NpyArray a = Npy.read(file("d.npy", npy(1, 0, dict("<f8", false, "(2, 2)"), f8(v))));
        assertArrayEquals(v, a.toDoubles(), 0.0);
        NpyArray b = Npy.read(file("f.npy", npy(1, 0, dict("<f4", false, "(3,)"), f4(0.1f, -2.5f, 1e-20f))));
        assertArrayEquals(new double[] {0.1f, -2.5f, 1e-20f}, b.toDoubles(), 0.0);
        NpyArray l = Npy.read(file("l.npy", npy(1, 0, dict("<i8", false, "(1,)"), i8(3))));
        IllegalStateException e = assertThrows(IllegalStateException.class, l::toDoubles);
        assertTrue(e.getMessage().contains("holds int64"), e.getMessage());
    }

    @Test
    void readsInt32AndInt64Labels() throws IOException {
        NpyArray a = Npy.read(file("l4.npy", npy(1, 0, dict("<i4", false, "(4,)"),
                i4(0, -7, Integer.MAX_VALUE, Integer.MIN_VALUE))));
        assertArrayEquals(new long[] {0, -7, Integer.MAX_VALUE, Integer.MIN_VALUE}, a.toLongs());
        NpyArray b = Npy.read(file("l8.npy", npy(1, 0, dict("<i8", false, "(3,)"),
                i8(5, Long.MIN_VALUE, 1L << 40))));
        assertEquals(NpyArray.DType.INT64, b.dtype());
        assertArrayEquals(new long[] {5, Long.MIN_VALUE, 1L << 40}, b.toLongs());
    }

    @Test
    void readsThreeD() throws IOException {
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f;
        }
        NpyArray a = Npy.read(file("n.npy", npy(1, 0, dict("<f4", false, "(2, 3, 4)"), f4(v))));
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        assertArrayEquals(v, a.toFloats());
        assertEquals("[1, 2, 3]", a.index(1 * 12 + 2 * 4 + 3));
    }

    @Test
    void readsVersions2And3() throws IOException {
        NpyArray a = Npy.read(file("v2.npy", npy(2, 0, dict("<f4", false, "(1, 2)"), f4(1, 2))));
        assertArrayEquals(new float[] {1, 2}, a.toFloats());
        // version 3.0: UTF-8 header; a non-ASCII character in trailing padding is legal there
        NpyArray b = Npy.read(file("v3.npy", npy(3, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}"
                + "   \n", f4(3, 4))));
        assertArrayEquals(new float[] {3, 4}, b.toFloats());
    }

    @Test
    void acceptsHeaderVariantsNumpyAccepts() throws IOException {
        // double quotes, no trailing comma, other key order, Python 2 long suffix, no padding newline
        NpyArray a = Npy.read(file("a.npy", npy(1, 0,
                "{\"shape\": (2L, 1L), \"fortran_order\": False, \"descr\": \"<f4\"}", f4(7, 8))));
        assertArrayEquals(new int[] {2, 1}, a.shape());
        assertArrayEquals(new float[] {7, 8}, a.toFloats());
        // 1-D Fortran order has the same layout as C order
        NpyArray b = Npy.read(file("b.npy", npy(1, 0, dict("<f4", true, "(3,)"), f4(1, 2, 3))));
        assertArrayEquals(new float[] {1, 2, 3}, b.toFloats());
        // a dimension of 0 is a valid (empty) array
        NpyArray c = Npy.read(file("c.npy", npy(1, 0, dict("<f4", false, "(0, 5)"), new byte[0])));
        assertArrayEquals(new int[] {0, 5}, c.shape());
        assertEquals(0, c.toFloats().length);
    }

    // ------------------------------------------------------------ write

    @Test
    void writesWhatTheSpecSaysAndReadsItBack() throws IOException {
        float[] v = {1.5f, -2, 0, Float.MIN_VALUE, 3e38f, 7};
        Path p = dir.resolve("out/w.npy");
        Npy.write(p, new int[] {2, 3}, v);
        byte[] bytes = Files.readAllBytes(p);
        // independent decode of the header: magic, version 1.0, uint16 length, data aligned to 64 bytes
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int hlen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + hlen) % 64, "data must start on a 64-byte boundary");
        String header = new String(bytes, 10, hlen, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + hlen + 4 * v.length, bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + hlen, 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(data.getFloat()));
        }
        assertArrayEquals(v, Npy.read(p).toFloats());
    }

    @Test
    void roundTripsOneTwoAndThreeD() throws IOException {
        Random rnd = new Random(7);
        for (int[] shape : new int[][] {{5}, {1}, {3, 4}, {70000, 3}, {2, 3, 5}, {4, 1, 2}}) {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            Path p = dir.resolve("rt" + n + ".npy");
            Npy.write(p, shape, v);
            NpyArray a = Npy.read(p);
            assertArrayEquals(shape, a.shape());
            assertArrayEquals(v, a.toFloats());
        }
        // the header of a 1-D shape is a one-element tuple with its trailing comma
        Npy.write(dir.resolve("one.npy"), new int[] {5}, new float[5]);
        assertTrue(new String(Files.readAllBytes(dir.resolve("one.npy")), StandardCharsets.ISO_8859_1)
                .contains("'shape': (5,), }"));
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path p = dir.resolve("x.npy");
        Npy.write(p, new int[] {2}, new float[] {1, 2});
        Npy.write(p, new int[] {3}, new float[] {4, 5, 6});
        assertArrayEquals(new float[] {4, 5, 6}, Npy.read(p).toFloats());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void writeRejectsAShapeThatDoesNotFitTheData() {
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("x.npy"), new int[] {2, 2},
                new float[3]));
    }

    // ------------------------------------------------------------ errors

    @Test
    void truncatedDataNamesShapeDtypeAndSizes() throws IOException {
        Path p = file("A.npy", npy(1, 0, dict("<f4", false, "(8, 16)"), new byte[300]));
        assertEquals(p + ": truncated: header says 8×16 float32 (512 bytes of data), file has 300", error(p));
    }

    @Test
    void trailingBytesAfterTheData() throws IOException {
        Path p = file("A.npy", npy(1, 0, dict("<i8", false, "(2,)"), new byte[20]));
        assertEquals(p + ": 4 unexpected bytes after the data: header says 2 int64 (16 bytes of data), file has 20",
                error(p));
    }

    @Test
    void badMagic() throws IOException {
        Path p = file("A.npy", "a,b,c\n1,2,3\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(p + ": not a .npy file (no \\x93NUMPY magic at the start)", error(p));
        Path empty = file("E.npy", new byte[0]);
        assertEquals(empty + ": not a .npy file (no \\x93NUMPY magic at the start, the file has only 0 bytes)",
                error(empty));
    }

    @Test
    void unsupportedVersions() throws IOException {
        Path p = file("A.npy", npy(4, 0, dict("<f4", false, "(1,)"), f4(1)));
        assertEquals(p + ": unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)", error(p));
        Path q = file("B.npy", npy(1, 1, dict("<f4", false, "(1,)"), f4(1)));
        assertEquals(q + ": unsupported .npy format version 1.1 (supported: 1.0, 2.0, 3.0)", error(q));
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] full = npy(1, 0, dict("<f4", false, "(1,)"), f4(1));
        Path p = file("A.npy", java.util.Arrays.copyOf(full, 30));
        String m = error(p);
        assertTrue(m.startsWith(p + ": truncated: header says it is "), m);
        Path q = file("B.npy", java.util.Arrays.copyOf(full, 9));
        assertEquals(q + ": truncated: the file ends inside the header length field (9 bytes)", error(q));
    }

    @Test
    void fortranOrderComesBackInCOrder() throws IOException {
        // a[i, j] = 10 i + j for a 2×3 array, stored column by column: a[0,0] a[1,0] a[0,1] a[1,1] a[0,2] a[1,2]
        Path p = file("A.npy", npy(1, 0, dict("<f4", true, "(2, 3)"), f4(0, 10, 1, 11, 2, 12)));
        NpyArray a = Npy.read(p);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12}, a.toFloats());
        // 2×3×2, a[i, j, k] = 100 i + 10 j + k, Fortran order: i fastest, then j, then k
        long[] f = new long[12];
        int at = 0;
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 2; i++) {
                    f[at++] = 100 * i + 10 * j + k;
                }
            }
        }
        long[] c = new long[12];
        at = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    c[at++] = 100 * i + 10 * j + k;
                }
            }
        }
        Path q = file("B.npy", npy(1, 0, dict("<i8", true, "(2, 3, 2)"), i8(f)));
        assertArrayEquals(c, Npy.read(q).toLongs());
    }

    @Test
    void bigEndian() throws IOException {
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-3);
        Path p = file("A.npy", npy(1, 0, dict(">f4", false, "(2,)"), f.array()));
        assertArrayEquals(new float[] {1.5f, -3}, Npy.read(p).toFloats());
        ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(-9000000000L);
        Path q = file("B.npy", npy(1, 0, dict(">i8", false, "(1,)"), l.array()));
        assertArrayEquals(new long[] {-9000000000L}, Npy.read(q).toLongs());
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(1.0 / 3);
        Path r = file("C.npy", npy(1, 0, dict(">f8", false, "(1, 1)"), d.array()));
        assertArrayEquals(new double[] {1.0 / 3}, Npy.read(r).toDoubles());
        ByteBuffer i = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(-7);
        Path t = file("D.npy", npy(1, 0, dict(">i4", false, "(1,)"), i.array()));
        assertArrayEquals(new int[] {-7}, Npy.read(t).toInts());
    }

    @Test
    void otherDtypes() throws IOException {
        for (String d : new String[] {"<f2", "|u1", "<c8", "<u4", "|b1", "<U3", "=f4"}) {
            Path p = file("A.npy", npy(1, 0, dict(d, false, "(1,)"), new byte[8]));
            assertEquals(p + ": dtype '" + d + "' is not supported: need float32 '<f4', float64 '<f8', int32 '<i4'"
                    + " or int64 '<i8' (or big-endian '>f4', '>f8', '>i4', '>i8')", error(p));
        }
        Path s = file("S.npy", npy(1, 0, "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False,"
                + " 'shape': (1,), }\n", new byte[8]));
        assertTrue(error(s).startsWith(s + ": structured dtype [('x', '<f4'), ('y', '<i4')] is not supported"));
    }

    @Test
    void zeroAndFourDimensions() throws IOException {
        NpyArray scalar = Npy.read(file("A.npy", npy(1, 0, dict("<f4", false, "()"), f4(1.5f))));
        assertEquals(0, scalar.ndim());
        assertEquals("()", scalar.shapeString());
        assertArrayEquals(new float[] {1.5f}, scalar.toFloats());
        NpyArray four = Npy.read(file("B.npy", npy(1, 0, dict("<f4", false, "(1, 1, 1, 2)"), f4(1, 2))));
        assertArrayEquals(new int[] {1, 1, 1, 2}, four.shape());
        assertEquals("[0, 0, 0, 1]", four.index(1));
        Path p = file("C.npy", npy(1, 0, dict("<f4", false, "(" + "1, ".repeat(65) + ")"), f4(1)));
        assertEquals(p + ": bad header: 'shape' has 65 dimensions, at most 64 are allowed", error(p));
    }

    @Test
    void headerGarbage() throws IOException {
        String[][] cases = {
            {"this is not a dict\n", "bad header: expected '{' at character 0"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), \n", "bad header: unexpected end of header"},
            {"{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }\n", "bad header: expected ':' at character 9"},
            {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }\n",
                "bad header: expected a string, a tuple, True or False at character 34"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n",
                "bad header: expected a string, a tuple, True or False at character 54"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2), }\n",
                "bad header: a one-element tuple needs a trailing comma"},
            {"{'descr': '<f4', 'fortran_order': False}\n", "bad header: no 'shape' in"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}\n",
                "bad header: unexpected key 'extra'"},
            {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\n",
                "bad header: key 'descr' appears twice"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk\n",
                "bad header: unexpected text after the closing '}'"},
            {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}\n",
                "bad header: 'fortran_order' must be True or False, was 0"},
            {"{'descr': 5, 'fortran_order': False, 'shape': (2,)}\n", "bad header: 'descr' must be a string, was 5"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': '2'}\n",
                "bad header: 'shape' must be a tuple of integers, was '2'"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'a')}\n",
                "bad header: 'shape' must be a tuple of integers, was (2, 'a')"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,)}\n",
                "bad header: 'shape' must be a tuple of integers, was (99999999999,)"},
            {"{'descr': '<f4\u0000', 'fortran_order': False, 'shape': (2,)}\n", "dtype '<f4\u0000' is not supported"},
        };
        for (String[] c : cases) {
            Path p = file("H.npy", npy(1, 0, c[0], f4(1, 2)));
            String m = error(p);
            assertTrue(m.startsWith(p + ": " + c[1]), () -> "header " + c[0] + " gave: " + m);
            assertTrue(!m.contains("\n"), "one line: " + m);
        }
    }

    @Test
    void float64BeyondFloat32RangeIsRejectedNamingTheElement() throws IOException {
        Path p = file("A.npy", npy(1, 0, dict("<f8", false, "(2, 2)"), f8(0, 1, 2, 1e300)));
        NpyArray a = Npy.read(p);
        assertArrayEquals(new double[] {0, 1, 2, 1e300}, a.toDoubles(), 0.0);
        assertEquals("element [1, 1] = 1.0E300 overflows float32",
                assertThrows(ArithmeticException.class, a::toFloats).getMessage());
        assertEquals(p + ": element [1, 1] = 1.0E300 overflows float32",
                assertThrows(FileFormatException.class, () -> Npy.readMatrix(p)).getMessage());
    }

    @Test
    void missingFileAndDirectory() {
        Path p = dir.resolve("nope.npy");
        assertEquals(p + ": no such file",
                assertThrows(java.nio.file.NoSuchFileException.class, () -> Npy.read(p)).getMessage());
        assertEquals(dir + ": is a directory, not a .npy file",
                assertThrows(java.nio.file.FileSystemException.class, () -> Npy.read(dir)).getMessage());
    }

    @Test
    void floatsAndLongsNameTheDtypeTheyNeed() throws IOException {
        Path l = file("L.npy", npy(1, 0, dict("<i8", false, "(2, 1)"), i8(1, 2)));
        NpyArray ints = Npy.read(l);
        assertEquals("toFloats() needs a floating-point array, this one holds int64 ('<i8')",
                assertThrows(IllegalStateException.class, ints::toFloats).getMessage());
        assertEquals(l + ": holds int64 ('<i8'), a matrix needs float32 ('<f4') or float64 ('<f8')",
                assertThrows(FileFormatException.class, () -> Npy.readMatrix(l)).getMessage());
        Path f = file("F.npy", npy(1, 0, dict("<f4", false, "(2,)"), f4(1, 2)));
        NpyArray floats = Npy.read(f);
        assertEquals("toLongs() needs an integer array, this one holds float32 ('<f4')",
                assertThrows(IllegalStateException.class, floats::toLongs).getMessage());
        assertEquals(f + ": holds float32 ('<f4'), integers need int32 ('<i4') or int64 ('<i8')",
                assertThrows(FileFormatException.class, () -> Npy.readLongs(f)).getMessage());
        assertEquals(f + ": is 1-D (shape 2), a matrix needs 2 dimensions (N×D) or 3 (N×M×D)",
                assertThrows(FileFormatException.class, () -> Npy.readMatrix(f)).getMessage());
    }

    @Test
    void deeplyNestedHeaderIsAFormatErrorNotAStackOverflow() throws IOException {
        Path p = file("N.npy", npy(2, 0, "{'shape': " + "(".repeat(500_000) + "}\n", new byte[0]));
        assertTrue(error(p).startsWith(p + ": bad header: nested more than 32 deep at character "), error(p));
    }

    @Test
    void emptyArrayWithHugeOtherDimensionsIsRead() throws IOException {
        NpyArray a = Npy.read(file("E.npy", npy(1, 0, dict("<f8", false, "(2147483647, 2147483647, 0)"),
                new byte[0])));
        assertEquals(0, a.size());
        assertEquals("2147483647×2147483647×0", a.shapeString());
    }

    @Test
    void bigHeaderLengthIsRejectedBeforeAllocation() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        Path p = file("A.npy", out.toByteArray());
        assertEquals(p + ": header length 2147483647 bytes is implausibly large (more than 1048576)", error(p));
    }
}
