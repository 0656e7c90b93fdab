package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index}, {@code search --index} and {@code evaluate --index | --bm25} in-process: HNSW with a full beam
 * against brute force in double, BM25 on a hand-worked corpus, and the bad inputs (exit 2, one line, nothing
 * written).
 */
class LuceneCommandsTest {
    static final int M = 300;
    static final int D = 8;
    static final int B = 6;

    @TempDir
    Path dir;
    float[] q;
    float[] c;
    Path idx;
    Path out;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(17);
        q = CliTesting.write(dir, "q.npy", rnd, B, D);
        c = CliTesting.write(dir, "c.npy", rnd, M, D);
        idx = dir.resolve("idx");
        out = dir.resolve("out");
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    double[][] cosines() {
        double[][] s = new double[B][M];
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < M; j++) {
                double dot = 0;
                double qq = 0;
                double cc = 0;
                for (int t = 0; t < D; t++) {
                    dot += (double) q[i * D + t] * c[j * D + t];
                    qq += (double) q[i * D + t] * q[i * D + t];
                    cc += (double) c[j * D + t] * c[j * D + t];
                }
                s[i][j] = dot / Math.sqrt(qq * cc);
            }
        }
        return s;
    }

    /** (D + 8)·2^-24, doubled: see VectorIndexTest. */
    static final double BOUND = 2 * (D + 8) * Math.ulp(1f) / 2;

    @Test
    void indexThenSearchWithAFullBeamIsTheExactTopK() throws IOException {
        run("index", "--corpus", f("c.npy"), "--out", idx.toString()).assertOk();
        CliTesting.Run r = run("search", "--queries", f("q.npy"), "--index", idx.toString(), "--k", "5",
                "--candidates", Integer.toString(M), "--out", out.toString());
        r.assertOk();
        assertTrue(r.out().contains("queries/s"), r.out());
        NpyArray ids = Npy.read(out.resolve("ids.npy"));
        NpyArray scores = Npy.read(out.resolve("scores.npy"));
        assertEquals("<i8", ids.dtype().descr());
        assertArrayEquals(new int[] {B, 5}, ids.shape());
        double[][] s = cosines();
        for (int i = 0; i < B; i++) {
            double[] row = s[i];
            Integer[] order = new Integer[M];
            for (int j = 0; j < M; j++) {
                order[j] = j;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -row[j]).thenComparingInt(j -> j));
            for (int k = 0; k < 5; k++) {
                int got = (int) ids.toLongs()[i * 5 + k];
                assertEquals(row[got], scores.toFloats()[i * 5 + k], BOUND);
                if (got != order[k]) {
                    assertEquals(row[order[k]], row[got], 2 * BOUND, "only near-ties may swap");
                }
            }
        }
    }

    @Test
    void evaluateIndexReportsHnswRecallAndTheSameMetricsAsExact() throws IOException {
        run("index", "--corpus", f("c.npy"), "--out", idx.toString(), "--m", "8", "--beam-width", "40").assertOk();
        StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
        for (int i = 0; i < B; i++) {
            qrels.append(i).append('\t').append(7 * i + 3).append("\t1\n");
        }
        Files.writeString(dir.resolve("r.tsv"), qrels.toString());
        run("evaluate", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--qrels", f("r.tsv"), "--k", "1,10",
                "--out", dir.resolve("exact").toString()).assertOk();
        run("evaluate", "--queries", f("q.npy"), "--index", idx.toString(), "--qrels", f("r.tsv"), "--k", "1,10",
                "--candidates", Integer.toString(M), "--out", out.toString()).assertOk();
        JsonNode hnsw = json(out.resolve("result.json"));
        JsonNode exact = json(dir.resolve("exact").resolve("result.json"));
        assertEquals("hnsw", hnsw.get("ranking").asText());
        assertEquals("exact", exact.get("ranking").asText());
        assertEquals(1.0, hnsw.get("hnsw_recall@1").asDouble());
        assertEquals(1.0, hnsw.get("hnsw_recall@10").asDouble());
        // the full beam finds the exact ranking: every metric as the exact search's (the same relevant rows at
        // the same ranks; continuous data, no ties)
        for (String key : List.of("recall@1", "recall@10", "precision@10", "mrr@10", "ndcg@10", "map@100")) {
            assertEquals(exact.get(key).asDouble(), hnsw.get(key).asDouble(), 1e-12, key);
        }
        assertEquals(B, hnsw.get("queries").asInt());
        // the default candidates (the depth, 100) on the same index: an approximate recall, reported
        run("evaluate", "--queries", f("q.npy"), "--index", idx.toString(), "--qrels", f("r.tsv"), "--k", "10",
                "--out", out.toString()).assertOk();
        double r10 = json(out.resolve("result.json")).get("hnsw_recall@10").asDouble();
        assertTrue(r10 > 0.5 && r10 <= 1, "hnsw_recall@10 = " + r10);
    }

    @Test
    void bm25HandWorkedWithStoredIds() throws IOException {
        // BM25 of "apple": d-long mentions it once in 6 tokens, d-short once in 2 tokens (shorter: higher);
        // "sky" only in d-sky; the query "pear" matches nothing
        Files.writeString(dir.resolve("t.txt"), "apple pie with cream and sugar\nblue sky\napple tart\ngreen leaf\n");
        Files.writeString(dir.resolve("ids.txt"), "d-long\nd-sky\nd-short\nd-leaf\n");
        Files.writeString(dir.resolve("qt.txt"), "Apple?\nthe SKY\npear\n");
        Files.writeString(dir.resolve("qids.txt"), "qa\nqs\nqp\n");
        Files.writeString(dir.resolve("r.tsv"), "qa\td-long\t1\nqs\td-sky\t2\nqp\td-leaf\t1\n");
        run("index", "--text", f("t.txt"), "--ids", f("ids.txt"), "--out", idx.toString()).assertOk();
        CliTesting.Run r = run("evaluate", "--bm25", "--index", idx.toString(), "--query-text", f("qt.txt"),
                "--query-ids", f("qids.txt"), "--qrels", f("r.tsv"), "--k", "1,2", "--out", out.toString());
        r.assertOk();
        JsonNode j = json(out.resolve("result.json"));
        assertEquals("bm25", j.get("ranking").asText());
        // qa: d-short first, d-long second; qs: d-sky first; qp: nothing found
        assertEquals((0 + 1 + 0) / 3.0, j.get("recall@1").asDouble(), 1e-12);
        assertEquals((1 + 1 + 0) / 3.0, j.get("recall@2").asDouble(), 1e-12);
        assertEquals((0.5 + 1 + 0) / 3.0, j.get("mrr@10").asDouble(), 1e-12);
        assertEquals(3, j.get("queries").asInt());
        assertEquals(4, j.get("corpus").asInt());
        assertFalse(j.has("hnsw_recall@1"));
    }

    /** ARGS…, expecting exit 2 with every fragment and nothing under {@code out} (nor a new index). */
    void bad(List<String> args, String... fragments) {
        run(args.toArray(String[]::new)).assertBadInput(fragments);
        assertFalse(Files.exists(out), "nothing written");
    }

    static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }

    @Test
    void indexBadInputs() throws IOException {
        out = dir.resolve("new-index");
        bad(args("index", "--out", out.toString()), "give --corpus C.npy, --text T.txt or both");
        Files.writeString(dir.resolve("t2.txt"), "a\nb\n");
        bad(args("index", "--corpus", f("c.npy"), "--text", f("t2.txt"), "--out", out.toString()),
                "--text " + f("t2.txt") + " has 2 lines but --corpus " + f("c.npy") + " has 300 rows");
        bad(args("index", "--corpus", f("c.npy"), "--similarity", "dot", "--out", out.toString()),
                "--corpus " + f("c.npy") + ": vectors row 0 has norm", "normalise them or use cosine");
        bad(args("index", "--corpus", f("c.npy"), "--m", "0", "--out", out.toString()), "--m must be in [1, 512]");
        bad(args("index", "--corpus", f("nope.npy"), "--out", out.toString()), "--corpus " + f("nope.npy"),
                "no such file");
        Files.writeString(dir.resolve("ids2.txt"), "x\nx\n");
        bad(args("index", "--text", f("t2.txt"), "--ids", f("ids2.txt"), "--out", out.toString()),
                "ids2.txt:2: id 'x' repeats line 1");
    }

    @Test
    void searchAndEvaluateBadInputs() throws IOException {
        Files.writeString(dir.resolve("t.txt"), "a\nb\n");
        Path textOnly = dir.resolve("text-only");
        run("index", "--text", f("t.txt"), "--out", textOnly.toString()).assertOk();
        run("index", "--corpus", f("c.npy"), "--out", idx.toString()).assertOk();
        Npy.write(dir.resolve("q3.npy"), new int[] {2, 3}, new float[6]);
        Files.writeString(dir.resolve("r.tsv"), "0\t1\t1\n");
        Files.writeString(dir.resolve("qt.txt"), "a\n");
        String o = out.toString();
        bad(args("search", "--queries", f("q.npy"), "--k", "3", "--out", o),
                "give --corpus C.npy (exact search) or --index DIR (HNSW)");
        bad(args("search", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--index", idx.toString(), "--k", "3",
                "--out", o), "give --corpus or --index, not both");
        bad(args("search", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--candidates", "9", "--k", "3",
                "--out", o), "--candidates applies to --index (HNSW) only");
        bad(args("search", "--queries", f("q.npy"), "--index", f("none"), "--k", "3", "--out", o),
                "--index " + f("none") + ": no such directory");
        bad(args("search", "--queries", f("q.npy"), "--index", dir.resolve("out2").toString(), "--k", "3",
                "--out", o), "no such directory");
        Files.createDirectories(dir.resolve("empty"));
        bad(args("search", "--queries", f("q.npy"), "--index", f("empty"), "--k", "3", "--out", o),
                "--index " + f("empty") + ": not a Lucene index written by contrast4j index");
        bad(args("search", "--queries", f("q.npy"), "--index", textOnly.toString(), "--k", "3", "--out", o),
                "holds no vectors");
        bad(args("search", "--queries", f("q3.npy"), "--index", idx.toString(), "--k", "3", "--out", o),
                "--queries " + f("q3.npy") + " is 2×3 but --index " + idx + " holds 8-dimensional vectors");
        bad(args("search", "--queries", f("q.npy"), "--index", idx.toString(), "--k", "301", "--out", o),
                "--k 301 is more than the 300 rows of --index");
        bad(args("search", "--queries", f("q.npy"), "--index", idx.toString(), "--k", "5", "--candidates", "4",
                "--out", o), "--candidates must be in [--k, M] = [5, 300], was 4");
        bad(args("search", "--queries", f("q.npy"), "--index", idx.toString(), "--k", "5", "--similarity", "dot",
                "--out", o), "--similarity dot but --index " + idx + " was indexed for cosine");
        bad(args("evaluate", "--bm25", "--index", idx.toString(), "--qrels", f("r.tsv"), "--out", o),
                "--bm25 needs --query-text Q.txt");
        bad(args("evaluate", "--bm25", "--query-text", f("qt.txt"), "--qrels", f("r.tsv"), "--out", o),
                "--bm25 needs --index DIR");
        bad(args("evaluate", "--bm25", "--index", idx.toString(), "--query-text", f("qt.txt"), "--queries",
                f("q.npy"), "--qrels", f("r.tsv"), "--out", o), "--queries does not apply with --bm25");
        bad(args("evaluate", "--bm25", "--index", idx.toString(), "--query-text", f("qt.txt"), "--qrels",
                f("r.tsv"), "--out", o), "holds no text (it was indexed without --text)");
        bad(args("evaluate", "--queries", f("q.npy"), "--index", idx.toString(), "--query-text", f("qt.txt"),
                "--qrels", f("r.tsv"), "--out", o), "--query-text applies to --bm25 only");
        bad(args("evaluate", "--queries", f("q.npy"), "--index", idx.toString(), "--qrels", f("r.tsv"),
                "--candidates", "50", "--out", o), "--candidates must be in [100, 300]");
        Files.writeString(dir.resolve("r9.tsv"), "0\t300\t1\n");
        bad(args("evaluate", "--queries", f("q.npy"), "--index", idx.toString(), "--qrels", f("r9.tsv"),
                "--out", o), "corpus id '300' is not a row of --index " + idx + " (0 … 299");
        bad(args("evaluate", "--bm25", "--index", textOnly.toString(), "--query-text", f("qt.txt"), "--qrels",
                f("r9.tsv"), "--out", o), "corpus id '300' is not a row of --index " + textOnly + " (0 … 1");
    }
}
