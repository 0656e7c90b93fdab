package org.contrast4j.retrieval;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.contrast4j.linalg.Kernels;

/**
 * The tiled exact top-k search every public class of this package runs on. Queries are cut into blocks of
 * {@code queryBlock} rows; a worker takes one block at a time and walks the corpus in blocks of {@code corpusBlock}
 * rows, in ascending row order: one GEMM (Q_block · C_blockᵀ, {@link Kernels#gemm}) fills a tile of scores, and each
 * query's bounded heap of its k best so far absorbs the tile row. The B×M score matrix never exists: memory is the
 * inputs, one tile per worker and B·k results.
 *
 * <p>Every (query, corpus row) score is computed exactly once, in one tile; every decision (rank, exclusion,
 * captured score of a positive) reads that one float. Order: score descending, equal scores by ascending corpus
 * row. Because the corpus is walked in ascending row order, a later row enters a full heap only with a strictly
 * greater score than the current worst.
 */
final class TopKEngine {
    static final int QUERY_BLOCK = 512;
    static final int CORPUS_BLOCK = 1024;

    /** Row-major B×k ids (−1 past {@code found}) and scores (NaN past {@code found}); captured scores per query. */
    record Raw(int[] ids, float[] scores, int[] found, float[][] captured) {
    }

    private TopKEngine() {
    }

    /**
     * @param q B×D queries, row-major (already prepared for the similarity)
     * @param c M×D corpus rows, row-major (already prepared)
     * @param exclude per query, sorted distinct corpus rows never returned (null: none)
     * @param capture per query, sorted distinct corpus rows whose scores are recorded (null: none)
     */
    static Raw run(float[] q, int b, float[] c, int m, int d, int k, int[][] exclude, int[][] capture,
                   int threads, int queryBlock, int corpusBlock) {
        int[] ids = new int[Math.multiplyExact(b, k)];
        float[] scores = new float[ids.length];
        int[] found = new int[b];
        float[][] captured = capture == null ? null : new float[b][];
        if (capture != null) {
            for (int i = 0; i < b; i++) {
                captured[i] = new float[capture[i] == null ? 0 : capture[i].length];
                Arrays.fill(captured[i], Float.NaN);
            }
        }
        int blocks = (b + queryBlock - 1) / queryBlock;
        int workers = Math.max(1, Math.min(threads, blocks));
        AtomicInteger next = new AtomicInteger();
        Thread caller = Thread.currentThread();
        Runnable body = () -> {
            float[] tile = new float[queryBlock * Math.min(corpusBlock, Math.max(m, 1))];
            for (int blk = next.getAndIncrement(); blk < blocks; blk = next.getAndIncrement()) {
                if (caller.isInterrupted() || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("the exact top-k search was interrupted");
                }
                int q0 = blk * queryBlock;
                int q1 = Math.min(b, q0 + queryBlock);
                block(q, q0, q1, c, m, d, k, exclude, capture, tile, corpusBlock, ids, scores, found, captured);
            }
        };
        if (workers == 1) {
            body.run();
        } else {
            runWorkers(body, workers, next, blocks);
        }
        return new Raw(ids, scores, found, captured);
    }

    private static void runWorkers(Runnable body, int workers, AtomicInteger next, int blocks) {
        Throwable[] failures = new Throwable[workers];
        Thread[] others = new Thread[workers - 1];
        try (Kernels.Scope ignored = Kernels.singleThreadedCalls()) {
            for (int w = 1; w < workers; w++) {
                int worker = w;
                others[w - 1] = Thread.ofPlatform().daemon().name("contrast4j-search-" + w).unstarted(() -> {
                    try {
                        body.run();
                    } catch (Throwable t) {
                        failures[worker] = t;
                        next.set(blocks);  // the others stop after their current block
                    }
                });
                others[w - 1].start();
            }
            try {
                body.run();
            } catch (Throwable t) {
                failures[0] = t;
                next.set(blocks);
            }
            boolean interrupted = false;
            for (Thread t : others) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        next.set(blocks);
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                throw new CancellationException("the exact top-k search was interrupted");
            }
        }
        for (Throwable t : failures) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** One block of queries [q0, q1) against the whole corpus. */
    private static void block(float[] q, int q0, int q1, float[] c, int m, int d, int k, int[][] exclude,
                              int[][] capture, float[] tile, int corpusBlock, int[] ids, float[] scores,
                              int[] found, float[][] captured) {
        int n = q1 - q0;
        int[] size = new int[n];
        int[] capAt = new int[n];
        for (int c0 = 0; c0 < m; c0 += corpusBlock) {
            int w = Math.min(corpusBlock, m - c0);
            Kernels.gemm(false, true, n, w, d, 1f, q, q0 * d, Math.max(d, 1), c, c0 * d, Math.max(d, 1),
                    0f, tile, 0, w);
            for (int r = 0; r < n; r++) {
                int qi = q0 + r;
                int off = qi * k;
                int base = r * w;
                int sz = size[r];
                int[] ex = exclude == null ? null : exclude[qi];
                if (ex != null && ex.length == 0) {
                    ex = null;
                }
                float thr = sz == k ? scores[off] : Float.NEGATIVE_INFINITY;
                for (int j = 0; j < w; j++) {
                    float s = tile[base + j];
                    if (s >= thr) {  // NaN never passes
                        int id = c0 + j;
                        if (sz == k && s == thr && id > ids[off]) {
                            continue;  // an equal score at a higher row loses
                        }
                        if (ex != null && Arrays.binarySearch(ex, id) >= 0) {
                            continue;
                        }
                        if (sz < k) {
                            siftUp(scores, ids, off, sz, s, id);
                            sz++;
                            if (sz == k) {
                                thr = scores[off];
                            }
                        } else {
                            siftDown(scores, ids, off, k, s, id);
                            thr = scores[off];
                        }
                    }
                }
                size[r] = sz;
                if (capture != null && capture[qi] != null) {
                    int[] cap = capture[qi];
                    int at = capAt[r];
                    while (at < cap.length && cap[at] < c0 + w) {
                        captured[qi][at] = tile[base + cap[at] - c0];
                        at++;
                    }
                    capAt[r] = at;
                }
            }
        }
        for (int r = 0; r < n; r++) {
            int qi = q0 + r;
            int off = qi * k;
            int sz = size[r];
            // heap sort: pop the worst to the end, leaving best → worst
            for (int end = sz - 1; end > 0; end--) {
                float s = scores[off + end];
                int id = ids[off + end];
                scores[off + end] = scores[off];
                ids[off + end] = ids[off];
                siftDown(scores, ids, off, end, s, id);
            }
            for (int i = sz; i < k; i++) {
                ids[off + i] = -1;
                scores[off + i] = Float.NaN;
            }
            found[qi] = sz;
        }
    }

    /** Whether (s1, id1) ranks below (s2, id2): a lower score, or an equal score at a higher row. */
    private static boolean worse(float s1, int id1, float s2, int id2) {
        return s1 < s2 || (s1 == s2 && id1 > id2);
    }

    /** Inserts (s, id) into the min-heap (root = worst) of {@code size} entries at {@code off}. */
    private static void siftUp(float[] hs, int[] hi, int off, int size, float s, int id) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(s, id, hs[off + parent], hi[off + parent])) {
                break;
            }
            hs[off + i] = hs[off + parent];
            hi[off + i] = hi[off + parent];
            i = parent;
        }
        hs[off + i] = s;
        hi[off + i] = id;
    }

    /** Replaces the root of the heap of {@code size} entries by (s, id) and restores the heap. */
    private static void siftDown(float[] hs, int[] hi, int off, int size, float s, int id) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && worse(hs[off + right], hi[off + right], hs[off + child], hi[off + child])) {
                child = right;
            }
            if (!worse(hs[off + child], hi[off + child], s, id)) {
                break;
            }
            hs[off + i] = hs[off + child];
            hi[off + i] = hi[off + child];
            i = child;
        }
        hs[off + i] = s;
        hi[off + i] = id;
    }

    /** A sorted copy of the distinct values of {@code rows}, each checked to lie in [0, m). */
    static int[] sortedDistinct(int[] rows, int m, String what) {
        if (rows == null) {
            return null;
        }
        int[] s = rows.clone();
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0 || s[i] >= m) {
                throw new IllegalArgumentException(what + " contains corpus row " + s[i] + ", outside [0, " + m
                        + ")");
            }
            if (n == 0 || s[n - 1] != s[i]) {
                s[n++] = s[i];
            }
        }
        return n == s.length ? s : Arrays.copyOf(s, n);
    }
}
