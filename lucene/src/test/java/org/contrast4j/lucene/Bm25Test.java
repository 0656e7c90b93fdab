package org.contrast4j.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.util.SmallFloat;
import org.contrast4j.retrieval.Qrels;
import org.contrast4j.retrieval.RetrievalEvaluation;
import org.contrast4j.retrieval.RetrievalMetric;
import org.contrast4j.retrieval.TopK;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BM25 over stored text against an independent reference in double, written from Lucene's documented formula:
 * idf = ln(1 + (N − n + 0.5)/(n + 0.5)), score = Σ idf · tf / (tf + k1 · (1 − b + b · |d| / avgdl)), k1 = 1.2,
 * b = 0.75, |d| the token count after Lucene's one-byte length encoding (re-implemented below from SmallFloat's
 * definition: exact below 24, then a float with a 4-bit mantissa), avgdl the mean exact token count. The texts are
 * lower-case ASCII words separated by single spaces, which StandardAnalyzer splits exactly as {@code split(" ")}.
 */
class Bm25Test {
    static final double K1 = 1.2;
    static final double B = 0.75;
    static final String[] VOCAB = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
        "kappa", "lambda", "mu"};

    @TempDir
    Path dir;

    /** SmallFloat.longToInt4: a 4-bit mantissa with an implicit leading bit, 3-bit stored. */
    static int longToInt4(long i) {
        int bits = 64 - Long.numberOfLeadingZeros(i);
        if (bits < 4) {
            return (int) i;
        }
        int shift = bits - 4;
        return (int) ((i >>> shift) & 0x07) | ((shift + 1) << 3);
    }

    static long int4ToLong(int i) {
        long bits = i & 0x07;
        int shift = (i >>> 3) - 1;
        return shift == -1 ? bits : (bits | 0x08) << shift;
    }

    static final int FREE = 255 - longToInt4(Integer.MAX_VALUE);  // 24 lengths stored exactly

    /** The document length BM25 sees: encode to one byte and decode. */
    static long quantisedLength(int length) {
        int b = length < FREE ? length : FREE + longToInt4(length - FREE);
        return b < FREE ? b : FREE + int4ToLong(b - FREE);
    }

    static double[] reference(List<String[]> docs, String[] query) {
        int n = docs.size();
        double avgdl = 0;
        Map<String, Integer> df = new HashMap<>();
        for (String[] d : docs) {
            avgdl += d.length;
            for (String t : new java.util.HashSet<>(Arrays.asList(d))) {
                df.merge(t, 1, Integer::sum);
            }
        }
        avgdl /= n;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            String[] d = docs.get(i);
            double len = quantisedLength(d.length);
            for (String t : query) {
                int tf = 0;
                for (String w : d) {
                    tf += w.equals(t) ? 1 : 0;
                }
                if (tf == 0) {
                    continue;
                }
                int nt = df.get(t);
                double idf = Math.log(1 + (n - nt + 0.5) / (nt + 0.5));
                s[i] += idf * tf / (tf + K1 * (1 - B + B * len / avgdl));
            }
        }
        return s;
    }

    @Test
    void lengthEncodingAsLucenes() {
        assertEquals(24, FREE);
        for (int len = 0; len < 100_000; len++) {
            assertEquals(SmallFloat.byte4ToInt(SmallFloat.intToByte4(len)), quantisedLength(len), "length " + len);
        }
    }

    @Test
    void ranksAndScoresMatchTheReference() throws IOException {
        Random rnd = new Random(5);
        int n = 120;
        List<String[]> docs = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // lengths 1 … 80: both sides of the exact-length range; a skewed vocabulary gives varied idf
            String[] d = new String[1 + rnd.nextInt(80)];
            for (int j = 0; j < d.length; j++) {
                d[j] = VOCAB[Math.min(VOCAB.length - 1, (int) (-Math.log(1 - rnd.nextDouble()) * 3))];
            }
            docs.add(d);
            texts.add(String.join(" ", d));
        }
        List<String[]> queries = new ArrayList<>();
        List<String> queryTexts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String[] q = new String[1 + rnd.nextInt(4)];
            for (int j = 0; j < q.length; j++) {
                q[j] = VOCAB[rnd.nextInt(VOCAB.length)];
            }
            queries.add(q);
            // upper case and punctuation are the analyzer's to remove
            queryTexts.add(String.join(", ", q).toUpperCase(Locale.ROOT) + "?");
        }
        queryTexts.set(0, "zzz +(unknown) AND \"terms\"");  // query syntax is not parsed: no match at all
        queries.set(0, new String[] {"zzz", "unknown", "and", "terms"});
        VectorIndex.writer().texts(texts).write(dir);
        try (VectorIndex index = VectorIndex.open(dir)) {
            TopK top = index.bm25(queryTexts, n);
            assertEquals(0, top.found(0));
            for (int q = 0; q < queries.size(); q++) {
                double[] ref = reference(docs, queries.get(q));
                Integer[] order = new Integer[n];
                for (int j = 0; j < n; j++) {
                    order[j] = j;
                }
                Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -ref[j]).thenComparingInt(j -> j));
                int matching = (int) Arrays.stream(ref).filter(x -> x > 0).count();
                assertEquals(matching, top.found(q), "query " + q + " returns exactly the matching rows");
                for (int r = 0; r < matching; r++) {
                    int got = top.id(q, r);
                    double tol = 1e-5 * ref[order[0]];  // float32 arithmetic in Lucene: a few ulps of the score
                    assertEquals(ref[got], top.score(q, r), tol, "score of row " + got + " for query " + q);
                    if (got != order[r]) {
                        // only rows whose reference scores are within float rounding may swap
                        assertEquals(ref[order[r]], ref[got], 2 * tol, "rank " + r + " of query " + q);
                    }
                    if (r > 0 && top.score(q, r) == top.score(q, r - 1)) {
                        assertTrue(top.id(q, r - 1) < got, "equal scores by ascending row");
                    }
                }
            }
        }
    }

    @Test
    void tiesGoToTheLowerRowNeverToTheRelevantOne() throws IOException {
        // rows 1, 3, 6 hold the same text: equal BM25 scores; row 0 is longer (lower score), row 2 unrelated
        List<String> texts = List.of("red apple fruit basket", "red apple", "blue sky", "red apple", "green leaf",
                "yellow sun", "red apple");
        VectorIndex.writer().texts(texts).write(dir);
        try (VectorIndex index = VectorIndex.open(dir)) {
            TopK top = index.bm25(List.of("apple", "APPLE red"), 4);
            assertArrayEquals(new int[] {1, 3, 6, 0}, top.ids(0));
            assertArrayEquals(new int[] {1, 3, 6, 0}, top.ids(1));
            assertEquals(top.score(0, 0), top.score(0, 1));
            assertEquals(top.score(0, 1), top.score(0, 2));
            assertTrue(top.score(0, 3) < top.score(0, 2));
            // the relevant row 6 ties with rows 1 and 3: it is ranked third, not first
            Qrels qrels = Qrels.builder(2, 7).add(0, 6, 1).add(1, 6, 1).build();
            RetrievalEvaluation e = RetrievalEvaluation.of(top, qrels);
            assertEquals(0.0, e.mean(RetrievalMetric.RECALL, 2));
            assertEquals(1.0 / 3, e.mean(RetrievalMetric.MRR, 4), 1e-15);
            // k = 2 cuts inside the tie: the lower rows are kept
            assertArrayEquals(new int[] {1, 3}, index.bm25(List.of("apple"), 2).ids(0));
        }
    }

    @Test
    void repeatedQueryTermsCountAsOftenAsTheyOccur() throws IOException {
        List<String> texts = List.of("a b", "a", "b", "c c c a");
        List<String[]> docs = texts.stream().map(t -> t.split(" ")).toList();
        VectorIndex.writer().texts(texts).write(dir);
        try (VectorIndex index = VectorIndex.open(dir)) {
            TopK top = index.bm25(List.of("a a b"), 4);
            double[] ref = reference(docs, new String[] {"a", "a", "b"});
            for (int r = 0; r < 4; r++) {
                assertEquals(ref[top.id(0, r)], top.score(0, r), 1e-5 * ref[top.id(0, 0)]);
            }
        }
    }
}
