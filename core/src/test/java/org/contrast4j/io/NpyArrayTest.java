package org.contrast4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The immutable array type and the matrix and integer conveniences of {@link Npy}. */
class NpyArrayTest {
    @TempDir
    Path dir;

    @Test
    void factoriesCopyAndAccessorsReturnCopies() {
        float[] v = {1, 2, 3, 4, 5, 6};
        NpyArray a = NpyArray.ofFloats(new int[] {2, 3}, v);
        v[0] = 99;
        assertEquals(1, a.toFloats()[0]);
        a.toFloats()[1] = 99;
        assertEquals(2, a.toFloats()[1]);
        int[] shape = a.shape();
        shape[0] = 7;
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals(6, a.size());
        assertEquals(3, a.dim(1));
        assertEquals("NpyArray[float32 2×3]", a.toString());
    }

    @Test
    void shapesMustFitTheValues() {
        assertEquals("shape [2, 2] needs 4 values, got 3", assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofLongs(new int[] {2, 2}, new long[3])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofInts(new int[] {-1}, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofDoubles(new int[65], new double[0]));
        // a huge dimension times 0 is an empty array; a huge product is not
        assertEquals(0, NpyArray.ofFloats(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 0}, new float[0]).size());
        assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofFloats(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 3}, new float[0]));
        assertEquals(1, NpyArray.ofInts(new int[0], new int[] {5}).size());
    }

    @Test
    void conversionsAndTheirRefusals() {
        NpyArray l = NpyArray.ofLongs(new int[] {3}, new long[] {1, -2, 1L << 40});
        assertEquals("element [2] = 1099511627776 does not fit in an int32",
                assertThrows(ArithmeticException.class, l::toInts).getMessage());
        assertArrayEquals(new int[] {7, -8}, NpyArray.ofLongs(new int[] {2}, new long[] {7, -8}).toInts());
        assertArrayEquals(new long[] {7, -8}, NpyArray.ofInts(new int[] {2}, new int[] {7, -8}).toLongs());
        assertEquals("toFloats() needs a floating-point array, this one holds int64 ('<i8')",
                assertThrows(IllegalStateException.class, () -> NpyArray.ofLongs(new int[] {1, 1}, new long[1])
                        .toMatrix()).getMessage());
        assertThrows(IllegalStateException.class, () -> NpyArray.ofFloats(new int[] {3}, new float[3]).toMatrix());
        Matrix m = NpyArray.ofDoubles(new int[] {2, 2, 3}, new double[12]).toMatrix();
        assertEquals("4×3", m.shape());
    }

    @Test
    void equalityIsShapeDtypeAndValues() {
        NpyArray a = NpyArray.ofFloats(new int[] {2}, new float[] {1, 2});
        assertEquals(a, NpyArray.ofFloats(new int[] {2}, new float[] {1, 2}));
        assertEquals(a.hashCode(), NpyArray.ofFloats(new int[] {2}, new float[] {1, 2}).hashCode());
        assertNotEquals(a, NpyArray.ofFloats(new int[] {1, 2}, new float[] {1, 2}));
        assertNotEquals(a, NpyArray.ofDoubles(new int[] {2}, new double[] {1, 2}));
    }

    @Test
    void matricesAndLabelsRoundTrip() throws IOException {
        Matrix m = Matrix.of(2, 3, new float[] {1, 2, 3, 4, 5, -6.5f});
        Path p = dir.resolve("m.npy");
        Npy.write(p, m);
        Matrix back = Npy.readMatrix(p);
        assertEquals("2×3", back.shape());
        assertArrayEquals(m.data(), back.data());
        Path q = dir.resolve("l.npy");
        Npy.write(q, new int[] {4}, new long[] {3, 0, -1, Long.MAX_VALUE});
        assertArrayEquals(new long[] {3, 0, -1, Long.MAX_VALUE}, Npy.readLongs(q));
        assertEquals(NpyArray.DType.INT64, Npy.read(q).dtype());
        Path r = dir.resolve("i.npy");
        Npy.write(r, NpyArray.ofInts(new int[] {2, 1}, new int[] {5, 6}));
        assertArrayEquals(new long[] {5, 6}, Npy.readLongs(r));
    }
}
