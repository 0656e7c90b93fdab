package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SynonymResult;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordVectors;
import org.contrast4j.spark.SparkSessions;
import org.contrast4j.spark.SparkSkipGram;
import org.contrast4j.spark.SparkSkipGramModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j spark words}: the skip-gram of {@code train words} trained on Apache Spark by stratified
 * model-parallel SGD ({@link SparkSkipGram}). Needs Spark on the class path: the {@code ./contrast4j} launcher adds
 * the spark module's classpath and Spark's {@code --add-opens} flags for this command.
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
                description = "Sub-iterations per epoch, a multiple of P (default P: one round).")
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
            int s = subIterations == null ? partitions : subIterations;
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
            SparkSkipGram trainer;
            try {
                trainer = SparkSkipGram.of(config, options.minCount, partitions, s / partitions);
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage(), e);
            }
            // Spark logs every stage and task at INFO: warnings and errors only (the epoch lines are the progress)
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
            long t0 = System.nanoTime();
            SparkSession spark = SparkSessions.loopback(master, "contrast4j spark words");
            try {
                spark.sparkContext().setLogLevel("WARN");
                java.util.function.Consumer<SparkSkipGram.Epoch> progress = e -> err.printf(Locale.ROOT,
                        "epoch %d done: %.1f s, %,.0f words/s, loss %.4f%n", e.epoch(), e.seconds(),
                        e.wordsPerSecond(), e.loss());
                SparkSkipGramModel model;
                try {
                    if (corpus == null) {
                        List<String[]> sentences = new ArrayList<>();
                        TextCorpus.embedded().forEachSentence(sentences::add);
                        model = trainer.fit(spark, JavaSparkContext.fromSparkContext(spark.sparkContext())
                                .parallelize(sentences, partitions), progress);
                    } else {
                        model = trainer.fitText(spark, corpus, progress);
                    }
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new InputException((corpus == null ? "embedded corpus" : "--corpus " + corpus) + ": "
                            + e.getMessage(), e);
                }
                double total = (System.nanoTime() - t0) / 1e9;
                WordVectors vectors = model.toWordVectors();
                vectors.writeText(out.resolve("vectors.txt"));
                if (binary) {
                    vectors.writeBinary(out.resolve("vectors.bin"));
                }
                AnalogyResult analogies = options.analogies(vectors);
                SynonymResult syn = Evaluation.synonyms(vectors, pairs);
                ObjectNode j = summary(corpus, model, config, trainer, total, analogies, syn);
                Output.writeJson(out.resolve("summary.json"), j);
                new Output.Table()
                        .row("corpus", corpus == null ? "embedded KJV" : corpus)
                        .row("master", master)
                        .row("partitions", partitions + " (" + s + " sub-iterations per epoch)")
                        .row("vocabulary", model.vocabulary().size() + " words (min count " + options.minCount
                                + "), " + model.vocabulary().totalCount() + " tokens")
                        .row("objective", obj.key())
                        .row("seconds", model.seconds())
                        .row("words_per_second", Math.round(model.wordsPerSecond()))
                        .row("analogy_accuracy", analogies.accuracy())
                        .row("analogy_seen", analogies.seen() + " of " + analogies.total())
                        .row("synonym_alignment", syn.alignment())
                        .row("synonym_uniformity", syn.uniformity())
                        .row("synonym_recall_at_10", syn.recallAt10())
                        .row("wrote", out.resolve("vectors.txt") + (binary ? ", vectors.bin" : "") + ", summary.json")
                        .print(spec.commandLine().getOut());
                model.unpersist();
            } finally {
                spark.stop();
            }
            return 0;
        }

        private ObjectNode summary(String corpus, SparkSkipGramModel model, SkipGram c, SparkSkipGram trainer,
                                   double total, AnalogyResult analogies, SynonymResult syn) {
            ObjectNode j = Output.object();
            j.put("corpus", corpus == null ? "embedded:kjv-genesis-exodus.txt.gz" : corpus);
            j.put("master", master);
            j.put("partitions", trainer.partitions());
            j.put("sub_iterations", trainer.subIterations());
            j.put("vocabulary", model.vocabulary().size());
            j.put("tokens", model.vocabulary().totalCount());
            ObjectNode s = j.putObject("settings");
            s.put("objective", c.objective().key());
            s.put("negatives", c.negatives());
            s.put("noise_power", c.noisePower());
            s.put("dim", c.dimension());
            s.put("window", c.window());
            s.put("epochs", c.epochs());
            s.put("min_count", options.minCount);
            s.put("sample", c.sample());
            s.put("learning_rate", c.learningRate());
            s.put("temperature", c.temperature());
            s.put("batch_size", c.batchSize());
            s.put("seed", c.seed());
            j.put("seconds", model.seconds());
            j.put("seconds_with_vocabulary", total);
            j.put("words_per_second", model.wordsPerSecond());
            ArrayNode ep = j.putArray("epochs");
            for (SparkSkipGram.Epoch e : model.epochs()) {
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
}
