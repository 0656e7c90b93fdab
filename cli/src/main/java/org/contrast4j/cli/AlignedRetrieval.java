package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.lucene.VectorIndex;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Collapse;
import org.contrast4j.metric.Uniformity;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.Qrels;
import org.contrast4j.retrieval.ReciprocalRankFusion;
import org.contrast4j.retrieval.RetrievalEvaluation;
import org.contrast4j.retrieval.RetrievalMetric;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;

/**
 * The evaluation harness of aligned-text retrieval (a bitext-mining task, as MTEB's BibleNLP): query i is a text in
 * the source language, the corpus is every text of the target side, and its only relevant row is row i (its
 * translation). Rankings of depth {@link #DEPTH} are evaluated with core's {@link RetrievalEvaluation} against those
 * one-to-one {@link Qrels}: recall@1, recall@10, MRR@10, nDCG@10 and the recall@k curve.
 *
 * <p>Every ranking reads one score per (query, row) pair and breaks equal scores by ascending corpus row, never by
 * relevance: {@link ExactSearch} for dense retrieval (one GEMM score per pair; the gold row is never rescored another
 * way), Lucene's BM25 (document id = row), reciprocal-rank fusion (exact ties to the lower row). A BM25 query that
 * shares no term with any row retrieves nothing and counts as a miss, not as a win of the tie among all rows.
 *
 * <p>Methods: {@link #bm25} (Lucene, k1 = 1.2, b = 0.75), {@link #dense} (exact cosine search over embeddings),
 * {@link #hybrid} (RRF, Cormack et al. 2009, of BM25 and dense rankings of depth {@link #DEPTH}, rank constant 60 as
 * OpenSearch/Elasticsearch); {@link #hnswRecall} measures Lucene's HNSW against exact search on the same embeddings,
 * and {@link #geometry} the alignment and uniformity (Wang &amp; Isola 2020) and effective rank (Roy &amp; Vetterli
 * 2007) of the two towers.
 */
final class AlignedRetrieval {
    /** Ranking depth: the recall@k curve runs to it and RRF fuses lists this deep. */
    static final int DEPTH = 100;
    /** The cutoffs of the recall@k curve. */
    static final int[] CURVE = {1, 2, 3, 5, 10, 20, 30, 50, 100};
    /** HNSW recall is measured at this k. */
    static final int HNSW_K = 10;

    /** One evaluated ranking: the table's four metrics and the recall@k curve at {@link #CURVE}. */
    record Scores(String method, double recall1, double recall10, double mrr10, double ndcg10, double[] recallCurve,
                  TopK ranking) {
        static Scores of(String method, TopK ranking, Qrels qrels) {
            RetrievalEvaluation e = RetrievalEvaluation.of(ranking, qrels);
            int depth = Math.min(ranking.k(), DEPTH);
            double[] curve = new double[CURVE.length];
            for (int i = 0; i < CURVE.length; i++) {
                curve[i] = CURVE[i] <= depth ? e.mean(RetrievalMetric.RECALL, CURVE[i]) : Double.NaN;
            }
            return new Scores(method, e.mean(RetrievalMetric.RECALL, 1), e.mean(RetrievalMetric.RECALL, 10),
                    e.mean(RetrievalMetric.MRR, 10), e.mean(RetrievalMetric.NDCG, 10), curve, ranking);
        }
    }

    /**
     * The geometry of a pair of towers on the test texts: alignment of the aligned pairs (query row i with corpus
     * row i, normalised, α = 2), uniformity (t = 2, normalised) and effective rank (normalised rows) of each tower.
     */
    record Geometry(double alignment, double uniformityQueries, double uniformityCorpus, double rankQueries,
                    double rankCorpus) {
    }

    private final String task;
    private final List<String> queries;
    private final List<String> corpus;
    private final Qrels qrels;

    /**
     * A task over aligned texts: {@code queries.get(i)}'s only relevant corpus row is {@code corpus.get(i)}.
     *
     * @throws IllegalArgumentException if the two lists differ in size or have fewer than two rows
     */
    AlignedRetrieval(String task, List<String> queries, List<String> corpus) {
        if (queries.size() != corpus.size() || queries.size() < 2) {
            throw new IllegalArgumentException(task + ": " + queries.size() + " queries for " + corpus.size()
                    + " corpus rows; aligned retrieval needs the same number, at least 2");
        }
        this.task = task;
        this.queries = List.copyOf(queries);
        this.corpus = List.copyOf(corpus);
        this.qrels = identity(queries.size());
    }

    /** Qrels where query i's only relevant row is row i (grade 1). */
    static Qrels identity(int n) {
        Qrels.Builder b = Qrels.builder(n, n);
        for (int i = 0; i < n; i++) {
            b.add(i, i, 1);
        }
        return b.build();
    }

    String task() {
        return task;
    }

    int size() {
        return queries.size();
    }

    List<String> queries() {
        return queries;
    }

    List<String> corpus() {
        return corpus;
    }

    Qrels qrels() {
        return qrels;
    }

    /** The depth of every ranking: {@link #DEPTH}, or the corpus size when smaller. */
    int depth() {
        return Math.min(DEPTH, corpus.size());
    }

    /** Evaluates a ranking of this task's queries over its corpus. */
    Scores evaluate(String method, TopK ranking) {
        if (ranking.queries() != size() || ranking.corpusSize() != size()) {
            throw new IllegalArgumentException(task + " " + method + ": the ranking has " + ranking.queries()
                    + " queries over " + ranking.corpusSize() + " rows, the task " + size() + " over " + size());
        }
        return Scores.of(method, ranking, qrels);
    }

    /** BM25 over the corpus texts (a Lucene index written in a temporary directory under {@code work}). */
    TopK bm25(Path work) throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(work), "bm25-");
        try {
            VectorIndex.writer().texts(corpus).write(dir);
            try (VectorIndex index = VectorIndex.open(dir)) {
                return index.bm25(queries, depth());
            }
        } finally {
            delete(dir);
        }
    }

    /** Exact cosine search of the query embeddings over the corpus embeddings (row i = text i of each side). */
    TopK dense(Matrix queryEmbeddings, Matrix corpusEmbeddings) {
        checkRows(queryEmbeddings, corpusEmbeddings);
        return ExactSearch.of(Similarity.COSINE).search(queryEmbeddings, corpusEmbeddings, depth());
    }

    /** Reciprocal-rank fusion (rank constant 60) of the given rankings, to this task's depth. */
    TopK hybrid(TopK... rankings) {
        return ReciprocalRankFusion.fuse(List.of(rankings), depth());
    }

    /**
     * Recall@{@link #HNSW_K} of Lucene's HNSW (M = 16, beam 100, candidates = k) against exact cosine search on the
     * same corpus embeddings: the fraction of the exact top 10 the graph search finds, averaged over queries.
     */
    double hnswRecall(Matrix queryEmbeddings, Matrix corpusEmbeddings, Path work) throws IOException {
        checkRows(queryEmbeddings, corpusEmbeddings);
        int k = Math.min(HNSW_K, corpus.size());
        Path dir = Files.createTempDirectory(Files.createDirectories(work), "hnsw-");
        try {
            VectorIndex.writer().similarity(Similarity.COSINE).vectors(corpusEmbeddings).write(dir);
            try (VectorIndex index = VectorIndex.open(dir)) {
                TopK approximate = index.search(queryEmbeddings, k);
                TopK exact = ExactSearch.of(Similarity.COSINE).search(queryEmbeddings, corpusEmbeddings, k);
                return VectorIndex.recall(approximate, exact);
            }
        } finally {
            delete(dir);
        }
    }

    /** Alignment, uniformity and effective rank of the two towers' embeddings of this task's texts. */
    Geometry geometry(Matrix queryEmbeddings, Matrix corpusEmbeddings) {
        checkRows(queryEmbeddings, corpusEmbeddings);
        return new Geometry(Alignment.of(queryEmbeddings, corpusEmbeddings), Uniformity.of(queryEmbeddings),
                Uniformity.of(corpusEmbeddings), Collapse.of(queryEmbeddings, true).effectiveRank(),
                Collapse.of(corpusEmbeddings, true).effectiveRank());
    }

    private void checkRows(Matrix q, Matrix c) {
        if (q.rows() != size() || c.rows() != size() || q.cols() != c.cols()) {
            throw new IllegalArgumentException(task + ": embeddings " + q.shape() + " and " + c.shape() + " for "
                    + size() + " aligned texts");
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
