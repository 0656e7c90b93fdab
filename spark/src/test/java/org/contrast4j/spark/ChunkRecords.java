package org.contrast4j.spark;

/**
 * A pair chunk ({@link Blocks.Chunk}) read and written as records {@code (long) context << 32 | center}, the first
 * record of every group flagged {@link #GROUP_START}: the form the tests state their expectations in.
 */
final class ChunkRecords {
    /** The flag (the sign bit) of a record that starts a group (one window's pairs of one input block). */
    static final long GROUP_START = Long.MIN_VALUE;

    private ChunkRecords() {
    }

    /** The input (context) word of a record (its high half, without the {@link #GROUP_START} flag). */
    static int input(long record) {
        return (int) ((record >>> 32) & 0x7FFF_FFFFL);
    }

    /** The output (center) word of a record (its low half). */
    static int output(long record) {
        return (int) record;
    }

    /** The pairs of chunk {@code c} as records, in order. */
    static long[] records(int[] c) {
        long[] out = new long[Blocks.Chunk.pairs(c)];
        int n = 0;
        int center = 0;
        boolean first = false;
        for (int i = Blocks.Chunk.groupsFrom(c); i < c.length; i++) {
            if (c[i] < 0) {
                center = ~c[i];
                first = true;
            } else {
                long record = ((long) c[i] << 32) | (center & 0xFFFFFFFFL);
                out[n++] = first ? record | GROUP_START : record;
                first = false;
            }
        }
        if (n != out.length) {
            throw new IllegalStateException("chunk " + Blocks.Chunk.seq(c) + " of source " + Blocks.Chunk.source(c)
                    + " holds " + n + " pairs, its header says " + out.length);
        }
        return out;
    }

    /**
     * A chunk of the given records (a group starts at every flagged record and at every change of center), no
     * learning-rate marks.
     */
    static int[] chunk(int stratum, int source, int seq, long[] records) {
        int[] body = new int[2 * records.length];
        int n = 0;
        for (int i = 0; i < records.length; i++) {
            if (i == 0 || (records[i] & GROUP_START) != 0 || output(records[i]) != output(records[i - 1])) {
                body[n++] = ~output(records[i]);
            }
            body[n++] = input(records[i]);
        }
        return Blocks.Chunk.of(stratum, source, seq, records.length, new int[0], 0, body, n);
    }
}
