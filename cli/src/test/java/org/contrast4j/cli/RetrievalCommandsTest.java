package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.writeLabels;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;

/**
 * {@code search}, {@code evaluate} and {@code mine} in-process, against brute force in double (integer-valued
 * embeddings, so every float score is exact) and hand-worked metric values; and their bad inputs: exit 2, one line,
 * nothing written.
 */
class RetrievalCommandsTest {
    static final int B = 6;
    static final int M = 25;
    static final int D = 3;

    @TempDir
    Path dir;
    float[] q;
    float[] c;
    Path out;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(31);
        q = integers(rnd, B * D);
        c = integers(rnd, M * D);
        Npy.write(dir.resolve("q.npy"), new int[] {B, D}, q);
        Npy.write(dir.resolve("c.npy"), new int[] {M, D}, c);
        Npy.write(dir.resolve("c4.npy"), new int[] {M, 4}, new float[M * 4]);
        out = dir.resolve("out");
    }

    static float[] integers(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(5) - 2;
        }
        return v;
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    /** Dot products in double. */
    double[][] dots() {
        double[][] s = new double[B][M];
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < M; j++) {
                for (int t = 0; t < D; t++) {
                    s[i][j] += (double) q[i * D + t] * c[j * D + t];
                }
            }
        }
        return s;
    }

    static Integer[] ranking(double[] row) {
        Integer[] order = new Integer[row.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -row[j]).thenComparingInt(j -> j));
        return order;
    }

    @Test
    void searchWritesIdsAndScores() throws IOException {
        CliTesting.Run r = run("search", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--k", "7",
                "--similarity", "dot", "--out", out.toString());
        r.assertOk();
        assertTrue(r.out().contains("GFLOP/s"), r.out());
        NpyArray ids = Npy.read(out.resolve("ids.npy"));
        NpyArray scores = Npy.read(out.resolve("scores.npy"));
        assertEquals("<i8", ids.dtype().descr());
        assertEquals("<f4", scores.dtype().descr());
        assertArrayEquals(new int[] {B, 7}, ids.shape());
        assertArrayEquals(new int[] {B, 7}, scores.shape());
        double[][] s = dots();
        for (int i = 0; i < B; i++) {
            Integer[] order = ranking(s[i]);
            for (int r2 = 0; r2 < 7; r2++) {
                assertEquals((long) order[r2], ids.toLongs()[i * 7 + r2]);
                assertEquals(s[i][order[r2]], scores.toFloats()[i * 7 + r2], 0.0);
            }
        }
    }

    @Test
    void evaluateHandWorked() throws IOException {
        // D = 1, both queries 1: scores are the corpus values; ranking of rows: 4, 0, 2, 7, 1, 6, 5, 3
        Npy.write(dir.resolve("q1.npy"), new int[] {2, 1}, new float[] {1, 1});
        Npy.write(dir.resolve("c1.npy"), new int[] {8, 1}, new float[] {9, 6, 8, 1, 10, 2, 3, 7});
        Files.writeString(dir.resolve("qids.txt"), "qa\nqb\n");
        Files.writeString(dir.resolve("cids.txt"), "d0\nd1\nd2\nd3\nd4\nd5\nd6\nd7\n");
        // qa: d0 grade 2 (rank 2), d1 grade 1 (rank 5), d3 grade 3 (rank 8), d4 grade 0; qb: d7 grade 1 (rank 4)
        Files.writeString(dir.resolve("r.tsv"), "query-id\tcorpus-id\tscore\nqa\td0\t2\nqa\td1\t1\nqa\td3\t3\n"
                + "qa\td4\t0\nqb\td7\t1\n");
        CliTesting.Run r = run("evaluate", "--queries", f("q1.npy"), "--corpus", f("c1.npy"), "--qrels", f("r.tsv"),
                "--query-ids", f("qids.txt"), "--corpus-ids", f("cids.txt"), "--k", "1,5", "--similarity", "dot",
                "--out", out.toString());
        r.assertOk();
        JsonNode j = json(out.resolve("result.json"));
        double l3 = Math.log(3) / Math.log(2);
        assertEquals((0 + 0) / 2.0, j.get("recall@1").asDouble(), 1e-12);
        assertEquals((2.0 / 3 + 1) / 2, j.get("recall@5").asDouble(), 1e-12);
        assertEquals(0, j.get("precision@1").asDouble(), 1e-12);
        assertEquals((2.0 / 5 + 1.0 / 5) / 2, j.get("precision@5").asDouble(), 1e-12);
        assertEquals((1.0 / 2 + 1.0 / 4) / 2, j.get("mrr@10").asDouble(), 1e-12);
        double ndcgA = (2 / l3 + 1 / (Math.log(6) / Math.log(2)) + 3 / (Math.log(9) / Math.log(2)))
                / (3 + 2 / l3 + 1.0 / 2);
        double ndcgB = 1 / (Math.log(5) / Math.log(2));
        assertEquals((ndcgA + ndcgB) / 2, j.get("ndcg@10").asDouble(), 1e-12);
        assertEquals(((1.0 / 2 + 2.0 / 5 + 3.0 / 8) / 3 + 1.0 / 4) / 2, j.get("map@100").asDouble(), 1e-12);
        assertEquals(2, j.get("queries").asInt());
        assertFalse(j.has("recall@10") || j.has("precision@100"), "--k replaces the default cutoffs");

        // row numbers as ids, no header, no --out: the JSON is printed
        Files.writeString(dir.resolve("rows.tsv"), "1\t7\t1\n");
        r = run("evaluate", "--queries", f("q1.npy"), "--corpus", f("c1.npy"), "--qrels", f("rows.tsv"),
                "--similarity", "dot");
        r.assertOk();
        JsonNode printed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                r.out().substring(r.out().indexOf("\n{") + 1));
        assertEquals(0.25, printed.get("mrr@10").asDouble(), 1e-12);
        assertEquals(1, printed.get("queries").asInt());
        assertEquals(1, printed.get("queries_skipped").asInt());
        assertTrue(printed.has("recall@100") && printed.has("precision@10"));
    }

    @Test
    void mineMatchesBruteForce() throws IOException {
        long[] pos = new long[B];
        for (int i = 0; i < B; i++) {
            pos[i] = (i * 7) % M;
        }
        writeLabels(dir.resolve("p.npy"), pos);
        CliTesting.Run r = run("mine", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--positives", f("p.npy"),
                "--num-negatives", "4", "--range-min", "1", "--range-max", "12", "--margin", "1", "--similarity",
                "dot", "--out", out.toString());
        r.assertOk();
        NpyArray neg = Npy.read(out.resolve("negatives.npy"));
        assertEquals("<i8", neg.dtype().descr());
        assertArrayEquals(new int[] {B, 4}, neg.shape());
        double[][] s = dots();
        int shortRef = 0;
        for (int i = 0; i < B; i++) {
            List<Integer> ok = new ArrayList<>();
            int rank = 0;
            for (int j : ranking(s[i])) {
                if (j == pos[i]) {
                    continue;
                }
                if (rank >= 1 && rank < 12 && s[i][j] <= s[i][(int) pos[i]] - 1) {
                    ok.add(j);
                }
                rank++;
            }
            for (int t = 0; t < 4; t++) {
                assertEquals(t < ok.size() ? ok.get(t) : -1, neg.toLongs()[i * 4 + t], "query " + i);
            }
            if (ok.size() < 4) {
                shortRef++;
            }
        }
        assertEquals(shortRef, json(out.resolve("result.json")).get("short_queries").asInt());
    }

    /** ARGS…, expecting exit 2 with every fragment and nothing under {@code out}. */
    void bad(List<String> args, String... fragments) {
        run(args.toArray(String[]::new)).assertBadInput(fragments);
        assertFalse(Files.exists(out), "nothing written");
    }

    List<String> search(String... extra) {
        List<String> a = new ArrayList<>(List.of("search", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void searchBadInputs() throws IOException {
        bad(search("--queries", f("nope.npy"), "--corpus", f("c.npy"), "--k", "3"), "--queries " + f("nope.npy"),
                "no such file");
        bad(search("--queries", f("q.npy"), "--corpus", f("c4.npy"), "--k", "3"),
                "--queries " + f("q.npy") + " is 6×3 but --corpus " + f("c4.npy") + " is 25×4");
        bad(search("--queries", f("q.npy"), "--corpus", f("c.npy"), "--k", "26"), "--k 26 is more than the 25 rows");
        bad(search("--queries", f("q.npy"), "--corpus", f("c.npy"), "--k", "0"), "--k must be >= 1, was 0");
        bad(search("--queries", f("q.npy"), "--corpus", f("c.npy"), "--k", "3", "--similarity", "l2"),
                "expected one of cosine, dot but was 'l2'");
        writeLabels(dir.resolve("ints.npy"), 1, 2, 3);
        bad(search("--queries", f("ints.npy"), "--corpus", f("c.npy"), "--k", "3"), "holds int64");
        Npy.write(dir.resolve("nan.npy"), new int[] {2, 3}, new float[] {0, 0, 0, 0, Float.NaN, 0});
        bad(search("--queries", f("nan.npy"), "--corpus", f("c.npy"), "--k", "3"), "element [1, 1] is NaN");
        Files.writeString(dir.resolve("file"), "x");
        run("search", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--k", "3", "--out", f("file"))
                .assertBadInput("--out " + f("file") + ": exists and is not a directory");
    }

    List<String> evaluate(String qrels, String... extra) {
        List<String> a = new ArrayList<>(List.of("evaluate", "--out", out.toString(), "--queries", f("q.npy"),
                "--corpus", f("c.npy"), "--qrels", f(qrels)));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void evaluateBadInputs() throws IOException {
        Files.writeString(dir.resolve("two.tsv"), "0\t1\n");
        bad(evaluate("two.tsv"), "two.tsv:1: expected query-id<TAB>corpus-id<TAB>grade, found 2 fields");
        Files.writeString(dir.resolve("neg.tsv"), "0\t1\t1\n0\t2\t-1\n");
        bad(evaluate("neg.tsv"), "neg.tsv:2: grade '-1' is not an integer >= 0");
        Files.writeString(dir.resolve("row.tsv"), "0\t25\t1\n");
        bad(evaluate("row.tsv"), "row.tsv:1: corpus id '25' is not a row of --corpus " + f("c.npy") + " (0 … 24");
        Files.writeString(dir.resolve("dup.tsv"), "0\t3\t1\n0\t3\t2\n");
        bad(evaluate("dup.tsv"), "dup.tsv:2: query '0' judges corpus row '3' a second time");
        Files.writeString(dir.resolve("zero.tsv"), "0\t3\t0\n");
        bad(evaluate("zero.tsv"), "no query has a relevant corpus row (grade > 0)");
        Files.writeString(dir.resolve("ok.tsv"), "q1\t3\t1\n");
        Files.writeString(dir.resolve("qids.txt"), "q0\nq1\nq2\n");
        bad(evaluate("ok.tsv", "--query-ids", f("qids.txt")), "--query-ids " + f("qids.txt")
                + " has 3 ids but --queries " + f("q.npy") + " has 6 rows");
        Files.writeString(dir.resolve("qids6.txt"), "q0\nq1\nq2\nq3\nq4\nq0\n");
        bad(evaluate("ok.tsv", "--query-ids", f("qids6.txt")), "qids6.txt:6: id 'q0' repeats line 1");
        Files.writeString(dir.resolve("qids6b.txt"), "a\nb\nc\nd\ne\nf\n");
        bad(evaluate("ok.tsv", "--query-ids", f("qids6b.txt")), "ok.tsv:1: query id 'q1' is not in --query-ids");
        bad(evaluate("missing.tsv"), "--qrels " + f("missing.tsv") + ": no such file");
        bad(evaluate("ok.tsv", "--k", "1,0"), "--k must list cutoffs >= 1, was 0");
    }

    List<String> mine(String... extra) {
        List<String> a = new ArrayList<>(List.of("mine", "--out", out.toString(), "--queries", f("q.npy"),
                "--corpus", f("c.npy")));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void mineBadInputs() throws IOException {
        writeLabels(dir.resolve("p.npy"), 0, 1, 2, 3, 4, 5);
        writeLabels(dir.resolve("p5.npy"), 0, 1, 2, 3, 4);
        writeLabels(dir.resolve("pbig.npy"), 0, 1, 2, 3, 4, 25);
        bad(mine("--positives", f("p5.npy"), "--num-negatives", "2"),
                "--positives " + f("p5.npy") + " has 5 positives but --queries " + f("q.npy") + " has 6 queries");
        bad(mine("--positives", f("pbig.npy"), "--num-negatives", "2"),
                "--positives " + f("pbig.npy") + ": element [5] = 25 is outside [0, 25)");
        bad(mine("--positives", f("q.npy"), "--num-negatives", "2"), "positives must be int32 ('<i4') or int64");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "0"), "--num-negatives must be >= 1, was 0");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "2", "--range-min", "5", "--range-max", "5"),
                "--range-max must be > --range-min");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "2", "--margin", "0.1", "--relative-margin", "0.1"),
                "--margin and --relative-margin exclude each other");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "2", "--relative-margin", "1"),
                "--relative-margin must be in [0, 1), was 1.0");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "2", "--margin", "-1"),
                "--margin must be >= 0 and finite, was -1.0");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "2", "--sampling", "hard"),
                "--sampling must be top or random, was 'hard'");
        bad(mine("--positives", f("p.npy"), "--num-negatives", "2", "--seed", "3"),
                "--seed only affects --sampling random");
        bad(mine("--num-negatives", "2"), "Missing required option: '--positives=P.npy'");
    }

    @Test
    void mineRandomIsReproducible() throws IOException {
        writeLabels(dir.resolve("p.npy"), 0, 1, 2, 3, 4, 5);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        for (Path o : List.of(a, b)) {
            run("mine", "--queries", f("q.npy"), "--corpus", f("c.npy"), "--positives", f("p.npy"),
                    "--num-negatives", "3", "--sampling", "random", "--seed", "7", "--out", o.toString()).assertOk();
        }
        assertArrayEquals(Files.readAllBytes(a.resolve("negatives.npy")), Files.readAllBytes(b.resolve("negatives.npy")));
        assertEquals(7, json(a.resolve("result.json")).get("seed").asInt());
    }
}
