package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The vocabulary of a skip-gram corpus: the distinct words (or item ids) that occur at least {@code minCount} times,
 * sorted by count, most frequent first (word2vec's {@code SortVocab}; equal counts keep the order in which the words
 * first appeared, as gensim), each with its id = its rank 0 … V−1 and its count n_w. The words below the minimum are
 * dropped from the corpus (word2vec and gensim do the same) and counted in {@link #droppedWords()} and
 * {@link #droppedTokens()}.
 *
 * <p>Frequent-word subsampling (Mikolov et al. 2013, "Distributed Representations of Words and Phrases and their
 * Compositionality", §2.3) in the form word2vec.c and gensim implement: with threshold t and T =
 * {@link #totalCount()} (the tokens of the kept words), each occurrence of w is kept with probability
 * <pre>
 *   P_keep(w) = min(1, (√(n_w / (t·T)) + 1) · t·T / n_w)
 * </pre>
 * ({@link #keepProbability}; t = 0 keeps everything). The paper's formula 1 − √(t/f) differs; the code's is the one
 * every implementation uses.
 *
 * <p>Words are non-empty and contain no whitespace (the word2vec text format separates fields by spaces). Immutable
 * and thread-safe.
 */
public final class Vocabulary {
    private final String[] words;
    private final long[] counts;
    private final Map<String, Integer> index;
    private final long totalCount;
    private final int minCount;
    private final int droppedWords;
    private final long droppedTokens;

    private Vocabulary(String[] words, long[] counts, int minCount, int droppedWords, long droppedTokens) {
        this.words = words;
        this.counts = counts;
        this.minCount = minCount;
        this.droppedWords = droppedWords;
        this.droppedTokens = droppedTokens;
        this.index = new HashMap<>(words.length * 2);
        long total = 0;
        for (int i = 0; i < words.length; i++) {
            index.put(words[i], i);
            total += counts[i];
        }
        this.totalCount = total;
    }

    /**
     * The vocabulary of the words that occur at least {@code minCount} times, from the count of every distinct word.
     *
     * @param words    the distinct words, in the order they first appeared (the tie-break of equal counts)
     * @param counts   their counts, {@code counts[i]} for {@code words[i]}
     * @param minCount the minimum count, ≥ 1
     * @throws IllegalArgumentException if minCount &lt; 1, the arrays differ in length, a word is null, empty,
     *                                  contains whitespace or repeats, a count is &lt; 1, there are no words (empty
     *                                  corpus), or no word reaches minCount (naming the most frequent word and its
     *                                  count)
     */
    public static Vocabulary of(String[] words, long[] counts, int minCount) {
        Checks.atLeast(minCount, 1, "minCount");
        if (words == null || counts == null) {
            throw new IllegalArgumentException("words and counts must not be null");
        }
        if (words.length != counts.length) {
            throw new IllegalArgumentException(words.length + " words but " + counts.length + " counts");
        }
        if (words.length == 0) {
            throw new IllegalArgumentException("the corpus is empty: no word to build a vocabulary from");
        }
        Map<String, Integer> seen = new HashMap<>(words.length * 2);
        int kept = 0;
        int best = 0;
        long tokens = 0;
        for (int i = 0; i < words.length; i++) {
            checkWord(i, words[i]);
            if (seen.put(words[i], i) != null) {
                throw new IllegalArgumentException("words[" + i + "] '" + words[i] + "' repeats words["
                        + seen.get(words[i]) + "]: words must be distinct");
            }
            if (counts[i] < 1) {
                throw new IllegalArgumentException("counts[" + i + "] (word '" + words[i] + "') is " + counts[i]
                        + ": counts must be >= 1");
            }
            tokens += counts[i];
            if (counts[i] >= minCount) {
                kept++;
            }
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        if (kept == 0) {
            throw new IllegalArgumentException("no word occurs at least minCount = " + minCount + " times: the corpus"
                    + " has " + tokens + " tokens of " + words.length + " distinct words, the most frequent ('"
                    + words[best] + "') occurs " + counts[best] + " time" + (counts[best] == 1 ? "" : "s"));
        }
        Integer[] order = new Integer[kept];
        int n = 0;
        for (int i = 0; i < words.length; i++) {
            if (counts[i] >= minCount) {
                order[n++] = i;
            }
        }
        // stable: equal counts keep their first-appearance order
        Arrays.sort(order, (a, b) -> Long.compare(counts[b], counts[a]));
        String[] w = new String[kept];
        long[] c = new long[kept];
        long keptTokens = 0;
        for (int r = 0; r < kept; r++) {
            w[r] = words[order[r]];
            c[r] = counts[order[r]];
            keptTokens += c[r];
        }
        return new Vocabulary(w, c, minCount, words.length - kept, tokens - keptTokens);
    }

    private static void checkWord(int i, String word) {
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException("words[" + i + "] is " + (word == null ? "null" : "empty"));
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.isWhitespace(word.charAt(k))) {
                throw new IllegalArgumentException("words[" + i + "] '" + word + "' contains whitespace at "
                        + k + ": the word2vec formats cannot hold it");
            }
        }
    }

    /** V, the number of kept words. */
    public int size() {
        return words.length;
    }

    /** The word of id {@code id} (rank by count). */
    public String word(int id) {
        checkId(id);
        return words[id];
    }

    /** The count n_w of id {@code id} in the corpus. */
    public long count(int id) {
        checkId(id);
        return counts[id];
    }

    /** The id of {@code word}, or −1 if it is not in the vocabulary. */
    public int index(String word) {
        Integer i = index.get(word);
        return i == null ? -1 : i;
    }

    /** A copy of the V words, most frequent first. */
    public String[] words() {
        return words.clone();
    }

    /** A copy of the V counts, in id order (non-increasing). */
    public long[] counts() {
        return counts.clone();
    }

    /** T, the number of corpus tokens of the kept words (word2vec's {@code train_words}). */
    public long totalCount() {
        return totalCount;
    }

    /** The minimum count this vocabulary was built with. */
    public int minCount() {
        return minCount;
    }

    /** How many distinct words occurred fewer than {@link #minCount()} times. */
    public int droppedWords() {
        return droppedWords;
    }

    /** How many corpus tokens those dropped words had. */
    public long droppedTokens() {
        return droppedTokens;
    }

    /**
     * The probability that subsampling with threshold {@code sample} keeps one occurrence of word {@code id}:
     * min(1, (√(n/(t·T)) + 1)·t·T/n); 1 when t = 0.
     *
     * @throws IllegalArgumentException if the threshold is negative or not finite, or the id is out of range
     */
    public double keepProbability(int id, double sample) {
        checkId(id);
        if (!(sample >= 0) || !Double.isFinite(sample)) {
            throw new IllegalArgumentException("sample threshold must be finite and >= 0, was " + sample);
        }
        if (sample == 0) {
            return 1.0;
        }
        double threshold = sample * totalCount;
        double n = counts[id];
        return Math.min(1.0, (Math.sqrt(n / threshold) + 1) * threshold / n);
    }

    private void checkId(int id) {
        if (id < 0 || id >= words.length) {
            throw new IllegalArgumentException("id " + id + " is outside [0, " + words.length + ")");
        }
    }

    /** Whether {@code other} holds the same words with the same counts in the same order. */
    boolean sameAs(Vocabulary other) {
        return Arrays.equals(words, other.words) && Arrays.equals(counts, other.counts);
    }

    @Override
    public String toString() {
        return "Vocabulary{V=" + words.length + ", tokens=" + totalCount + ", minCount=" + minCount
                + ", droppedWords=" + droppedWords + "}";
    }
}
