package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramCorpus;
import org.contrast4j.embed.SkipGramTraining;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
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

    @CommandLine.Mixin
    WordOptions options;

    @Option(names = "--objective", paramLabel = "NAME", defaultValue = "neg",
            description = "neg, nce, sampled-softmax, softmax or infonce (default neg).")
    String objective;

    @Option(names = "--binary", description = "Also write DIR/vectors.bin (word2vec binary format).")
    boolean binary;

    @Option(names = "--resume", description = "Continue from DIR/" + CHECKPOINT + " (same corpus and settings;"
            + " more --epochs allowed).")
    boolean resume;

    @Override
    public Integer call() throws IOException {
        Objective obj;
        try {
            obj = Objective.parse(objective);
        } catch (IllegalArgumentException e) {
            throw new InputException("--objective: " + e.getMessage(), e);
        }
        SkipGram config = options.config(obj);
        options.checkEvaluation();
        Path out = options.out;
        Path checkpoint = out.resolve(CHECKPOINT);
        if (resume && !Files.isRegularFile(checkpoint)) {
            throw new InputException("--resume: " + checkpoint + " does not exist (nothing to resume)");
        }
        List<String[]> pairs = options.synonymPairs();
        TextCorpus text = options.corpus();
        String source = options.corpusSource();

        SkipGramCorpus encoded;
        try {
            encoded = SkipGramCorpus.ofSentences(text::forEachSentence, options.minCount);
        } catch (IllegalArgumentException e) {
            throw new InputException(source + ": " + Options.optionNames(e.getMessage()), e);
        }
        options.checkCorpus(text, encoded.vocabulary().size(), encoded.tokens());
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
            throw new InputException((resume ? "--resume " + WordOptions.resumeMessage(e.getMessage())
                    : source + ": " + Options.optionNames(e.getMessage())), e);
        }
        // every input is checked: now the output directory, before the first epoch
        if (resume) {
            OutputDir.prepare("--out", out, "vectors.txt", "vectors.bin", "summary.json");
        } else {
            OutputDir.prepare("--out", out, "vectors.txt", "vectors.bin", "summary.json", CHECKPOINT);
        }

        PrintWriter err = spec.commandLine().getErr();
        WordsProgress progress = new WordsProgress(null, options.noProgress, err);
        while (run.epochsDone() < config.epochs()) {
            SkipGramTraining.Epoch e;
            try {
                e = run.runEpoch(progress);
            } catch (IllegalStateException x) {
                // a diverged run is the settings' fault (the message says which to change); anything else is a defect
                if (x.getMessage() != null && x.getMessage().startsWith("training diverged")) {
                    throw new InputException(x.getMessage(), x);
                }
                throw x;
            }
            WordOptions.checkTrained(source, e.pairs(), e.epoch());
            run.checkpoint(checkpoint);
            progress.epochDone(e);
        }

        WordVectors vectors = SkipGramWordTrainer.vectors(run);
        vectors.writeText(out.resolve("vectors.txt"));
        if (binary) {
            vectors.writeBinary(out.resolve("vectors.bin"));
        }
        AnalogyResult analogies = options.analogies(vectors);
        SynonymResult syn = Evaluation.synonyms(vectors, pairs);
        ObjectNode summary = summary(text, encoded, run, resumedAt, analogies, syn);
        Output.writeJson(out.resolve("summary.json"), summary);

        PrintWriter o = spec.commandLine().getOut();
        new Output.Table()
                .row("corpus", text.name() + " (" + text.tokens() + " tokens" + (text.invalidBytes() > 0
                        ? ", " + text.invalidBytes() + " invalid UTF-8 bytes replaced" : "") + ")")
                .row("vocabulary", encoded.vocabulary().size() + " words (min count " + options.minCount + "), "
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

    private ObjectNode summary(TextCorpus text, SkipGramCorpus encoded, SkipGramTraining run, int resumedAt,
                               AnalogyResult analogies, SynonymResult syn) {
        SkipGram c = run.config();
        ObjectNode j = Output.object();
        j.put("corpus", text.name());
        j.put("corpus_tokens", text.tokens());
        j.put("invalid_bytes", text.invalidBytes());
        j.put("vocabulary", encoded.vocabulary().size());
        j.put("tokens", encoded.tokens());
        options.putSettings(j, c).put("threads", c.threads()).put("step", c.step().key());
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
        j.put("analogy_top_words", options.topWords);
        j.put("synonym_alignment", syn.alignment());
        j.put("synonym_uniformity", syn.uniformity());
        j.put("synonym_recall_at_10", syn.recallAt10());
        j.put("synonym_pairs_used", syn.used());
        j.put("synonym_pairs_unknown", syn.unknown());
        return j;
    }
}
