package org.contrast4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramCorpus;
import org.contrast4j.embed.SkipGramTraining;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.Vocabulary;
import org.contrast4j.embed.WordVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed trainer on {@code local[2]} bound to 127.0.0.1, against the single-machine trainer of module embed
 * as the reference: on a synthetic corpus of topics (ground truth known) its neighbourhoods are as pure as the
 * single-machine trainer's at 1 and at 4 partitions, and every objective separates two topics; its vocabulary on the
 * embedded KJV corpus is the single-machine trainer's; a seed fixes the result at a fixed partition count.
 */
class SparkSkipGramTest {
    static final String[] TOPIC_A = {"apple", "pear", "plum", "fig", "grape", "melon", "lemon", "lime", "date", "kiwi"};
    static final String[] TOPIC_B = {"car", "bus", "train", "truck", "bike", "boat", "ship", "tram", "van", "cab"};
    static final String[] FUNCTION = {"the", "of", "and", "a"};

    static SparkSession spark;
    static JavaSparkContext sc;
    static List<String[]> kjv;

    @BeforeAll
    static void start() {
        spark = SparkSessions.loopback("local[2]", "contrast4j-spark-test");
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        kjv = new ArrayList<>();
        TextCorpus.embedded().forEachSentence(kjv::add);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** 1,000 sentences of 8 tokens, each from one topic, 30% function words (as embed's SkipGramTrainingTest). */
    static List<String[]> twoTopics(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String[]> out = new ArrayList<>();
        for (int s = 0; s < 1000; s++) {
            String[] topic = r.nextBoolean() ? TOPIC_A : TOPIC_B;
            String[] sentence = new String[8];
            for (int i = 0; i < 8; i++) {
                sentence[i] = r.nextDouble() < 0.3 ? FUNCTION[r.nextInt(FUNCTION.length)] : topic[r.nextInt(topic.length)];
            }
            out.add(sentence);
        }
        return out;
    }

    /** Cosine in double. */
    static double cosine(float[] x, float[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int c = 0; c < x.length; c++) {
            dot += (double) x[c] * y[c];
            nx += (double) x[c] * x[c];
            ny += (double) y[c] * y[c];
        }
        return dot / Math.sqrt(nx * ny);
    }

    /** Mean cosine within the topics minus mean cosine across them. */
    static double topicMargin(WordVectors v, String[] a, String[] b) {
        double within = 0;
        int nw = 0;
        for (String[] topic : List.of(a, b)) {
            for (int i = 0; i < topic.length; i++) {
                for (int j = i + 1; j < topic.length; j++) {
                    within += cosine(v.vector(topic[i]), v.vector(topic[j]));
                    nw++;
                }
            }
        }
        double across = 0;
        int na = 0;
        for (String x : a) {
            for (String y : b) {
                across += cosine(v.vector(x), v.vector(y));
                na++;
            }
        }
        return within / nw - across / na;
    }

    /**
     * {@code topics} topics of {@code size} words; each sentence of 10 tokens draws its content words from one topic,
     * 30% function words shared by all.
     */
    static List<String[]> manyTopics(long seed, int topics, int size, int sentences) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String[]> out = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            int t = r.nextInt(topics);
            String[] sentence = new String[10];
            for (int i = 0; i < sentence.length; i++) {
                sentence[i] = r.nextDouble() < 0.3 ? FUNCTION[r.nextInt(FUNCTION.length)] : "t" + t + "w" + r.nextInt(size);
            }
            out.add(sentence);
        }
        return out;
    }

    /** The share of the 5 nearest neighbours (cosine, whole vocabulary) of every topic word that share its topic. */
    static double purity(WordVectors v, int topics, int size) {
        double sum = 0;
        for (int t = 0; t < topics; t++) {
            for (int w = 0; w < size; w++) {
                int same = 0;
                for (WordVectors.Neighbour n : v.nearest("t" + t + "w" + w, 5)) {
                    if (n.word().startsWith("t" + t + "w")) {
                        same++;
                    }
                }
                sum += same / 5.0;
            }
        }
        return sum / (topics * size);
    }

    /**
     * The reference is the single-machine trainer (one thread) with the same settings: the share of a word's 5
     * nearest neighbours in its own topic (the ground truth of the synthetic corpus) must be within 3 points of it
     * at 1 partition (the same algorithm: measured 0.753 vs 0.752), and within 12 points of the 1-partition figure at
     * 4 partitions in 4 rounds (measured 0.686; with 1 round 0.663, with 2 rounds 0.535. Within a sub-iteration a
     * word meets the output vectors of one block only, a correlated run of updates that more rounds shorten).
     */
    @Test
    void reachesTheSingleMachineQualityAtOneAndFourPartitions() {
        int topics = 20;
        int size = 40;
        List<String[]> sentences = manyTopics(42, topics, size, 4000);
        SkipGram config = SkipGram.builder().dimension(24).window(3).epochs(3).sample(0).seed(3).threads(1).build();
        SkipGramCorpus corpus = SkipGramCorpus.ofSentences(sink -> sentences.forEach(sink), 1);
        SkipGramTraining single = config.train(corpus);
        double reference = purity(new WordVectors(corpus.vocabulary().words(), single.inputVectors()), topics, size);
        double[] purity = new double[2];
        int[] partitions = {1, 4};
        for (int i = 0; i < 2; i++) {
            int p = partitions[i];
            // the command line's default rounds: 1 up to P = 2, else 4
            SparkSkipGramModel m = SparkSkipGram.of(config, 1, p, p <= 2 ? 1 : 4).fit(spark,
                    sc.parallelize(sentences, p), null);
            purity[i] = purity(m.toWordVectors(), topics, size);
            m.unpersist();
        }
        System.out.printf("topic purity of the 5 nearest neighbours: single machine %.3f, P=1 %.3f, P=4 %.3f%n",
                reference, purity[0], purity[1]);
        assertEquals(reference, purity[0], 0.03, "P=1 vs the single machine");
        assertEquals(purity[0], purity[1], 0.12, "P=4 vs P=1");
    }

    @Test
    void theVocabularyIsTheSingleMachineTrainers(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kjv.txt");
        List<String> lines = new ArrayList<>();
        for (String[] s : kjv) {
            lines.add(String.join(" ", s));
        }
        Files.write(file, lines);
        SkipGramCorpus corpus = SkipGramCorpus.ofSentences(TextCorpus.open(file)::forEachSentence, 3);
        SparkSkipGramModel m = SparkSkipGram.of(SkipGram.builder().dimension(8).epochs(1).build(), 3, 3, 1)
                .fitText(spark, file.toString(), null);
        Vocabulary a = corpus.vocabulary();
        Vocabulary b = m.vocabulary();
        assertEquals(a.size(), b.size());
        assertEquals(a.totalCount(), b.totalCount());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.count(i), b.count(b.index(a.word(i))), a.word(i));
            // both sorted by count, most frequent first
            assertEquals(a.count(i), b.count(i), "rank " + i);
        }
        m.unpersist();
    }

    @Test
    void everyObjectiveSeparatesTheTopics() {
        List<String[]> corpus = twoTopics(42);
        for (String run : List.of("neg shared", "neg pair", "nce shared", "nce pair", "sampled-softmax shared",
                "sampled-softmax pair", "infonce shared")) {
            Objective o = Objective.parse(run.split(" ")[0]);
            SkipGram.Step step = SkipGram.Step.parse(run.split(" ")[1]);
            SkipGram.Builder b = SkipGram.builder().objective(o).step(step).dimension(16).window(3).epochs(3)
                    .sample(0).seed(7);
            if (o == Objective.INFONCE) {
                b.batchSize(32);
            }
            List<SparkSkipGram.Epoch> epochs = new ArrayList<>();
            SparkSkipGramModel m = SparkSkipGram.of(b.build(), 1, 2, 1).fit(spark, sc.parallelize(corpus, 2),
                    epochs::add);
            double margin = topicMargin(m.toWordVectors(), TOPIC_A, TOPIC_B);
            assertTrue(margin > 0.4, run + ": within-topic minus across-topic cosine is only " + margin);
            assertEquals(3, epochs.size());
            for (SparkSkipGram.Epoch e : epochs) {
                assertTrue(Double.isFinite(e.loss()) && e.loss() > 0, run + " epoch loss " + e.loss());
                assertEquals(8000, e.words());
                assertTrue(e.pairs() > 0);
            }
            assertTrue(epochs.get(2).loss() < epochs.get(0).loss(), run + " loss " + epochs);
            m.unpersist();
        }
    }

    @Test
    void isDeterministicForASeedAtAFixedPartitionCount() {
        List<String[]> corpus = twoTopics(5);
        for (SkipGram.Step step : SkipGram.Step.values()) {
            SkipGram.Builder b = SkipGram.builder().step(step).dimension(16).window(3).epochs(2).seed(11);
            float[][] runs = new float[3][];
            for (int i = 0; i < 3; i++) {
                SparkSkipGramModel m = SparkSkipGram.of(b.seed(i < 2 ? 11 : 12).build(), 1, 3, 2)
                        .fit(spark, sc.parallelize(corpus, 3), null);
                runs[i] = m.toWordVectors().vectors().data();
                m.unpersist();
            }
            assertArrayEquals(runs[0], runs[1], step + " step");
            assertFalse(java.util.Arrays.equals(runs[0], runs[2]), step + " step: another seed");
        }
    }

    /**
     * With window 1 and no subsampling a sentence of n tokens has exactly 2(n − 1) pairs: every epoch trains each of
     * them once (none lost, none twice) over the strata of 3 partitions in 2 rounds (each partition checks that it
     * holds both vectors of every pair it gets), with either step.
     */
    @Test
    void everyPairIsTrainedOncePerEpoch() {
        List<String[]> corpus = twoTopics(9);
        long expected = 0;
        for (String[] s : corpus) {
            expected += 2L * (s.length - 1);
        }
        for (SkipGram.Step step : SkipGram.Step.values()) {
            List<SparkSkipGram.Epoch> epochs = new ArrayList<>();
            SparkSkipGramModel m = SparkSkipGram.of(SkipGram.builder().step(step).dimension(8).window(1).epochs(2)
                    .sample(0).build(), 1, 3, 2).fit(spark, sc.parallelize(corpus, 3), epochs::add);
            assertEquals(2, epochs.size());
            for (SparkSkipGram.Epoch e : epochs) {
                assertEquals(expected, e.pairs(), step + " step: pairs of epoch " + e.epoch());
            }
            m.unpersist();
        }
    }

    @Test
    void itemModeReadsADatasetAndWritesVectors(@TempDir Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < 2000; s++) {
            int base = r.nextBoolean() ? 100 : 200;
            List<Integer> session = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                session.add(base + r.nextInt(10));
            }
            rows.add(RowFactory.create(s, session));
        }
        rows.add(RowFactory.create(-1, null));
        StructType schema = new StructType().add("user", DataTypes.IntegerType)
                .add("items", DataTypes.createArrayType(DataTypes.IntegerType));
        Dataset<Row> sessions = spark.createDataFrame(rows, schema);
        SparkSkipGramModel m = SparkSkipGram.of(SkipGram.builder().dimension(16).window(3).epochs(3).sample(0)
                .seed(7).build(), 1, 2, 1).fitItems(sessions, "items", null);
        assertEquals(20, m.vocabulary().size());
        String[] a = new String[10];
        String[] b = new String[10];
        for (int i = 0; i < 10; i++) {
            a[i] = Integer.toString(100 + i);
            b[i] = Integer.toString(200 + i);
        }
        WordVectors v = m.toWordVectors();
        assertTrue(topicMargin(v, a, b) > 0.4, "item topics");

        Dataset<Row> out = m.vectors();
        assertEquals("token", out.schema().fields()[0].name());
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.schema().fields()[1].dataType());
        List<Row> collected = out.collectAsList();
        assertEquals(20, collected.size());
        for (int i = 0; i < collected.size(); i++) {
            Row row = collected.get(i);
            assertEquals(m.vocabulary().word(i), row.getString(0), "rows in word-id order");
            List<Float> vec = row.getList(1);
            float[] expected = v.vector(row.getString(0));
            for (int c = 0; c < 16; c++) {
                assertEquals(expected[c], vec.get(c), 0f);
            }
        }
        Path parquet = dir.resolve("vectors.parquet");
        out.write().parquet(parquet.toString());
        assertEquals(20, spark.read().parquet(parquet.toString()).count());

        Path text = dir.resolve("vectors.txt");
        Path bin = dir.resolve("vectors.bin");
        m.writeText(text);
        m.writeBinary(bin);
        for (Path f : List.of(text, bin)) {
            WordVectors back = WordVectors.read(f);
            assertEquals(v.words(), back.words());
            assertArrayEquals(v.vectors().data(), back.vectors().data(), 0f);
        }
        m.unpersist();
    }

    @Test
    void badSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkSkipGram.of(SkipGram.builder().objective(Objective.SOFTMAX).build(), 1, 2, 1));
        assertTrue(e.getMessage().startsWith("objective softmax is not trained distributed"), e.getMessage());
        assertEquals("partitions must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> SparkSkipGram.of(SkipGram.builder().build(), 1, 0, 1)).getMessage());
        assertEquals("rounds must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> SparkSkipGram.of(SkipGram.builder().build(), 1, 2, 0)).getMessage());
        assertEquals("minCount must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> SparkSkipGram.of(SkipGram.builder().build(), 0, 2, 1)).getMessage());
        assertThrows(NullPointerException.class, () -> SparkSkipGram.of(null, 1, 1, 1));
        List<String[]> tiny = List.<String[]>of(new String[] {"a", "b", "c"});
        e = assertThrows(IllegalArgumentException.class, () -> SparkSkipGram.of(SkipGram.builder().build(), 1, 1, 1)
                .fit(spark, sc.parallelize(tiny, 1), null));
        assertEquals("the vocabulary has 3 words but neg with k = 5 negatives needs at least k + 1 = 6",
                e.getMessage());
    }

}
