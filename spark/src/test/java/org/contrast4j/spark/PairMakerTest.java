package org.contrast4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The noise of the decoupled negatives (no Spark needed): over a round, every input word w must get k·m_w·Q(b) noise
 * words from every output block b in expectation — the single-machine noise q split by block — counting the k·Q(b)
 * that each of its pairs in block b takes in the trainer and the noise-only records. The reference is recounted here
 * in double from the records and the word counts.
 */
class PairMakerTest {
    @Test
    void everyInputWordGetsTheSingleMachineNoiseFromEveryBlock() {
        int v = 60;
        int p = 4;
        int k = 5;
        SplittableRandom r = new SplittableRandom(1);
        long[] counts = new long[v];
        List<int[]> sentences = new ArrayList<>();
        for (int s = 0; s < 3000; s++) {
            int[] sen = new int[3 + r.nextInt(10)];
            for (int i = 0; i < sen.length; i++) {
                // Zipf-like: P(w <= x) = log(x + 2)/log(v + 1)
                int w = (int) Math.min(v - 1, Math.floor(Math.exp(r.nextDouble() * Math.log(v + 1)) - 1));
                sen[i] = w;
                counts[w]++;
            }
            sentences.add(sen);
        }
        for (int w = 0; w < v; w++) {
            counts[w] = Math.max(1, counts[w]);
        }
        SkipGram config = SkipGram.builder().objective(Objective.NEGATIVE_SAMPLING).negatives(k).window(3).sample(0)
                .seed(5).build();
        Settings s = Settings.of(config, 1, p, 1);
        double[] q = PairMaker.blockNoise(counts, s.noisePower(), s.outSalt(0), p);
        double total = 0;
        for (double x : q) {
            total += x;
        }
        assertEquals(1.0, total, 1e-12);
        float[] keep = new float[v];
        java.util.Arrays.fill(keep, 1f);

        double[][] observed = new double[v][p];   // noise words of w from block b: records + k·Q(b) per pair
        long[] pairsOf = new long[v];
        Iterator<Tuple2<Integer, Blocks.Chunk>> it = new PairMaker(s, 0, 0, 0, q).make(0, sentences.iterator(), keep);
        long pairs = 0;
        while (it.hasNext()) {
            Tuple2<Integer, Blocks.Chunk> t = it.next();
            Blocks.Chunk c = t._2();
            for (int i = 0; i < c.n(); i++) {
                int w = (int) (c.pairs()[i] >>> 32);
                int low = (int) c.pairs()[i];
                int a = Blocks.block(w, s.inSalt(0), p);
                assertEquals(a, (int) t._1(), "a record goes to the partition of its input block");
                if (low >= 0) {
                    int b = Blocks.block(low, s.outSalt(0), p);
                    assertEquals((b - a + p) % p, c.stratum(), "a pair's stratum");
                    observed[w][b] += k * q[b];
                    pairsOf[w]++;
                    pairs++;
                } else {
                    int b = (a + c.stratum()) % p;
                    observed[w][b] += -low;
                }
            }
        }
        assertTrue(pairs > 10_000, "pairs " + pairs);
        for (int w = 0; w < v; w++) {
            for (int b = 0; b < p; b++) {
                double expected = k * q[b] * pairsOf[w];
                // each stochastic rounding adds a centred error of variance <= 1/4; occurrences without a record
                // in b rounded to 0, with variance bounded the same way: 5 standard deviations of all of them
                double bound = 5 * Math.sqrt(0.25 * Math.max(1, pairsOf[w])) + 1e-9 * expected;
                assertEquals(expected, observed[w][b], bound, "word " + w + ", block " + b);
            }
        }
    }

    @Test
    void onePartitionHasNoNoiseOnlyRecords() {
        SkipGram config = SkipGram.builder().window(2).sample(0).build();
        Settings s = Settings.of(config, 1, 1, 1);
        long[] counts = {5, 4, 3, 2, 1};
        double[] q = PairMaker.blockNoise(counts, s.noisePower(), s.outSalt(0), 1);
        assertEquals(1.0, q[0], 0.0);
        List<int[]> sentences = List.of(new int[] {0, 1, 2, 3, 4}, new int[] {4, 3, 2, 1, 0});
        Iterator<Tuple2<Integer, Blocks.Chunk>> it = new PairMaker(s, 0, 0, 0, q).make(0, sentences.iterator(),
                new float[] {1, 1, 1, 1, 1});
        while (it.hasNext()) {
            Blocks.Chunk c = it.next()._2();
            for (int i = 0; i < c.n(); i++) {
                assertTrue((int) c.pairs()[i] >= 0, "a noise-only record at P = 1");
            }
        }
    }
}
