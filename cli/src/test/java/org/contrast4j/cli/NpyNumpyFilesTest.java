package org.contrast4j.cli;

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
    void float32TwoDInEveryVersion() {
        for (String f : new String[] {"f4_2d.npy", "f4_2d_v2.npy", "f4_2d_v3.npy"}) {
            Npy.Array a = Npy.read(resource(f));
            assertArrayEquals(new int[] {3, 4}, a.shape(), f);
            assertArrayEquals(f4Grid(0.25), a.floats(), f);
        }
    }

    @Test
    void float64() {
        Npy.Array a = Npy.read(resource("f8_2d.npy"));
        assertEquals(Npy.DType.FLOAT64, a.dtype());
        float[] want = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                want[i * 4 + j] = (float) ((i - j) / 7.0);
            }
        }
        assertArrayEquals(want, a.floats());
    }

    @Test
    void integers() {
        assertArrayEquals(new long[] {3, -1, 0, 2147483647L, -2147483648L}, Npy.read(resource("i4_1d.npy")).longs());
        assertArrayEquals(new long[] {7, -9000000000L, 0, 42}, Npy.read(resource("i8_1d.npy")).longs());
    }

    @Test
    void threeDAndOneD() {
        Npy.Array a = Npy.read(resource("f4_3d.npy"));
        assertArrayEquals(new int[] {2, 3, 5}, a.shape());
        float[] want = new float[30];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 5; k++) {
                    want[i * 15 + j * 5 + k] = i * 100 + j * 10 + k;
                }
            }
        }
        assertArrayEquals(want, a.floats());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, Npy.read(resource("f4_1d.npy")).floats());
    }

    @Test
    void rejectedNumpyFiles() {
        String[][] cases = {
            {"fortran.npy", "Fortran-order array (shape 3×4) is not supported"},
            {"big_endian.npy", "big-endian float32 ('>f4') is not supported"},
            {"f2.npy", "dtype '<f2' is not supported"},
            {"scalar.npy", "0-D array (a scalar, shape ()) is not supported"},
        };
        for (String[] c : cases) {
            Path p = resource(c[0]);
            String m = assertThrows(InputException.class, () -> Npy.read(p)).getMessage();
            assertTrue(m.startsWith(p + ": " + c[1]), m);
        }
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
        Process proc = new ProcessBuilder(python.toString(), "-c",
                "import sys, numpy as np\n"
                        + "a = np.load(sys.argv[1])\n"
                        + "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], repr(float(a[1, 2, 3])),"
                        + " repr(float(a.sum())))",
                p.toString()).redirectErrorStream(true).start();
        assumeTrue(proc.waitFor(60, TimeUnit.SECONDS), "python did not finish");
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(proc.exitValue() == 0 || !out.contains("No module named 'numpy'"), "numpy not installed");
        assertEquals(0, proc.exitValue(), out);
        // a[1,2,3] is element 23 = 23·0.25 − 1 = 4.75; the sum is 0.25·(0+…+23) − 24 = 0.25·276 − 24 = 45
        assertEquals("<f4 (2, 3, 4) True 4.75 45.0", out);
    }
}
