package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.api.Test;

/** The public facade on whole matrices, with whatever kernel this JVM selected, against double loops. */
class KernelsFacadeTest {

    private static Matrix random(Random random, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() * 2f - 1f;
        }
        return Matrix.of(rows, cols, data);
    }

    @Test
    void multiplyTransposedIsAllRowDotProducts() {
        Random random = new Random(3);
        for (int[] s : new int[][] {{1, 1, 1}, {3, 17, 5}, {100, 33, 64}, {70, 129, 256}}) {
            Matrix a = random(random, s[0], s[2]);
            Matrix b = random(random, s[1], s[2]);
            Matrix c = Kernels.multiplyTransposed(a, b);
            assertEquals(s[0], c.rows());
            assertEquals(s[1], c.cols());
            for (int i = 0; i < s[0]; i++) {
                for (int j = 0; j < s[1]; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int p = 0; p < s[2]; p++) {
                        sum += (double) a.get(i, p) * b.get(j, p);
                        abs += Math.abs((double) a.get(i, p) * b.get(j, p));
                    }
                    assertTrue(Math.abs(c.get(i, j) - sum) <= FloatBounds.gamma(s[2]) * abs + Float.MIN_VALUE,
                            "C[" + i + "," + j + "] = " + c.get(i, j) + " vs " + sum);
                }
            }
        }
    }

    @Test
    void multiplyTransposedOfHandValues() {
        // [[1,2],[3,4]]·[[5,6],[7,8]]ᵀ = [[1·5+2·6, 1·7+2·8], [3·5+4·6, 3·7+4·8]] = [[17,23],[39,53]]
        Matrix c = Kernels.multiplyTransposed(Matrix.fromRows(new float[][] {{1, 2}, {3, 4}}),
                Matrix.fromRows(new float[][] {{5, 6}, {7, 8}}));
        assertArrayEquals(new float[] {17, 23, 39, 53}, c.data());
    }

    @Test
    void multiplyTransposedOfEmptyMatrices() {
        assertEquals("0×4", Kernels.multiplyTransposed(Matrix.zeros(0, 3), Matrix.zeros(4, 3)).shape());
        Matrix c = Kernels.multiplyTransposed(Matrix.zeros(2, 0), Matrix.zeros(3, 0));
        assertArrayEquals(new float[6], c.data());
    }

    @Test
    void multiplyTransposedRejectsDifferentWidths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.multiplyTransposed(Matrix.zeros(3, 4), Matrix.zeros(2, 5)));
        assertEquals("A·Bᵀ needs rows of equal length: A is 3×4, B is 2×5", e.getMessage());
    }

    @Test
    void gemmOnMatricesAccumulatesWithBeta() {
        // Aᵀ·B + 2·C on 2×3 inputs: Aᵀ = [[1,4],[2,5],[3,6]], B = [[1,0,2],[0,1,0]] → Aᵀ·B = [[1,4,2],[2,5,4],[3,6,6]]
        Matrix a = Matrix.fromRows(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Matrix b = Matrix.fromRows(new float[][] {{1, 0, 2}, {0, 1, 0}});
        Matrix c = Matrix.fromRows(new float[][] {{1, 1, 1}, {0, 0, 0}, {-1, -1, -1}});
        Kernels.gemm(true, false, 1f, a, b, 2f, c);
        assertArrayEquals(new float[] {3, 6, 4, 2, 5, 4, 1, 4, 4}, c.data());
    }

    @Test
    void gemmRejectsInnerDimensionMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.gemm(false, false, 1f, Matrix.zeros(2, 3), Matrix.zeros(4, 5), 0f, Matrix.zeros(2, 5)));
        assertEquals("gemm shapes do not agree: op(A) is 2×3, op(B) is 4×5, C is 2×5", e.getMessage());
    }

    @Test
    void gemmRejectsWrongOutputShapeWithTransposes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.gemm(true, true, 1f, Matrix.zeros(3, 2), Matrix.zeros(5, 3), 0f, Matrix.zeros(5, 2)));
        assertEquals("gemm shapes do not agree: op(A) is 2×3, op(B) is 3×5, C is 5×2", e.getMessage());
    }

    @Test
    void rowNormsAndRowDotsMatchDoubleLoops() {
        Random random = new Random(4);
        Matrix a = random(random, 37, 45);
        Matrix b = random(random, 37, 45);
        double[] norms = Kernels.rowNorms(a);
        double[] dots = Kernels.rowDots(a, b);
        for (int i = 0; i < 37; i++) {
            double sq = 0;
            double dot = 0;
            double abs = 0;
            for (int p = 0; p < 45; p++) {
                sq += (double) a.get(i, p) * a.get(i, p);
                dot += (double) a.get(i, p) * b.get(i, p);
                abs += Math.abs((double) a.get(i, p) * b.get(i, p));
            }
            // the norm is summed in double from exact squares (γ64 of 45 terms, then a square root)
            assertEquals(Math.sqrt(sq), norms[i], FloatBounds.gamma64(45 + 2) * Math.sqrt(sq), "norm of row " + i);
            // the dot product in float32, any order: γ_45·Σ|a·b|
            assertEquals(dot, dots[i], FloatBounds.gamma(45) * abs, "dot of row " + i);
        }
        // 3-4-5 triangle: exact (small integers, IEEE square root correctly rounded)
        assertArrayEquals(new double[] {5, 0}, Kernels.rowNorms(Matrix.fromRows(new float[][] {{3, 4}, {0, 0}})));
    }

    @Test
    void rowDotsRejectsDifferentShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.rowDots(Matrix.zeros(3, 4), Matrix.zeros(3, 5)));
        assertEquals("row dots need equal shapes: 3×4 vs 3×5", e.getMessage());
    }

    @Test
    void dotAndAxpyOnArrays() {
        float[] x = {1, 2, 3, 4, 5};
        float[] y = {10, 20, 30, 40};
        // x[1..4)·y[0..3) = 2·10 + 3·20 + 4·30 = 200
        assertEquals(200.0, Kernels.dot(x, 1, y, 0, 3));
        Kernels.axpy(2f, x, 0, y, 1, 3); // y[1..4) += 2·x[0..3)
        assertArrayEquals(new float[] {10, 22, 34, 46}, y);
    }

    @Test
    void dotAndAxpyRejectRangesOutsideTheArrays() {
        float[] x = new float[5];
        float[] y = new float[4];
        assertEquals("y[2 .. 5) is outside an array of 4 values",
                assertThrows(IllegalArgumentException.class, () -> Kernels.dot(x, 0, y, 2, 3)).getMessage());
        assertEquals("x[-1 .. 2) is outside an array of 5 values",
                assertThrows(IllegalArgumentException.class, () -> Kernels.axpy(1f, x, -1, y, 0, 3)).getMessage());
        assertEquals("len must be >= 0, was -2",
                assertThrows(IllegalArgumentException.class, () -> Kernels.dot(x, 0, y, 0, -2)).getMessage());
        assertEquals("x must not be null",
                assertThrows(NullPointerException.class, () -> Kernels.axpy(1f, null, 0, y, 0, 1)).getMessage());
    }

    @Test
    void rowNormsOfAnyFiniteMagnitude() {
        // a float32 sum of squares overflows past 1.8e19 and underflows below 1e-19; the norms must not
        float big = 3e38f;
        float tiny = Float.MIN_VALUE; // 1.4e-45, subnormal
        Matrix m = Matrix.fromRows(new float[][] {{big, big, -big}, {tiny, 0, tiny}, {1e-30f, 2e-30f, 2e-30f},
                {1e25f, -1e25f, 0}});
        double[] norms = Kernels.rowNorms(m);
        double[] expected = {Math.sqrt(3) * big, Math.sqrt(2) * tiny,
                Math.sqrt((double) 1e-30f * 1e-30f + 2 * ((double) 2e-30f * 2e-30f)), Math.sqrt(2) * 1e25f};
        for (int i = 0; i < norms.length; i++) {
            assertEquals(expected[i], norms[i], FloatBounds.gamma64(3 + 2) * expected[i], "row " + i);
        }
    }
}
