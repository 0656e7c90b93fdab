package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramCorpus;
import org.contrast4j.embed.SkipGramTraining;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordNetSynonyms;
import org.contrast4j.embed.WordVectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j train words}: trains skip-gram word vectors with one objective ({@link SkipGram}), checkpointing
 * every epoch, and writes {@code DIR/vectors.txt} (word2vec text) and {@code DIR/summary.json} (speed, analogy
 * accuracy, WordNet synonym metrics). A subcommand of {@link TrainCommand}.
 */
@Command(name = "words", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains skip-gram word vectors (word2vec's algorithm: subsampling, dynamic window, linearly"
                + " decaying learning rate, Hogwild threads) with one objective: neg (negative sampling), nce,"
                + " sampled-softmax, softmax (exact, O(V·D) per pair: small corpora only) or infonce (in-batch"
                + " negatives, temperature).",
            "Writes DIR/vectors.txt (word2vec text format, loadable by gensim), DIR/summary.json (words/s,"
                + " seconds, loss per epoch, analogy accuracy by 3CosAdd over the 30,000 most frequent words,"
                + " WordNet synonym alignment, uniformity and recall@10) and DIR/checkpoint.bin after every epoch"
                + " (atomically); --resume continues from it."},
        footer = {"",
            "Without --corpus the embedded public-domain corpus is used (KJV Genesis and",
            "Exodus, 71k tokens). Words per second count corpus tokens (in-vocabulary,",
            "before subsampling) per second of training, as word2vec.c reports them.",
            "With --threads 1 a run is deterministic for a seed, and a resumed run is",
            "bit-identical to an uninterrupted one.",
            "",
            "Example:",
            "  contrast4j train words --corpus sotu-brown.txt --objective neg --threads 2 \\",
            "      --out runs/neg"})
final class TrainWordsCommand implements Callable<Integer> {
    /** The checkpoint file in the output directory. */
    static final String CHECKPOINT = "checkpoint.bin";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "UTF-8 text, one sentence per line (.gz read too); default: the embedded KJV Genesis +"
                    + " Exodus.")
    Path corpus;

    @Option(names = "--objective", paramLabel = "NAME", defaultValue = "neg",
            description = "neg, nce, sampled-softmax, softmax or infonce (default neg).")
    String objective;

    @Option(names = "--negatives", paramLabel = "K", defaultValue = "5",
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

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "Hogwild threads (default 2).")
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
            description = "Synonym pairs: a file of 'word word' lines, or a WordNet dict directory; default: the"
                    + " embedded WordNet pairs.")
    Path synonyms;

    @Option(names = "--binary", description = "Also write DIR/vectors.bin (word2vec binary format).")
    boolean binary;

    @Option(names = "--resume", description = "Continue from DIR/" + CHECKPOINT + " (same corpus and settings).")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Objective obj;
        try {
            obj = Objective.parse(objective);
        } catch (IllegalArgumentException e) {
            throw new InputException("--objective: " + e.getMessage(), e);
        }
        SkipGram config = config(obj);
        atLeast("--min-count", minCount, 1);
        atLeast("--top-words", topWords, 1);
        if (questions != null && !Files.isRegularFile(questions)) {
            throw new InputException("--questions " + questions + ": " + (Files.exists(questions)
                    ? "is not a regular file" : "no such file"));
        }
        Path checkpoint = out.resolve(CHECKPOINT);
        if (resume && !Files.isRegularFile(checkpoint)) {
            throw new InputException("--resume: " + checkpoint + " does not exist (nothing to resume)");
        }
        List<String[]> pairs = pairs();
        TextCorpus text = corpus();
        Output.directory("--out", out);
        String source = corpus == null ? "embedded corpus" : "--corpus " + corpus;

        SkipGramCorpus encoded;
        try {
            encoded = SkipGramCorpus.ofSentences(text::forEachSentence, minCount);
        } catch (IllegalArgumentException e) {
            throw new InputException(source + ": " + e.getMessage(), e);
        }
        SkipGramTraining run;
        int resumedAt = 0;
        try {
            if (resume) {
                run = SkipGramTraining.resume(checkpoint, encoded, config);
                resumedAt = run.epochsDone();
            } else {
                run = config.start(encoded);
            }
        } catch (IllegalArgumentException e) {
            throw new InputException((resume ? "--resume " : source + ": ") + e.getMessage(), e);
        }

        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err);
        while (run.epochsDone() < config.epochs()) {
            SkipGramTraining.Epoch e;
            try {
                e = run.runEpoch(progress);
            } catch (IllegalStateException diverged) {
                throw new InputException(diverged.getMessage(), diverged);
            }
            run.checkpoint(checkpoint);
            progress.epoch(e);
        }

        WordVectors vectors = SkipGramWordTrainer.vectors(run);
        vectors.writeText(out.resolve("vectors.txt"));
        if (binary) {
            vectors.writeBinary(out.resolve("vectors.bin"));
        }
        AnalogyResult analogies = questions == null ? Evaluation.analogies(vectors, topWords)
                : Evaluation.analogies(vectors, questions, topWords);
        SynonymResult syn = Evaluation.synonyms(vectors, pairs);
        ObjectNode summary = summary(text, encoded, run, resumedAt, analogies, syn);
        Output.writeJson(out.resolve("summary.json"), summary);

        PrintWriter o = spec.commandLine().getOut();
        new Output.Table()
                .row("corpus", text.name() + " (" + text.tokens() + " tokens" + (text.invalidBytes() > 0
                        ? ", " + text.invalidBytes() + " invalid UTF-8 bytes replaced" : "") + ")")
                .row("vocabulary", encoded.vocabulary().size() + " words (min count " + minCount + "), "
                        + encoded.tokens() + " tokens")
                .row("objective", obj.key())
                .row("epochs", config.epochs() + (resumedAt > 0 ? " (resumed after " + resumedAt + ")" : ""))
                .row("seconds", run.seconds())
                .row("words_per_second", Math.round(run.wordsPerSecond()))
                .row("final_loss", run.epochs().get(run.epochs().size() - 1).loss())
                .row("analogy_accuracy", analogies.accuracy())
                .row("analogy_seen", analogies.seen() + " of " + analogies.total())
                .row("synonym_alignment", syn.alignment())
                .row("synonym_uniformity", syn.uniformity())
                .row("synonym_recall_at_10", syn.recallAt10())
                .row("synonym_pairs", syn.used() + " used, " + syn.unknown() + " unknown")
                .row("wrote", out.resolve("vectors.txt") + (binary ? ", vectors.bin" : "") + ", summary.json, "
                        + CHECKPOINT)
                .print(o);
        return 0;
    }

    private SkipGram config(Objective obj) {
        try {
            SkipGram.Builder b = SkipGram.builder().objective(obj).negatives(negatives).noisePower(noisePower)
                    .dimension(dim).window(window).epochs(epochs).sample(sample).threads(threads).seed(seed);
            if (learningRate != null) {
                b.learningRate(learningRate);
            }
            if (temperature != null) {
                b.temperature(temperature);
            }
            if (batchSize != null) {
                b.batchSize(batchSize);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InputException(optionMessage(e.getMessage()), e);
        }
    }

    /** The builder's message with its setting named as the option ("dimension must be …" → "--dim must be …"). */
    private static String optionMessage(String message) {
        String[][] names = {{"negatives k", "--negatives"}, {"noisePower", "--noise-power"},
            {"dimension", "--dim"}, {"window", "--window"}, {"epochs", "--epochs"}, {"sample", "--sample"},
            {"learningRate", "--learning-rate"}, {"temperature", "--temperature"}, {"batchSize", "--batch-size"},
            {"threads", "--threads"}, {"InfoNCE needs batchSize", "--objective infonce needs --batch-size"}};
        for (String[] n : names) {
            if (message.startsWith(n[0])) {
                return n[1] + message.substring(n[0].length());
            }
        }
        return message;
    }

    private ObjectNode summary(TextCorpus text, SkipGramCorpus encoded, SkipGramTraining run, int resumedAt,
                               AnalogyResult analogies, SynonymResult syn) {
        SkipGram c = run.config();
        ObjectNode j = Output.object();
        j.put("corpus", text.name());
        j.put("corpus_tokens", text.tokens());
        j.put("invalid_bytes", text.invalidBytes());
        j.put("vocabulary", encoded.vocabulary().size());
        j.put("tokens", encoded.tokens());
        ObjectNode s = j.putObject("settings");
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
        s.put("threads", c.threads());
        s.put("seed", c.seed());
        j.put("resumed_after_epoch", resumedAt);
        j.put("words_per_second", run.wordsPerSecond());
        j.put("seconds", run.seconds());
        ArrayNode ep = j.putArray("epochs");
        for (SkipGramTraining.Epoch e : run.epochs()) {
            ObjectNode n = ep.addObject();
            n.put("epoch", e.epoch());
            n.put("seconds", e.seconds());
            n.put("words", e.words());
            n.put("words_per_second", e.wordsPerSecond());
            n.put("loss", e.loss());
            n.put("pairs", e.pairs());
        }
        j.put("analogy_accuracy", analogies.accuracy());
        j.put("analogy_correct", analogies.correct());
        j.put("analogy_seen", analogies.seen());
        j.put("analogy_total", analogies.total());
        j.put("analogy_semantic_accuracy", analogies.semanticAccuracy());
        j.put("analogy_syntactic_accuracy", analogies.syntacticAccuracy());
        j.put("analogy_top_words", topWords);
        j.put("synonym_alignment", syn.alignment());
        j.put("synonym_uniformity", syn.uniformity());
        j.put("synonym_recall_at_10", syn.recallAt10());
        j.put("synonym_pairs_used", syn.used());
        j.put("synonym_pairs_unknown", syn.unknown());
        return j;
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

    private static void atLeast(String option, int v, int min) {
        if (v < min) {
            throw new InputException(option + " must be >= " + min + ", was " + v);
        }
    }

    /**
     * Progress on stderr: on a terminal one line rewritten in place about once a second; otherwise (a log, a pipe)
     * a line every 10 seconds. One line per finished epoch in both cases.
     */
    static final class Progress implements Consumer<SkipGramTraining.Progress> {
        private final PrintWriter err;
        private final boolean terminal;
        private long lastLine;

        Progress(PrintWriter err) {
            this.err = err;
            java.io.Console console = System.console();
            this.terminal = console != null && console.isTerminal();
            this.lastLine = System.nanoTime();
        }

        @Override
        public void accept(SkipGramTraining.Progress p) {
            long now = System.nanoTime();
            String line = String.format(Locale.ROOT, "epoch %d/%d %5.1f%%  %,d words  %,.0f words/s  lr %.5f",
                    p.epoch(), p.epochs(), 100.0 * p.words() / p.epochWords(), p.words(), p.wordsPerSecond(),
                    p.learningRate());
            if (terminal) {
                err.print("\r\033[K" + line);
                err.flush();
            } else if (now - lastLine >= 10_000_000_000L) {
                err.println(line);
                err.flush();
                lastLine = now;
            }
        }

        void epoch(SkipGramTraining.Epoch e) {
            String line = String.format(Locale.ROOT, "epoch %d done: %.1f s, %,.0f words/s, loss %.4f",
                    e.epoch(), e.seconds(), e.wordsPerSecond(), e.loss());
            err.print(terminal ? "\r\033[K" + line + "\n" : line + "\n");
            err.flush();
        }
    }
}
