package org.contrast4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.SparkSession;
import org.contrast4j.embed.SkipGram;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Kryo ({@code spark.serializer=org.apache.spark.serializer.KryoSerializer}, common in production) cannot serialize
 * Java records: everything the trainer shuffles, and a cached part that another executor reads, must pass through
 * it. A training run with Kryo configured must finish and write the same vectors, bit for bit, as one with Spark's
 * default Java serializer (the serializer moves the same numbers; the arithmetic does not depend on it).
 */
class SparkSkipGramKryoTest {
    @Test
    void trainsWithKryoAsWithJavaSerialization() {
        List<String[]> corpus = SparkSkipGramTest.twoTopics(13);
        float[] java = train(corpus, null);
        float[] kryo = train(corpus, KryoSerializer.class.getName());
        assertArrayEquals(java, kryo, "the vectors trained with Kryo");
    }

    /** P = 2 (a pair shuffle, a rotation, a re-blocking between the epochs), shared step, 3 epochs. */
    private static float[] train(List<String[]> corpus, String serializer) {
        String key = "spark.serializer";
        if (serializer != null) {
            System.setProperty(key, serializer);   // read by the SparkConf of the session created next
        }
        SparkSession spark = null;
        try {
            spark = SparkSessions.loopback("local[2]", "contrast4j-spark-kryo-test");
            String used = spark.sparkContext().getConf().get(key, "org.apache.spark.serializer.JavaSerializer");
            assertEquals(serializer == null ? "org.apache.spark.serializer.JavaSerializer" : serializer, used);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            SparkSkipGramModel m = SparkSkipGram.of(SkipGram.builder().dimension(16).window(3).epochs(3).seed(5)
                    .build(), 1, 2, 1).fit(spark, sc.parallelize(corpus, 2), null);
            float[] v = m.toWordVectors().vectors().data();
            m.unpersist();
            return v;
        } finally {
            System.clearProperty(key);
            if (spark != null) {
                spark.stop();
            }
        }
    }

    /**
     * What the trainer moves between executors, through a Kryo serializer instance as Spark configures it: a pair
     * chunk, a piece of rows, and a cached part (fetched by an executor that does not hold it); each must come back
     * equal.
     */
    @Test
    void kryoCarriesChunksPiecesAndParts() {
        SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
        int[] chunk = ChunkRecords.chunk(1, 0, 3, new long[] {(5L << 32) | 7 | ChunkRecords.GROUP_START,
                (6L << 32) | 7, (2L << 32) | 9 | ChunkRecords.GROUP_START});
        Tuple2<Integer, int[]> keyed = roundTrip(kryo, new Tuple2<>(1, chunk));
        assertEquals(1, keyed._1());
        assertArrayEquals(chunk, keyed._2());
        assertArrayEquals(ChunkRecords.records(chunk), ChunkRecords.records(keyed._2()));

        Tuple2<int[], float[]> piece = Blocks.piece(true, new int[] {4, 8}, new float[] {1f, -2f, 3.5f, 0.25f});
        Tuple2<int[], float[]> back = roundTrip(kryo, piece);
        assertArrayEquals(piece._1(), back._1());
        assertArrayEquals(piece._2(), back._2());

        Blocks.Part part = new Blocks.Part(new int[] {1, 3}, new float[] {0.5f, -1f}, new int[] {2},
                new float[] {7f}, 1.25, 3, 40);
        Blocks.Part got = roundTrip(kryo, part);
        assertArrayEquals(part.inIds(), got.inIds());
        assertArrayEquals(part.in(), got.in());
        assertArrayEquals(part.outIds(), got.outIds());
        assertArrayEquals(part.out(), got.out());
        assertArrayEquals(part.stats(), got.stats());
        assertTrue(got != part);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance serializer, T value) {
        ClassTag<Object> tag = ClassTag$.MODULE$.AnyRef();
        return (T) serializer.deserialize(serializer.serialize(value, tag), tag);
    }
}
