package org.contrast4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramSteps;
import org.junit.jupiter.api.Test;

/**
 * The stratum trainer's shared step against the single-machine trainer's shared kernel ({@link SkipGramSteps}, whose
 * steps {@code SkipGramBlockStepsTest} checks against double loops), called here window by window: a partition that
 * owns a subset of the input rows and of the output rows (local indices differ from word ids), two chunks of groups
 * written here — windows of 1 to 6 context words, the same center word in consecutive windows (two occurrences:
 * two groups) — each group must be one shared step of its window's context rows against the center and k noise
 * words drawn from the block's noise ({@link StratumTrainer.BlockNoise}, checked by {@code BlockNoiseTest}) with its
 * log(k·q_b) for NCE and sampled softmax, at the schedule's learning rate. Same kernel, same inputs, same order: the
 * tables must be equal bit for bit, and so must the loss (every 16th group) and the pair count.
 */
class StratumSharedStepTest {
    @Test
    void eachGroupIsOneSharedStepOfTheSingleMachineKernel() {
        for (Objective o : new Objective[] {Objective.NEGATIVE_SAMPLING, Objective.NCE, Objective.SAMPLED_SOFTMAX}) {
            check(o);
        }
    }

    private static void check(Objective o) {
        int v = 40;
        int d = 24;
        int k = 4;
        long seed = 9;
        SkipGram config = SkipGram.builder().objective(o).step(SkipGram.Step.SHARED).dimension(d).negatives(k)
                .window(3).seed(seed).build();
        Settings s = Settings.of(config, 1, 1, 1);
        SplittableRandom r = new SplittableRandom(21);
        int[] inIds = {1, 2, 4, 5, 8, 11, 13, 17, 20, 23, 29, 31, 37};
        int[] outIds = {0, 3, 4, 6, 9, 12, 15, 18, 21, 24, 27, 33, 39};
        float[] in = new float[inIds.length * d];
        float[] out = new float[outIds.length * d];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) ((r.nextDouble() - 0.5) / d);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextDouble() - 0.5);
        }
        long[] counts = new long[v];
        for (int w = 0; w < v; w++) {
            counts[w] = 1 + r.nextInt(1000);
        }
        // windows: {center local index, context local indices...}, the second center repeats the first
        List<int[]> windows = new ArrayList<>();
        for (int g = 0; g < 70; g++) {
            int m = 1 + r.nextInt(6);
            int[] win = new int[m + 1];
            win[0] = g == 1 ? windows.get(0)[0] : r.nextInt(outIds.length);
            for (int j = 1; j <= m; j++) {
                win[j] = r.nextInt(inIds.length);
            }
            windows.add(win);
        }
        List<int[]> chunks = new ArrayList<>();
        int split = 40;   // windows [0, split) in chunk 0, the rest in chunk 1
        for (int c = 0; c < 2; c++) {
            List<Long> records = new ArrayList<>();
            for (int g = c == 0 ? 0 : split; g < (c == 0 ? split : windows.size()); g++) {
                int[] win = windows.get(g);
                for (int j = 1; j < win.length; j++) {
                    long record = ((long) inIds[win[j]] << 32) | outIds[win[0]];
                    records.add(j == 1 ? record | ChunkRecords.GROUP_START : record);
                }
            }
            long[] pairs = records.stream().mapToLong(Long::longValue).toArray();
            chunks.add(ChunkRecords.chunk(0, 0, c, pairs));
        }
        long step = 3;
        long totalSteps = 10;
        Blocks.Part part = new Blocks.Part(inIds, in.clone(), outIds, out.clone(), 0, 0, 0);
        Blocks.Part got = StratumTrainer.train(s, part, chunks, 0, step, totalSteps, counts, 0);

        // the reference: the single-machine shared kernel, window by window, the block's noise drawn in order
        float lr = (float) Math.max(config.learningRate() * (1 - (double) step / totalSteps),
                config.learningRate() * 1e-4);
        StratumTrainer.BlockNoise noise = StratumTrainer.BlockNoise.of(counts, outIds, config.noisePower(), k);
        SplittableRandom random = new SplittableRandom(Blocks.mix(seed, 0x3C, step, 0));
        SkipGramSteps steps = SkipGramSteps.of(d, k);
        float[] wantIn = in.clone();
        float[] wantOut = out.clone();
        int[] ids = new int[k + 1];
        double loss = 0;
        long lossPairs = 0;
        long pairs = 0;
        for (int g = 0; g < windows.size(); g++) {
            int[] win = windows.get(g);
            int m = win.length - 1;
            int[] contexts = Arrays.copyOfRange(win, 1, win.length);
            ids[0] = win[0];
            for (int j = 1; j <= k; j++) {
                ids[j] = noise.sampler().sample(random);
            }
            boolean withLoss = g % StratumTrainer.LOSS_EVERY == 0;
            double l = o == Objective.SAMPLED_SOFTMAX
                    ? steps.sharedSampledSoftmax(wantIn, contexts, m, wantOut, ids, k + 1, noise.logCorrection(), lr,
                            withLoss)
                    : steps.sharedNoiseContrast(wantIn, contexts, m, wantOut, ids, k + 1,
                            o == Objective.NCE ? noise.logCorrection() : null, lr, withLoss);
            if (withLoss) {
                loss += l;
                lossPairs += m;
            }
            pairs += m;
        }
        assertArrayEquals(wantIn, got.in(), o + ": input rows");
        assertArrayEquals(wantOut, got.out(), o + ": output rows");
        assertEquals(pairs, got.pairs(), o + ": pairs");
        assertEquals(lossPairs, got.lossPairs(), o + ": pairs with loss");
        assertEquals(loss, got.lossSum(), 0.0, o + ": the loss of the same sums in the same order");
        // the step moved the tables
        assertEquals(false, Arrays.equals(in, got.in()), o + ": the step changed nothing");
    }
}
