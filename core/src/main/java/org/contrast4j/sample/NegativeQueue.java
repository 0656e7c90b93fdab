package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import java.util.Optional;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;

/**
 * The negative queue of MoCo (He, Fan, Wu, Xie &amp; Girshick 2020, "Momentum Contrast for Unsupervised Visual
 * Representation Learning"): a first-in-first-out store of the K most recent keys (K×D, typically the momentum
 * encoder's outputs of past batches), used as negatives shared by every anchor, so the number of negatives is
 * decoupled from the batch size.
 *
 * <p>{@link #enqueue(Matrix)} appends keys and evicts the oldest once K are held; a batch larger than K leaves only
 * its last K rows. The queue starts empty (MoCo starts from K random unit vectors; enqueue such keys first to do the
 * same) and {@link #keys()} returns the keys held so far, <b>oldest first</b> (row 0 is the next to be evicted).
 *
 * <p><b>Labels</b> (a queue made by {@link #labelled(int, int)}): every enqueued key carries a class label, and
 * {@link #batch(Matrix, Matrix, long[])} passes them as the labels of the shared negatives, so
 * {@link org.contrast4j.loss.InfoNce} removes the queue entries with anchor i's label from anchor i's candidates
 * (same-class keys are false negatives). An anchor left with no negative at all is an error from the loss.
 *
 * <p>Typical step, as MoCo: compute the loss on {@code queue.batch(queries, keys, labels)}, then
 * {@code queue.enqueue(keys, labels)}. The loss reports a gradient for the queue's rows too; MoCo treats the queue as
 * constant, so ignore it. Note that {@link org.contrast4j.loss.InfoNce} also scores each anchor against the other
 * in-batch keys, which MoCo v1's loss (own key and queue only) does not.
 *
 * <p>Mutable and not thread-safe. Bad input → {@link IllegalArgumentException} naming the sizes or the offending
 * entry, and a rejected call leaves the queue unchanged.
 */
public final class NegativeQueue {
    private final int capacity;
    private final int dimension;
    private final float[] ring;
    private final long[] ringLabels;
    private int head;      // where the next key is written; once full, also the oldest key
    private int size;
    private long enqueued;

    private NegativeQueue(int capacity, int dimension, boolean labelled) {
        Checks.atLeast(capacity, 1, "queue capacity K");
        Checks.atLeast(dimension, 1, "queue dimension D");
        long cells = (long) capacity * dimension;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a queue of K×D = " + capacity + "×" + dimension
                    + " holds more than 2^31 values");
        }
        this.capacity = capacity;
        this.dimension = dimension;
        this.ring = new float[(int) cells];
        this.ringLabels = labelled ? new long[capacity] : null;
    }

    /** An empty queue of at most K keys of dimension D, without labels. */
    public static NegativeQueue of(int capacity, int dimension) {
        return new NegativeQueue(capacity, dimension, false);
    }

    /** An empty queue of at most K labelled keys of dimension D; enqueue with {@link #enqueue(Matrix, long[])}. */
    public static NegativeQueue labelled(int capacity, int dimension) {
        return new NegativeQueue(capacity, dimension, true);
    }

    /**
     * Appends the rows of {@code keys} (B×D), oldest evicted first (unlabelled queues only).
     *
     * @throws IllegalArgumentException if the queue is labelled, D differs or an entry is NaN or infinite
     */
    public void enqueue(Matrix keys) {
        if (ringLabels != null) {
            throw new IllegalArgumentException("this queue is labelled: enqueue(keys, labels) needs one label per key");
        }
        push(keys, null);
    }

    /**
     * Appends the rows of {@code keys} (B×D) with their B labels, oldest evicted first (labelled queues only).
     *
     * @throws IllegalArgumentException if the queue is unlabelled, D differs, the label count is not B or an entry
     *                                  is NaN or infinite
     */
    public void enqueue(Matrix keys, long[] labels) {
        if (ringLabels == null) {
            throw new IllegalArgumentException("this queue has no labels (made by NegativeQueue.of): enqueue keys "
                    + "alone, or make a NegativeQueue.labelled queue");
        }
        Checks.notNull(labels, "labels (of a labelled queue)");
        push(keys, labels);
    }

    private void push(Matrix keys, long[] labels) {
        Checks.notNull(keys, "keys");
        if (keys.cols() != dimension) {
            throw new IllegalArgumentException("keys have dimension " + keys.cols() + " but the queue holds dimension "
                    + dimension + " (keys " + keys.shape() + ")");
        }
        int b = keys.rows();
        if (labels != null && labels.length != b) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries but keys has " + b + " rows");
        }
        float[] x = keys.data();
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("keys[" + i / dimension + ", " + i % dimension + "] is " + x[i]
                        + ": keys must be finite");
            }
        }
        for (int r = Math.max(0, b - capacity); r < b; r++) {
            System.arraycopy(x, r * dimension, ring, head * dimension, dimension);
            if (labels != null) {
                ringLabels[head] = labels[r];
            }
            head = head + 1 == capacity ? 0 : head + 1;
        }
        size = (int) Math.min(capacity, (long) size + b);
        enqueued += b;
    }

    /** K, the most keys held. */
    public int capacity() {
        return capacity;
    }

    /** D. */
    public int dimension() {
        return dimension;
    }

    /** How many keys are held now (≤ K). */
    public int size() {
        return size;
    }

    /** Whether K keys are held. */
    public boolean isFull() {
        return size == capacity;
    }

    /** Whether the keys carry labels. */
    public boolean isLabelled() {
        return ringLabels != null;
    }

    /** How many keys were ever enqueued. */
    public long enqueued() {
        return enqueued;
    }

    /** A copy of the keys held, size×D, oldest first. */
    public Matrix keys() {
        float[] out = new float[size * dimension];
        int start = oldest();
        int first = Math.min(size, capacity - start);
        System.arraycopy(ring, start * dimension, out, 0, first * dimension);
        System.arraycopy(ring, 0, out, first * dimension, (size - first) * dimension);
        return Matrix.of(size, dimension, out);
    }

    /** A copy of the labels of the keys held, oldest first, if the queue is labelled. */
    public Optional<long[]> labels() {
        if (ringLabels == null) {
            return Optional.empty();
        }
        long[] out = new long[size];
        int start = oldest();
        for (int i = 0; i < size; i++) {
            out[i] = ringLabels[(start + i) % capacity];
        }
        return Optional.of(out);
    }

    private int oldest() {
        return size < capacity ? 0 : head;
    }

    /**
     * A batch of anchors and positives (N×D) with the queue's keys as shared negatives; no labels, so no masking.
     *
     * @throws IllegalArgumentException if the queue is empty, or as {@link Batch.Builder#build()}
     */
    public Batch batch(Matrix anchors, Matrix positives) {
        requireKeys();
        return Batch.builder(anchors).positives(positives).sharedNegatives(keys()).build();
    }

    /**
     * A batch of anchors and positives (N×D) with N labels and the queue's keys as shared negatives. A labelled queue
     * passes its labels along, so InfoNCE masks the queue entries with each anchor's label; an unlabelled queue's
     * keys are always negatives (the labels then mask in-batch candidates only).
     *
     * @throws IllegalArgumentException if the queue is empty, labels is null, or as {@link Batch.Builder#build()}
     */
    public Batch batch(Matrix anchors, Matrix positives, long[] labels) {
        requireKeys();
        Checks.notNull(labels, "labels (use batch(anchors, positives) for none)");
        return Batch.builder(anchors).positives(positives).labels(labels)
                .sharedNegatives(keys(), labels().orElse(null)).build();
    }

    private void requireKeys() {
        if (size == 0) {
            throw new IllegalArgumentException("the queue is empty: enqueue keys before using it as negatives");
        }
    }

    @Override
    public String toString() {
        return "NegativeQueue{K=" + capacity + ", D=" + dimension + ", size=" + size
                + (ringLabels != null ? ", labelled" : "") + "}";
    }
}
