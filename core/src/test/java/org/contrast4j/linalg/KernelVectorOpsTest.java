package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dot and axpy of every kernel against double loops, for every length from 0 to 70 (around 4, 8 and 16 lanes and
 * their multiples, so each vector loop, its unrolled part and the scalar tail are all exercised) plus a few long ones,
 * at several offsets.
 */
class KernelVectorOpsTest {

    static Stream<String> kernelNames() {
        return Kernels.available().stream().map(Kernel::name);
    }

    static int[] lengths() {
        return IntStream.concat(IntStream.rangeClosed(0, 70), IntStream.of(127, 128, 129, 255, 256, 257, 1000))
                .toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelNames")
    void dotMatchesDoubleReference(String name) {
        Kernel kernel = KernelGemmTest.kernel(name);
        Random random = new Random(11);
        for (int len : lengths()) {
            for (int[] off : new int[][] {{0, 0}, {1, 3}, {7, 0}}) {
                float[] x = values(random, off[0] + len + 5);
                float[] y = values(random, off[1] + len + 2);
                double expected = 0;
                double scale = 0;
                for (int i = 0; i < len; i++) {
                    expected += (double) x[off[0] + i] * y[off[1] + i];
                    scale += Math.abs((double) x[off[0] + i] * y[off[1] + i]);
                }
                double got = kernel.dot(x, off[0], y, off[1], len);
                // Higham: a float32 dot product of length len in any order, γ_len·Σ|x·y|
                assertTrue(Math.abs(got - expected) <= FloatBounds.gamma(Math.max(1, len)) * scale + Float.MIN_VALUE,
                        name + " dot len=" + len + " offsets=" + Arrays.toString(off) + ": " + got + " vs " + expected);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelNames")
    void axpyMatchesDoubleReferenceAndStaysInRange(String name) {
        Kernel kernel = KernelGemmTest.kernel(name);
        Random random = new Random(12);
        for (int len : lengths()) {
            for (int[] off : new int[][] {{0, 0}, {2, 5}, {9, 1}}) {
                float alpha = random.nextFloat() * 4f - 2f;
                float[] x = values(random, off[0] + len + 4);
                float[] y = values(random, off[1] + len + 4);
                float[] before = y.clone();
                kernel.axpy(alpha, x, off[0], y, off[1], len);
                for (int i = 0; i < y.length; i++) {
                    int p = i - off[1];
                    if (p < 0 || p >= len) {
                        assertEquals(before[i], y[i], name + " axpy len=" + len + " wrote outside at " + i);
                    } else {
                        double expected = (double) alpha * x[off[0] + p] + before[i];
                        // one multiply and one add in float (or one FMA): γ_2 of its operands
                        double tol = FloatBounds.gamma(2) * (Math.abs((double) alpha * x[off[0] + p])
                                + Math.abs(before[i])) + Float.MIN_VALUE;
                        assertTrue(Math.abs(y[i] - expected) <= tol,
                                name + " axpy len=" + len + " at " + p + ": " + y[i] + " vs " + expected);
                    }
                }
            }
        }
    }

    private static float[] values(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
