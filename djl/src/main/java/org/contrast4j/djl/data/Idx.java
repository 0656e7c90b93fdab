package org.contrast4j.djl.data;

import java.io.BufferedInputStream;
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
        Parsed im = parse(images, IMAGES_MAGIC, "images", "count, rows, cols");
        Parsed lb = parse(labels, LABELS_MAGIC, "labels", "count");
        return combine(im, images.toString(), lb, labels.toString());
    }

    /**
     * Reads an image stream and its label stream (for example class-path resources); both are read to their end
     * but not closed.
     *
     * @param imagesName the name used in error messages for {@code images}
     * @param labelsName the name used in error messages for {@code labels}
     */
    public static LabeledImages read(InputStream images, String imagesName, InputStream labels, String labelsName) {
        Parsed im = parse(images, imagesName, IMAGES_MAGIC, "images", "count, rows, cols");
        Parsed lb = parse(labels, labelsName, LABELS_MAGIC, "labels", "count");
        return combine(im, imagesName, lb, labelsName);
    }

    private static LabeledImages combine(Parsed im, String imagesName, Parsed lb, String labelsName) {
        int count = im.dims[0];
        if (lb.data.length != count) {
            throw new IllegalArgumentException(imagesName + " has " + count + " images but " + labelsName + " has "
                    + lb.data.length + " labels: the counts must be equal");
        }
        return LabeledImages.wrap(im.data, lb.data, im.dims[1], im.dims[2]);
    }

    /** The dimension sizes and the data of one IDX file. */
    private record Parsed(int[] dims, byte[] data) {
    }

    private static Parsed parse(Path file, int magic, String what, String dimNames) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), magic, what, dimNames);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads the header first, then exactly the data it declares: the buffer grows with the bytes really present
     * (a header that declares more than the file holds allocates nothing beyond the file), and bytes after the data
     * are counted, not stored (up to {@value #EXTRA_COUNTED}, so a decompression bomb neither fills the heap nor
     * hangs the reader).
     */
    private static Parsed parse(InputStream raw, String name, int magic, String what, String dimNames) {
        int ndims = magic & 0xFF;
        String expected = String.format(Locale.ROOT, "0x%08X (unsigned bytes, %d dimension%s: %s)", magic, ndims,
                ndims == 1 ? "" : "s", dimNames);
        try {
            InputStream in = gunzipped(raw);
            byte[] head = in.readNBytes(4);
            if (head.length < 4) {
                throw new IllegalArgumentException(name + ": truncated: " + head.length + " bytes, too short for the "
                        + "4-byte magic number " + expected);
            }
            int found = readInt(head, 0);
            if (found != magic) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: not an IDX file of %s: magic number 0x%08X, expected %s", name, what, found, expected));
            }
            byte[] sizes = in.readNBytes(4 * ndims);
            if (sizes.length < 4 * ndims) {
                throw new IllegalArgumentException(name + ": truncated: " + (4 + sizes.length) + " bytes, the header"
                        + " alone needs " + (4 + 4 * ndims) + " (magic number and " + ndims + " dimension sizes)");
            }
            int[] dims = new int[ndims];
            long total = 1;
            for (int d = 0; d < ndims; d++) {
                dims[d] = readInt(sizes, 4 * d);
                if (dims[d] < 0) {
                    throw new IllegalArgumentException(name + ": dimension " + d + " (" + dimNames.split(", ")[d]
                            + ") is negative: " + dims[d]);
                }
                total = Math.min(total * dims[d], MAX_BYTES + 1); // saturates: 3 sizes of 2^31 overflow a long
            }
            String declared;
            if (ndims == 3) {
                if (dims[1] == 0 || dims[2] == 0) {
                    throw new IllegalArgumentException(name + ": images of " + dims[1] + "×" + dims[2]
                            + " pixels: rows and columns must be at least 1");
                }
                declared = dims[0] + " images of " + dims[1] + "×" + dims[2] + " pixels";
            } else {
                declared = dims[0] + " labels";
            }
            if (total > MAX_BYTES) {
                throw new IllegalArgumentException(name + ": header declares " + declared + ", more than "
                        + MAX_BYTES + " bytes, more than one array can hold");
            }
            byte[] data = readUpTo(in, (int) total);
            if (data.length < total) {
                throw new IllegalArgumentException(name + ": truncated: the header declares " + declared + " = "
                        + total + " data bytes, only " + data.length + " present");
            }
            long extra = countRest(in);
            if (extra > 0) {
                throw new IllegalArgumentException(name + ": " + (extra > EXTRA_COUNTED ? "more than "
                        + EXTRA_COUNTED : extra) + " bytes after the " + declared + " (" + total
                        + " data bytes) the header declares");
            }
            return new Parsed(dims, data);
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + ": truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new IllegalArgumentException(name + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read", e);
        }
    }

    /** How many bytes after the data are counted before giving up (they are an error either way). */
    private static final int EXTRA_COUNTED = 1 << 20;

    /** Up to {@code n} bytes, in a buffer that grows with what the stream really holds. */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 16)];
        int got = 0;
        while (got < n) {
            if (got == buf.length) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = in.read(buf, got, buf.length - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got == buf.length ? buf : java.util.Arrays.copyOf(buf, got);
    }

    /** The bytes left in the stream, counted up to just past {@value #EXTRA_COUNTED}. */
    private static long countRest(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 14];
        long n = 0;
        for (int r; n <= EXTRA_COUNTED && (r = in.read(buf)) >= 0; ) {
            n += r;
        }
        return n;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    /** The stream, gunzipped when it starts with the gzip magic bytes 1f 8b. */
    private static InputStream gunzipped(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
