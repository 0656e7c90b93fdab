package org.contrast4j.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

class SimilarityTest {

    private static Matrix random(long seed, int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return Matrix.of(rows, cols, data);
    }

    /** F.normalize in double: x / max(‖x‖, 1e-12). */
    private static double[] normalize(double[] x) {
        double n = 0;
        for (double v : x) {
            n += v * v;
        }
        n = Math.max(Math.sqrt(n), 1e-12);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / n;
        }
        return out;
    }

    @Test
    void cosinePrepareNormalisesRowsAndDotIsIdentity() {
        Matrix x = random(1, 5, 7);
        Matrix xh = Similarity.COSINE.prepare(x);
        for (int i = 0; i < 5; i++) {
            double[] row = new double[7];
            for (int j = 0; j < 7; j++) {
                row[j] = x.get(i, j);
            }
            double[] expected = normalize(row);
            for (int j = 0; j < 7; j++) {
                assertEquals(expected[j], xh.get(i, j), 1e-6);
            }
        }
        assertSame(x, Similarity.DOT.prepare(x));
    }

    @Test
    void cosineBackwardMatchesFiniteDifferences() {
        // L = Σ g ⊙ normalize(x) for a fixed random g: ∂L/∂x by central differences in double
        Matrix x = random(2, 4, 6);
        Matrix g = random(3, 4, 6);
        Matrix dx = Similarity.COSINE.backward(x, g);
        double h = 1e-6;
        for (int i = 0; i < 4; i++) {
            double[] row = new double[6];
            for (int j = 0; j < 6; j++) {
                row[j] = x.get(i, j);
            }
            for (int j = 0; j < 6; j++) {
                double old = row[j];
                row[j] = old + h;
                double up = dotRow(normalize(row), g, i);
                row[j] = old - h;
                double down = dotRow(normalize(row), g, i);
                row[j] = old;
                assertEquals((up - down) / (2 * h), dx.get(i, j), 1e-5, "row " + i + " col " + j);
            }
        }
        assertSame(g, Similarity.DOT.backward(x, g));
    }

    private static double dotRow(double[] v, Matrix g, int row) {
        double s = 0;
        for (int j = 0; j < v.length; j++) {
            s += v[j] * g.get(row, j);
        }
        return s;
    }

    @Test
    void zeroRowsStayFiniteAsInPyTorch() {
        Matrix x = Matrix.zeros(2, 3);
        x.set(0, 0, 3f);
        Matrix xh = Similarity.COSINE.prepare(x);
        assertEquals(1f, xh.get(0, 0));
        assertEquals(0f, xh.get(1, 1));
        Matrix g = Matrix.of(2, 3, new float[] {1, 1, 1, 1e-3f, 0, 0});
        Matrix dx = Similarity.COSINE.backward(x, g);
        // F.normalize of a zero row is x/eps, so its gradient is g/eps (finite in float for moderate g)
        assertEquals(1e-3 / 1e-12, dx.get(1, 0), 1e-3 / 1e-12 * 1e-6);
        for (float v : dx.data()) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void shapeMismatchIsReported() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Similarity.COSINE.backward(Matrix.zeros(2, 3), Matrix.zeros(3, 2)));
        assertEquals("gradient shape 3×2 differs from input shape 2×3", e.getMessage());
    }
}
