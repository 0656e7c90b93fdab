package org.contrast4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by numpy itself ({@code src/test/resources/npy/make.py}); every value there is a formula of its
 * index, recomputed here. And the other way round: numpy reads what {@link Npy#write} writes, when a Python with
 * numpy is installed.
 */
class NpyNumpyFilesTest {

    static Path resource(String name) {
        try {
            return Path.of(NpyNumpyFilesTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] f4Grid(double offset) {
        float[] v = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                v[i * 4 + j] = (float) (i * 10 + j + offset);
            }
        }
        return v;
    }

    @Test
    void float32TwoDInEveryVersion() throws IOException {
        for (String f : new String[] {"f4_2d.npy", "f4_2d_v2.npy", "f4_2d_v3.npy"}) {
            NpyArray a = Npy.read(resource(f));
            assertArrayEquals(new int[] {3, 4}, a.shape(), f);
            assertArrayEquals(f4Grid(0.25), a.toFloats(), f);
        }
    }

    @Test
    void float64() throws IOException {
        NpyArray a = Npy.read(resource("f8_2d.npy"));
        assertEquals(NpyArray.DType.FLOAT64, a.dtype());
        float[] want = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                want[i * 4 + j] = (float) ((i - j) / 7.0);
            }
        }
        assertArrayEquals(want, a.toFloats());
    }

    @Test
    void integers() throws IOException {
        assertArrayEquals(new long[] {3, -1, 0, 2147483647L, -2147483648L}, Npy.read(resource("i4_1d.npy")).toLongs());
        assertArrayEquals(new long[] {7, -9000000000L, 0, 42}, Npy.read(resource("i8_1d.npy")).toLongs());
    }

    @Test
    void threeDAndOneD() throws IOException {
        NpyArray a = Npy.read(resource("f4_3d.npy"));
        assertArrayEquals(new int[] {2, 3, 5}, a.shape());
        float[] want = new float[30];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 5; k++) {
                    want[i * 15 + j * 5 + k] = i * 100 + j * 10 + k;
                }
            }
        }
        assertArrayEquals(want, a.toFloats());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, Npy.read(resource("f4_1d.npy")).toFloats());
    }

    /** {@code i·10 + j} on the 3×4 grid, in C order. */
    static float[] grid() {
        float[] v = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                v[i * 4 + j] = i * 10 + j;
            }
        }
        return v;
    }

    @Test
    void fortranOrderBigEndianAndScalar() throws IOException {
        NpyArray f = Npy.read(resource("fortran.npy"));
        assertArrayEquals(new int[] {3, 4}, f.shape());
        assertArrayEquals(grid(), f.toFloats());
        assertArrayEquals(grid(), Npy.read(resource("big_endian.npy")).toFloats());
        NpyArray s = Npy.read(resource("scalar.npy"));
        assertEquals(0, s.ndim());
        assertArrayEquals(new float[] {1.5f}, s.toFloats());
    }

    @Test
    void rejectedNumpyFiles() {
        Path p = resource("f2.npy");
        String m = assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage();
        assertTrue(m.startsWith(p + ": dtype '<f2' is not supported"), m);
    }

    @Test
    void numpyReadsWhatWeWrite(@TempDir Path dir) throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Path p = dir.resolve("w.npy");
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f - 1;
        }
        Npy.write(p, new int[] {2, 3, 4}, v);
        Path q = dir.resolve("l.npy");
        Npy.write(q, new int[] {2, 2}, new long[] {-9000000000L, 1, 2, 3});
        Path r = dir.resolve("d.npy");
        Npy.write(r, NpyArray.ofDoubles(new int[] {3}, new double[] {0.1, 0.2, 0.3}));
        Path t = dir.resolve("i.npy");
        Npy.write(t, NpyArray.ofInts(new int[] {}, new int[] {-5}));
        Process proc = new ProcessBuilder(python.toString(), "-c",
                "import sys, numpy as np\n"
                        + "a = np.load(sys.argv[1])\n"
                        + "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], repr(float(a[1, 2, 3])),"
                        + " repr(float(a.sum())))\n"
                        + "l = np.load(sys.argv[2]); d = np.load(sys.argv[3]); i = np.load(sys.argv[4])\n"
                        + "print(l.dtype.str, l.shape, int(l[0, 0]), int(l[1, 1]))\n"
                        + "print(d.dtype.str, d.shape, repr(float(d[1])))\n"
                        + "print(i.dtype.str, i.shape, int(i))",
                p.toString(), q.toString(), r.toString(), t.toString()).redirectErrorStream(true).start();
        assumeTrue(proc.waitFor(60, TimeUnit.SECONDS), "python did not finish");
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(proc.exitValue() == 0 || !out.contains("No module named 'numpy'"), "numpy not installed");
        assertEquals(0, proc.exitValue(), out);
        // a[1,2,3] is element 23 = 23·0.25 − 1 = 4.75; the sum is 0.25·(0+…+23) − 24 = 0.25·276 − 24 = 45
        assertEquals("<f4 (2, 3, 4) True 4.75 45.0\n<i8 (2, 2) -9000000000 3\n<f8 (3,) 0.2\n<i4 () -5", out);
    }
}
