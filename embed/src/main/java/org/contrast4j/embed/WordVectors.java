package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.nio.file.Path;
import org.contrast4j.io.AtomicFiles;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * A vocabulary of words with one float32 vector each (row i of a V×D {@link Matrix} is the vector of word i), in the
 * order given — word2vec and this library's trainer write the most frequent word first, which
 * {@link Evaluation#analogies} relies on to restrict the vocabulary.
 *
 * <p><b>Files.</b> {@link #writeText} and {@link #writeBinary} write the two word2vec formats, which gensim's
 * {@code KeyedVectors.load_word2vec_format(path, binary=False|True)} and word2vec's own tools load:
 * <ul>
 *   <li>text: a header line "V D", then one line per word, "word v₁ … v_D", single spaces, each value written with
 *       {@link Float#toString(float)} (the shortest decimal that reads back to the same float, so a round trip is
 *       exact);</li>
 *   <li>binary: the same header line, then per word its UTF-8 bytes, one space, D float32 little-endian (4·D bytes)
 *       and a newline, as word2vec.c writes it.</li>
 * </ul>
 * {@link #read} tells the two apart by the first row (a text row is valid UTF-8 without control characters) and
 * accepts rows with a trailing space (word2vec.c's text output) and CRLF line ends, and binary records with or without
 * the newline (gensim writes none).
 *
 * <p><b>Similarity.</b> {@link #nearest} ranks words by cosine similarity, computed on copies of the rows normalised
 * as x / max(‖x‖₂, 1e-12) (as {@link Similarity#COSINE}); ties go to the word that comes first (the more frequent).
 *
 * <p>Instances are immutable and thread-safe: the constructor copies its arguments and the accessors return copies.
 */
public final class WordVectors {
    private final String[] words;
    private final Matrix vectors;
    private final Map<String, Integer> index;
    private volatile Matrix normalized;

    /**
     * Vectors for {@code words}: row i of {@code vectors} belongs to {@code words[i]}. Both are copied.
     *
     * @param words V ≥ 1 distinct, non-empty words without whitespace (the file formats separate by spaces)
     * @param vectors V×D, D ≥ 1, finite
     * @throws IllegalArgumentException naming the offending word index (and the earlier index of a duplicate), the
     *     two sizes when they differ, or the row, column and value of a non-finite entry
     */
    public WordVectors(String[] words, Matrix vectors) {
        this(Checks.notNull(words, "words").clone(), Checks.notNull(vectors, "vectors").copy(), true);
    }

    private WordVectors(String[] words, Matrix vectors, boolean check) {
        if (words.length != vectors.rows()) {
            throw new IllegalArgumentException("there are " + words.length + " words but the vectors are "
                    + vectors.shape() + ": give one row per word");
        }
        if (words.length == 0) {
            throw new IllegalArgumentException("word vectors need at least one word, got none");
        }
        if (vectors.cols() < 1) {
            throw new IllegalArgumentException("vectors are " + vectors.shape() + ": the dimension must be >= 1");
        }
        Map<String, Integer> map = new HashMap<>(words.length * 2);
        for (int i = 0; i < words.length; i++) {
            String problem = wordProblem(words[i]);
            if (problem != null) {
                throw new IllegalArgumentException("word " + i + " " + problem);
            }
            Integer before = map.putIfAbsent(words[i], i);
            if (before != null) {
                throw new IllegalArgumentException("word " + i + " '" + words[i] + "' repeats word " + before
                        + ": words must be distinct");
            }
        }
        if (check) {
            float[] v = vectors.data();
            int d = vectors.cols();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException("vector of word " + i / d + " '" + words[i / d]
                            + "', column " + i % d + " is " + v[i] + ": vectors must be finite");
                }
            }
        }
        this.words = words;
        this.vectors = vectors;
        this.index = map;
    }

    /** Why {@code w} cannot be a word of a word2vec file, or null. */
    static String wordProblem(String w) {
        if (w == null) {
            return "is null";
        }
        if (w.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                return "'" + printable(w) + "' contains whitespace or a control character (U+"
                        + String.format("%04X", (int) c) + " at position " + i + "): word2vec files separate words by"
                        + " spaces";
            }
        }
        return null;
    }

    /** {@code w} for a one-line message: control and line-breaking characters as \\uXXXX, at most 60 characters. */
    static String printable(String w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < w.length() && b.length() < 60; i++) {
            char c = w.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() < 60 ? b.toString() : b + "…";
    }

    /** Trusted construction from a reader (words and rows already checked). */
    static WordVectors trusted(String[] words, Matrix vectors) {
        return new WordVectors(words, vectors, false);
    }

    /** The number of words V. */
    public int size() {
        return words.length;
    }

    /** The dimension D. */
    public int dimension() {
        return vectors.cols();
    }

    /** The words, in order (an unmodifiable copy). */
    public List<String> words() {
        return List.of(words);
    }

    /** Word {@code i}. */
    public String word(int i) {
        Objects.checkIndex(i, words.length);
        return words[i];
    }

    /** The index of {@code word}, or −1 when it is not in the vocabulary (exact, case-sensitive match). */
    public int indexOf(String word) {
        Integer i = index.get(word);
        return i == null ? -1 : i;
    }

    /** Whether {@code word} is in the vocabulary. */
    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /** A copy of the vector of {@code word}. */
    public float[] vector(String word) {
        return vectors.row(require(word));
    }

    /** A copy of the V×D matrix. */
    public Matrix vectors() {
        return vectors.copy();
    }

    /** The rows normalised to unit length (shared, do not modify). */
    Matrix normalized() {
        Matrix n = normalized;
        if (n == null) {
            n = Similarity.COSINE.prepare(vectors);
            if (n == vectors) {
                n = vectors.copy();
            }
            normalized = n;
        }
        return n;
    }

    /** The backing matrix (shared, do not modify). */
    Matrix raw() {
        return vectors;
    }

    int require(String word) {
        Integer i = index.get(word);
        if (i == null) {
            throw new IllegalArgumentException("unknown word '" + word + "': not among the " + words.length
                    + " words of these vectors");
        }
        return i;
    }

    /** A word and its cosine similarity to a query. */
    public record Neighbour(String word, double cosine) {
    }

    /**
     * The {@code k} words most similar to {@code word} by cosine, most similar first, the word itself excluded.
     *
     * @param k ≥ 1; fewer are returned when the vocabulary has fewer other words
     * @throws IllegalArgumentException when the word is unknown or k &lt; 1
     */
    public List<Neighbour> nearest(String word, int k) {
        int i = require(word);
        return nearest(normalized().row(i), k, Set.of(word));
    }

    /**
     * The {@code k} words whose vectors have the largest cosine similarity to {@code vector}, most similar first,
     * skipping the words in {@code exclude}. Candidates are chosen on float32 dot products of the normalised rows;
     * the cosines returned are recomputed in double. A zero query has cosine 0 with every word.
     *
     * @param vector D values, finite
     * @param k ≥ 1
     * @param exclude words never returned (unknown words in it are ignored)
     * @throws IllegalArgumentException when the length is not D, a value is not finite, or k &lt; 1
     */
    public List<Neighbour> nearest(float[] vector, int k, Set<String> exclude) {
        Checks.notNull(vector, "vector");
        Checks.notNull(exclude, "exclude");
        int d = dimension();
        if (vector.length != d) {
            throw new IllegalArgumentException("the query has " + vector.length + " values but the vectors have "
                    + "dimension " + d);
        }
        for (int c = 0; c < d; c++) {
            if (!Float.isFinite(vector[c])) {
                throw new IllegalArgumentException("query value " + c + " is " + vector[c] + ": must be finite");
            }
        }
        Checks.atLeast(k, 1, "k");
        Matrix q = Similarity.COSINE.prepare(Matrix.of(1, d, vector.clone()));
        Matrix n = normalized();
        int[] skip = exclude.stream().mapToInt(this::indexOf).filter(i -> i >= 0).sorted().toArray();
        Search.TopK top = new Search.TopK(Math.min(k, Math.max(1, words.length - skip.length)));
        float[] s = Kernels.multiplyTransposed(q, n).data();
        for (int i = 0; i < s.length; i++) {
            if (Arrays.binarySearch(skip, i) < 0) {
                top.offer(s[i], i);
            }
        }
        List<Neighbour> out = new ArrayList<>(top.size);
        for (int r = 0; r < top.size; r++) {
            int w = top.indices[r];
            out.add(new Neighbour(words[w], Kernels.dot(q.data(), 0, n.data(), w * d, d)));
        }
        return Collections.unmodifiableList(out);
    }

    /** Writes the word2vec text format (see the class comment), atomically and durably ({@link AtomicFiles}). */
    public void writeText(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            int d = dimension();
            float[] v = vectors.data();
            StringBuilder line = new StringBuilder(16 * d + 32);
            out.write((words.length + " " + d + "\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < words.length; i++) {
                line.setLength(0);
                line.append(words[i]);
                for (int c = 0, off = i * d; c < d; c++) {
                    line.append(' ').append(v[off + c]);
                }
                line.append('\n');
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /** Writes the word2vec binary format (see the class comment), atomically. */
    public void writeBinary(Path file) throws IOException {
        AtomicFiles.write(file, out -> writeBinary(out));
    }

    private void writeBinary(OutputStream out) throws IOException {
        int d = dimension();
        float[] v = vectors.data();
        ByteBuffer row = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        out.write((words.length + " " + d + "\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < words.length; i++) {
            out.write(words[i].getBytes(StandardCharsets.UTF_8));
            out.write(' ');
            row.clear();
            row.asFloatBuffer().put(v, i * d, d);
            out.write(row.array(), 0, 4 * d);
            out.write('\n');
        }
    }

    /**
     * Reads a word2vec text or binary file (detected from its first row).
     *
     * @throws IllegalArgumentException when the file does not exist or is not a well-formed word2vec file: the
     *     message names the file and the line (text) or record and byte offset (binary) — a header that is not
     *     "V D", a row with the wrong number of values, a value that is not a finite number, invalid UTF-8, a
     *     duplicate word, fewer or more rows than the header declares
     * @throws IOException when the file cannot be read
     */
    public static WordVectors read(Path file) throws IOException {
        return VectorFiles.read(file);
    }

    @Override
    public String toString() {
        return "WordVectors[" + words.length + " words × " + dimension() + "]";
    }
}
