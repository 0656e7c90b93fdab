package org.contrast4j.djl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the IDX reader on image and label files (raw or gzip) broken at random: cut anywhere, bits flipped
 * anywhere, sizes declared far beyond the file, garbage. Each pair either reads whole — as many images and labels as
 * the headers declare — or gets one IllegalArgumentException naming the file, in one line; never another exception,
 * never an allocation beyond what the file holds.
 */
class IdxPropertiesTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("idx-properties");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the pair; null after a precise refusal naming one of the two files. */
    static LabeledImages readOrRefuse(byte[] images, byte[] labels) throws IOException {
        Path im = Files.createTempFile(DIR, "im", ".idx");
        Path lb = Files.createTempFile(DIR, "lb", ".idx");
        try {
            Files.write(im, images);
            Files.write(lb, labels);
            try {
                return Idx.read(im, lb);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                assertTrue(m.startsWith(im + ":") || m.startsWith(lb + ":") || m.startsWith(im + " has "), m);
                assertFalse(m.contains("\n"), m);
                return null;
            } catch (Throwable t) {
                return fail("Idx.read threw " + t + " instead of an IllegalArgumentException", t);
            }
        } finally {
            Files.deleteIfExists(im);
            Files.deleteIfExists(lb);
        }
    }

    record Pair(byte[] images, byte[] labels, byte[] pixels, byte[] classes, int rows, int cols) {
    }

    static Pair pair(int count, int rows, int cols, long seed, boolean gzip) throws IOException {
        Random rnd = new Random(seed);
        byte[] px = new byte[count * rows * cols];
        rnd.nextBytes(px);
        byte[] lb = new byte[count];
        rnd.nextBytes(lb);
        byte[] im = IdxTest.images(count, rows, cols, px);
        byte[] l = IdxTest.labels(count, lb);
        return gzip ? new Pair(IdxTest.gzip(im), IdxTest.gzip(l), px, lb, rows, cols)
                : new Pair(im, l, px, lb, rows, cols);
    }

    static void assertWhole(Pair p, LabeledImages set) {
        assertEquals(p.classes().length, set.size());
        assertEquals(p.rows(), set.rows());
        assertEquals(p.cols(), set.cols());
        for (int i = 0; i < set.size(); i++) {
            assertEquals(p.classes()[i] & 0xFF, set.label(i));
            for (int r = 0; r < p.rows(); r++) {
                for (int c = 0; c < p.cols(); c++) {
                    assertEquals(p.pixels()[(i * p.rows() + r) * p.cols() + c] & 0xFF, set.pixel(i, r, c));
                }
            }
        }
    }

    @Property(tries = 100)
    void readsWhatWasWritten(@ForAll @IntRange(min = 1, max = 6) int count, @ForAll @IntRange(min = 1, max = 5) int rows,
                             @ForAll @IntRange(min = 1, max = 5) int cols, @ForAll long seed, @ForAll boolean gzip)
            throws IOException {
        Pair p = pair(count, rows, cols, seed, gzip);
        LabeledImages set = readOrRefuse(p.images(), p.labels());
        if (set == null) {
            fail("a valid pair was refused");
        }
        assertWhole(p, set);
    }

    @Property
    void truncationsAreRefused(@ForAll @IntRange(min = 1, max = 6) int count, @ForAll long seed,
                               @ForAll boolean gzip, @ForAll boolean cutImages, @ForAll Random rnd)
            throws IOException {
        Pair p = pair(count, 3, 2, seed, gzip);
        byte[] im = p.images();
        byte[] lb = p.labels();
        if (cutImages) {
            im = Arrays.copyOf(im, rnd.nextInt(im.length));
        } else {
            lb = Arrays.copyOf(lb, rnd.nextInt(lb.length));
        }
        LabeledImages set = readOrRefuse(im, lb);
        if (set != null) {
            fail("a cut file was read: " + set.size() + " images");
        }
    }

    @Property
    void bitFlipsGiveAWholeSetOrARefusal(@ForAll @IntRange(min = 1, max = 6) int count, @ForAll long seed,
                                         @ForAll boolean gzip, @ForAll Random rnd,
                                         @ForAll @IntRange(min = 1, max = 4) int flips) throws IOException {
        Pair p = pair(count, 3, 2, seed, gzip);
        byte[] im = p.images().clone();
        byte[] lb = p.labels().clone();
        for (int f = 0; f < flips; f++) {
            byte[] b = rnd.nextBoolean() ? im : lb;
            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        LabeledImages set = readOrRefuse(im, lb);
        if (set != null) {
            // whole: the pixel array holds exactly what the (possibly changed) header declares
            assertEquals((long) set.size() * set.rows() * set.cols(), set.allPixels().length);
        }
    }

    @Property
    void sizesFarBeyondTheFileAreRefusedBeforeAllocating(@ForAll int count, @ForAll int rows, @ForAll int cols,
                                                         @ForAll @IntRange(min = 0, max = 64) int present,
                                                         @ForAll boolean gzip) throws IOException {
        byte[] im = ByteBuffer.allocate(16 + present).putInt(0x803).putInt(count).putInt(rows).putInt(cols).array();
        byte[] lb = ByteBuffer.allocate(8 + present).putInt(0x801).putInt(count).array();
        if (gzip) {
            im = IdxTest.gzip(im);
            lb = IdxTest.gzip(lb);
        }
        LabeledImages set = readOrRefuse(im, lb);
        if (set != null) {
            assertEquals((long) count * rows * cols, present);
            assertEquals(count, present);
        }
    }

    @Property
    void garbageIsRefused(@ForAll byte[] images, @ForAll byte[] labels) throws IOException {
        LabeledImages set = readOrRefuse(images, labels);
        if (set != null) {
            fail("garbage was read: " + set.size() + " images");
        }
    }
}
