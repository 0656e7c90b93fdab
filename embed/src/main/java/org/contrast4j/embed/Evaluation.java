package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Uniformity;

/**
 * Intrinsic evaluations of word vectors: word analogies and synonym pairs.
 *
 * <p><b>Analogies</b> (Mikolov et al., "Efficient Estimation of Word Representations in Vector Space", 2013): for a
 * question "a b c d" (a is to b as c is to d), the answer is by 3CosAdd
 * <pre>
 *   d̂ = argmax_{w ∉ {a, b, c}} cos(w, b̂ − â + ĉ)
 * </pre>
 * over unit-normalised vectors, and the question counts as correct when d̂ = d. As word2vec's
 * {@code compute-accuracy} and gensim's {@code KeyedVectors.evaluate_word_analogies(restrict_vocab=30000)}:
 * <ul>
 *   <li>the vocabulary is restricted to the first {@code topWords} words of the vectors (the most frequent, since
 *       word2vec files list words by decreasing count; default {@value #DEFAULT_TOP_WORDS}); candidates come only
 *       from it;</li>
 *   <li>a question with any of its four words outside the restricted vocabulary is skipped — counted in
 *       {@link AnalogyResult#total()} but not in {@link AnalogyResult#seen()}; accuracy = correct / seen;</li>
 *   <li>matching is case-insensitive (compute-accuracy upper-cases everything; gensim's default
 *       {@code case_insensitive=True}): words are compared lower-cased, and when several restricted words share a
 *       lower-cased form the first (most frequent) one stands for it; every word whose lower-cased form is a, b or c
 *       is excluded from the answers (gensim's rule);</li>
 *   <li>ties go to the earlier (more frequent) word. Scores are float32 dot products of the normalised vectors,
 *       computed in blocks with {@link org.contrast4j.linalg.Kernels#gemm}.</li>
 * </ul>
 * The file format is word2vec's {@code questions-words.txt}: lines ": section-name" open a section, every other
 * non-blank line holds four words separated by spaces. The 19,544 questions of that file (Apache-2.0, from the
 * word2vec distribution) are embedded: {@link #analogies(WordVectors, int)}.
 *
 * <p><b>Synonyms</b>: for pairs of synonyms (e.g. {@link WordNetSynonyms}), the alignment of the pairs and the
 * uniformity of their words with the foundation metrics (Wang &amp; Isola 2020; {@link Alignment}, α = 2, and
 * {@link Uniformity}, t = 2, both on unit-normalised vectors), and the synonym recall@{@value #RECALL_K}: the share
 * of (pair, direction) whose partner is among the {@value #RECALL_K} nearest neighbours by cosine in the whole
 * vocabulary. Words are looked up exactly (case-sensitive); a pair with a word outside the vocabulary is skipped and
 * counted, never an error.
 */
public final class Evaluation {
    /** The restricted vocabulary of word2vec's compute-accuracy and gensim: {@value}. */
    public static final int DEFAULT_TOP_WORDS = 30_000;
    /** The neighbourhood of the synonym recall: {@value}. */
    public static final int RECALL_K = 10;
    /** Class-path resource of the embedded analogy questions (gzipped). */
    static final String QUESTIONS_RESOURCE = "questions-words.txt.gz";

    private Evaluation() {
    }

    /** One question, lower-cased. */
    private record Question(String section, String a, String b, String c, String d) {
    }

    /**
     * Word analogies from a questions file (word2vec's format), by 3CosAdd over the {@code topWords} first words.
     *
     * @param vectors the vectors, most frequent word first
     * @param questions a questions file: ": section" lines and lines of four words
     * @param topWords the size of the restricted vocabulary, ≥ 1 (word2vec and gensim use 30,000); more than the
     *     vocabulary means all of it
     * @throws IllegalArgumentException when the file does not exist, a line is neither a section nor four words
     *     (naming the line), a line is not UTF-8, or topWords &lt; 1
     * @throws IOException when the file cannot be read
     */
    public static AnalogyResult analogies(WordVectors vectors, Path questions, int topWords) throws IOException {
        Checks.notNull(questions, "questions");
        if (!Files.isRegularFile(questions)) {
            throw new IllegalArgumentException("questions " + questions + ": " + (Files.exists(questions)
                    ? "is not a regular file" : "no such file"));
        }
        try (InputStream in = Files.newInputStream(questions)) {
            return analogies(vectors, parse("questions " + questions, in.readAllBytes()), topWords);
        }
    }

    /**
     * Reads and checks a questions file as {@link #analogies(WordVectors, Path, int)} would, without vectors: lets a
     * caller refuse a bad file before training rather than after.
     *
     * @return the number of questions
     * @throws IllegalArgumentException when the file does not exist, a line is neither a section nor four words
     *     (naming the line), a line is not UTF-8, or it holds no question
     * @throws IOException when the file cannot be read
     */
    public static int checkQuestions(Path questions) throws IOException {
        Checks.notNull(questions, "questions");
        if (!Files.isRegularFile(questions)) {
            throw new IllegalArgumentException("questions " + questions + ": " + (Files.exists(questions)
                    ? "is not a regular file" : "no such file"));
        }
        try (InputStream in = Files.newInputStream(questions)) {
            int n = parse("questions " + questions, in.readAllBytes()).size();
            if (n == 0) {
                throw new IllegalArgumentException("questions " + questions + ": holds no question (lines 'a b c d')");
            }
            return n;
        }
    }

    /**
     * Word analogies on the embedded Google question set (Mikolov et al. 2013; 14 sections, 19,544 questions: 8,869
     * semantic, 10,675 syntactic), as {@link #analogies(WordVectors, Path, int)}.
     */
    public static AnalogyResult analogies(WordVectors vectors, int topWords) {
        try (InputStream raw = Evaluation.class.getResourceAsStream(QUESTIONS_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + QUESTIONS_RESOURCE + " is missing from the class path");
            }
            try (InputStream in = new GZIPInputStream(raw)) {
                return analogies(vectors, parse("embedded questions", in.readAllBytes()), topWords);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded questions: " + e.getMessage(), e);
        }
    }

    private static List<Question> parse(String name, byte[] bytes) {
        List<Question> out = new ArrayList<>();
        String section = "(no section)";
        int lineNo = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, start, end - start)).toString().strip();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": not valid UTF-8");
            }
            start = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith(":")) {
                section = line.substring(1).strip();
                continue;
            }
            String[] w = line.split("\\s+");
            if (w.length != 4) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": expected four words 'a b c d' or "
                        + "': section' but found " + w.length + " word" + (w.length == 1 ? "" : "s") + ": '"
                        + (line.length() > 60 ? line.substring(0, 57) + "…" : line) + "'");
            }
            out.add(new Question(section, lower(w[0]), lower(w[1]), lower(w[2]), lower(w[3])));
        }
        return out;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static AnalogyResult analogies(WordVectors vectors, List<Question> questions, int topWords) {
        Checks.notNull(vectors, "vectors");
        Checks.atLeast(topWords, 1, "topWords");
        int w = Math.min(topWords, vectors.size());
        Map<String, Integer> first = new HashMap<>(2 * w);
        int[] rep = new int[w];
        for (int i = 0; i < w; i++) {
            Integer f = first.putIfAbsent(lower(vectors.word(i)), i);
            rep[i] = f == null ? i : f;
        }
        Map<String, int[]> counts = new LinkedHashMap<>(); // section → correct, seen, total
        List<int[]> asked = new ArrayList<>(); // a, b, c, d representatives
        List<int[]> askedCounts = new ArrayList<>();
        for (Question q : questions) {
            int[] c = counts.computeIfAbsent(q.section(), s -> new int[3]);
            c[2]++;
            Integer a = first.get(q.a());
            Integer b = first.get(q.b());
            Integer cc = first.get(q.c());
            Integer d = first.get(q.d());
            if (a == null || b == null || cc == null || d == null) {
                continue;
            }
            c[1]++;
            asked.add(new int[] {a, b, cc, d});
            askedCounts.add(c);
        }
        int n = asked.size();
        if (n > 0) {
            Matrix norm = vectors.normalized();
            int dim = vectors.dimension();
            float[] x = norm.data();
            float[] qd = new float[Checks.product(n, dim, "analogy query vectors", 4)];
            for (int r = 0; r < n; r++) {
                int[] t = asked.get(r);
                for (int k = 0; k < dim; k++) {
                    qd[r * dim + k] = (float) ((double) x[t[1] * dim + k] - x[t[0] * dim + k] + x[t[2] * dim + k]);
                }
            }
            float[] best = new float[n];
            int[] arg = new int[n];
            java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(arg, -1);
            new Search(norm, w).scores(Matrix.of(n, dim, qd), (q0, rows, w0, width, s) -> {
                for (int r = 0; r < rows; r++) {
                    int[] t = asked.get(q0 + r);
                    float b = best[q0 + r];
                    int a = arg[q0 + r];
                    for (int c = 0, off = r * width; c < width; c++) {
                        float v = s[off + c];
                        if (v > b) {
                            int e = rep[w0 + c];
                            if (e != t[0] && e != t[1] && e != t[2]) {
                                b = v;
                                a = w0 + c;
                            }
                        }
                    }
                    best[q0 + r] = b;
                    arg[q0 + r] = a;
                }
            });
            for (int r = 0; r < n; r++) {
                if (arg[r] >= 0 && rep[arg[r]] == asked.get(r)[3]) {
                    askedCounts.get(r)[0]++;
                }
            }
        }
        Map<String, AnalogyResult.Section> sections = new LinkedHashMap<>();
        int correct = 0;
        int seen = 0;
        int total = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            sections.put(e.getKey(), new AnalogyResult.Section(e.getKey(), c[0], c[1], c[2]));
            correct += c[0];
            seen += c[1];
            total += c[2];
        }
        return new AnalogyResult(seen == 0 ? Double.NaN : (double) correct / seen, correct, seen, total, sections);
    }

    /**
     * Synonym-pair metrics: alignment and uniformity (foundation metrics on the unit-normalised vectors) and synonym
     * recall@{@value #RECALL_K} (see the class comment and {@link SynonymResult}).
     *
     * @param vectors the vectors
     * @param pairs pairs of two different words; pairs with an unknown word are skipped and counted
     * @throws IllegalArgumentException when a pair is null, has not exactly two words, a null word, or the same word
     *     twice (naming the pair's index)
     */
    public static SynonymResult synonyms(WordVectors vectors, List<String[]> pairs) {
        Checks.notNull(vectors, "vectors");
        Checks.notNull(pairs, "pairs");
        List<int[]> used = new ArrayList<>();
        int unknown = 0;
        for (int p = 0; p < pairs.size(); p++) {
            String[] pair = pairs.get(p);
            if (pair == null || pair.length != 2 || pair[0] == null || pair[1] == null) {
                throw new IllegalArgumentException("synonym pair " + p + " must hold two words, was "
                        + (pair == null ? "null" : java.util.Arrays.toString(pair)));
            }
            if (pair[0].equals(pair[1])) {
                throw new IllegalArgumentException("synonym pair " + p + " holds the same word twice: '" + pair[0]
                        + "'");
            }
            int a = vectors.indexOf(pair[0]);
            int b = vectors.indexOf(pair[1]);
            if (a < 0 || b < 0) {
                unknown++;
            } else {
                used.add(new int[] {a, b});
            }
        }
        int n = used.size();
        if (n == 0) {
            return new SynonymResult(Double.NaN, Double.NaN, Double.NaN, 0, unknown);
        }
        Matrix raw = vectors.raw();
        int d = vectors.dimension();
        float[] xs = new float[Checks.product(n, d, "synonym pair vectors", 4)];
        float[] ys = new float[n * d];
        Map<Integer, Integer> distinct = new LinkedHashMap<>();
        for (int p = 0; p < n; p++) {
            int[] ab = used.get(p);
            System.arraycopy(raw.data(), ab[0] * d, xs, p * d, d);
            System.arraycopy(raw.data(), ab[1] * d, ys, p * d, d);
            distinct.putIfAbsent(ab[0], distinct.size());
            distinct.putIfAbsent(ab[1], distinct.size());
        }
        double alignment = Alignment.of(Matrix.of(n, d, xs), Matrix.of(n, d, ys));
        int u = distinct.size();
        int[] wordOf = new int[u];
        distinct.forEach((word, row) -> wordOf[row] = word);
        Matrix norm = vectors.normalized();
        float[] words = new float[Checks.product(u, d, "synonym word vectors", 4)];
        float[] rawWords = new float[u * d];
        for (int r = 0; r < u; r++) {
            System.arraycopy(norm.data(), wordOf[r] * d, words, r * d, d);
            System.arraycopy(raw.data(), wordOf[r] * d, rawWords, r * d, d);
        }
        double uniformity = Uniformity.of(Matrix.of(u, d, rawWords));
        Search.TopK[] top = new Search.TopK[u];
        for (int r = 0; r < u; r++) {
            top[r] = new Search.TopK(RECALL_K);
        }
        new Search(norm, vectors.size()).scores(Matrix.of(u, d, words), (q0, rows, w0, width, s) -> {
            for (int r = 0; r < rows; r++) {
                Search.TopK t = top[q0 + r];
                int self = wordOf[q0 + r];
                for (int c = 0, off = r * width; c < width; c++) {
                    if (w0 + c != self) {
                        t.offer(s[off + c], w0 + c);
                    }
                }
            }
        });
        long hits = 0;
        for (int[] ab : used) {
            hits += top[distinct.get(ab[0])].contains(ab[1]) ? 1 : 0;
            hits += top[distinct.get(ab[1])].contains(ab[0]) ? 1 : 0;
        }
        return new SynonymResult(alignment, uniformity, hits / (2.0 * n), n, unknown);
    }
}
