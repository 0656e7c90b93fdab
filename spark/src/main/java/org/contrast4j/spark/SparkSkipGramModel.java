package org.contrast4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.contrast4j.embed.Vocabulary;
import org.contrast4j.embed.WordVectors;
import org.contrast4j.linalg.Matrix;
import scala.Tuple2;

/**
 * The result of a {@link SparkSkipGram} run: the vocabulary (on the driver), the word vectors (the input table, on
 * the executors, cached) and the epochs' figures. {@link #vectors()} is a {@code Dataset<Row>} (token string, vector
 * array&lt;float&gt;) that can be written as Parquet without passing through the driver; {@link #writeText} and
 * {@link #writeBinary} write the word2vec files of {@link WordVectors} (gensim-readable), which a single file makes
 * pass through the driver.
 */
public final class SparkSkipGramModel {
    private final SparkSession spark;
    private final Vocabulary vocabulary;
    private final int dimension;
    private final JavaPairRDD<Integer, float[]> vectors;
    private final List<SparkSkipGram.Epoch> epochs;

    SparkSkipGramModel(SparkSession spark, Vocabulary vocabulary, int dimension, JavaPairRDD<Integer, float[]> vectors,
                       List<SparkSkipGram.Epoch> epochs) {
        this.spark = spark;
        this.vocabulary = vocabulary;
        this.dimension = dimension;
        this.vectors = vectors;
        this.epochs = List.copyOf(epochs);
    }

    /** The vocabulary: word id i is {@code vocabulary().word(i)}, most frequent first. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** D. */
    public int dimension() {
        return dimension;
    }

    /** Every epoch's figures. */
    public List<SparkSkipGram.Epoch> epochs() {
        return epochs;
    }

    /** Training seconds over the epochs (the vocabulary pass and the encoding excluded). */
    public double seconds() {
        double s = 0;
        for (SparkSkipGram.Epoch e : epochs) {
            s += e.seconds();
        }
        return s;
    }

    /** Corpus words (in-vocabulary tokens) per second of training. */
    public double wordsPerSecond() {
        return (double) vocabulary.totalCount() * epochs.size() / seconds();
    }

    /** The vectors by word id, as the executors hold them. */
    public JavaPairRDD<Integer, float[]> vectorsById() {
        return vectors;
    }

    /** The vectors as a {@code Dataset<Row>} of (token: string, vector: array&lt;float&gt;), in word-id order. */
    public Dataset<Row> vectors() {
        Broadcast<String[]> words = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(vocabulary.words());
        JavaRDD<Row> rows = vectors.sortByKey().map(t -> RowFactory.create(words.value()[t._1()], t._2()));
        StructType schema = new StructType()
                .add("token", DataTypes.StringType, false)
                .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return spark.createDataFrame(rows, schema);
    }

    /**
     * The vectors gathered on the driver (V·D floats), rows in word-id order, for evaluation and for writing one
     * file.
     */
    public WordVectors toWordVectors() {
        int v = vocabulary.size();
        float[] table = new float[Math.multiplyExact(v, dimension)];
        boolean[] seen = new boolean[v];
        // partition by partition: the driver holds one partition's records at a time besides the table
        java.util.Iterator<Tuple2<Integer, float[]>> it = vectors.toLocalIterator();
        while (it.hasNext()) {
            Tuple2<Integer, float[]> t = it.next();
            System.arraycopy(t._2(), 0, table, t._1() * dimension, dimension);
            seen[t._1()] = true;
        }
        for (int i = 0; i < v; i++) {
            if (!seen[i]) {
                throw new IllegalStateException("the vector of '" + vocabulary.word(i) + "' (id " + i + ") is missing");
            }
        }
        return new WordVectors(vocabulary.words(), Matrix.of(v, dimension, table));
    }

    /** Writes the word2vec text format (as {@link WordVectors#writeText}). */
    public void writeText(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        toWordVectors().writeText(file);
    }

    /** Writes the word2vec binary format (as {@link WordVectors#writeBinary}). */
    public void writeBinary(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        toWordVectors().writeBinary(file);
    }

    /** Drops the cached vectors from the executors. */
    public void unpersist() {
        vectors.unpersist(false);
    }

    @Override
    public String toString() {
        return "SparkSkipGramModel{V=" + vocabulary.size() + ", D=" + dimension + ", epochs=" + epochs.size() + "}";
    }
}
