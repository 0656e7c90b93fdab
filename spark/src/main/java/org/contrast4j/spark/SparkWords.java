package org.contrast4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.TextCorpus;

/**
 * One whole {@code contrast4j spark words} run with plain Java types at its boundary (the command line is a named
 * module that cannot read Spark's jars, which have no module names, so it calls this class reflectively): a loopback
 * session on {@code master}, training, the vectors gathered for evaluation, the session stopped.
 */
public final class SparkWords {
    private SparkWords() {
    }

    /**
     * Trains on {@code corpus} (a path Spark reads; null for the embedded KJV corpus) and returns {@code vectors}
     * (a {@code WordVectors}), {@code vocabulary} (a {@code Vocabulary}), {@code seconds} and
     * {@code words_per_second} (training), {@code seconds_with_vocabulary} (from the session's start), and
     * {@code epochs} (a list of {epoch, seconds, words, words/s, loss, pairs}); {@code progress} gets one line per
     * epoch.
     */
    public static Map<String, Object> train(String master, String corpus, SkipGram config, int minCount,
                                            int partitions, int rounds, Consumer<String> progress) {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(progress, "progress");
        SparkSkipGram trainer = SparkSkipGram.of(config, minCount, partitions, rounds);
        long t0 = System.nanoTime();
        SparkSession spark = SparkSessions.loopback(master, "contrast4j spark words");
        try {
            // Spark logs every stage and task at INFO: warnings and errors only (the epoch lines are the progress)
            spark.sparkContext().setLogLevel("WARN");
            Consumer<SparkSkipGram.Epoch> epochs = e -> progress.accept(String.format(java.util.Locale.ROOT,
                    "epoch %d done: %.1f s, %,.0f words/s, loss %.4f", e.epoch(), e.seconds(), e.wordsPerSecond(),
                    e.loss()));
            SparkSkipGramModel model;
            if (corpus == null) {
                List<String[]> sentences = new ArrayList<>();
                TextCorpus.embedded().forEachSentence(sentences::add);
                model = trainer.fit(spark, JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(sentences, partitions), epochs);
            } else {
                model = trainer.fitText(spark, corpus, epochs);
            }
            double total = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("vectors", model.toWordVectors());
            out.put("vocabulary", model.vocabulary());
            out.put("seconds", model.seconds());
            out.put("words_per_second", model.wordsPerSecond());
            out.put("seconds_with_vocabulary", total);
            List<double[]> list = new ArrayList<>();
            for (SparkSkipGram.Epoch e : model.epochs()) {
                list.add(new double[] {e.epoch(), e.seconds(), e.words(), e.wordsPerSecond(), e.loss(), e.pairs()});
            }
            out.put("epochs", list);
            model.unpersist();
            return out;
        } finally {
            spark.stop();
        }
    }
}
