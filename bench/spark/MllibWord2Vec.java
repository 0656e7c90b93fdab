import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.feature.Word2Vec;
import org.apache.spark.ml.feature.Word2VecModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.contrast4j.embed.AnalogyResult;
import org.contrast4j.embed.Evaluation;
import org.contrast4j.embed.WordVectors;
import org.contrast4j.linalg.Matrix;

/**
 * The baseline of bench/spark: MLlib's Word2Vec (skip-gram, hierarchical softmax, parameter averaging) on the same
 * corpus and settings, local[2] bound to 127.0.0.1; prints one JSON line (seconds, words/s, analogy accuracy by
 * contrast4j's evaluation, 3CosAdd over the 30,000 most frequent words).
 * Usage: java -cp MLLIB_CP:contrast4j.jar MllibWord2Vec.java CORPUS PARTITIONS EPOCHS DIM WINDOW MIN_COUNT OUT.txt
 */
public class MllibWord2Vec {
    public static void main(String[] a) throws Exception {
        String corpus = a[0];
        int partitions = Integer.parseInt(a[1]);
        int epochs = Integer.parseInt(a[2]);
        int dim = Integer.parseInt(a[3]);
        int window = Integer.parseInt(a[4]);
        int minCount = Integer.parseInt(a[5]);
        Path out = Path.of(a[6]);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("mllib-word2vec")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        // the corpus is one sentence per line, tokens separated by single spaces (bench/words/make_corpus.sh)
        Dataset<Row> sentences = spark.read().text(corpus)
                .select(functions.split(functions.col("value"), " ").as("tokens"))
                .repartition(partitions).cache();
        // in-vocabulary tokens (count >= minCount), the words/s basis of contrast4j's trainers
        long tokens = sentences.select(functions.explode(functions.col("tokens")).as("w")).groupBy("w").count()
                .filter(functions.col("count").geq(minCount)).agg(functions.sum("count")).first().getLong(0);
        long t0 = System.nanoTime();
        Word2VecModel model = new Word2Vec().setInputCol("tokens").setVectorSize(dim).setWindowSize(window)
                .setMinCount(minCount).setMaxIter(epochs).setNumPartitions(partitions).setSeed(1)
                .setStepSize(0.025).fit(sentences);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Row> rows = model.getVectors().collectAsList();
        String[] words = new String[rows.size()];
        float[] table = new float[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) {
            words[i] = rows.get(i).getString(0);
            double[] v = ((org.apache.spark.ml.linalg.Vector) rows.get(i).get(1)).toArray();
            for (int c = 0; c < dim; c++) {
                table[i * dim + c] = (float) v[c];
            }
        }
        WordVectors vectors = new WordVectors(words, Matrix.of(words.length, dim, table));
        vectors.writeText(out);
        AnalogyResult r = Evaluation.analogies(vectors, Evaluation.DEFAULT_TOP_WORDS);
        System.out.printf(Locale.ROOT, "{\"trainer\": \"mllib\", \"partitions\": %d, \"epochs\": %d, \"seconds\": %.2f,"
                + " \"words_per_second\": %.0f, \"analogy_accuracy\": %.4f, \"analogy_seen\": %d, \"vocabulary\": %d}%n",
                partitions, epochs, seconds, tokens * (double) epochs / seconds, r.accuracy(), r.seen(), words.length);
        spark.stop();
    }
}
