package org.contrast4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import scala.Tuple2;

/**
 * One data partition's pairs of one round: subsampling and dynamic windows as word2vec (and {@link
 * org.contrast4j.embed.SkipGram}), every pair (input w, output c) keyed by the partition that owns w's input block
 * a(w) and filed under stratum (b(c) − a(w)) mod P, in chunks of {@link SparkSkipGram#CHUNK} records
 * {@code (long) w << 32 | c}. The pair's noise words are drawn later, by the partition that trains it, from the
 * output block it holds ({@link StratumTrainer}). With the shared step ({@link Settings#sharedStep()}) the pairs of one
 * window (one center occurrence) whose context words fall in one input block share a key: they are filed in a row, in
 * one chunk, the first flagged {@link Blocks#GROUP_START}, and trained as one shared block.
 */
final class PairMaker implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Settings s;
    private final int epoch;
    private final int slice;
    private final long inSalt;
    private final long outSalt;

    PairMaker(Settings s, int epoch, int slice, int round) {
        this.s = s;
        this.epoch = epoch;
        this.slice = slice;
        this.inSalt = s.inSalt(round);
        this.outSalt = s.outSalt(round);
    }

    /** The chunks of data partition {@code source}, keyed by destination partition. */
    Iterator<Tuple2<Integer, Blocks.Chunk>> make(int source, Iterator<int[]> sentences, float[] keep) {
        int p = s.partitions();
        int rounds = s.rounds();
        int window = s.window();
        long seed = s.seed();
        SplittableRandom random = new SplittableRandom(Blocks.mix(seed, 0x5E, epoch, Blocks.mix(slice, source)));
        Sink sink = new Sink(p, source);
        int[] sen = new int[64];
        int[] inBlock = new int[64];
        boolean shared = s.sharedStep();
        int[] keys = new int[2 * window];
        long[] records = new long[2 * window];
        long index = -1;
        while (sentences.hasNext()) {
            int[] ids = sentences.next();
            index++;
            if (rounds > 1 && Long.remainderUnsigned(Blocks.mix(seed, epoch, source, index), rounds) != slice) {
                continue;
            }
            if (sen.length < ids.length) {
                sen = new int[ids.length];
                inBlock = new int[ids.length];
            }
            int n = 0;
            for (int w : ids) {
                float pk = keep[w];
                if (pk < 1f && pk < (float) random.nextDouble()) {
                    continue;
                }
                inBlock[n] = Blocks.block(w, inSalt, p);
                sen[n++] = w;
            }
            for (int pos = 0; pos < n; pos++) {
                int reach = 1 + random.nextInt(window);
                int center = sen[pos];
                int b = Blocks.block(center, outSalt, p);
                int lo = Math.max(0, pos - reach);
                int hi = Math.min(n - 1, pos + reach);
                if (shared) {
                    // the window's pairs grouped by key (input block): each group in a row, its first record flagged
                    int m = 0;
                    for (int c = lo; c <= hi; c++) {
                        if (c != pos) {
                            int a = inBlock[c];
                            keys[m] = a * p + (b - a + p) % p;
                            records[m++] = ((long) sen[c] << 32) | (center & 0xFFFFFFFFL);
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        int key = keys[i];
                        if (key < 0) {
                            continue;
                        }
                        int size = 0;
                        for (int j = i; j < m; j++) {
                            if (keys[j] == key) {
                                size++;
                            }
                        }
                        sink.group(key, size);
                        for (int j = i; j < m; j++) {
                            if (keys[j] == key) {
                                sink.add(key, j == i ? records[j] | Blocks.GROUP_START : records[j]);
                                keys[j] = -1;
                            }
                        }
                    }
                    continue;
                }
                for (int c = lo; c <= hi; c++) {
                    if (c == pos) {
                        continue;
                    }
                    int a = inBlock[c];
                    sink.add(a * p + (b - a + p) % p, ((long) sen[c] << 32) | (center & 0xFFFFFFFFL));
                }
            }
            sink.read(ids.length);
        }
        return sink.finish();
    }

    /**
     * Chunks under construction, one per (destination, stratum) key, with the learning-rate marks: word2vec refreshes
     * its learning rate every {@value StratumTrainer#LR_WORDS} corpus words (before subsampling), and a chunk records
     * from which record on it holds pairs read after each refresh.
     */
    private static final class Sink {
        private final int p;
        private final int source;
        private final long[][] buf;
        private final int[] fill;
        private final int[] seq;
        private final long[] lastMark;
        private final List<List<long[]>> marks = new ArrayList<>();   // per key: {record index, words at the refresh}
        private final List<Object[]> pending = new ArrayList<>();      // {key, seq, records, n, marks}
        private long refreshed;   // corpus words of this slice read before the last refresh
        private long local;

        Sink(int p, int source) {
            this.p = p;
            this.source = source;
            int keys = p * p;
            buf = new long[keys][];
            fill = new int[keys];
            seq = new int[keys];
            lastMark = new long[keys];
            Arrays.fill(lastMark, -1);
            for (int i = 0; i < keys; i++) {
                marks.add(new ArrayList<>());
            }
        }

        /**
         * A group of {@code size} records for {@code key} follows: the key's chunk under construction is closed first
         * if the group would not fit in it (a group larger than a chunk is split at the chunk's end).
         */
        void group(int key, int size) {
            if (fill[key] > 0 && fill[key] + size > SparkSkipGram.CHUNK) {
                close(key, Arrays.copyOf(buf[key], fill[key]), fill[key]);
            }
        }

        private void close(int key, long[] records, int n) {
            pending.add(new Object[] {key, seq[key]++, records, n, marks.get(key)});
            marks.set(key, new ArrayList<>());
            lastMark[key] = -1;
            buf[key] = null;
            fill[key] = 0;
        }

        void add(int key, long record) {
            if (buf[key] == null) {
                buf[key] = new long[SparkSkipGram.CHUNK];
            }
            if (lastMark[key] != refreshed) {
                marks.get(key).add(new long[] {fill[key], refreshed});
                lastMark[key] = refreshed;
            }
            buf[key][fill[key]++] = record;
            if (fill[key] == SparkSkipGram.CHUNK) {
                close(key, buf[key], SparkSkipGram.CHUNK);
            }
        }

        /** A sentence of {@code words} corpus words was read. */
        void read(int words) {
            local += words;
            if (local >= StratumTrainer.LR_WORDS) {
                refreshed += local;
                local = 0;
            }
        }

        Iterator<Tuple2<Integer, Blocks.Chunk>> finish() {
            for (int key = 0; key < buf.length; key++) {
                if (fill[key] > 0) {
                    pending.add(new Object[] {key, seq[key]++, Arrays.copyOf(buf[key], fill[key]), fill[key],
                            marks.get(key)});
                }
            }
            double total = Math.max(1, refreshed + local);
            List<Tuple2<Integer, Blocks.Chunk>> out = new ArrayList<>(pending.size());
            for (Object[] c : pending) {
                int key = (Integer) c[0];
                @SuppressWarnings("unchecked")
                List<long[]> m = (List<long[]>) c[4];
                int[] at = new int[m.size()];
                double[] progress = new double[m.size()];
                for (int i = 0; i < at.length; i++) {
                    at[i] = (int) m.get(i)[0];
                    progress[i] = m.get(i)[1] / total;
                }
                out.add(new Tuple2<>(key / p, new Blocks.Chunk(key % p, source, (Integer) c[1], (long[]) c[2],
                        (Integer) c[3], at, progress)));
            }
            return out.iterator();
        }
    }
}
