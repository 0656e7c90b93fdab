package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the image trainer's checkpoint reader on random checkpoints broken at random: cut anywhere, bits
 * flipped anywhere, and any 4 bytes overwritten with an extreme count under a recomputed CRC (so the parser itself,
 * not the checksum, must catch sizes far beyond the file). Each either reads back the same state or gets one
 * IllegalArgumentException naming the file; never another exception, never an allocation beyond the file.
 */
class CheckpointPropertiesTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("checkpoint-properties");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A checkpoint of random state: 0–2 history records, 1–3 parameters of random shapes. */
    static Checkpoint random(long seed) {
        Random r = new Random(seed);
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 0; e < r.nextInt(3); e++) {
            history.add(new EpochRecord(e + 1, r.nextDouble(), r.nextDouble(), r.nextDouble(), new Evaluation(
                    r.nextDouble(), r.nextDouble(), r.nextDouble(), -r.nextDouble(), r.nextDouble(), r.nextDouble(),
                    r.nextDouble())));
        }
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        List<double[]> variances = new ArrayList<>();
        for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
            names.add("p" + k);
            long[] shape = r.nextBoolean() ? new long[] {1 + r.nextInt(3)} : new long[] {1 + r.nextInt(3), 2};
            shapes.add(shape);
            int size = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            values.add(floats(r, size));
            means.add(r.doubles(size).toArray());
            variances.add(r.doubles(size).toArray());
        }
        return new Checkpoint("fingerprint " + r.nextInt(), history.size(), r.nextGaussian(), r.nextInt(1000),
                r.nextDouble(), r.nextDouble(), history, names, shapes, values, means, variances);
    }

    static float[] floats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static byte[] bytesOf(Checkpoint c) throws IOException {
        Path p = Files.createTempFile(DIR, "c", ".ckpt");
        try {
            c.write(p);
            return Files.readAllBytes(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    static Checkpoint readOrRefuse(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(DIR, "r", ".ckpt");
        try {
            Files.write(p, bytes);
            try {
                return Checkpoint.read(p);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                return null;
            } catch (Throwable t) {
                return fail("Checkpoint.read threw " + t + " instead of an IllegalArgumentException", t);
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }

    static void assertSameState(Checkpoint want, Checkpoint got) {
        assertEquals(want.fingerprint, got.fingerprint);
        assertEquals(want.epoch, got.epoch);
        assertEquals(want.history, got.history);
        assertEquals(want.names, got.names);
        for (int k = 0; k < want.names.size(); k++) {
            assertArrayEquals(want.shapes.get(k), got.shapes.get(k));
            assertArrayEquals(want.values.get(k), got.values.get(k));
            assertArrayEquals(want.means.get(k), got.means.get(k));
            assertArrayEquals(want.variances.get(k), got.variances.get(k));
        }
    }

    @Property(tries = 100)
    void readsWhatWasWritten(@ForAll long seed) throws IOException {
        Checkpoint c = random(seed);
        Checkpoint back = readOrRefuse(bytesOf(c));
        if (back == null) {
            fail("a valid checkpoint was refused");
        }
        assertSameState(c, back);
    }

    @Property
    void truncationsAreRefused(@ForAll long seed, @ForAll Random rnd) throws IOException {
        byte[] b = bytesOf(random(seed));
        if (readOrRefuse(Arrays.copyOf(b, rnd.nextInt(b.length))) != null) {
            fail("a cut checkpoint was read");
        }
    }

    @Property
    void bitFlipsAreRefused(@ForAll long seed, @ForAll Random rnd, @ForAll @IntRange(min = 1, max = 4) int flips)
            throws IOException {
        Checkpoint c = random(seed);
        byte[] b = bytesOf(c);
        byte[] flipped = b.clone();
        for (int f = 0; f < flips; f++) {
            flipped[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        Checkpoint back = readOrRefuse(flipped);
        if (back != null) {
            assertArrayEquals(b, flipped, "a changed checkpoint was read");
        }
    }

    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0,
                1, 1 << 20, 1 << 28, Integer.MAX_VALUE / 8 + 1));
    }

    @Property
    void countsFarBeyondTheFileAreRefused(@ForAll long seed, @ForAll Random rnd, @ForAll("counts") int value)
            throws IOException {
        byte[] b = bytesOf(random(seed));
        int at = rnd.nextInt(b.length - 8 - 3);
        ByteBuffer.wrap(b).putInt(at, value);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b).putLong(b.length - 8, crc.getValue());
        readOrRefuse(b);
    }
}
