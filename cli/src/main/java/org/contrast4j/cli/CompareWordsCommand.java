package org.contrast4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
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

    @CommandLine.Mixin
    WordOptions options;

    @Option(names = "--objectives", paramLabel = "LIST", split = ",",
            description = "Comma-separated subset of neg,nce,sampled-softmax,softmax,infonce (default: all five).")
    List<String> objectives;

    @Override
    public Integer call() throws IOException {
        List<String> objs = objectives();
        for (String objective : objs) {
            options.config(Objective.parse(objective)); // every setting checked before any training starts
        }
        options.checkEvaluation();
        List<String[]> pairs = options.synonymPairs();
        TextCorpus text = options.corpus();
        Path out = options.out;

        WordTrainer.Prepared prepared;
        try {
            prepared = trainer.prepare(text, options.minCount);
        } catch (IllegalArgumentException e) {
            throw new InputException(options.corpusSource() + ": " + Options.optionNames(e.getMessage()), e);
        }
        options.checkCorpus(text, prepared.vocabularySize(), prepared.tokens());
        OutputDir.prepare("--out", out, "report.html", "compare.json", "vectors-*.bin");
        WordTrainer.Settings settings = options.settings();
        List<WordsReport.Row> rows = new ArrayList<>();
        for (String objective : objs) {
            WordTrainer.Run run = prepared.train(objective, settings,
                    new WordsProgress(objective, options.noProgress, spec.commandLine().getErr()));
            AnalogyResult analogies = options.analogies(run.vectors());
            SynonymResult syn = Evaluation.synonyms(run.vectors(), pairs);
            run.vectors().writeBinary(out.resolve("vectors-" + objective + ".bin"));
            rows.add(new WordsReport.Row(run, analogies, syn));
        }
        WordsReport report = new WordsReport(new WordsReport.Context(text.name(), text.tokens(), text.invalidBytes(),
                prepared.vocabularySize(), prepared.tokens(), settings,
                options.questions == null ? "embedded questions-words.txt (Mikolov et al. 2013)"
                        : options.questions.toString(), options.topWords, options.synonyms == null
                        ? "embedded WordNet 3.1 pairs (" + pairs.size() + ")"
                        : options.synonyms + " (" + pairs.size() + " pairs)"), rows);
        report.write(out);
        PrintWriter o = spec.commandLine().getOut();
        o.println("corpus " + text.name() + ": " + text.tokens() + " tokens, vocabulary " + prepared.vocabularySize()
                + " (min count " + options.minCount + ")" + (text.invalidBytes() > 0 ? ", " + text.invalidBytes()
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
}
