package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.contrast4j.FloatBounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dot and axpy of every kernel against double loops, for every length from 0 to 70 (around 4, 8 and 16 lanes and
 * their multiples, so each vector loop, its unrolled part and the scalar tail are all exercised) plus a few long ones,
 * at several offsets.
 */
class KernelVectorOpsTest {

    static Stream<KernelKind> kernelNames() {
        return KernelProvider.available().stream().map(Kernel::kind);
    }

    static int[] lengths() {
        return IntStream.concat(IntStream.rangeClosed(0, 70), IntStream.of(127, 128, 129, 255, 256, 257, 1000))
                .toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelNames")
    void dotMatchesDoubleReference(KernelKind name) {
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
    void axpyMatchesDoubleReferenceAndStaysInRange(KernelKind name) {
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

    /**
     * The Vector API dot's order of operations, written out in scalar Java: lane l of two accumulators sums the FMA
     * chain of positions ≡ l (mod VL) over blocks of 2·VL (acc0 the first VL of a block, acc1 the second, one more VL
     * block into acc0), the two added lane by lane in float, the lanes added to a double in lane order, then the tail's
     * float products in double. Every step is one IEEE operation, so this is the same computation, not another way of
     * computing the sum: its bits must be the kernel's, whatever the JIT has done.
     */
    static double laneOrderDot(int vl, float[] x, int xOff, float[] y, int yOff, int len) {
        float[] acc0 = new float[vl];
        float[] acc1 = new float[vl];
        int i = 0;
        for (; i + 2 * vl <= len; i += 2 * vl) {
            for (int l = 0; l < vl; l++) {
                acc0[l] = Math.fma(x[xOff + i + l], y[yOff + i + l], acc0[l]);
                acc1[l] = Math.fma(x[xOff + i + vl + l], y[yOff + i + vl + l], acc1[l]);
            }
        }
        if (i + vl <= len) {
            for (int l = 0; l < vl; l++) {
                acc0[l] = Math.fma(x[xOff + i + l], y[yOff + i + l], acc0[l]);
            }
            i += vl;
        }
        double sum = 0;
        for (int l = 0; l < vl; l++) {
            sum += acc0[l] + acc1[l];
        }
        for (; i < len; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    @Test
    void vectorDotAddsLanesInLaneOrderBeforeAndAfterWarmUp() {
        // reduceLanes(ADD) adds the lanes in one order interpreted and another once C2 compiles it; the dot must give
        // the bits of its documented order on the first call and after thousands (C2 compiles the method by then), so
        // that a resumed training run is bit-identical to an uninterrupted one
        Kernel vector = KernelGemmTest.kernel(KernelKind.VECTOR);
        int vl = VectorKernel.preferredBits() / Float.SIZE;
        Random random = new Random(13);
        int[] lens = lengths();
        float[][] xs = new float[lens.length][];
        float[][] ys = new float[lens.length][];
        for (int t = 0; t < lens.length; t++) {
            xs[t] = values(random, lens[t] + 3);
            ys[t] = values(random, lens[t] + 3);
        }
        for (int round = 0; round < 400; round++) {
            for (int t = 0; t < lens.length; t++) {
                double got = vector.dot(xs[t], 1, ys[t], 2, lens[t]);
                double expected = laneOrderDot(vl, xs[t], 1, ys[t], 2, lens[t]);
                if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(expected)) {
                    fail("round " + round + ", len " + lens[t] + ": " + got + " is not the lane-order sum " + expected);
                }
            }
        }
    }

}
