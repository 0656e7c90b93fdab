package org.contrast4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import scala.Tuple2;

/**
 * The pieces the stratified trainer moves between partitions: a {@link Part} is what one partition holds during a
 * sub-iteration (its input block and the output block it owns), a {@link #piece} a set of rows on its way to another
 * partition, a {@link Chunk} a run of (input word, output word) pairs of one stratum. Whatever is shuffled is a
 * primitive array or a {@code Tuple2} of them: Kryo ({@code spark.serializer=…KryoSerializer}) cannot serialize
 * Java records, and primitive arrays are also what every serializer writes fastest.
 */
final class Blocks {
    private Blocks() {
    }

    /** SplitMix64's finalizer: a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A mix of several values, order-sensitive. */
    static long mix(long a, long b) {
        return mix(a * 0x9E3779B97F4A7C15L + mix(b));
    }

    static long mix(long a, long b, long c) {
        return mix(mix(a, b), c);
    }

    static long mix(long a, long b, long c, long d) {
        return mix(mix(mix(a, b), c), d);
    }

    /** The block of word {@code id} under {@code salt} (input and output tables use different salts). */
    static int block(int id, long salt, int partitions) {
        return (int) Long.remainderUnsigned(mix(salt, id), partitions);
    }

    /**
     * One partition's state: its input block, the output block it owns in this sub-iteration, and the statistics
     * summed over the sub-iterations of the job that produced it (the loss, the pairs it covers, the pairs trained).
     * Kept in Spark's memory cache; a plain class, not a record, because an executor that reads a cached part held by
     * another serializes it with the configured serializer, and Kryo cannot serialize records.
     */
    static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int[] inIds;
        private final float[] in;
        private final int[] outIds;
        private final float[] out;
        private final double lossSum;
        private final long lossPairs;
        private final long pairs;

        Part(int[] inIds, float[] in, int[] outIds, float[] out, double lossSum, long lossPairs, long pairs) {
            this.inIds = inIds;
            this.in = in;
            this.outIds = outIds;
            this.out = out;
            this.lossSum = lossSum;
            this.lossPairs = lossPairs;
            this.pairs = pairs;
        }

        int[] inIds() {
            return inIds;
        }

        float[] in() {
            return in;
        }

        int[] outIds() {
            return outIds;
        }

        float[] out() {
            return out;
        }

        double lossSum() {
            return lossSum;
        }

        long lossPairs() {
            return lossPairs;
        }

        long pairs() {
            return pairs;
        }

        /** This part with {@code lossSum}, {@code lossPairs} and {@code pairs} added to its statistics. */
        Part plusStats(double lossSum, long lossPairs, long pairs) {
            return new Part(inIds, in, outIds, out, this.lossSum + lossSum, this.lossPairs + lossPairs,
                    this.pairs + pairs);
        }

        /** A copy whose rows may be trained in place (a cached part must not change: a task may run twice). */
        Part copy() {
            return new Part(inIds, in.clone(), outIds, out.clone(), lossSum, lossPairs, pairs);
        }

        /** This part's statistics {lossSum, lossPairs, pairs}. */
        double[] stats() {
            return new double[] {lossSum, lossPairs, pairs};
        }
    }

    /**
     * Rows of one table on their way to another partition, as only a {@code Tuple2} of primitive arrays (which every
     * Spark serializer handles, Kryo's included): {@code ids[0]} is 1 for output rows and 0 for input rows, the word
     * ids follow ({@code ids[1 + i]} the id of row i, {@code rows[i·d …]} its vector).
     */
    static Tuple2<int[], float[]> piece(boolean output, int[] ids, float[] rows) {
        int[] tagged = new int[ids.length + 1];
        tagged[0] = output ? 1 : 0;
        System.arraycopy(ids, 0, tagged, 1, ids.length);
        return new Tuple2<>(tagged, rows);
    }

    /**
     * Pair chunks, packed in one {@code int[]} so that the pair shuffle moves only primitive arrays (every Spark
     * serializer handles them, Kryo's included) and few bytes: the pairs of stratum {@code stratum} made by data
     * partition {@code source} as its {@code seq}-th chunk for their destination, in sentence order. Layout:
     * <pre>
     * [0] stratum  [1] source  [2] seq  [3] n (pairs)  [4] m (learning-rate marks)
     * [5, 5 + m)            markAt: from pair markAt[j] on, the pairs come from sentences read when the source had
     *                       reached markProgress[j] of its slice's corpus words (refreshed every 10,000 words, as
     *                       word2vec refreshes its learning rate)
     * [5 + m, 5 + 3m)       markProgress[j] as the two halves of its IEEE 754 bits (high first)
     * [5 + 3m, end)         groups: ~center (negative), then its context words (each ≥ 0, a pair (context, center))
     * </pre>
     * A group holds the pairs of one window (one center occurrence) whose context words lie in one input block (the
     * shared step trains it as one step; the pair step pair by pair), so a pair costs 4 bytes and a window's center
     * 4 more, where a pair took 8 bytes as a {@code long}.
     */
    static final class Chunk {
        static final int STRATUM = 0;
        static final int SOURCE = 1;
        static final int SEQ = 2;
        static final int PAIRS = 3;
        static final int MARKS = 4;
        static final int HEADER = 5;

        private Chunk() {
        }

        /** The stratum of chunk {@code c}. */
        static int stratum(int[] c) {
            return c[STRATUM];
        }

        static int source(int[] c) {
            return c[SOURCE];
        }

        static int seq(int[] c) {
            return c[SEQ];
        }

        /** The pairs in chunk {@code c}. */
        static int pairs(int[] c) {
            return c[PAIRS];
        }

        static int marks(int[] c) {
            return c[MARKS];
        }

        /** Pair index of mark {@code j}. */
        static int markAt(int[] c, int j) {
            return c[HEADER + j];
        }

        /** The progress of mark {@code j}. */
        static double markProgress(int[] c, int j) {
            int at = HEADER + c[MARKS] + 2 * j;
            return Double.longBitsToDouble(((long) c[at] << 32) | (c[at + 1] & 0xFFFFFFFFL));
        }

        /** Where the groups of chunk {@code c} start. */
        static int groupsFrom(int[] c) {
            return HEADER + 3 * c[MARKS];
        }

        /** A chunk of {@code records} (groups as above) with its marks' progress still to be set. */
        static int[] of(int stratum, int source, int seq, int pairs, int[] markAt, int marks, int[] records,
                        int length) {
            int[] c = new int[HEADER + 3 * marks + length];
            c[STRATUM] = stratum;
            c[SOURCE] = source;
            c[SEQ] = seq;
            c[PAIRS] = pairs;
            c[MARKS] = marks;
            System.arraycopy(markAt, 0, c, HEADER, marks);
            System.arraycopy(records, 0, c, HEADER + 3 * marks, length);
            return c;
        }

        static void setMarkProgress(int[] c, int j, double progress) {
            long bits = Double.doubleToRawLongBits(progress);
            int at = HEADER + c[MARKS] + 2 * j;
            c[at] = (int) (bits >>> 32);
            c[at + 1] = (int) bits;
        }
    }

    /** Sends key i to partition i. */
    static final class Identity extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        Identity(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }

    /**
     * Merges the pieces that arrived at a partition into its {@link Part} (rows sorted by id: deterministic), with
     * zero statistics.
     */
    static Part combine(Iterator<Tuple2<int[], float[]>> pieces, int d) {
        List<Tuple2<int[], float[]>> ins = new ArrayList<>();
        List<Tuple2<int[], float[]>> outs = new ArrayList<>();
        while (pieces.hasNext()) {
            Tuple2<int[], float[]> p = pieces.next();
            (p._1()[0] == 1 ? outs : ins).add(p);
        }
        Tuple2<int[], float[]> in = merge(ins, d);
        Tuple2<int[], float[]> out = merge(outs, d);
        return new Part(in._1(), in._2(), out._1(), out._2(), 0, 0, 0);
    }

    /** The rows of the pieces, sorted by id: (ids, rows) without a tag. */
    static Tuple2<int[], float[]> merge(List<Tuple2<int[], float[]>> pieces, int d) {
        int n = 0;
        for (Tuple2<int[], float[]> p : pieces) {
            n += p._1().length - 1;
        }
        long[] order = new long[n];
        int[] fromPiece = new int[n];
        int[] fromRow = new int[n];
        int k = 0;
        for (int pi = 0; pi < pieces.size(); pi++) {
            int[] pIds = pieces.get(pi)._1();
            for (int r = 0; r + 1 < pIds.length; r++) {
                fromPiece[k] = pi;
                fromRow[k] = r;
                order[k] = ((long) pIds[r + 1] << 32) | k;   // ids are >= 0: sorts by id
                k++;
            }
        }
        Arrays.sort(order);
        int[] ids = new int[n];
        float[] rows = new float[n * d];
        for (int i = 0; i < n; i++) {
            int id = (int) (order[i] >>> 32);
            int src = (int) order[i];
            if (i > 0 && ids[i - 1] == id) {
                throw new IllegalStateException("word " + id + " arrived twice at one partition");
            }
            ids[i] = id;
            System.arraycopy(pieces.get(fromPiece[src])._2(), fromRow[src] * d, rows, i * d, d);
        }
        return new Tuple2<>(ids, rows);
    }

    /**
     * Splits a table held by one partition into pieces by destination partition: {@code dest[i]} for row i.
     */
    static void split(boolean output, int[] ids, float[] rows, int[] dest, int partitions, int d,
                      List<Tuple2<Integer, Tuple2<int[], float[]>>> sink) {
        int[] sizes = new int[partitions];
        for (int p : dest) {
            sizes[p]++;
        }
        int[][] pIds = new int[partitions][];
        float[][] pRows = new float[partitions][];
        for (int p = 0; p < partitions; p++) {
            pIds[p] = new int[sizes[p] + 1];
            pIds[p][0] = output ? 1 : 0;
            pRows[p] = new float[sizes[p] * d];
        }
        int[] fill = new int[partitions];
        for (int i = 0; i < ids.length; i++) {
            int p = dest[i];
            int f = fill[p]++;
            pIds[p][f + 1] = ids[i];
            System.arraycopy(rows, i * d, pRows[p], f * d, d);
        }
        for (int p = 0; p < partitions; p++) {
            if (sizes[p] > 0) {
                sink.add(new Tuple2<>(p, new Tuple2<>(pIds[p], pRows[p])));
            }
        }
    }
}
