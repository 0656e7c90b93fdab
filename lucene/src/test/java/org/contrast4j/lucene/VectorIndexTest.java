package org.contrast4j.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.Qrels;
import org.contrast4j.retrieval.RetrievalEvaluation;
import org.contrast4j.retrieval.RetrievalMetric;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW search against brute force in double, and the index's own plumbing (rows, ids, stored vectors, metadata,
 * bad inputs). BM25 is in {@link Bm25Test}.
 */
class VectorIndexTest {
    static final double EPS = Math.ulp(1f) / 2;  // 2^-24

    @TempDir
    Path dir;

    static Matrix gaussian(Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Matrix.of(rows, cols, v);
    }

    /** Cosine similarities in double, B×M. */
    static double[][] cosines(Matrix q, Matrix c) {
        double[][] s = new double[q.rows()][c.rows()];
        double[] cn = new double[c.rows()];
        for (int j = 0; j < c.rows(); j++) {
            for (int t = 0; t < c.cols(); t++) {
                cn[j] += (double) c.get(j, t) * c.get(j, t);
            }
            cn[j] = Math.sqrt(cn[j]);
        }
        for (int i = 0; i < q.rows(); i++) {
            double qn = 0;
            for (int t = 0; t < q.cols(); t++) {
                qn += (double) q.get(i, t) * q.get(i, t);
            }
            qn = Math.sqrt(qn);
            for (int j = 0; j < c.rows(); j++) {
                double dot = 0;
                for (int t = 0; t < q.cols(); t++) {
                    dot += (double) q.get(i, t) * c.get(j, t);
                }
                s[i][j] = dot / (qn * cn[j]);
            }
        }
        return s;
    }

    static Integer[] order(double[] row) {
        Integer[] o = new Integer[row.length];
        for (int j = 0; j < o.length; j++) {
            o[j] = j;
        }
        Arrays.sort(o, Comparator.<Integer>comparingDouble(j -> -row[j]).thenComparingInt(j -> j));
        return o;
    }

    /**
     * Error bound of a cosine as the index returns it: the float normalisation of both vectors (≈ 2ε relative per
     * entry, 4ε on the product), the float dot product of D terms (D·ε for unit vectors), and Lucene's (1 + x)/2
     * and our 2s − 1 (2 roundings of ≤ 1, doubled): (D + 8)·ε, times 2 for safety.
     */
    static double bound(int d) {
        return 2 * (d + 8) * EPS;
    }

    @Test
    void hnswRecallAt10AgainstBruteForce() throws IOException {
        Random rnd = new Random(2026);
        int m = 2000;
        int d = 32;
        int b = 200;
        Matrix corpus = gaussian(rnd, m, d);
        Matrix queries = gaussian(rnd, b, d);
        VectorIndex.writer().vectors(corpus).write(dir);
        double[][] ref = cosines(queries, corpus);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals(m, index.size());
            assertEquals(d, index.dimension());
            assertEquals(Similarity.COSINE, index.similarity());
            assertEquals(16, index.maxConnections());
            assertEquals(100, index.beamWidth());
            TopK exact = index.exactSearch(queries, 10, 1);
            for (int candidates : new int[] {10, 100}) {
                TopK hnsw = index.search(queries, 10, candidates);
                int hits = 0;
                for (int i = 0; i < b; i++) {
                    Integer[] o = order(ref[i]);
                    Set<Integer> truth = new HashSet<>(Arrays.asList(o).subList(0, 10));
                    float prev = Float.POSITIVE_INFINITY;
                    for (int r = 0; r < 10; r++) {
                        int row = hnsw.id(i, r);
                        assertTrue(row >= 0, "10 results");
                        hits += truth.contains(row) ? 1 : 0;
                        float s = hnsw.score(i, r);
                        assertEquals(ref[i][row], s, bound(d), "cosine of query " + i + ", row " + row);
                        assertTrue(s <= prev, "ordered");
                        prev = s;
                    }
                }
                double recall = hits / (10.0 * b);
                // the library's recall against ExactSearch agrees with the one against brute force in double (no
                // near-ties at rank 10 with continuous data)
                assertEquals(recall, VectorIndex.recall(hnsw, exact), 1e-12);
                System.out.printf("HNSW 2000×32, M = 16, beam = 100, candidates = %d: recall@10 = %.4f%n",
                        candidates, recall);
                if (candidates == 100) {
                    assertTrue(recall >= 0.95, "recall@10 = " + recall);
                } else {
                    assertTrue(recall >= 0.7, "recall@10 = " + recall);  // measured 0.81: Lucene's beam = k is small
                }
            }
        }
    }

    @Test
    void fullDepthSearchRanksTheWholeCorpusAsBruteForce() throws IOException {
        Random rnd = new Random(7);
        int m = 300;
        int d = 16;
        Matrix corpus = gaussian(rnd, m, d);
        Matrix queries = gaussian(rnd, 5, d);
        VectorIndex.writer().vectors(corpus).maxConnections(8).beamWidth(50).write(dir);
        double[][] ref = cosines(queries, corpus);
        try (VectorIndex index = VectorIndex.open(dir)) {
            TopK top = index.search(queries, m);
            for (int i = 0; i < queries.rows(); i++) {
                Integer[] o = order(ref[i]);
                int[] got = top.ids(i);
                int[] sortedGot = got.clone();
                Arrays.sort(sortedGot);
                for (int j = 0; j < m; j++) {
                    assertEquals(j, sortedGot[j], "k = M returns every row once");
                }
                for (int r = 0; r < m; r++) {
                    // the order may differ from brute force only between rows whose cosines are within the bound
                    if (got[r] != o[r]) {
                        assertEquals(ref[i][o[r]], ref[i][got[r]], 2 * bound(d), "rank " + r + " of query " + i);
                    }
                }
            }
        }
    }

    @Test
    void dotProductOnUnitVectorsAndStoredVectors() throws IOException {
        Random rnd = new Random(11);
        int m = 150;
        int d = 8;
        Matrix raw = gaussian(rnd, m, d);
        Matrix unit = Similarity.COSINE.prepare(raw);
        Matrix queries = Similarity.COSINE.prepare(gaussian(rnd, 4, d));
        VectorIndex.writer().similarity(Similarity.DOT).vectors(unit).write(dir);
        double[][] ref = cosines(queries, unit);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals(Similarity.DOT, index.similarity());
            assertArrayEquals(unit.data(), index.vectors().data(), "the vectors are stored as given");
            TopK top = index.search(queries, m);
            for (int i = 0; i < 4; i++) {
                for (int r = 0; r < m; r++) {
                    assertEquals(ref[i][top.id(i, r)], top.score(i, r), bound(d));
                }
            }
            Matrix twice = Matrix.of(1, d, queries.row(0).clone());
            for (int t = 0; t < d; t++) {
                twice.data()[t] *= 2;
            }
            String msg = assertThrows(IllegalArgumentException.class, () -> index.search(twice, 3)).getMessage();
            assertTrue(msg.contains("queries row 0 has norm 2.0000") && msg.contains("normalise them or use cosine"),
                    msg);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.writer().similarity(Similarity.DOT).vectors(raw).write(dir.resolve("x")));
        assertTrue(e.getMessage().startsWith("vectors row 0 has norm "), e.getMessage());
    }

    @Test
    void cosineStoresNormalisedRowsAndIdsAndText() throws IOException {
        Matrix corpus = Matrix.of(3, 2, new float[] {3, 4, 0, 2, -1, 0});
        VectorIndex.writer().vectors(corpus).ids(List.of("a", "b", "c")).texts(List.of("x y", "y", "z"))
                .write(dir);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertTrue(index.hasVectors() && index.hasText() && index.hasIds());
            assertArrayEquals(new float[] {0.6f, 0.8f, 0, 1, -1, 0}, index.vectors().data(), 1e-7f);
            assertEquals(List.of("a", "b", "c"), index.ids());
            assertEquals("c", index.id(2));
            assertEquals("x y", index.text(0));
        }
        // rewriting the same directory replaces the index
        VectorIndex.writer().texts(List.of("p", "q")).write(dir);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertFalse(index.hasVectors());
            assertEquals(2, index.size());
            assertEquals(List.of("0", "1"), index.ids());
            assertThrows(IllegalStateException.class, () -> index.search(Matrix.of(1, 2, new float[2]), 1));
        }
    }

    @Test
    void badInputs() throws IOException {
        Matrix c = Matrix.of(2, 2, new float[] {1, 0, 0, 1});
        assertEquals("give vectors, texts or both to index", assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.writer().write(dir)).getMessage());
        assertEquals("texts has 3 rows but vectors is 2×2", assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.writer().vectors(c).texts(List.of("a", "b", "c")).write(dir)).getMessage());
        assertEquals("ids[2] = 'a' repeats ids[0]", assertThrows(IllegalArgumentException.class,
                () -> VectorIndex.writer().ids(List.of("a", "b", "a"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorIndex.writer().maxConnections(0));
        assertThrows(IllegalArgumentException.class, () -> VectorIndex.writer().beamWidth(0));
        assertThrows(IOException.class, () -> VectorIndex.open(dir.resolve("none")));
        Path foreign = dir.resolve("foreign");
        try (var d = org.apache.lucene.store.FSDirectory.open(foreign);
             var w = new org.apache.lucene.index.IndexWriter(d, new org.apache.lucene.index.IndexWriterConfig())) {
            w.addDocument(new org.apache.lucene.document.Document());
        }
        assertEquals(foreign + " holds a Lucene index that contrast4j did not write (no contrast4j.format in its"
                + " commit data)", assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(foreign))
                .getMessage());
        VectorIndex.writer().vectors(c).write(dir);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals("queries is 1×3 but the index holds 2-dimensional vectors", assertThrows(
                    IllegalArgumentException.class, () -> index.search(Matrix.of(1, 3, new float[3]), 1))
                    .getMessage());
            assertEquals("k must be in [1, 2] (the corpus rows), was 3", assertThrows(IllegalArgumentException.class,
                    () -> index.search(c, 3)).getMessage());
            assertThrows(IllegalStateException.class, () -> index.bm25(List.of("a"), 1));
        }
    }

    @Test
    void recallHandWorked() {
        TopK exact = TopK.of(2, 2, 5, new int[] {0, 1, 2, 3}, null);
        TopK approx = TopK.of(2, 2, 5, new int[] {1, 4, 3, 2}, null);
        assertEquals(0.75, VectorIndex.recall(approx, exact), 1e-15);
        Qrels q = Qrels.builder(2, 5).add(0, 0, 1).add(1, 2, 1).build();
        assertArrayEquals(new double[] {0, 0.5}, RetrievalEvaluation.of(approx, q).perQuery(RetrievalMetric.MRR, 2));
    }
}
