package org.contrast4j.djl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on files written here byte by byte from the format description, valid and broken. */
class IdxTest {
    @TempDir
    Path dir;

    /** An IDX image file: magic 0x00000803, count, rows, cols (big-endian), then the pixels. */
    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(0x803).putInt(count).putInt(rows).putInt(cols)
                .put(pixels).array();
    }

    static byte[] labels(int count, byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length).putInt(0x801).putInt(count).put(labels).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 37 + 11);
        }
        return p;
    }

    private String error(byte[] imageFile, byte[] labelFile) throws IOException {
        Path im = file("im", imageFile);
        Path lb = file("lb", labelFile);
        return assertThrows(IllegalArgumentException.class, () -> Idx.read(im, lb)).getMessage();
    }

    @Test
    void readsRawAndGzipTheSame() throws IOException {
        byte[] px = pixels(3 * 2 * 4);
        byte[] lb = {7, 0, (byte) 200};
        for (boolean gz : new boolean[] {false, true}) {
            Path im = file("im" + gz, gz ? gzip(images(3, 2, 4, px)) : images(3, 2, 4, px));
            Path l = file("lb" + gz, gz ? gzip(labels(3, lb)) : labels(3, lb));
            LabeledImages set = Idx.read(im, l);
            assertEquals(3, set.size());
            assertEquals(2, set.rows());
            assertEquals(4, set.cols());
            assertEquals(200, set.label(2), "labels are unsigned");
            assertEquals(201, set.numClasses());
            for (int i = 0; i < 3; i++) {
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 4; c++) {
                        assertEquals(px[(i * 2 + r) * 4 + c] & 0xFF, set.pixel(i, r, c));
                    }
                }
            }
            float[] f = new float[8];
            set.pixels(1, f, 0);
            assertEquals((px[8] & 0xFF) / 255f, f[0]);
        }
    }

    @Test
    void wrongMagicNamesFoundAndExpected() throws IOException {
        String m = error(labels(2, new byte[2]), labels(2, new byte[2]));
        assertTrue(m.contains("magic number 0x00000801") && m.contains("expected 0x00000803"), m);
        m = error(images(1, 1, 1, new byte[1]), images(1, 1, 1, new byte[1]));
        assertTrue(m.contains("magic number 0x00000803") && m.contains("expected 0x00000801"), m);
    }

    @Test
    void truncatedPixelsNameExpectedAndPresentBytes() throws IOException {
        byte[] full = images(3, 2, 2, pixels(12));
        String m = error(Arrays.copyOf(full, full.length - 5), labels(3, new byte[3]));
        assertTrue(m.contains("truncated") && m.contains("12 data bytes") && m.contains("only 7 present"), m);
        m = error(Arrays.copyOf(full, 10), labels(3, new byte[3]));
        assertTrue(m.contains("truncated: 10 bytes") && m.contains("needs 16"), m);
        m = error(new byte[] {0, 0}, labels(3, new byte[3]));
        assertTrue(m.contains("truncated: 2 bytes"), m);
    }

    @Test
    void truncatedLabels() throws IOException {
        String m = error(images(3, 1, 1, pixels(3)), Arrays.copyOf(labels(3, new byte[3]), 10));
        assertTrue(m.contains("lb") && m.contains("3 labels") && m.contains("only 2 present"), m);
    }

    @Test
    void extraBytesAreAnError() throws IOException {
        String m = error(images(2, 1, 1, pixels(5)), labels(2, new byte[2]));
        assertTrue(m.contains("3 bytes after"), m);
    }

    @Test
    void countMismatch() throws IOException {
        String m = error(images(3, 1, 2, pixels(6)), labels(2, new byte[2]));
        assertTrue(m.contains("has 3 images but") && m.contains("has 2 labels"), m);
    }

    @Test
    void zeroSizedImagesAndNegativeCounts() throws IOException {
        String m = error(images(3, 0, 2, new byte[0]), labels(3, new byte[3]));
        assertTrue(m.contains("0×2"), m);
        byte[] neg = ByteBuffer.allocate(16).putInt(0x803).putInt(-1).putInt(1).putInt(1).array();
        m = error(neg, labels(0, new byte[0]));
        assertTrue(m.contains("negative: -1"), m);
    }

    @Test
    void truncatedAndCorruptGzip() throws IOException {
        byte[] gz = gzip(images(4, 2, 2, pixels(16)));
        String m = error(Arrays.copyOf(gz, gz.length - 12), gzip(labels(4, new byte[4])));
        assertTrue(m.contains("truncated gzip stream"), m);
        byte[] bad = gz.clone();
        bad[3] = (byte) 0xFF; // reserved flag bits set
        bad[12] ^= 0x55;
        m = error(bad, gzip(labels(4, new byte[4])));
        assertTrue(m.contains("gzip"), m);
    }

    @Test
    void missingFileAndDirectory() throws IOException {
        Path lb = file("lb", labels(1, new byte[1]));
        String m = assertThrows(IllegalArgumentException.class, () -> Idx.read(dir.resolve("nope"), lb))
                .getMessage();
        assertTrue(m.contains("nope: no such file"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.load(dir.resolve("absent"), FashionMnist.Split.TRAIN)).getMessage();
        assertTrue(m.contains("no such directory"), m);
        m = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST))
                .getMessage();
        assertTrue(m.contains("t10k-images-idx3-ubyte.gz"), m);
    }

    @Test
    void fashionMnistLayoutPrefersGzip() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(2, 1, 1, new byte[] {1, 2})));
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(1, 1, 1, new byte[] {9}));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(2, new byte[] {3, 4}));
        LabeledImages set = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        assertEquals(2, set.size());
        assertEquals(4, set.label(1));
        assertEquals(2, set.pixel(1, 0, 0));
    }
}
