package org.contrast4j.text.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.contrast4j.retrieval.HardNegativeMiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training 2 epochs, checkpointing, and resuming for 2 more gives exactly the run of 4 epochs: the same bits in every
 * parameter, temperature and validation score. Exact equality is the right test here, not a tolerance: both runs
 * execute the same code on the same values (see {@link AdapterTraining}'s comment), so any difference would be a lost
 * piece of state.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    private static void assertSameRun(AdapterTraining a, AdapterTraining b) {
        assertArrayEquals(a.parameterArray(), b.parameterArray());
        assertArrayEquals(a.best().parameters(), b.best().parameters());
        assertEquals(a.temperature(), b.temperature());
        assertEquals(a.bestEpoch(), b.bestEpoch());
        assertEquals(a.epochs().size(), b.epochs().size());
        for (int i = 0; i < a.epochs().size(); i++) {
            AdapterTraining.Epoch x = a.epochs().get(i);
            AdapterTraining.Epoch y = b.epochs().get(i);
            assertEquals(x.loss(), y.loss(), "epoch " + x.epoch());
            assertEquals(x.validation(), y.validation(), "epoch " + x.epoch());
            assertEquals(x.temperature(), y.temperature(), "epoch " + x.epoch());
        }
    }

    @Test
    void twoEpochsPlusTwoResumedEqualFourBitForBit() throws IOException {
        double[][] r = Synthetic.rotation(12, 4);
        Pairs train = Synthetic.pairs(400, 12, r, 1.0, 1);
        Pairs valid = Synthetic.pairs(100, 12, r, 1.0, 2);
        for (AdapterTrainer.Builder b : new AdapterTrainer.Builder[] {
            AdapterTrainer.builder().learningRate(3e-3),
            AdapterTrainer.builder().kind(AdapterKind.MLP).hidden(8).shared(true).matryoshkaDims(6, 12)
                .hardNegatives(HardNegativeMiner.builder(2).threads(1).build(), AdapterTrainer.Mining.PER_EPOCH)}) {
            b.batchSize(32).seed(3).patience(0).threads(1);
            AdapterTraining whole = b.epochs(4).build().start(train, valid);
            while (!whole.done()) {
                whole.runEpoch();
            }
            AdapterTraining first = b.epochs(2).build().start(train, valid);
            while (!first.done()) {
                first.runEpoch();
            }
            Path ckpt = tmp.resolve("checkpoint.bin");
            first.checkpoint(ckpt);
            AdapterTraining resumed = b.epochs(4).build().resume(ckpt, train, valid);
            assertEquals(2, resumed.epochsDone());
            assertFalse(resumed.done());
            while (!resumed.done()) {
                resumed.runEpoch();
            }
            assertSameRun(whole, resumed);
        }
    }

    @Test
    void aCheckpointRefusesOtherSettingsOtherDataAndCorruption() throws IOException {
        double[][] r = Synthetic.rotation(6, 4);
        Pairs train = Synthetic.pairs(50, 6, r, 1.0, 1);
        Pairs other = Synthetic.pairs(50, 6, r, 1.0, 9);
        AdapterTraining run = AdapterTrainer.builder().epochs(1).threads(1).build().start(train, train);
        run.runEpoch();
        Path ckpt = tmp.resolve("c.bin");
        run.checkpoint(ckpt);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdapterTrainer.builder().learningRate(0.5).threads(1).build().resume(ckpt, train, train));
        assertTrue(e.getMessage().contains("written with other settings") && e.getMessage().contains("learningRate=0.5"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AdapterTrainer.builder().threads(1).build().resume(ckpt, other, train));
        assertTrue(e.getMessage().endsWith("written for other training pairs (their embeddings, positives or "
                + "negatives differ)"), e.getMessage());
        byte[] bytes = Files.readAllBytes(ckpt);
        bytes[bytes.length / 2] ^= 1;
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, bytes);
        e = assertThrows(IllegalArgumentException.class,
                () -> AdapterTrainer.builder().threads(1).build().resume(bad, train, train));
        assertTrue(e.getMessage().endsWith("corrupt (checksum mismatch)"), e.getMessage());
        Files.writeString(bad, "hello, world");
        e = assertThrows(IllegalArgumentException.class,
                () -> AdapterTrainer.builder().threads(1).build().resume(bad, train, train));
        assertTrue(e.getMessage().endsWith("not an adapter checkpoint"), e.getMessage());
    }
}
