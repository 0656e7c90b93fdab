package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analogies (3CosAdd with the restricted vocabulary) and synonym metrics: hand-built vectors whose answers are known,
 * and random vectors against a brute force in double written from the formulas.
 */
class EvaluationTest {
    @TempDir
    Path dir;

    static final double R = Math.sqrt(0.5);

    /**
     * man = e1, woman = e2, king = (e1 + e3)/√2, queen = (e2 + e3)/√2, apple = e4, boy = 0.9 e1 + 0.1 e4 …
     * "man woman king queen": b − a + c = (−0.29, 1, 0.71, 0); cos with queen 0.96, with every other candidate less
     * (woman is excluded). A last word "queen2" lies exactly along that query (cos 1) but is rare (last).
     */
    static WordVectors royals() {
        String[] words = {"the", "man", "woman", "king", "queen", "apple", "pear", "boy", "girl", "queen2"};
        float[][] rows = {
            {0.1f, 0.1f, 0.1f, 0.1f},
            {1, 0, 0, 0},
            {0, 1, 0, 0},
            {(float) R, 0, (float) R, 0},
            {0, (float) R, (float) R, 0},
            {0, 0, 0, 1},
            {0, 0, 0.2f, 1},
            {1, 0, 0, 0.3f},
            {0, 1, 0, 0.3f},
            {(float) (1 - R) * -1, 1, (float) R, 0},
        };
        return new WordVectors(words, Matrix.fromRows(rows));
    }

    private Path questions(String text) throws IOException {
        Path f = dir.resolve("q" + text.hashCode() + ".txt");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void knownAnswersSkipsAndSections() throws IOException {
        WordVectors v = royals();
        Path q = questions("""
                : family
                man woman king queen
                MAN Woman KING Queen
                king queen man woman
                man woman boy girl
                man woman boy unknownword
                : gram-fruit
                apple pear man boy
                apple pear apple pear
                """);
        // top 9 words: queen2 is out; all of these questions but the unknown one are asked
        AnalogyResult r = Evaluation.analogies(v, q, 9);
        assertEquals(7, r.total());
        assertEquals(6, r.seen());
        assertEquals(1, r.skipped());
        AnalogyResult.Section family = r.perSection().get("family");
        assertEquals(5, family.total());
        assertEquals(4, family.seen());
        // man→woman, king→queen: the two spellings are right; queen−king+man = woman-ish: right; boy→girl: right
        assertEquals(4, family.correct());
        AnalogyResult.Section fruit = r.perSection().get("gram-fruit");
        assertEquals(2, fruit.seen());
        // "apple pear man boy": man + (pear − apple) = man + 0.2 e3 (pear normalised) → boy? (boy has e4, not e3)
        // the reference below decides; "apple pear apple pear" can never be right (pear is excluded)
        int fruitRight = reference(v, 9, "apple", "pear", "man", "boy") ? 1 : 0;
        assertEquals(fruitRight, fruit.correct());
        // ratios of counts: one double division each
        assertEquals((4.0 + fruitRight) / 6, r.accuracy(), FloatBounds.gamma64(2));
        assertEquals(1.0, r.semanticAccuracy(), FloatBounds.gamma64(2));
        assertEquals(fruitRight / 2.0, r.syntacticAccuracy(), FloatBounds.gamma64(2));
        assertEquals(List.of("family", "gram-fruit"), List.copyOf(r.perSection().keySet()));

        // all 10 words: queen2 (cos 1 with the query) wins over queen for "man woman king queen"
        AnalogyResult all = Evaluation.analogies(v, q, 100);
        assertEquals(2, all.perSection().get("family").correct());
        // top 3 words: only "the man woman" — every question has a word outside, nothing is asked
        AnalogyResult none = Evaluation.analogies(v, q, 3);
        assertEquals(0, none.seen());
        assertEquals(7, none.total());
        assertTrue(Double.isNaN(none.accuracy()));
    }

    /** 3CosAdd in double over the first {@code top} words, lower-cased, first occurrence represents a form. */
    static boolean reference(WordVectors v, int top, String a, String b, String c, String d) {
        return new Reference(v, top).right(a, b, c, d);
    }

    /** The restricted vocabulary of a brute-force 3CosAdd in double. */
    static final class Reference {
        final WordVectors v;
        final int w;
        final java.util.Map<String, Integer> first = new java.util.HashMap<>();
        final int[] rep;
        final double[][] units;

        Reference(WordVectors v, int top) {
            this.v = v;
            w = Math.min(top, v.size());
            rep = new int[w];
            units = new double[w][];
            float[] m = v.vectors().data();
            for (int i = 0; i < w; i++) {
                int self = i; // the first word of a lower-cased form stands for it
                rep[i] = first.computeIfAbsent(v.word(i).toLowerCase(Locale.ROOT), k -> self);
                units[i] = unit(m, i, v.dimension());
            }
        }

        boolean asked(String... words) {
            for (String x : words) {
                if (!first.containsKey(x.toLowerCase(Locale.ROOT))) {
                    return false;
                }
            }
            return true;
        }

        boolean right(String a, String b, String c, String d) {
            if (!asked(a, b, c, d)) {
                throw new IllegalStateException("not asked");
            }
            int ia = first.get(a.toLowerCase(Locale.ROOT));
            int ib = first.get(b.toLowerCase(Locale.ROOT));
            int ic = first.get(c.toLowerCase(Locale.ROOT));
            int id = first.get(d.toLowerCase(Locale.ROOT));
            int dim = v.dimension();
            double[] q = new double[dim];
            for (int k = 0; k < dim; k++) {
                q[k] = units[ib][k] - units[ia][k] + units[ic][k];
            }
            double best = Double.NEGATIVE_INFINITY;
            int arg = -1;
            for (int i = 0; i < w; i++) {
                if (rep[i] == ia || rep[i] == ib || rep[i] == ic) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < dim; k++) {
                    s += units[i][k] * q[k];
                }
                if (s > best) {
                    best = s;
                    arg = i;
                }
            }
            return arg >= 0 && rep[arg] == id;
        }
    }

    static double[] unit(float[] m, int row, int dim) {
        double n = 0;
        for (int k = 0; k < dim; k++) {
            n += (double) m[row * dim + k] * m[row * dim + k];
        }
        n = Math.max(Math.sqrt(n), 1e-12);
        double[] u = new double[dim];
        for (int k = 0; k < dim; k++) {
            u[k] = m[row * dim + k] / n;
        }
        return u;
    }

    /** Random vectors with more words than one tile and more questions than one block, case variants included. */
    @Test
    void randomQuestionsMatchTheReference() throws IOException {
        Random rnd = new Random(5);
        int n = 2 * Search.WORD_TILE + 300;
        int dim = 8;
        String[] words = new String[n];
        float[] data = new float[n * dim];
        for (int i = 0; i < n; i++) {
            words[i] = i % 97 == 5 ? "W" + (i - 5) : "w" + i; // "W0" repeats the form of "w0": a case variant
            for (int k = 0; k < dim; k++) {
                data[i * dim + k] = (float) rnd.nextGaussian();
            }
        }
        WordVectors v = new WordVectors(words, Matrix.of(n, dim, data));
        // Questions built so that some are right: d's vector is made close to b − a + c
        StringBuilder text = new StringBuilder(": s1\n");
        List<String[]> qs = new ArrayList<>();
        for (int t = 0; t < 3 * Search.QUERY_BLOCK + 7; t++) {
            if (t == 200) {
                text.append(": gram2\n");
            }
            String[] q = new String[4];
            for (int j = 0; j < 4; j++) {
                q[j] = words[rnd.nextInt(n)];
            }
            qs.add(q);
            text.append(String.join(" ", q)).append('\n');
        }
        int top = 3000;
        AnalogyResult r = Evaluation.analogies(v, questions(text.toString()), top);
        int seen = 0;
        int correct = 0;
        Reference ref = new Reference(v, top);
        for (String[] q : qs) {
            if (ref.asked(q)) {
                seen++;
                correct += ref.right(q[0], q[1], q[2], q[3]) ? 1 : 0;
            }
        }
        assertEquals(qs.size(), r.total());
        assertEquals(seen, r.seen());
        // (3000/4396)^4 ≈ 22% of the questions have their four words in the top 3000
        assertTrue(seen > 50 && seen < qs.size(), "some questions skipped, some asked: " + seen);
        assertEquals(correct, r.correct());
    }

    /** Random questions can hardly be right; these are made right: d = b − a + c exactly, with a rival word. */
    @Test
    void builtAnswersAreFoundAmongManyWords() throws IOException {
        Random rnd = new Random(6);
        int n = Search.WORD_TILE + 500;
        int dim = 16;
        float[] data = new float[n * dim];
        String[] words = new String[n];
        for (int i = 0; i < n; i++) {
            words[i] = "w" + i;
            for (int k = 0; k < dim; k++) {
                data[i * dim + k] = (float) rnd.nextGaussian();
            }
        }
        StringBuilder text = new StringBuilder();
        int questions = 200;
        for (int t = 0; t < questions; t++) {
            int a = 4 * t;
            int b = 4 * t + 1;
            int c = 4 * t + 2;
            int d = n - 1 - t; // answers in the last tile
            double[] ua = unit(data, a, dim);
            double[] ub = unit(data, b, dim);
            double[] uc = unit(data, c, dim);
            for (int k = 0; k < dim; k++) {
                data[d * dim + k] = (float) (ub[k] - ua[k] + uc[k]);
            }
            text.append(words[a]).append(' ').append(words[b]).append(' ').append(words[c]).append(' ')
                    .append(words[d]).append('\n');
        }
        WordVectors v = new WordVectors(words, Matrix.of(n, dim, data));
        AnalogyResult r = Evaluation.analogies(v, questions(text.toString()), n);
        assertEquals(questions, r.correct());
        assertEquals(1.0, r.perSection().get("(no section)").accuracy());
        // restricted so that the answers (the last 200 words) are out: all skipped
        assertEquals(0, Evaluation.analogies(v, questions(text.toString()), n - questions).seen());
    }

    @Test
    void badQuestionFiles() throws IOException {
        WordVectors v = royals();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.analogies(v, questions(": s\nman woman king\n"), 5));
        assertTrue(e.getMessage().contains("line 2: expected four words"), e.getMessage());
        assertTrue(e.getMessage().contains("found 3 words: 'man woman king'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.analogies(v, dir.resolve("none.txt"), 5));
        assertTrue(e.getMessage().contains("none.txt: no such file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Evaluation.analogies(v, questions("a b c d"), 0));
        assertTrue(e.getMessage().contains("topWords must be >= 1, was 0"), e.getMessage());
    }

    @Test
    void embeddedQuestionsAreTheGoogleSet() {
        AnalogyResult r = Evaluation.analogies(royals(), 30_000);
        // counts from the file itself: grep -vc '^:' questions-words.txt = 19544, grep -c '^:' = 14
        assertEquals(19544, r.total());
        assertEquals(14, r.perSection().size());
        assertEquals(8869, r.perSection().values().stream().filter(s -> !s.syntactic())
                .mapToInt(AnalogyResult.Section::total).sum());
        assertEquals(506, r.perSection().get("capital-common-countries").total());
        // awk over the file: 6 questions (all in "family") have their four words among the royals' vocabulary
        assertEquals(6, r.seen());
        assertEquals(6, r.perSection().get("family").seen());
    }

    // ---- synonyms ----

    @Test
    void synonymMetricsMatchADirectComputation() {
        Random rnd = new Random(7);
        int n = Search.WORD_TILE + 700;
        int dim = 5;
        String[] words = new String[n];
        float[] data = new float[n * dim];
        for (int i = 0; i < n; i++) {
            words[i] = "w" + i;
            for (int k = 0; k < dim; k++) {
                data[i * dim + k] = (float) (rnd.nextGaussian() * (1 + i % 4));
            }
        }
        // make a few partners near each other so the recall is neither 0 nor 1
        for (int p = 0; p < 40; p++) {
            for (int k = 0; k < dim; k++) {
                data[(2 * p + 1) * dim + k] = data[2 * p * dim + k] * 1.5f + (float) (0.01 * rnd.nextGaussian());
            }
        }
        WordVectors v = new WordVectors(words, Matrix.of(n, dim, data));
        List<String[]> pairs = new ArrayList<>();
        for (int p = 0; p < 40; p++) {
            pairs.add(new String[] {"w" + 2 * p, "w" + (2 * p + 1)});
        }
        for (int p = 0; p < 300; p++) {
            pairs.add(new String[] {"w" + rnd.nextInt(n), "w" + (n - 1 - rnd.nextInt(n / 2))});
        }
        pairs.removeIf(pr -> pr[0].equals(pr[1]));
        pairs.add(new String[] {"w1", "zzz"});
        pairs.add(new String[] {"qqq", "w2"});
        SynonymResult r = Evaluation.synonyms(v, pairs);
        assertEquals(2, r.unknown());
        assertEquals(pairs.size() - 2, r.used());
        assertEquals(pairs.size(), r.total());

        List<int[]> used = new ArrayList<>();
        for (String[] pr : pairs) {
            if (v.contains(pr[0]) && v.contains(pr[1])) {
                used.add(new int[] {v.indexOf(pr[0]), v.indexOf(pr[1])});
            }
        }
        double align = 0;
        Set<Integer> distinct = new LinkedHashSet<>();
        for (int[] ab : used) {
            double[] a = unit(data, ab[0], dim);
            double[] b = unit(data, ab[1], dim);
            double sq = 0;
            for (int k = 0; k < dim; k++) {
                sq += (a[k] - b[k]) * (a[k] - b[k]);
            }
            align += sq;
            distinct.add(ab[0]);
            distinct.add(ab[1]);
        }
        align /= used.size();
        List<Integer> ws = List.copyOf(distinct);
        double sum = 0;
        long count = 0;
        for (int i = 0; i < ws.size(); i++) {
            for (int j = i + 1; j < ws.size(); j++) {
                double[] a = unit(data, ws.get(i), dim);
                double[] b = unit(data, ws.get(j), dim);
                double sq = 0;
                for (int k = 0; k < dim; k++) {
                    sq += (a[k] - b[k]) * (a[k] - b[k]);
                }
                sum += Math.exp(-2 * sq);
                count++;
            }
        }
        double unif = Math.log(sum / count);
        double[][] units = new double[n][];
        for (int i = 0; i < n; i++) {
            units[i] = unit(data, i, dim);
        }
        int hits = 0;
        for (int[] ab : used) {
            hits += inTop10(units, ab[0], ab[1]) ? 1 : 0;
            hits += inTop10(units, ab[1], ab[0]) ? 1 : 0;
        }
        // the library's metrics on float32 normalised rows (FloatBounds.alignment / uniformity)
        assertEquals(align, r.alignment(), FloatBounds.alignment(2, 2, 2 * FloatBounds.U, used.size(), align));
        assertEquals(unif, r.uniformity(), FloatBounds.uniformity(dim, 2, 2 * used.size(), 1, unif));
        assertEquals(hits / (2.0 * used.size()), r.recallAt10(), FloatBounds.gamma64(2));
        assertTrue(hits >= 60 && hits < 2 * used.size(), "the built pairs are found, the random ones are not: "
                + hits);
    }

    /** Whether {@code b} is among the 10 nearest (cosine, double, ties to the lower index) of {@code a}. */
    static boolean inTop10(double[][] units, int a, int b) {
        double sb = dot(units[a], units[b]);
        int better = 0;
        for (int i = 0; i < units.length; i++) {
            if (i != a && i != b) {
                double s = dot(units[a], units[i]);
                if (s > sb || (s == sb && i < b)) {
                    better++;
                }
            }
        }
        return better < Evaluation.RECALL_K;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            s += x[k] * y[k];
        }
        return s;
    }

    @Test
    void synonymEdgeCases() {
        WordVectors v = royals();
        SynonymResult none = Evaluation.synonyms(v, List.of(new String[] {"x", "y"}, new String[] {"man", "y"}));
        assertEquals(0, none.used());
        assertEquals(2, none.unknown());
        assertTrue(Double.isNaN(none.alignment()) && Double.isNaN(none.uniformity())
                && Double.isNaN(none.recallAt10()));
        // one pair of orthogonal unit vectors: alignment 2, uniformity log exp(−2·2) = −4, both in each other's top
        // 10 (there are only 9 other words)
        SynonymResult one = Evaluation.synonyms(v, List.<String[]>of(new String[] {"man", "woman"}));
        // orthogonal unit vectors with float32 entries normalised to within u: distances within 2u
        assertEquals(2.0, one.alignment(), FloatBounds.alignment(2, 2, 2 * FloatBounds.U, 1, 2));
        assertEquals(-4.0, one.uniformity(), FloatBounds.uniformity(4, 2, 2, 1, 4));
        assertEquals(1.0, one.recallAt10());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.synonyms(v, List.of(new String[] {"a", "b"}, new String[] {"a"})));
        assertTrue(e.getMessage().contains("synonym pair 1 must hold two words"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.synonyms(v, List.<String[]>of(new String[] {"man", "man"})));
        assertTrue(e.getMessage().contains("pair 0 holds the same word twice: 'man'"), e.getMessage());
        assertFalse(WordNetSynonyms.embedded().isEmpty());
    }

    @Test
    void questionsAreCheckedWithoutVectors(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("q.txt"), ": capital\nathens greece oslo norway\n\nparis france rome"
                + " italy\n");
        assertEquals(2, Evaluation.checkQuestions(good));
        Path bad = Files.writeString(dir.resolve("bad.txt"), ": capital\nathens greece oslo\n");
        VocabularyTest.assertMessage(() -> Evaluation.checkQuestions(bad), "line 2: expected four words");
        Path none = Files.writeString(dir.resolve("none.txt"), ": only a section\n");
        VocabularyTest.assertMessage(() -> Evaluation.checkQuestions(none), "holds no question");
        VocabularyTest.assertMessage(() -> Evaluation.checkQuestions(dir.resolve("missing.txt")), "no such file");
    }
}
