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
        Iterator<Tuple2<Integer, int[]>> it = new PairMaker(s, 0, 0, 0).make(0, sentences.iterator(), keep);
        long pairs = 0;
        while (it.hasNext()) {
            Tuple2<Integer, int[]> t = it.next();
            long[] records = ChunkRecords.records(t._2());
            for (int i = 0; i < records.length; i++) {
                long record = records[i];
                int w = ChunkRecords.input(record);
                int center = ChunkRecords.output(record);
                assertTrue(w >= 0 && w < v && center >= 0 && center < v, "record " + Long.toHexString(record));
                assertTrue(near.contains(record & ~ChunkRecords.GROUP_START), "(" + w + ", " + center + ") is not a window pair");
                int a = Blocks.block(w, s.inSalt(0), p);
                int b = Blocks.block(center, s.outSalt(0), p);
                assertEquals(a, (int) t._1(), "a pair goes to the partition of its input block");
                assertEquals((b - a + p) % p, Blocks.Chunk.stratum(t._2()), "a pair's stratum");
                pairs++;
            }
        }
        // dynamic windows: each center reaches 1..window words each side, (1 + window)/2 on average
        assertTrue(pairs > 10_000, "pairs " + pairs);
    }

    /**
     * The shared step's grouping, against the windows recomputed here: every token of the corpus is a distinct word,
     * so a record names its center occurrence and its context occurrence. Every center's records must be exactly
     * the positions of one dynamic window (1..window each side, clipped at the sentence's ends) with each pair once;
     * the records of a center whose context words fall in input block a form exactly one group, in a row in one
     * chunk under key (a, (b − a) mod P), its first record flagged and no other. Enough pairs that chunks fill and
     * are closed early so that no group straddles two.
     */
    @Test
    void theSharedStepGroupsAreOneWindowsPairsOfOneInputBlock() {
        int p = 3;
        int window = 4;
        SplittableRandom r = new SplittableRandom(7);
        List<int[]> sentences = new ArrayList<>();
        int v = 0;
        while (v < 60_000) {
            int[] sen = new int[1 + r.nextInt(20)];
            for (int i = 0; i < sen.length; i++) {
                sen[i] = v++;
            }
            sentences.add(sen);
        }
        int[] sentenceOf = new int[v];
        int[] posOf = new int[v];
        for (int s = 0; s < sentences.size(); s++) {
            int[] sen = sentences.get(s);
            for (int i = 0; i < sen.length; i++) {
                sentenceOf[sen[i]] = s;
                posOf[sen[i]] = i;
            }
        }
        SkipGram config = SkipGram.builder().objective(Objective.NCE).step(SkipGram.Step.SHARED).window(window)
                .sample(0).seed(3).build();
        Settings s = Settings.of(config, 1, p, 1);
        assertTrue(s.sharedStep());
        float[] keep = new float[v];
        java.util.Arrays.fill(keep, 1f);
        Iterator<Tuple2<Integer, int[]>> it = new PairMaker(s, 0, 0, 0).make(0, sentences.iterator(), keep);
        List<Set<Integer>> contextsOf = new ArrayList<>();
        for (int i = 0; i < v; i++) {
            contextsOf.add(new HashSet<>());
        }
        Set<Long> groupsSeen = new HashSet<>();   // (center, input block) of every group
        long pairs = 0;
        int chunks = 0;
        while (it.hasNext()) {
            Tuple2<Integer, int[]> t = it.next();
            int[] c = t._2();
            long[] records = ChunkRecords.records(c);
            chunks++;
            assertTrue(records.length <= SparkSkipGram.CHUNK);
            int i = 0;
            while (i < records.length) {
                assertTrue((records[i] & ChunkRecords.GROUP_START) != 0, "a chunk's record " + i + " starts no group");
                int center = ChunkRecords.output(records[i]);
                int b = Blocks.block(center, s.outSalt(0), p);
                int a = t._1();
                assertTrue(groupsSeen.add(((long) center << 32) | a), "center " + center + " has two groups of block "
                        + a);
                int j = i;
                do {
                    long record = records[j];
                    int w = ChunkRecords.input(record);
                    assertEquals(center, ChunkRecords.output(record), "a group holds one center");
                    assertEquals(a, Blocks.block(w, s.inSalt(0), p), "a pair goes to the partition of its input block");
                    assertEquals((b - a + p) % p, Blocks.Chunk.stratum(c), "a pair's stratum");
                    assertEquals(sentenceOf[center], sentenceOf[w], "a pair lies in one sentence");
                    assertTrue(contextsOf.get(center).add(w), "pair (" + w + ", " + center + ") made twice");
                    pairs++;
                    j++;
                } while (j < records.length && (records[j] & ChunkRecords.GROUP_START) == 0);
                i = j;
            }
        }
        // every center's contexts: one whole window of reach 1..window, and every block of it in one group
        for (int center = 0; center < v; center++) {
            int[] sen = sentences.get(sentenceOf[center]);
            if (sen.length == 1) {
                assertTrue(contextsOf.get(center).isEmpty());
                continue;
            }
            int pos = posOf[center];
            boolean matched = false;
            for (int reach = 1; reach <= window && !matched; reach++) {
                Set<Integer> want = new HashSet<>();
                for (int q = Math.max(0, pos - reach); q <= Math.min(sen.length - 1, pos + reach); q++) {
                    if (q != pos) {
                        want.add(sen[q]);
                    }
                }
                matched = want.equals(contextsOf.get(center));
            }
            assertTrue(matched, "center " + center + ": contexts " + contextsOf.get(center)
                    + " are not one window of its sentence");
            for (int w : contextsOf.get(center)) {
                assertTrue(groupsSeen.contains(((long) center << 32) | Blocks.block(w, s.inSalt(0), p)));
            }
        }
        assertTrue(chunks > p * p, "chunks " + chunks + ": some keys filled a chunk");
        assertTrue(pairs > 100_000, "pairs " + pairs);
    }
}
