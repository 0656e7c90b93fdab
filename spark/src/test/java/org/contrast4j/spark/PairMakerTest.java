package org.contrast4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The pairs of one round (no Spark needed): every record is a (context, center) pair of words at most {@code window}
 * apart in one sentence, sent to the partition of its input block a(w) and filed under stratum (b(c) − a(w)) mod P —
 * the blocks recomputed here from {@link Blocks#block} — and no record carries anything but a pair (the noise is drawn
 * by the trainer, from the block it owns).
 */
class PairMakerTest {
    @Test
    void everyRecordIsAWindowPairRoutedToTheOwnerOfBothVectors() {
        int v = 60;
        int p = 4;
        int window = 3;
        SplittableRandom r = new SplittableRandom(1);
        List<int[]> sentences = new ArrayList<>();
        Set<Long> near = new HashSet<>();   // (w, c) at distance 1..window in some sentence
        for (int s = 0; s < 2000; s++) {
            int[] sen = new int[3 + r.nextInt(10)];
            for (int i = 0; i < sen.length; i++) {
                sen[i] = r.nextInt(v);
            }
            for (int i = 0; i < sen.length; i++) {
                for (int j = Math.max(0, i - window); j <= Math.min(sen.length - 1, i + window); j++) {
                    if (j != i) {
                        near.add(((long) sen[j] << 32) | sen[i]);
                    }
                }
            }
            sentences.add(sen);
        }
        SkipGram config = SkipGram.builder().objective(Objective.NEGATIVE_SAMPLING).window(window).sample(0).seed(5)
                .build();
        Settings s = Settings.of(config, 1, p, 1);
        float[] keep = new float[v];
        java.util.Arrays.fill(keep, 1f);
        Iterator<Tuple2<Integer, Blocks.Chunk>> it = new PairMaker(s, 0, 0, 0).make(0, sentences.iterator(), keep);
        long pairs = 0;
        while (it.hasNext()) {
            Tuple2<Integer, Blocks.Chunk> t = it.next();
            Blocks.Chunk c = t._2();
            for (int i = 0; i < c.n(); i++) {
                long record = c.pairs()[i];
                int w = (int) (record >>> 32);
                int center = (int) record;
                assertTrue(w >= 0 && w < v && center >= 0 && center < v, "record " + Long.toHexString(record));
                assertTrue(near.contains(record), "(" + w + ", " + center + ") is not a window pair");
                int a = Blocks.block(w, s.inSalt(0), p);
                int b = Blocks.block(center, s.outSalt(0), p);
                assertEquals(a, (int) t._1(), "a pair goes to the partition of its input block");
                assertEquals((b - a + p) % p, c.stratum(), "a pair's stratum");
                pairs++;
            }
        }
        // dynamic windows: each center reaches 1..window words each side, (1 + window)/2 on average
        assertTrue(pairs > 10_000, "pairs " + pairs);
    }
}
