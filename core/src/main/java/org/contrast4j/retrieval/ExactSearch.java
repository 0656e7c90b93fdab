package org.contrast4j.retrieval;

import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * Exact (brute-force) top-k search: for each query q_i (row of Q, B×D) the k corpus rows c_j (rows of C, M×D) with
 * the highest score s(q_i, c_j), best first, equal scores ordered by ascending corpus row. The score is
 * {@link Similarity#COSINE} ⟨q̂, ĉ⟩ (rows normalised once, into copies, as {@code F.normalize}) or
 * {@link Similarity#DOT} ⟨q, c⟩.
 *
 * <p>Tiled: blocks of queries × blocks of corpus rows go through one GEMM each ({@link Kernels#gemm}: OpenBLAS, the
 * Vector API or plain loops), on {@link #threads()} worker threads (each GEMM then single-threaded), and each
 * query keeps a bounded heap of its k best. Memory is O((B + M)·D + B·k) — the B×M score matrix is never formed —
 * and time is 2·B·M·D flops at the kernel's GEMM rate. Every score is computed once; ranks, exclusions and the
 * metrics and miners built on this class all read that one float, so an item can never lose to itself through a
 * second, differently rounded computation.
 *
 * <p>This is the reference an approximate index (HNSW, IVF) is measured against.
 * <pre>{@code
 * TopK top = ExactSearch.of(Similarity.COSINE).search(queries, corpus, 10);
 * int best = top.id(0, 0);
 * }</pre>
 * Immutable and thread-safe.
 */
public final class ExactSearch {
    private final Similarity similarity;
    private final int threads;

    private ExactSearch(Similarity similarity, int threads) {
        this.similarity = similarity;
        this.threads = threads;
    }

    /** A search with {@code similarity} on one worker thread per available processor. */
    public static ExactSearch of(Similarity similarity) {
        return new ExactSearch(Checks.notNull(similarity, "similarity"), Runtime.getRuntime().availableProcessors());
    }

    /** The same search on {@code threads} worker threads (≥ 1). */
    public ExactSearch withThreads(int threads) {
        return new ExactSearch(similarity, Checks.atLeast(threads, 1, "threads"));
    }

    public Similarity similarity() {
        return similarity;
    }

    public int threads() {
        return threads;
    }

    /**
     * The k best corpus rows of every query.
     *
     * @param queries B×D, finite
     * @param corpus M×D, M ≥ 1, finite
     * @param k 1 ≤ k ≤ M
     * @throws IllegalArgumentException on differing D, a non-finite entry, or k outside [1, M]
     */
    public TopK search(Matrix queries, Matrix corpus, int k) {
        return search(queries, corpus, k, null);
    }

    /**
     * The k best corpus rows of every query, never returning a row listed in {@code exclude[i]} for query i (for
     * example the query itself when the corpus is the query set, or rows already known). {@code exclude} may be
     * null, and so may any of its rows. A query left with fewer than k candidates is padded with id −1, score NaN.
     *
     * @throws IllegalArgumentException as {@link #search(Matrix, Matrix, int)}, or if {@code exclude} does not have
     *     B rows or names a row outside [0, M)
     */
    public TopK search(Matrix queries, Matrix corpus, int k, int[][] exclude) {
        Prepared p = prepare(queries, corpus, k);
        int[][] ex = exclusions(exclude, queries.rows(), corpus.rows(), "exclude");
        TopKEngine.Raw raw = run(p, k, ex, null);
        return new TopK(queries.rows(), k, corpus.rows(), raw.ids(), raw.scores(), raw.found());
    }

    /** Validated inputs, prepared for the similarity (normalised copies for COSINE, the inputs for DOT). */
    record Prepared(Matrix queries, Matrix corpus) {
    }

    Prepared prepare(Matrix queries, Matrix corpus, int k) {
        Checks.finite(queries, "queries");
        Checks.finite(corpus, "corpus");
        Checks.argument(queries.cols() == corpus.cols(),
                "queries and corpus must have the same dimension D: queries is %s, corpus is %s", queries.shape(),
                corpus.shape());
        Checks.argument(corpus.cols() >= 1, "the dimension D must be >= 1, corpus is %s", corpus.shape());
        Checks.argument(corpus.rows() >= 1, "corpus must have at least 1 row, is %s", corpus.shape());
        Checks.argument(k >= 1 && k <= corpus.rows(), "k must be in [1, %d] (the corpus rows), was %d",
                corpus.rows(), k);
        Checks.product(queries.rows(), k, "the top-k result", 8);
        return new Prepared(similarity.prepare(queries), similarity.prepare(corpus));
    }

    TopKEngine.Raw run(Prepared p, int k, int[][] exclude, int[][] capture) {
        return TopKEngine.run(p.queries().data(), p.queries().rows(), p.corpus().data(), p.corpus().rows(),
                p.corpus().cols(), k, exclude, capture, threads, TopKEngine.QUERY_BLOCK, TopKEngine.CORPUS_BLOCK);
    }

    /** Per-query sorted distinct rows, checked; null stays null. */
    static int[][] exclusions(int[][] rows, int b, int m, String name) {
        if (rows == null) {
            return null;
        }
        Checks.argument(rows.length == b, "%s must have one row per query: %d rows for %d queries", name,
                rows.length, b);
        int[][] out = new int[b][];
        for (int i = 0; i < b; i++) {
            out[i] = TopKEngine.sortedDistinct(rows[i], m, name + "[" + i + "]");
        }
        return out;
    }
}
