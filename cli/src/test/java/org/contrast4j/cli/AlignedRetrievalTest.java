package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.TopK;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrieval harness against independent references: the gold's rank from scores computed in double by loops
 * (ties to the lower row, as the harness promises), recall/MRR/nDCG from those ranks by their formulas, alignment
 * from its formula, BM25 on a hand-worked corpus, and the embedded Bible slice read back aligned.
 */
class AlignedRetrievalTest {
    @TempDir
    Path dir;

    private static List<String> names(int n, String prefix) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(prefix + i);
        }
        return s;
    }

    @Test
    void denseMetricsMatchRanksFromDoubleScores() {
        int n = 150;
        int d = 12;
        Random rnd = new Random(5);
        float[] c = new float[n * d];
        float[] q = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            c[i] = (float) rnd.nextGaussian();
        }
        // exact duplicates: row 2j+1 = row 2j for j < 10, so queries 2j+1 tie their gold with the lower row 2j and
        // lose it (rank 2 at best), queries 2j win it: the tie follows the row, not the relevance
        for (int j = 0; j < 10; j++) {
            System.arraycopy(c, 2 * j * d, c, (2 * j + 1) * d, d);
        }
        for (int i = 0; i < n * d; i++) {
            q[i] = c[i] + (float) (1.2 * rnd.nextGaussian());
        }
        for (int j = 0; j < 10; j++) {   // the duplicated pairs' queries equal their gold: both rank it first
            System.arraycopy(c, 2 * j * d, q, 2 * j * d, d);
            System.arraycopy(c, 2 * j * d, q, (2 * j + 1) * d, d);
        }
        AlignedRetrieval task = new AlignedRetrieval("t", names(n, "q"), names(n, "c"));
        AlignedRetrieval.Scores s = task.evaluate("dense", task.dense(Matrix.of(n, d, q), Matrix.of(n, d, c)));

        double r1 = 0;
        double r10 = 0;
        double mrr = 0;
        double ndcg = 0;
        for (int i = 0; i < n; i++) {
            double gold = cosine(q, i, c, i, d);
            int rank = 1;
            for (int j = 0; j < n; j++) {
                double sj = cosine(q, i, c, j, d);
                boolean duplicate = j / 2 == i / 2 && i < 20;
                if (j != i && !duplicate) {
                    // no accidental near tie, else float and double could order them differently
                    assertTrue(Math.abs(sj - gold) > 1e-5, "near tie at query " + i + " row " + j);
                }
                if (j != i && (sj > gold || (sj == gold && j < i) || (duplicate && j < i))) {
                    rank++;
                }
            }
            if (i < 20) {
                assertEquals(i % 2 == 0 ? 1 : 2, rank, "duplicate pair query " + i);
            }
            r1 += rank == 1 ? 1 : 0;
            r10 += rank <= 10 ? 1 : 0;
            mrr += rank <= 10 ? 1.0 / rank : 0;
            ndcg += rank <= 10 ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
        }
        assertEquals(r1 / n, s.recall1(), 1e-12);
        assertEquals(r10 / n, s.recall10(), 1e-12);
        assertEquals(mrr / n, s.mrr10(), 1e-12);
        assertEquals(ndcg / n, s.ndcg10(), 1e-12);
        assertTrue(s.recall1() > 0.2 && s.recall1() < 0.9, "a task neither trivial nor hopeless: " + s.recall1());
        assertEquals(s.recall1(), s.recallCurve()[0], 1e-15);
        assertEquals(1.0, s.recallCurve()[AlignedRetrieval.CURVE.length - 1], 1e-15, "recall@100 of 150 rows");

        // fusing a ranking with itself keeps its order: the same metrics
        AlignedRetrieval.Scores self = task.evaluate("rrf", task.hybrid(s.ranking(), s.ranking()));
        assertEquals(s.recall1(), self.recall1(), 1e-15);
        assertEquals(s.mrr10(), self.mrr10(), 1e-15);

        AlignedRetrieval.Geometry g = task.geometry(Matrix.of(n, d, q), Matrix.of(n, d, c));
        double align = 0;
        for (int i = 0; i < n; i++) {
            align += 2 - 2 * cosine(q, i, c, i, d);
        }
        assertEquals(align / n, g.alignment(), 1e-5 * (1 + align / n));
        assertTrue(g.uniformityQueries() < 0 && g.uniformityCorpus() < 0);
        assertTrue(g.rankQueries() > 1 && g.rankQueries() <= d && g.rankCorpus() > 1 && g.rankCorpus() <= d);
    }

    private static double cosine(float[] a, int i, float[] b, int j, int d) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < d; k++) {
            double x = a[i * d + k];
            double y = b[j * d + k];
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void bm25MissesWhatSharesNoWordAndFindsWhatDoes() throws IOException {
        List<String> corpus = List.of("the lion roars", "a lamb sleeps", "wind and rain", "the lamb and the lion");
        List<String> queries = List.of("lion roars loudly", "sleeps lamb", "nothing in common", "lamb lion");
        AlignedRetrieval task = new AlignedRetrieval("t", queries, corpus);
        TopK top = task.bm25(dir.resolve("work"));
        assertEquals(0, top.id(0, 0));   // both of "lion roars" in row 0 only for "roars"
        assertEquals(1, top.id(1, 0));   // "sleeps" is only in row 1
        assertEquals(-1, top.id(2, 0), "a query sharing no term retrieves nothing");
        AlignedRetrieval.Scores s = task.evaluate("bm25", top);
        // query 3: rows 3 ("lamb", "lion": both terms) beats rows 0 and 1 (one term each); gold is row 3
        assertEquals(3, top.id(3, 0));
        assertEquals(0.75, s.recall1(), 1e-15, "queries 0, 1, 3 hit, query 2 misses");
        try (Stream<Path> left = Files.list(dir.resolve("work"))) {
            assertEquals(0, left.count(), "the temporary index is deleted");
        }
    }

    @Test
    void hnswRecallOnASmallCorpusIsNearlyExact() throws IOException {
        int n = 200;
        int d = 16;
        Random rnd = new Random(9);
        float[] x = new float[n * d];
        float[] y = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            x[i] = (float) rnd.nextGaussian();
            y[i] = (float) rnd.nextGaussian();
        }
        AlignedRetrieval task = new AlignedRetrieval("t", names(n, "q"), names(n, "c"));
        double r = task.hnswRecall(Matrix.of(n, d, x), Matrix.of(n, d, y), dir.resolve("work"));
        assertTrue(r > 0.9 && r <= 1.0, "HNSW recall@10 on 200 rows: " + r);
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AlignedRetrieval("t", List.of("a", "b"), List.of("a")));
        AlignedRetrieval task = new AlignedRetrieval("t", List.of("a", "b"), List.of("c", "d"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> task.dense(Matrix.of(3, 2, new float[6]), Matrix.of(2, 2, new float[4])));
        assertTrue(e.getMessage().contains("3×2") || e.getMessage().contains("3x2") || e.getMessage().contains("3"),
                e.getMessage());
    }

    @Test
    void embeddedSliceIsAlignedAndSplitByBook() throws IOException {
        BibleData data = BibleData.embedded();
        BibleData.Split train = data.split("train");
        BibleData.Split valid = data.split("valid");
        BibleData.Split test = data.split("test");
        assertEquals(1483, train.size());
        assertEquals(192, valid.size());
        assertEquals(313, test.size());
        List<String> testBooks = List.of("Proverbs", "Matthew", "Mark", "Luke", "John");
        for (String ref : test.refs()) {
            assertTrue(testBooks.contains(ref.substring(0, ref.lastIndexOf(' '))), ref);
        }
        for (BibleData.Split s : List.of(train, valid)) {
            for (String ref : s.refs()) {
                assertTrue(!testBooks.contains(ref.substring(0, ref.lastIndexOf(' '))), ref + " in " + s.name());
            }
        }
        int i = test.refs().indexOf("Matthew 1:1");
        assertTrue(i >= 0, "Matthew 1:1 is the first test verse of Matthew (every 15th verse from Proverbs 1:1)");
        assertTrue(test.texts("kjv").get(i).startsWith("The book of the generation of Jesus Christ"));
        assertTrue(test.texts("web").get(i).startsWith("The book of the genealogy of Jesus Christ"));
        assertTrue(test.texts("rv1909").get(i).startsWith("LIBRO de la generación de Jesucristo"));
        for (String t : BibleData.TRANSLATIONS) {
            for (String text : test.texts(t)) {
                assertTrue(!text.isBlank() && !text.contains("<") && !text.contains("strong:"), text);
            }
        }
    }
}
