package org.contrast4j.djl.data;

import java.util.Arrays;
import org.contrast4j.internal.Checks;

/**
 * An immutable set of equally sized 8-bit grayscale images with one label each, as stored in IDX files
 * ({@link Idx}).
 *
 * <p>Image i occupies bytes {@code [i·rows·cols, (i+1)·rows·cols)} of the pixel buffer, row-major, 0 = background,
 * 255 = full intensity (Fashion-MNIST's convention). {@link #pixels(int, float[], int)} returns them as floats in
 * [0, 1] (value / 255). Labels are the unsigned byte values 0…255.
 */
public final class LabeledImages {
    private final byte[] pixels;
    private final byte[] labels;
    private final int rows;
    private final int cols;

    private LabeledImages(byte[] pixels, byte[] labels, int rows, int cols) {
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Images and labels from raw arrays (copied).
     *
     * @param pixels count·rows·cols bytes, image after image, row-major
     * @param labels count labels
     * @param rows image height ≥ 1
     * @param cols image width ≥ 1
     * @throws IllegalArgumentException when the sizes do not fit together (naming them)
     */
    public static LabeledImages of(byte[] pixels, byte[] labels, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("image size must be at least 1×1, was " + rows + "×" + cols);
        }
        long expected = (long) labels.length * rows * cols;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(labels.length + " labels of " + rows + "×" + cols + " images need "
                    + expected + " pixel bytes, got " + pixels.length);
        }
        return new LabeledImages(pixels.clone(), labels.clone(), rows, cols);
    }

    /** Wraps without copying (the readers hand over arrays nobody else holds). */
    static LabeledImages wrap(byte[] pixels, byte[] labels, int rows, int cols) {
        return new LabeledImages(pixels, labels, rows, cols);
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }

    /** Image height in pixels. */
    public int rows() {
        return rows;
    }

    /** Image width in pixels. */
    public int cols() {
        return cols;
    }

    /** rows·cols. */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /** The label of image {@code i} (0…255). */
    public int label(int i) {
        return labels[check(i)] & 0xFF;
    }

    /** All labels as longs (the form the contrastive losses take). */
    public long[] labels() {
        long[] out = new long[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] & 0xFF;
        }
        return out;
    }

    /** One more than the largest label (0 when empty). */
    public int numClasses() {
        int max = -1;
        for (byte b : labels) {
            max = Math.max(max, b & 0xFF);
        }
        return max + 1;
    }

    /** The raw pixel byte (0…255) of image {@code i} at ({@code row}, {@code col}). */
    public int pixel(int i, int row, int col) {
        check(i);
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IllegalArgumentException("pixel (" + row + ", " + col + ") outside a " + rows + "×" + cols
                    + " image");
        }
        return pixels[(i * rows + row) * cols + col] & 0xFF;
    }

    /** Writes image {@code i} as rows·cols floats value/255 ∈ [0, 1] into {@code dst} from {@code offset}. */
    public void pixels(int i, float[] dst, int offset) {
        check(i);
        int n = rows * cols;
        int base = i * n;
        for (int k = 0; k < n; k++) {
            dst[offset + k] = (pixels[base + k] & 0xFF) / 255f;
        }
    }

    /** Every image as a count × (rows·cols) float array, value/255. */
    public float[] allPixels() {
        int n = rows * cols;
        float[] out = new float[Checks.product(labels.length, n, "the images' pixels", 4)];
        for (int i = 0; i < labels.length; i++) {
            pixels(i, out, i * n);
        }
        return out;
    }

    /** Images {@code [from, to)} as a new set. */
    public LabeledImages slice(int from, int to) {
        if (from < 0 || to > labels.length || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + labels.length + ")");
        }
        int n = rows * cols;
        return new LabeledImages(Arrays.copyOfRange(pixels, from * n, to * n), Arrays.copyOfRange(labels, from, to),
                rows, cols);
    }

    private int check(int i) {
        if (i < 0 || i >= labels.length) {
            throw new IllegalArgumentException("image index " + i + " outside [0, " + labels.length + ")");
        }
        return i;
    }

    /** CRC-32 of the size, the pixels and the labels: recognises the same data (e.g. when resuming a run). */
    public long checksum() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(java.nio.ByteBuffer.allocate(12).putInt(labels.length).putInt(rows).putInt(cols).array());
        crc.update(pixels);
        crc.update(labels);
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "LabeledImages{" + labels.length + " images " + rows + "×" + cols + ", " + numClasses() + " classes}";
    }
}
