package org.contrast4j.djl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimClrAugmentTest {
    private static float[] image(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] im = new float[28 * 28];
        for (int i = 0; i < im.length; i++) {
            im[i] = (float) r.nextDouble();
        }
        return im;
    }

    @Test
    void deterministicPerSeedAndShapePreserving() {
        SimClrAugment a = SimClrAugment.defaults28();
        float[] src = image(1);
        float[] copy = src.clone();
        float[] x = a.apply(src, new SplittableRandom(42));
        float[] y = a.apply(src, new SplittableRandom(42));
        float[] z = a.apply(src, new SplittableRandom(43));
        assertArrayEquals(x, y);
        assertFalse(Arrays.equals(x, z));
        assertArrayEquals(copy, src, "the source is not modified");
        assertEquals(28 * 28, x.length);
        for (float v : x) {
            assertTrue(v >= 0 && v <= 1, "value " + v);
        }
        float[] dst = new float[3 * 784];
        Arrays.fill(dst, -7f);
        a.apply(src, 0, dst, 784, new SplittableRandom(42));
        assertArrayEquals(x, Arrays.copyOfRange(dst, 784, 1568));
        assertEquals(-7f, dst[783]);
        assertEquals(-7f, dst[1568]);
    }

    @Test
    void everythingOffIsTheIdentity() {
        SimClrAugment off = SimClrAugment.builder(28, 28).cropScaleMin(1).flipProbability(0).maxShift(0).noiseStd(0)
                .eraseProbability(0).build();
        float[] src = image(2);
        // a full-size crop resized to the same size samples every pixel centre exactly
        float[] out = off.apply(src, new SplittableRandom(5));
        for (int i = 0; i < src.length; i++) {
            // bilinear sampling at pixel centres: weights 1 and 0, one float32 rounding of the value (≤ 1)
            assertEquals(src[i], out[i], (float) (2 * FloatBounds.U));
        }
    }

    @Test
    void flipMirrorsEachRow() {
        SimClrAugment flip = SimClrAugment.builder(28, 28).cropScaleMin(1).flipProbability(1).maxShift(0)
                .noiseStd(0).eraseProbability(0).build();
        float[] src = image(3);
        float[] out = flip.apply(src, new SplittableRandom(6));
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(src[y * 28 + 27 - x], out[y * 28 + x], (float) (2 * FloatBounds.U));
            }
        }
    }

    @Test
    void erasingZeroesARectangle() {
        SimClrAugment erase = SimClrAugment.builder(28, 28).cropScaleMin(1).flipProbability(0).maxShift(0)
                .noiseStd(0).eraseProbability(1).build();
        float[] src = new float[784];
        Arrays.fill(src, 1f);
        float[] out = erase.apply(src, new SplittableRandom(7));
        int zeros = 0;
        int minX = 28;
        int maxX = -1;
        int minY = 28;
        int maxY = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (out[y * 28 + x] == 0f) {
                    zeros++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        assertEquals((maxX - minX + 1) * (maxY - minY + 1), zeros, "the erased pixels form a rectangle");
        assertTrue(zeros >= 0.02 * 784 * 0.5 && zeros <= 0.2 * 784 * 1.5, "erased " + zeros);
    }

    @Test
    void shiftMovesContentWithZeroFill() {
        SimClrAugment shift = SimClrAugment.builder(28, 28).cropScaleMin(1).flipProbability(0).maxShift(3)
                .noiseStd(0).eraseProbability(0).build();
        float[] src = new float[784];
        src[14 * 28 + 14] = 1f;
        for (int seed = 0; seed < 20; seed++) {
            float[] out = shift.apply(src, new SplittableRandom(seed));
            int at = -1;
            for (int i = 0; i < out.length; i++) {
                if (out[i] == 1f) {
                    at = i;
                } else {
                    assertEquals(0f, out[i]);
                }
            }
            assertTrue(Math.abs(at / 28 - 14) <= 3 && Math.abs(at % 28 - 14) <= 3, "moved to " + at);
        }
    }

    @Test
    void badSettings() {
        SimClrAugment.Builder b = SimClrAugment.builder(28, 28);
        assertThrows(IllegalArgumentException.class, () -> b.cropScaleMin(0));
        assertThrows(IllegalArgumentException.class, () -> b.flipProbability(1.5));
        assertThrows(IllegalArgumentException.class, () -> b.maxShift(15));
        assertThrows(IllegalArgumentException.class, () -> b.noiseStd(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SimClrAugment.builder(1, 28));
        String m = assertThrows(IllegalArgumentException.class,
                () -> SimClrAugment.defaults28().apply(new float[700], 0, new float[784], 0, new SplittableRandom(1)))
                .getMessage();
        assertTrue(m.contains("784"), m);
    }
}
