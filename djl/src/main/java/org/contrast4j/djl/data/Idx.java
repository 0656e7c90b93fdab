package org.contrast4j.djl.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * a big-endian header — the magic number {@code 0x00 0x00 TYPE NDIMS} followed by NDIMS 32-bit dimension sizes —
 * then the data, row-major. Images are {@code 0x00000803} (unsigned bytes, 3 dimensions: count, rows, cols); labels
 * are {@code 0x00000801} (unsigned bytes, 1 dimension: count).
 *
 * <p>Each file may be gzip-compressed (recognised by its first two bytes {@code 1f 8b}, whatever its name) or raw.
 * Everything is checked and every problem is an {@link IllegalArgumentException} naming the file: a missing file, a
 * wrong magic number (found and expected), a zero or negative dimension, a file shorter than its header promises
 * (bytes expected and present), bytes after the declared data, a corrupt or truncated gzip stream, and an image
 * file and a label file whose counts differ.
 */
public final class Idx {
    /** Magic number of an IDX file of unsigned-byte images: 3 dimensions (count, rows, cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels: 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Largest file accepted after decompression: 2^31 − 1 bytes (one Java array). */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    private Idx() {
    }

    /**
     * Reads an image file and its label file.
     *
     * @param images an IDX image file ({@value #IMAGES_MAGIC}), gzip or raw
     * @param labels an IDX label file ({@value #LABELS_MAGIC}) with as many labels as there are images
     * @return the images and their labels
     * @throws IllegalArgumentException for a missing, unreadable, corrupt or inconsistent file (see the class
     *     comment)
     */
    public static LabeledImages read(Path images, Path labels) {
        return read(bytes(images), images.toString(), bytes(labels), labels.toString());
    }

    /**
     * Reads an image stream and its label stream (for example class-path resources); both are read to their end
     * but not closed.
     *
     * @param imagesName the name used in error messages for {@code images}
     * @param labelsName the name used in error messages for {@code labels}
     */
    public static LabeledImages read(InputStream images, String imagesName, InputStream labels, String labelsName) {
        return read(bytes(images, imagesName), imagesName, bytes(labels, labelsName), labelsName);
    }

    private static LabeledImages read(byte[] imageFile, String imagesName, byte[] labelFile, String labelsName) {
        int[] imageDims = header(imageFile, imagesName, IMAGES_MAGIC, "images", "count, rows, cols");
        int[] labelDims = header(labelFile, labelsName, LABELS_MAGIC, "labels", "count");
        int count = imageDims[0];
        int rows = imageDims[1];
        int cols = imageDims[2];
        if (rows == 0 || cols == 0) {
            throw new IllegalArgumentException(imagesName + ": images of " + rows + "×" + cols
                    + " pixels: rows and columns must be at least 1");
        }
        byte[] pixels = data(imageFile, imagesName, 16, (long) count * rows * cols,
                count + " images of " + rows + "×" + cols + " pixels");
        byte[] labels = data(labelFile, labelsName, 8, labelDims[0], labelDims[0] + " labels");
        if (labels.length != count) {
            throw new IllegalArgumentException(imagesName + " has " + count + " images but " + labelsName + " has "
                    + labels.length + " labels: the counts must be equal");
        }
        return LabeledImages.wrap(pixels, labels, rows, cols);
    }

    /** Checks the magic number and returns the dimension sizes. */
    private static int[] header(byte[] file, String name, int magic, String what, String dimNames) {
        int ndims = magic & 0xFF;
        String expected = String.format(Locale.ROOT, "0x%08X (unsigned bytes, %d dimension%s: %s)", magic, ndims,
                ndims == 1 ? "" : "s", dimNames);
        if (file.length < 4) {
            throw new IllegalArgumentException(name + ": truncated: " + file.length + " bytes, too short for the "
                    + "4-byte magic number " + expected);
        }
        int found = readInt(file, 0);
        if (found != magic) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: not an IDX file of %s: magic number 0x%08X, expected %s", name, what, found, expected));
        }
        int headerBytes = 4 + 4 * ndims;
        if (file.length < headerBytes) {
            throw new IllegalArgumentException(name + ": truncated: " + file.length + " bytes, the header alone needs "
                    + headerBytes + " (magic number and " + ndims + " dimension sizes)");
        }
        int[] dims = new int[ndims];
        for (int d = 0; d < ndims; d++) {
            dims[d] = readInt(file, 4 + 4 * d);
            if (dims[d] < 0) {
                throw new IllegalArgumentException(name + ": dimension " + d + " (" + dimNames.split(", ")[d]
                        + ") is negative: " + dims[d]);
            }
        }
        return dims;
    }

    private static byte[] data(byte[] file, String name, int offset, long expected, String what) {
        long present = file.length - offset;
        if (expected > MAX_BYTES) {
            throw new IllegalArgumentException(name + ": header declares " + what + " = " + expected
                    + " bytes, more than one array can hold");
        }
        if (present < expected) {
            throw new IllegalArgumentException(name + ": truncated: the header declares " + what + " = " + expected
                    + " data bytes, only " + present + " present");
        }
        if (present > expected) {
            throw new IllegalArgumentException(name + ": " + (present - expected) + " bytes after the " + what
                    + " (" + expected + " data bytes) the header declares");
        }
        byte[] out = new byte[(int) expected];
        System.arraycopy(file, offset, out, 0, out.length);
        return out;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static byte[] bytes(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return bytes(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /** The whole stream, gunzipped when it starts with the gzip magic bytes 1f 8b. */
    static byte[] bytes(InputStream raw, String name) {
        try {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream src = gzip ? new GZIPInputStream(in, 1 << 16) : in;
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int r; (r = src.read(buf)) > 0; ) {
                total += r;
                if (total > MAX_BYTES) {
                    throw new IllegalArgumentException(name + ": larger than " + MAX_BYTES + " bytes");
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + ": truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new IllegalArgumentException(name + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read", e);
        }
    }
}
