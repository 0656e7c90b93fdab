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
 * sub-iteration (its input block and the output block it owns), a {@link Piece} a set of rows on its way to another
 * partition, a {@link Chunk} a run of (input word, output word) pairs of one stratum.
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

    /** Rows of one table (sorted by id once combined): {@code rows[i·d …]} is the vector of {@code ids[i]}. */
    record Piece(boolean output, int[] ids, float[] rows) implements Serializable {
    }

    /**
     * One partition's state: its input block, the output block it owns in this sub-iteration, and the statistics of
     * the sub-iteration that produced it.
     */
    record Part(int[] inIds, float[] in, int[] outIds, float[] out, double lossSum, long lossPairs, long pairs,
                long words) implements Serializable {
        Part withStats(double lossSum, long lossPairs, long pairs, long words) {
            return new Part(inIds, in, outIds, out, lossSum, lossPairs, pairs, words);
        }
    }

    /**
     * Pairs of stratum {@code stratum} made by data partition {@code source} as its {@code seq}-th chunk: pair i is
     * (input word {@code (int) (pairs[i] >>> 32)}, output word {@code (int) pairs[i]}), in sentence order. From pair
     * {@code markAt[m]} on, the pairs come from sentences read when the source had reached {@code markAt}'s
     * {@code markProgress[m]} (a fraction of its slice's corpus words, refreshed every 10,000 words as word2vec
     * refreshes its learning rate).
     */
    record Chunk(int stratum, int source, int seq, long[] pairs, int n, int[] markAt, double[] markProgress)
            implements Serializable {
    }

    /**
     * The flag (the sign bit) of a record that starts a group of the shared step: the records of one window (one
     * center occurrence) whose context words fall in one input block, filed together and in a row under one key.
     */
    static final long GROUP_START = Long.MIN_VALUE;

    /** The input word of a record (its high half, without the {@link #GROUP_START} flag). */
    static int input(long record) {
        return (int) ((record >>> 32) & 0x7FFF_FFFFL);
    }

    /** The output word of a record (its low half). */
    static int output(long record) {
        return (int) record;
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

    /** Merges the pieces that arrived at a partition into its {@link Part} (rows sorted by id: deterministic). */
    static Iterator<Part> combine(Iterator<Tuple2<Integer, Piece>> pieces, int d) {
        List<Piece> ins = new ArrayList<>();
        List<Piece> outs = new ArrayList<>();
        while (pieces.hasNext()) {
            Piece p = pieces.next()._2();
            (p.output() ? outs : ins).add(p);
        }
        Piece in = merge(ins, d);
        Piece out = merge(outs, d);
        return List.of(new Part(in.ids(), in.rows(), out.ids(), out.rows(), 0, 0, 0, 0)).iterator();
    }

    private static Piece merge(List<Piece> pieces, int d) {
        int n = 0;
        for (Piece p : pieces) {
            n += p.ids().length;
        }
        long[] order = new long[n];
        int[] fromPiece = new int[n];
        int[] fromRow = new int[n];
        int k = 0;
        for (int pi = 0; pi < pieces.size(); pi++) {
            int[] pIds = pieces.get(pi).ids();
            for (int r = 0; r < pIds.length; r++) {
                fromPiece[k] = pi;
                fromRow[k] = r;
                order[k] = ((long) pIds[r] << 32) | k;   // ids are >= 0: sorts by id
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
            System.arraycopy(pieces.get(fromPiece[src]).rows(), fromRow[src] * d, rows, i * d, d);
        }
        return new Piece(false, ids, rows);
    }

    /**
     * Splits a table held by one partition into pieces by destination partition: {@code dest[i]} for row i.
     */
    static void split(boolean output, int[] ids, float[] rows, int[] dest, int partitions, int d,
                      List<Tuple2<Integer, Piece>> sink) {
        int[] sizes = new int[partitions];
        for (int p : dest) {
            sizes[p]++;
        }
        int[][] pIds = new int[partitions][];
        float[][] pRows = new float[partitions][];
        for (int p = 0; p < partitions; p++) {
            pIds[p] = new int[sizes[p]];
            pRows[p] = new float[sizes[p] * d];
        }
        int[] fill = new int[partitions];
        for (int i = 0; i < ids.length; i++) {
            int p = dest[i];
            int f = fill[p]++;
            pIds[p][f] = ids[i];
            System.arraycopy(rows, i * d, pRows[p], f * d, d);
        }
        for (int p = 0; p < partitions; p++) {
            if (sizes[p] > 0) {
                sink.add(new Tuple2<>(p, new Piece(output, pIds[p], pRows[p])));
            }
        }
    }
}
