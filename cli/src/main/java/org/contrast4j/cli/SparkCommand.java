package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.Vocabulary;
import org.contrast4j.embed.WordVectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j spark words}: the skip-gram of {@code train words} trained on Apache Spark by stratified
 * model-parallel SGD ({@code org.contrast4j.spark.SparkSkipGram}). Needs Spark on the class path: the
 * {@code ./contrast4j} launcher adds the spark module's classpath and Spark's {@code --add-opens} flags for this
 * command. This module is named and Spark's jars have no module names, so the run is called reflectively through
 * {@code org.contrast4j.spark.SparkWords}, whose signature holds only JDK and embed types.
 */
@Command(name = "spark", mixinStandardHelpOptions = true, subcommands = SparkCommand.Words.class,
        description = "Trains on Apache Spark (local[N] or a cluster; every local run binds to 127.0.0.1).")
final class SparkCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "spark: name a subcommand (words)");
    }

    @Command(name = "words", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Trains skip-gram word vectors on Spark: each epoch in S sub-iterations, the input and"
                    + " output vectors hash-partitioned over the partitions (salts new every round of P"
                    + " sub-iterations), each (word, context) pair shuffled to the partition that holds both,"
                    + " negatives drawn from the output vectors that partition holds (NCE and sampled softmax"
                    + " corrected by that block's noise). The model is never gathered on the driver while training.",
                "Writes DIR/vectors.txt (word2vec text), DIR/summary.json (seconds, words_per_second, partitions,"
                    + " analogy and synonym metrics as train words)."},
            footer = {"", "Example:",
                "  contrast4j spark words --corpus sotu-brown.txt --master 'local[2]' --partitions 2 --out runs/spark"})
    static final class Words implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        WordOptions options;

        @Option(names = "--objective", paramLabel = "NAME", defaultValue = "neg",
                description = "neg, nce, sampled-softmax or infonce (default neg).")
        String objective;

        @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
                description = "Spark master: local[N] (default local[2]) or spark://HOST:PORT.")
        String master;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "Model and data partitions P (default 2).")
        int partitions;

        @Option(names = "--sub-iterations", paramLabel = "S",
                description = "Sub-iterations per epoch, a multiple of P (default P up to P = 2, else 4·P: 4 rounds,"
                        + " each with a new blocking; fewer lose accuracy as P grows, see spark/README.md).")
        Integer subIterations;

        @Option(names = "--binary", description = "Also write DIR/vectors.bin (word2vec binary format).")
        boolean binary;

        @Override
        public Integer call() throws IOException {
            Objective obj;
            try {
                obj = Objective.parse(objective);
            } catch (IllegalArgumentException e) {
                throw new InputException("--objective: " + e.getMessage(), e);
            }
            if (obj == Objective.SOFTMAX) {
                throw new InputException("--objective softmax is not trained on Spark (every step needs all V output"
                        + " vectors): use neg, nce, sampled-softmax or infonce");
            }
            WordOptions.atLeast("--partitions", partitions, 1);
            int s = subIterations == null ? (partitions <= 2 ? partitions : 4 * partitions) : subIterations;
            WordOptions.atLeast("--sub-iterations", s, 1);
            if (s % partitions != 0) {
                throw new InputException("--sub-iterations must be a multiple of --partitions " + partitions
                        + " (rounds of P sub-iterations), was " + s);
            }
            SkipGram config = options.config(obj);
            options.checkEvaluation();
            List<String[]> pairs = options.synonymPairs();
            Path out = options.out;
            Output.directory("--out", out);
            String corpus = options.corpus == null ? null : options.corpus.toString();
            if (corpus != null && !corpus.contains("://") && !Files.isRegularFile(options.corpus)) {
                throw new InputException("--corpus " + corpus + ": " + (Files.exists(options.corpus)
                        ? "is not a regular file" : "no such file"));
            }
            PrintWriter err = spec.commandLine().getErr();
            Map<String, Object> run;
            try {
                run = train(config, s, corpus, err);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new InputException((corpus == null ? "embedded corpus" : "--corpus " + corpus) + ": "
                        + e.getMessage(), e);
            }
            WordVectors vectors = (WordVectors) run.get("vectors");
            Vocabulary vocabulary = (Vocabulary) run.get("vocabulary");
            vectors.writeText(out.resolve("vectors.txt"));
            if (binary) {
                vectors.writeBinary(out.resolve("vectors.bin"));
            }
            AnalogyResult analogies = options.analogies(vectors);
            SynonymResult syn = Evaluation.synonyms(vectors, pairs);
            ObjectNode j = summary(corpus, run, vocabulary, config, s, analogies, syn);
            Output.writeJson(out.resolve("summary.json"), j);
            new Output.Table()
                    .row("corpus", corpus == null ? "embedded KJV" : corpus)
                    .row("master", master)
                    .row("partitions", partitions + " (" + s + " sub-iterations per epoch)")
                    .row("vocabulary", vocabulary.size() + " words (min count " + options.minCount + "), "
                            + vocabulary.totalCount() + " tokens")
                    .row("objective", obj.key())
                    .row("seconds", (Double) run.get("seconds"))
                    .row("words_per_second", Math.round((Double) run.get("words_per_second")))
                    .row("analogy_accuracy", analogies.accuracy())
                    .row("analogy_seen", analogies.seen() + " of " + analogies.total())
                    .row("synonym_alignment", syn.alignment())
                    .row("synonym_uniformity", syn.uniformity())
                    .row("synonym_recall_at_10", syn.recallAt10())
                    .row("wrote", out.resolve("vectors.txt") + (binary ? ", vectors.bin" : "") + ", summary.json")
                    .print(spec.commandLine().getOut());
            return 0;
        }

        /** Calls {@code org.contrast4j.spark.SparkWords.train} (see the class comment). */
        @SuppressWarnings("unchecked")
        private Map<String, Object> train(SkipGram config, int s, String corpus, PrintWriter err) {
            Class<?> runner;
            try {
                runner = Class.forName("org.contrast4j.spark.SparkWords");
                Class.forName("org.apache.spark.sql.SparkSession");
            } catch (ClassNotFoundException e) {
                throw new InputException("spark words needs Spark on the class path: run it through the ./contrast4j"
                        + " launcher, which adds the spark module's classpath (" + e.getMessage() + " is missing)", e);
            }
            Consumer<String> progress = line -> {
                err.println(line);
                err.flush();
            };
            try {
                return (Map<String, Object>) runner.getMethod("train", String.class, String.class, SkipGram.class,
                        int.class, int.class, int.class, Consumer.class).invoke(null, master, corpus, config,
                        options.minCount, partitions, s / partitions, progress);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private ObjectNode summary(String corpus, Map<String, Object> run, Vocabulary vocabulary, SkipGram c, int subIterations,
                                   AnalogyResult analogies, SynonymResult syn) {
            ObjectNode j = Output.object();
            j.put("corpus", corpus == null ? "embedded:kjv-genesis-exodus.txt.gz" : corpus);
            j.put("master", master);
            j.put("partitions", partitions);
            j.put("sub_iterations", subIterations);
            j.put("vocabulary", vocabulary.size());
            j.put("tokens", vocabulary.totalCount());
            options.putSettings(j, c).put("step", c.step().key());
            j.put("seconds", (Double) run.get("seconds"));
            j.put("seconds_with_vocabulary", (Double) run.get("seconds_with_vocabulary"));
            j.put("words_per_second", (Double) run.get("words_per_second"));
            ArrayNode ep = j.putArray("epochs");
            for (double[] e : (List<double[]>) run.get("epochs")) {
                ObjectNode n = ep.addObject();
                n.put("epoch", (int) e[0]);
                n.put("seconds", e[1]);
                n.put("words", (long) e[2]);
                n.put("words_per_second", e[3]);
                n.put("loss", e[4]);
                n.put("pairs", (long) e[5]);
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
}
