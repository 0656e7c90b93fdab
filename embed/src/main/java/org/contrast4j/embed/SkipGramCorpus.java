package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A corpus ready for {@link SkipGram}: its {@link Vocabulary} and every sentence as vocabulary ids, held in memory
 * (4 bytes per kept token: 12 MB for 3 million words), so the corpus is read and tokenised once, not once per epoch.
 *
 * <p>Two sources, one trainer:
 * <ul>
 *   <li><b>text</b> ({@link #ofSentences}): sentences of word tokens, e.g. a {@code TextCorpus}'s
 *       {@code forEachSentence} ({@code corpus::forEachSentence});</li>
 *   <li><b>items</b> ({@link #ofSessions}, item2vec, Barkan &amp; Koenigstein 2016): sequences of int ids (sessions,
 *       baskets); the vocabulary's words are the ids in decimal.</li>
 * </ul>
 * Words below the minimum count are dropped from their sentence (the window then spans the gap, as word2vec and
 * gensim); sentences longer than {@value #MAX_SENTENCE} kept tokens are cut into pieces of that length (gensim's
 * limit), so that no single sentence is too long to share between threads; empty sentences are skipped.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class SkipGramCorpus {
    /** The longest sentence a corpus holds; longer ones are split (gensim's {@code MAX_WORDS_IN_BATCH}). */
    public static final int MAX_SENTENCE = 10_000;

    private final Vocabulary vocabulary;
    private final int[] tokens;
    /** sentence s is tokens[starts[s] .. starts[s+1]). */
    private final int[] starts;
    private final long rawTokens;

    private SkipGramCorpus(Vocabulary vocabulary, int[] tokens, int[] starts, long rawTokens) {
        this.vocabulary = vocabulary;
        this.tokens = tokens;
        this.starts = starts;
        this.rawTokens = rawTokens;
    }

    /**
     * Reads the sentences once, builds the vocabulary of the words that occur at least {@code minCount} times and
     * encodes the corpus. {@code sentences} is called once with a sink and must pass it every sentence, in order
     * ({@code TextCorpus::forEachSentence} has that shape); a null or empty token array is an empty sentence.
     *
     * @throws IllegalArgumentException if minCount &lt; 1, a token is null, empty or holds whitespace, the corpus is
     *                                  empty, or no word occurs minCount times (see {@link Vocabulary#of})
     */
    public static SkipGramCorpus ofSentences(Consumer<Consumer<String[]>> sentences, int minCount) {
        Checks.notNull(sentences, "sentences");
        checkMinCount(minCount);
        Map<String, Integer> ids = new HashMap<>();
        List<String> words = new ArrayList<>();
        Encoder enc = new Encoder();
        sentences.accept(sentence -> {
            if (sentence == null || sentence.length == 0) {
                return;
            }
            for (String w : sentence) {
                if (w == null) {
                    throw new IllegalArgumentException("sentence " + enc.sentences + " holds a null token");
                }
                Integer id = ids.get(w);
                if (id == null) {
                    id = words.size();
                    ids.put(w, id);
                    words.add(w);
                }
                enc.add(id);
            }
            enc.endSentence();
        });
        return enc.build(words.toArray(new String[0]), minCount);
    }

    /**
     * Item mode: sessions of int ids (any int values; {@code sessions} is iterated once). The vocabulary holds the
     * ids that occur at least {@code minCount} times, as decimal strings.
     *
     * @throws IllegalArgumentException if minCount &lt; 1, a session is null, there are no ids, or none reaches
     *                                  minCount
     */
    public static SkipGramCorpus ofSessions(Iterable<int[]> sessions, int minCount) {
        Checks.notNull(sessions, "sessions");
        checkMinCount(minCount);
        Map<Integer, Integer> ids = new HashMap<>();
        List<String> words = new ArrayList<>();
        Encoder enc = new Encoder();
        for (int[] session : sessions) {
            if (session == null) {
                throw new IllegalArgumentException("session " + enc.sentences + " is null");
            }
            if (session.length == 0) {
                continue;
            }
            for (int item : session) {
                Integer id = ids.get(item);
                if (id == null) {
                    id = words.size();
                    ids.put(item, id);
                    words.add(Integer.toString(item));
                }
                enc.add(id);
            }
            enc.endSentence();
        }
        return enc.build(words.toArray(new String[0]), minCount);
    }

    private static void checkMinCount(int minCount) {
        Checks.atLeast(minCount, 1, "minCount");
    }

    /** Collects provisional ids (order of first appearance) and sentence ends, then remaps to vocabulary ids. */
    private static final class Encoder {
        int[] tokens = new int[1 << 16];
        int size;
        int[] ends = new int[1 << 10];
        int sentences;
        long[] counts = new long[1 << 10];

        void add(int id) {
            if (size == tokens.length) {
                if (size == Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("the corpus has more than " + size + " tokens: too large to"
                            + " hold in memory");
                }
                tokens = Arrays.copyOf(tokens, (int) Math.min(Integer.MAX_VALUE - 8, 2L * size));
            }
            tokens[size++] = id;
            if (id == counts.length) {
                counts = Arrays.copyOf(counts, 2 * counts.length);
            }
            counts[id]++;
        }

        void endSentence() {
            if (sentences == ends.length) {
                ends = Arrays.copyOf(ends, 2 * sentences);
            }
            ends[sentences++] = size;
        }

        SkipGramCorpus build(String[] words, int minCount) {
            if (size == 0) {
                throw new IllegalArgumentException("the corpus is empty: no tokens");
            }
            Vocabulary vocab = Vocabulary.of(words, Arrays.copyOf(counts, words.length), minCount);
            int[] remap = new int[words.length];
            for (int i = 0; i < words.length; i++) {
                remap[i] = vocab.index(words[i]);
            }
            // encode in place: kept tokens only, sentences cut at MAX_SENTENCE
            int[] starts = new int[16];
            int ns = 0;
            int w = 0;
            int from = 0;
            for (int s = 0; s < sentences; s++) {
                int sentenceStart = w;
                for (int t = from; t < ends[s]; t++) {
                    int id = remap[tokens[t]];
                    if (id < 0) {
                        continue;
                    }
                    if (w - sentenceStart == MAX_SENTENCE) {
                        starts = push(starts, ns++, sentenceStart);
                        sentenceStart = w;
                    }
                    tokens[w++] = id;
                }
                if (w > sentenceStart) {
                    starts = push(starts, ns++, sentenceStart);
                }
                from = ends[s];
            }
            starts = push(starts, ns, w);
            return new SkipGramCorpus(vocab, Arrays.copyOf(tokens, w), Arrays.copyOf(starts, ns + 1), size);
        }

        private static int[] push(int[] a, int at, int value) {
            int[] r = at == a.length ? Arrays.copyOf(a, 2 * a.length) : a;
            r[at] = value;
            return r;
        }
    }

    /** The vocabulary. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The kept tokens (in-vocabulary), T = {@link Vocabulary#totalCount()}. */
    public long tokens() {
        return tokens.length;
    }

    /** Every token read, including those of words below the minimum count. */
    public long rawTokens() {
        return rawTokens;
    }

    /** The number of (non-empty, possibly split) sentences. */
    public int sentences() {
        return starts.length - 1;
    }

    /** A copy of sentence {@code s} as vocabulary ids. */
    public int[] sentence(int s) {
        if (s < 0 || s >= sentences()) {
            throw new IllegalArgumentException("sentence " + s + " is outside [0, " + sentences() + ")");
        }
        return Arrays.copyOfRange(tokens, starts[s], starts[s + 1]);
    }

    // package-private views for the trainer (no copies)
    int[] tokenArray() {
        return tokens;
    }

    int[] startArray() {
        return starts;
    }

    /** A 64-bit fingerprint of the encoded corpus (FNV-1a over the ids and sentence starts), to match checkpoints. */
    long fingerprint() {
        long hsh = 0xcbf29ce484222325L;
        for (int t : tokens) {
            hsh = (hsh ^ t) * 0x100000001b3L;
        }
        for (int s : starts) {
            hsh = (hsh ^ s) * 0x100000001b3L;
        }
        return hsh;
    }

    @Override
    public String toString() {
        return "SkipGramCorpus{tokens=" + tokens.length + ", sentences=" + sentences() + ", " + vocabulary + "}";
    }
}
