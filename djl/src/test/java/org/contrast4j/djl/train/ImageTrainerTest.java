package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints are atomic and a resumed run continues exactly; bad input fails before training. */
class ImageTrainerTest {
    private static final LabeledImages TRAIN = TinyData.images(48, 4, 1);
    private static final LabeledImages TEST = TinyData.images(24, 4, 2);

    @TempDir
    Path dir;

    /** Thrown by a listener to simulate an interrupted run. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static void assertSameState(Checkpoint a, Checkpoint b) {
        assertEquals(a.epoch, b.epoch);
        assertEquals(a.names, b.names);
        for (int k = 0; k < a.names.size(); k++) {
            assertArrayEquals(a.values.get(k), b.values.get(k), "parameter " + a.names.get(k));
            assertArrayEquals(a.means.get(k), b.means.get(k), "Adam mean of " + a.names.get(k));
            assertArrayEquals(a.variances.get(k), b.variances.get(k), "Adam variance of " + a.names.get(k));
        }
        assertEquals(a.adamSteps, b.adamSteps);
        assertEquals(a.logTemperature, b.logTemperature);
        assertEquals(a.history.size(), b.history.size());
        for (int e = 0; e < a.history.size(); e++) {
            assertEquals(a.history.get(e).loss(), b.history.get(e).loss(), "loss of epoch " + e);
            assertEquals(a.history.get(e).evaluation(), b.history.get(e).evaluation(), "evaluation of epoch " + e);
        }
    }

    @Test
    void interruptedThenResumedEqualsUninterrupted() throws IOException {
        // learnable temperature, so the scalar's Adam state must survive the resume too
        TrainingConfig config = TinyData.config().epochs(3).learnableTemperature(true).build();
        Path straight = dir.resolve("a/checkpoint.bin");
        TrainingResult full = new ImageTrainer(config, TRAIN, TEST).train(straight, null);
        assertEquals(4, full.history().size());
        assertNotEquals(config.temperature(), full.last().temperature(), "the temperature was learnt");

        Path broken = dir.resolve("b/checkpoint.bin");
        assertThrows(Interrupted.class, () -> new ImageTrainer(config, TRAIN, TEST).train(broken,
                new TrainingListener() {
                    @Override
                    public void step(int epoch, int step, double loss) {
                        if (epoch == 2 && step == 2) {
                            throw new Interrupted();
                        }
                    }
                }));
        assertEquals(1, Checkpoint.read(broken).epoch, "the last complete checkpoint is epoch 1");
        try (Stream<Path> files = Files.list(broken.getParent())) {
            assertEquals(List.of(broken), files.toList(), "no temporary file left behind");
        }
        TrainingResult resumed = new ImageTrainer(config, TRAIN, TEST).resume(broken, null);
        assertEquals(4, resumed.history().size());
        assertSameState(Checkpoint.read(straight), Checkpoint.read(broken));
    }

    @Test
    void twoEpochsEqualOnePlusResumeOne() {
        Path a = dir.resolve("two.bin");
        Path b = dir.resolve("one.bin");
        new ImageTrainer(TinyData.config().epochs(2).build(), TRAIN, TEST).train(a, null);
        new ImageTrainer(TinyData.config().epochs(1).build(), TRAIN, TEST).train(b, null);
        assertEquals(1, Checkpoint.read(b).epoch);
        new ImageTrainer(TinyData.config().epochs(2).build(), TRAIN, TEST).resume(b, null);
        assertSameState(Checkpoint.read(a), Checkpoint.read(b));
        // resuming a finished run trains nothing and returns its history
        TrainingResult again = new ImageTrainer(TinyData.config().epochs(2).build(), TRAIN, TEST).resume(b, null);
        assertEquals(3, again.history().size());
    }

    @Test
    void resumeWithOtherSettingsIsRefused() {
        Path ck = dir.resolve("ck.bin");
        new ImageTrainer(TinyData.config().epochs(1).build(), TRAIN, TEST).train(ck, null);
        String m = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(TinyData.config().epochs(2).seed(12).build(), TRAIN, TEST).resume(ck, null))
                .getMessage();
        assertTrue(m.contains("other settings") && m.endsWith("seed is 12 now, the checkpoint has 11"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(TinyData.config().epochs(2).build(),
                TRAIN.slice(0, 40), TEST).resume(ck, null)).getMessage();
        assertTrue(m.contains("the training data is 40 images crc ") && m.contains("now, the checkpoint has 48 images"),
                m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(TinyData.config().build(), TRAIN, TEST).resume(dir.resolve("none"), null))
                .getMessage();
        assertTrue(m.contains("no checkpoint"), m);
    }

    @Test
    void badInputFailsBeforeTraining() throws IOException {
        String m = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(TinyData.config().batchSize(64).build(), TRAIN, TEST)).getMessage();
        assertEquals("batch size 64 is larger than the 48 training images", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new ImageTrainer(TinyData.config().knnK(49).build(), TRAIN, TEST)).getMessage();
        assertTrue(m.contains("k = 49"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TinyData.config().objective(Objective.ALIGNMENT_ONLY)
                .learnableTemperature(true).build()).getMessage();
        assertTrue(m.contains("alignment-only has no temperature"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Objective.of("simsiam")).getMessage();
        assertTrue(m.contains("unknown objective 'simsiam'") && m.contains("align-uniform"), m);
        // an output "directory" below a regular file cannot be created (a permission test would pass as root)
        Path file = Files.writeString(dir.resolve("file"), "x");
        List<String> events = new java.util.ArrayList<>();
        m = assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(TinyData.config().build(), TRAIN,
                TEST).train(file.resolve("sub/ck.bin"), new TrainingListener() {
                    @Override
                    public void evaluating(int epoch) {
                        events.add("evaluating " + epoch);
                    }
                })).getMessage();
        assertTrue(m.contains("cannot write"), m);
        assertEquals(List.of(), events, "nothing ran");
    }

    @Test
    void corruptCheckpointIsRejected() throws IOException {
        Path ck = dir.resolve("ck.bin");
        new ImageTrainer(TinyData.config().epochs(1).build(), TRAIN, TEST).train(ck, null);
        byte[] bytes = Files.readAllBytes(ck);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        Files.write(ck, flipped);
        String m = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(ck)).getMessage();
        assertTrue(m.contains("checksum"), m);
        Files.write(ck, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        m = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(ck)).getMessage();
        assertTrue(m.contains("corrupt"), m);
        Files.writeString(ck, "hello, not a checkpoint");
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(ck));
    }

    @Test
    void failedWriteKeepsThePreviousFile() throws IOException {
        Path target = Files.writeString(dir.resolve("state.bin"), "previous");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        }));
        assertEquals("previous", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
        AtomicFiles.write(target, out -> out.write("next".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("next", Files.readString(target));
    }

    @Test
    void everyObjectiveTrainsAndCnnRuns() {
        for (Objective o : Objective.values()) {
            TrainingResult r = new ImageTrainer(TinyData.config().objective(o).epochs(1).build(), TRAIN, TEST)
                    .train(null, null);
            assertTrue(Double.isFinite(r.last().loss()), o + " loss " + r.last().loss());
        }
        TrainingResult cnn = new ImageTrainer(TinyData.config().encoder(EncoderKind.CNN).epochs(1).build(), TRAIN,
                TEST).train(null, null);
        assertTrue(Double.isFinite(cnn.last().loss()));
    }
}
