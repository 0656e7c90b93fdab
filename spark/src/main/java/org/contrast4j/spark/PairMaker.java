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
 * a(w) and filed under stratum (b(c) − a(w)) mod P, in chunks of {@link SparkSkipGram#CHUNK} pairs ({@link
 * Blocks.Chunk}). The pairs of one window (one center occurrence) whose context words fall in one input block share
 * a key: they are filed in a row as one group (the center once, then the context words); the shared step ({@link
 * Settings#sharedStep()}) trains a group as one shared block, the pair step pair by pair. The pair's noise words are
 * drawn later, by the partition that trains it, from the output block it holds ({@link StratumTrainer}).
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

    /**
     * The chunks of data partition {@code source} ({@link Blocks.Chunk}'s packed {@code int[]}), keyed by destination
     * partition.
     */
    Iterator<Tuple2<Integer, int[]>> make(int source, Iterator<int[]> sentences, float[] keep) {
        int rounds = s.rounds();
        long seed = s.seed();
        Run run = new Run(source, keep);
        long index = -1;
        while (sentences.hasNext()) {
            int[] ids = sentences.next();
            index++;
            if (rounds > 1 && Long.remainderUnsigned(Blocks.mix(seed, epoch, source, index), rounds) != slice) {
                continue;
            }
            run.sentence(ids);
        }
        return run.sink.finish();
    }

    /**
     * One data partition's pass, sentence by sentence (a method called per sentence is compiled by the JIT after a
     * few hundred sentences, where one loop over the whole partition waited for an on-stack replacement).
     */
    private final class Run {
        private final int p = s.partitions();
        private final int window = s.window();
        private final float[] keep;
        private final SplittableRandom random;
        private final Sink sink;
        private int[] sen = new int[64];
        private int[] inBlock = new int[64];
        private final int[] keys;
        private final int[] contexts;
        private final int[] inBlockOf;    // a(w) for every word of the vocabulary, this round
        private final int[] outBlockOf;   // b(c)

        Run(int source, float[] keep) {
            this.keep = keep;
            inBlockOf = new int[keep.length];
            outBlockOf = new int[keep.length];
            for (int w = 0; w < keep.length; w++) {
                inBlockOf[w] = Blocks.block(w, inSalt, p);
                outBlockOf[w] = Blocks.block(w, outSalt, p);
            }
            random = new SplittableRandom(Blocks.mix(s.seed(), 0x5E, epoch, Blocks.mix(slice, source)));
            sink = new Sink(p, source, s.sharedStep());
            keys = new int[2 * window];
            contexts = new int[2 * window];
        }

        /** Subsamples a sentence, draws its windows and files their pairs. */
        void sentence(int[] ids) {
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
                inBlock[n] = inBlockOf[w];
                sen[n++] = w;
            }
            for (int pos = 0; pos < n; pos++) {
                int reach = 1 + random.nextInt(window);
                window(pos, Math.max(0, pos - reach), Math.min(n - 1, pos + reach));
            }
            sink.read(ids.length);
        }

        /**
         * The pairs of the window [lo, hi] around {@code pos}, grouped by key (destination partition and stratum),
         * each group in a row.
         */
        private void window(int pos, int lo, int hi) {
            int center = sen[pos];
            int b = outBlockOf[center];
            int m = 0;
            for (int c = lo; c <= hi; c++) {
                if (c != pos) {
                    int a = inBlock[c];
                    int stratum = b - a;
                    keys[m] = a * p + (stratum < 0 ? stratum + p : stratum);
                    contexts[m++] = sen[c];
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
                sink.group(key, center, size);
                for (int j = i; j < m; j++) {
                    if (keys[j] == key) {
                        sink.add(key, center, contexts[j]);
                        keys[j] = -1;
                    }
                }
            }
        }
    }

    /**
     * Chunks under construction, one per (destination, stratum) key, with the learning-rate marks: word2vec refreshes
     * its learning rate every {@value StratumTrainer#LR_WORDS} corpus words (before subsampling), and a chunk records
     * from which pair on it holds pairs read after each refresh. A chunk is closed when it holds {@link
     * SparkSkipGram#CHUNK} pairs; with the shared step a group that would not fit closes it first (a group larger
     * than a chunk is split at the chunk's end), so that a group is one window's pairs of one input block.
     */
    private static final class Sink {
        private final int p;
        private final int source;
        private final boolean shared;
        private final int[][] buf;        // per key: the groups (~center, contexts…) of the chunk under construction
        private final int[] length;       // ints used in buf
        private final int[] count;        // pairs in buf
        private final int[] center;       // the center of the group open in buf, or -1 when none is open
        private final int[] seq;
        private final long[] lastMark;
        private final int[][] markAt;     // per key: the pair index of each mark
        private final long[][] markWords; // per key: the corpus words read at each mark's refresh
        private final int[] marks;
        private final List<int[]> pending = new ArrayList<>();
        private final List<long[]> pendingWords = new ArrayList<>();
        private final List<Integer> pendingKey = new ArrayList<>();
        private long refreshed;   // corpus words of this slice read before the last refresh
        private long local;

        Sink(int p, int source, boolean shared) {
            this.p = p;
            this.source = source;
            this.shared = shared;
            int keys = p * p;
            buf = new int[keys][];
            length = new int[keys];
            count = new int[keys];
            center = new int[keys];
            Arrays.fill(center, -1);
            seq = new int[keys];
            lastMark = new long[keys];
            Arrays.fill(lastMark, -1);
            markAt = new int[keys][];
            markWords = new long[keys][];
            marks = new int[keys];
        }

        /**
         * A group of {@code size} pairs of {@code center} for {@code key} follows: with the shared step the key's chunk
         * under construction is closed first if the group would not fit in it.
         */
        void group(int key, int center, int size) {
            if (shared && count[key] > 0 && count[key] + size > SparkSkipGram.CHUNK) {
                close(key);
            }
            this.center[key] = -1;   // the next pair opens a new group
        }

        void add(int key, int center, int context) {
            if (buf[key] == null) {
                buf[key] = new int[2 * SparkSkipGram.CHUNK];
                markAt[key] = new int[8];
                markWords[key] = new long[8];
            }
            if (lastMark[key] != refreshed) {
                if (marks[key] == markAt[key].length) {
                    markAt[key] = Arrays.copyOf(markAt[key], 2 * marks[key]);
                    markWords[key] = Arrays.copyOf(markWords[key], 2 * marks[key]);
                }
                markAt[key][marks[key]] = count[key];
                markWords[key][marks[key]++] = refreshed;
                lastMark[key] = refreshed;
            }
            int[] b = buf[key];
            if (this.center[key] != center) {
                b[length[key]++] = ~center;
                this.center[key] = center;
            }
            b[length[key]++] = context;
            if (++count[key] == SparkSkipGram.CHUNK) {
                close(key);
            }
        }

        private void close(int key) {
            pending.add(Blocks.Chunk.of(key % p, source, seq[key]++, count[key], markAt[key], marks[key], buf[key],
                    length[key]));
            pendingWords.add(Arrays.copyOf(markWords[key], marks[key]));
            pendingKey.add(key / p);
            length[key] = 0;
            count[key] = 0;
            center[key] = -1;
            marks[key] = 0;
            lastMark[key] = -1;
        }

        /** A sentence of {@code words} corpus words was read. */
        void read(int words) {
            local += words;
            if (local >= StratumTrainer.LR_WORDS) {
                refreshed += local;
                local = 0;
            }
        }

        Iterator<Tuple2<Integer, int[]>> finish() {
            for (int key = 0; key < buf.length; key++) {
                if (count[key] > 0) {
                    close(key);
                }
            }
            double total = Math.max(1, refreshed + local);
            List<Tuple2<Integer, int[]>> out = new ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                int[] c = pending.get(i);
                long[] words = pendingWords.get(i);
                for (int j = 0; j < words.length; j++) {
                    Blocks.Chunk.setMarkProgress(c, j, words[j] / total);
                }
                out.add(new Tuple2<>(pendingKey.get(i), c));
            }
            return out.iterator();
        }
    }
}
