package org.contrast4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Block-local noise: the sampler of an output block draws its words with q_b(c) = n_c^α / Σ_{c' ∈ b} n_{c'}^α, and
 * the logit correction of NCE and sampled softmax is log(k·q_b(c)) — both against q_b computed here in double from
 * the counts of the words {@link Blocks#block} puts in the block, and the sampler's frequencies against it.
 */
class BlockNoiseTest {
    @Test
    void samplerAndLogCorrectionAreTheBlocksNoise() {
        int v = 500;
        int p = 4;
        int k = 7;
        double alpha = 0.75;
        SplittableRandom r = new SplittableRandom(3);
        long[] counts = new long[v];
        for (int w = 0; w < v; w++) {
            counts[w] = 1 + (long) (100_000.0 / (w + 1)) + r.nextInt(5);   // Zipf-like
        }
        long salt = Settings.of(org.contrast4j.embed.SkipGram.builder().build(), 1, p, 1).outSalt(3);
        for (int b = 0; b < p; b++) {
            int block = b;
            int[] outIds = IntStream.range(0, v).filter(x -> Blocks.block(x, salt, p) == block).toArray();
            assertTrue(outIds.length > v / p / 2, "block " + b + " holds " + outIds.length + " words");
            double mass = 0;
            for (int x : outIds) {
                mass += Math.pow(counts[x], alpha);
            }
            StratumTrainer.BlockNoise noise = StratumTrainer.BlockNoise.of(counts, outIds, alpha, k);
            assertEquals(outIds.length, noise.logCorrection().length);
            for (int i = 0; i < outIds.length; i++) {
                double expected = Math.log(k * Math.pow(counts[outIds[i]], alpha) / mass);
                // one rounding to float of a double accurate to ~V·2⁻⁵²: 2 float ε of its magnitude
                double bound = 2 * 0x1p-23 * Math.max(1, Math.abs(expected));
                assertEquals(expected, noise.logCorrection()[i], bound, "log(k·q_b) of word " + outIds[i]);
            }
            int draws = 400_000;
            long[] seen = new long[outIds.length];
            SplittableRandom random = new SplittableRandom(11 + b);
            for (int j = 0; j < draws; j++) {
                seen[noise.sampler().sample(random)]++;
            }
            for (int i = 0; i < outIds.length; i++) {
                double q = Math.pow(counts[outIds[i]], alpha) / mass;
                double sd = Math.sqrt(draws * q * (1 - q));
                assertEquals(draws * q, seen[i], 5.5 * sd + 1, "draws of word " + outIds[i] + " in block " + b);
            }
        }
    }
}
