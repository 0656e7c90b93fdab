package org.contrast4j.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.junit.jupiter.api.Test;

class NegativeQueueTest {

    /** Rows whose entries encode their id: row r of id x is (x, x + 0.5, …) so order is visible. */
    static Matrix keys(int firstId, int rows, int d) {
        float[] data = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                data[r * d + j] = firstId + r + 0.5f * j;
            }
        }
        return Matrix.of(rows, d, data);
    }

    static long[] labels(int firstId, int rows) {
        long[] l = new long[rows];
        for (int r = 0; r < rows; r++) {
            l[r] = 1000 + firstId + r;
        }
        return l;
    }

    /** The ids held, read back from the keys (column 0), oldest first. */
    static int[] ids(NegativeQueue q) {
        Matrix k = q.keys();
        assertEquals(q.dimension(), k.cols());
        int[] ids = new int[k.rows()];
        for (int r = 0; r < k.rows(); r++) {
            ids[r] = (int) k.get(r, 0);
            for (int j = 0; j < k.cols(); j++) {
                assertEquals(ids[r] + 0.5f * j, k.get(r, j), "row " + r + " col " + j);
            }
        }
        return ids;
    }

    @Test
    void fifoOrderAndWrapAround() {
        NegativeQueue q = NegativeQueue.labelled(5, 3);
        assertEquals(0, q.size());
        assertEquals(0, q.keys().rows());
        assertArrayEquals(new long[0], q.labels().orElseThrow());
        q.enqueue(keys(0, 3, 3), labels(0, 3));
        assertArrayEquals(new int[] {0, 1, 2}, ids(q));
        assertFalse(q.isFull());
        q.enqueue(keys(3, 3, 3), labels(3, 3));          // wraps: 0 evicted
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, ids(q));
        assertArrayEquals(new long[] {1001, 1002, 1003, 1004, 1005}, q.labels().orElseThrow());
        assertTrue(q.isFull());
        q.enqueue(keys(6, 3, 3), labels(6, 3));
        assertArrayEquals(new int[] {4, 5, 6, 7, 8}, ids(q));
        assertArrayEquals(new long[] {1004, 1005, 1006, 1007, 1008}, q.labels().orElseThrow());
        q.enqueue(keys(9, 0, 3), new long[0]);           // nothing to add
        assertArrayEquals(new int[] {4, 5, 6, 7, 8}, ids(q));
        q.enqueue(keys(20, 7, 3), labels(20, 7));        // more than K: only the last K stay
        assertArrayEquals(new int[] {22, 23, 24, 25, 26}, ids(q));
        assertArrayEquals(new long[] {1022, 1023, 1024, 1025, 1026}, q.labels().orElseThrow());
        q.enqueue(keys(30, 5, 3), labels(30, 5));        // exactly K
        assertArrayEquals(new int[] {30, 31, 32, 33, 34}, ids(q));
        assertEquals(9 + 7 + 5, q.enqueued());
        assertEquals(5, q.capacity());
        assertTrue(q.isLabelled());
        assertEquals("NegativeQueue{K=5, D=3, size=5, labelled}", q.toString());
    }

    @Test
    void matchesADequeModelUnderRandomEnqueues() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int capacity : new int[] {1, 4, 7, 16}) {
            NegativeQueue q = NegativeQueue.of(capacity, 2);
            ArrayDeque<Integer> model = new ArrayDeque<>();
            int next = 0;
            for (int step = 0; step < 300; step++) {
                int b = rnd.nextInt(0, 2 * capacity + 2);
                q.enqueue(keys(next, b, 2));
                for (int r = 0; r < b; r++) {
                    model.addLast(next + r);
                    if (model.size() > capacity) {
                        model.removeFirst();
                    }
                }
                next += b;
                assertArrayEquals(model.stream().mapToInt(Integer::intValue).toArray(), ids(q),
                        "K=" + capacity + " step " + step);
                assertEquals(model.size(), q.size());
            }
            assertTrue(q.labels().isEmpty());
            assertFalse(q.isLabelled());
        }
    }

    @Test
    void keysAreCopiesInBothDirections() {
        NegativeQueue q = NegativeQueue.of(3, 2);
        Matrix in = keys(0, 2, 2);
        q.enqueue(in);
        in.set(0, 0, 99f);                    // the caller's buffer is not held
        Matrix out = q.keys();
        out.set(1, 0, 77f);                   // nor is the returned matrix
        assertArrayEquals(new int[] {0, 1}, ids(q));
    }

    @Test
    void labelledQueueMasksSameLabelEntriesInInfoNce() {
        SplittableRandom rnd = new SplittableRandom(9);
        int d = 4;
        Matrix a = gaussian(rnd, 3, d);
        Matrix p = gaussian(rnd, 3, d);
        Matrix queued = gaussian(rnd, 5, d);
        NegativeQueue q = NegativeQueue.labelled(5, d);
        q.enqueue(queued, new long[] {7, 1, 7, 2, 3});
        InfoNce loss = InfoNce.builder().temperature(0.3).build();
        // every anchor has label 7: entries 0 and 2 are removed for everyone, so the loss is that of a batch whose
        // shared negatives are entries 1, 3, 4 (unlabelled), and entries 0, 2 get no gradient at all
        long[] sevens = {7, 7, 7};
        LossResult masked = loss.compute(q.batch(a, p, sevens));
        Matrix kept = Matrix.fromRows(new float[][] {queued.row(1), queued.row(3), queued.row(4)});
        LossResult reduced = loss.compute(Batch.builder(a).positives(p).labels(sevens).sharedNegatives(kept).build());
        // two float32 computations of the same cosine InfoNCE (D = 4, τ = 0.3, 11 rows): twice the per-row bound
        // (FloatBounds.softmaxRow) and twice the relative gradient bound of the loss tests
        double rowTol = 2 * FloatBounds.softmaxRow(FloatBounds.cosine(d) / 0.3, 1 / 0.3, 3);
        double gradRel = 2 * (d + 2.0 * 11 + 8) * FloatBounds.U * (1 + 1 / 0.3) * 4 * (1 + Math.sqrt(d));
        assertEquals(reduced.value(), masked.value(), rowTol);
        assertArrayEquals(reduced.perRow(), masked.perRow(), rowTol);
        double gradTol = gradRel * FloatBounds.maxAbs(reduced.gradient(Input.ANCHORS).data());
        assertArrayEquals(reduced.gradient(Input.ANCHORS).data(), masked.gradient(Input.ANCHORS).data(),
                (float) gradTol);
        Matrix gq = masked.gradient(Input.NEGATIVES);
        int[] keptRows = {1, 3, 4};
        double negTol = gradRel * FloatBounds.maxAbs(reduced.gradient(Input.NEGATIVES).data());
        for (int j = 0; j < d; j++) {
            // exact by design: a masked entry is never exponentiated and gets no gradient
            assertEquals(0f, gq.get(0, j));
            assertEquals(0f, gq.get(2, j));
            for (int m = 0; m < 3; m++) {
                assertEquals(reduced.gradient(Input.NEGATIVES).get(m, j), gq.get(keptRows[m], j), negTol);
            }
        }
        // an unlabelled batch from the same queue: no masking, every entry is a negative
        Batch plain = q.batch(a, p);
        assertTrue(plain.labels().isEmpty() && plain.negativeLabels().isEmpty());
        assertEquals(5, plain.negatives().orElseThrow().rows());
        // an unlabelled queue with anchor labels: labels mask in-batch candidates only
        NegativeQueue u = NegativeQueue.of(5, d);
        u.enqueue(queued);
        Batch b = u.batch(a, p, sevens);
        assertArrayEquals(sevens, b.labels().orElseThrow());
        assertTrue(b.negativeLabels().isEmpty());
        // an anchor whose label every queue entry and in-batch candidate shares has no negative left
        NegativeQueue all7 = NegativeQueue.labelled(2, d);
        all7.enqueue(gaussian(rnd, 2, d), new long[] {7, 7});
        var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(all7.batch(a, p, sevens)));
        assertEquals("InfoNCE: anchor 0 has no negative: every in-batch candidate and all 2 shared negatives share "
                + "its label 7", e.getMessage());
    }

    static Matrix gaussian(SplittableRandom rnd, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return Matrix.of(rows, cols, x);
    }

    @Test
    void badInputIsRejectedAndLeavesTheQueueUnchanged() {
        var e = assertThrows(IllegalArgumentException.class, () -> NegativeQueue.of(0, 3));
        assertEquals("queue capacity K must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NegativeQueue.labelled(4, 0));
        assertEquals("queue dimension D must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NegativeQueue.of(1 << 20, 1 << 12));
        assertEquals("a queue of K×D = 1048576×4096 holds more than 2^31 values", e.getMessage());

        NegativeQueue q = NegativeQueue.labelled(4, 3);
        q.enqueue(keys(0, 2, 3), labels(0, 2));
        e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(keys(5, 2, 3)));
        assertEquals("this queue is labelled: enqueue(keys, labels) needs one label per key", e.getMessage());
        assertEquals("labels (of a labelled queue) must not be null",
                assertThrows(NullPointerException.class, () -> q.enqueue(keys(5, 2, 3), null)).getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(keys(5, 3, 3), labels(5, 2)));
        assertEquals("labels has 2 entries but keys has 3 rows", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(keys(5, 2, 4), labels(5, 2)));
        assertEquals("keys have dimension 4 but the queue holds dimension 3 (keys 2×4)", e.getMessage());
        assertEquals("keys must not be null",
                assertThrows(NullPointerException.class, () -> q.enqueue(null, labels(5, 2))).getMessage());
        Matrix bad = keys(5, 3, 3);
        bad.set(2, 1, Float.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(bad, labels(5, 3)));
        assertEquals("keys[2, 1] is NaN: keys must be finite", e.getMessage());
        bad.set(2, 1, Float.NEGATIVE_INFINITY);
        e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(bad, labels(5, 3)));
        assertEquals("keys[2, 1] is -Infinity: keys must be finite", e.getMessage());
        // nothing of the rejected calls got in
        assertArrayEquals(new int[] {0, 1}, ids(q));
        assertArrayEquals(new long[] {1000, 1001}, q.labels().orElseThrow());
        assertEquals(2, q.enqueued());

        NegativeQueue u = NegativeQueue.of(4, 3);
        e = assertThrows(IllegalArgumentException.class, () -> u.enqueue(keys(0, 2, 3), labels(0, 2)));
        assertEquals("this queue has no labels (made by NegativeQueue.of): enqueue keys alone, or make a "
                + "NegativeQueue.labelled queue", e.getMessage());
        Matrix a = keys(0, 2, 3);
        e = assertThrows(IllegalArgumentException.class, () -> u.batch(a, a));
        assertEquals("the queue is empty: enqueue keys before using it as negatives", e.getMessage());
        u.enqueue(keys(0, 2, 3));
        assertEquals("labels (use batch(anchors, positives) for none) must not be null",
                assertThrows(NullPointerException.class, () -> u.batch(a, a, null)).getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> u.batch(a, keys(0, 2, 4)));
        assertEquals("positives is 2×4 but anchors is 2×3: they must have the same shape", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> q.batch(keys(0, 2, 5), keys(0, 2, 5), new long[2]));
        assertEquals("negatives have dimension 3 but anchors have dimension 5 (negatives 2×3, anchors 2×5)",
                e.getMessage());
    }
}
