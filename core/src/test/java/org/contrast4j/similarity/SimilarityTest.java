package org.contrast4j.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
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
                // one float32 rounding of the double quotient, after a double norm within γ64(D + 2)
                assertEquals(expected[j], xh.get(i, j),
                        (FloatBounds.U + FloatBounds.gamma64(7 + 2)) * Math.abs(expected[j]));
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
                // the gradient is computed in double and rounded once (u); the central difference of
                // L = ⟨g, x/‖x‖⟩ (|L| ≤ Σ|g|) carries the rounding 4·u64·Σ|g|/h and the truncation
                // h²/6·|L‴| ≤ h²/6 · 15·Σ|g|/‖x‖³
                double fd = (up - down) / (2 * h);
                double sumG = 0;
                double norm = 0;
                for (int k = 0; k < 6; k++) {
                    sumG += Math.abs(g.get(i, k));
                    norm += row[k] * row[k];
                }
                norm = Math.sqrt(norm);
                double tol = FloatBounds.U * Math.abs(fd) + 4 * FloatBounds.U64 * sumG / h
                        + h * h / 6 * 15 * sumG / (norm * norm * norm);
                assertEquals(fd, dx.get(i, j), tol, "row " + i + " col " + j);
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
        // 1e-3f is 1e-3 within u, the quotient rounds once more to float32
        assertEquals(1e-3 / 1e-12, dx.get(1, 0), 2 * FloatBounds.U * (1e-3 / 1e-12));
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

    /**
     * Cosine normalisation and its backward pass on rows scaled from 1e-30 to the float32 limit: above the norm floor
     * the normalised rows are those of scale 1 and the gradient with respect to the raw rows is scale 1's divided by
     * s (before the norms were summed in double, rows of 1e19 normalised wrongly and rows of 1e25 to 0). Under the
     * floor (‖x‖ ≤ 1e-12) the result is F.normalize's x/1e-12 and g/1e-12, as documented.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "scale {0}")
    @org.junit.jupiter.params.provider.ValueSource(doubles = {1e-30, 1e-10, 1e10, 1e19, 1e25, 1.5e38})
    void cosineAtAnyScale(double scale) {
        Matrix x1 = random(4, 5, 9);
        Matrix g = random(5, 5, 9);
        float[] xs = new float[x1.data().length];
        for (int k = 0; k < xs.length; k++) {
            xs[k] = (float) (x1.data()[k] * scale);
        }
        Matrix x = Matrix.of(5, 9, xs);
        Matrix xh = Similarity.COSINE.prepare(x);
        Matrix dx = Similarity.COSINE.backward(x, g);
        for (int i = 0; i < 5; i++) {
            double[] row = new double[9];
            double[] row1 = new double[9];
            double norm = 0;
            for (int j = 0; j < 9; j++) {
                row[j] = x.get(i, j);
                row1[j] = x1.get(i, j);
                norm += row[j] * row[j];
            }
            norm = Math.sqrt(norm);
            double[] expected = normalize(row);
            double[] expected1 = normalize(row1);
            // the exact gradient of ⟨g, x/‖x‖⟩ (x/1e-12 under the floor), in double
            double xg = 0;
            for (int j = 0; j < 9; j++) {
                xg += expected[j] * g.get(i, j);
            }
            for (int j = 0; j < 9; j++) {
                double tol = (FloatBounds.U + FloatBounds.gamma64(9 + 2)) * Math.abs(expected[j]) + Float.MIN_VALUE;
                assertEquals(expected[j], xh.get(i, j), tol, "prepared row " + i + " col " + j);
                double grad = norm > 1e-12 ? (g.get(i, j) - expected[j] * xg) / norm : g.get(i, j) / 1e-12;
                // the gradient is formed in double (γ64 of D terms, relative to its parts) and rounded to float32
                // once, possibly into the subnormal range near 1e38 (absolute error ≤ half the smallest spacing)
                double parts = (Math.abs(g.get(i, j)) + Math.abs(expected[j] * xg)) / Math.max(norm, 1e-12);
                double gtol = FloatBounds.U * Math.abs(grad) + FloatBounds.gamma64(4L * 9) * parts + Float.MIN_VALUE;
                assertEquals(grad, dx.get(i, j), gtol, "gradient row " + i + " col " + j);
                if (scale > 1e-12) {
                    // and the same as at scale 1: the inputs float32(s·x) differ from s·x by u per entry
                    assertEquals(expected1[j], xh.get(i, j), 4 * FloatBounds.U * (1 + Math.sqrt(9)) + tol,
                            "prepared row " + i + " col " + j + " vs scale 1");
                }
            }
        }
    }
}
