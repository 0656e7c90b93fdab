package org.contrast4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramSteps;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.Vocabulary;
import scala.Tuple2;

/**
 * Skip-gram on Apache Spark by stratified model-parallel SGD (Gemulla, Nijkamp, Haas &amp; Sismanis 2011, "Large-Scale
 * Matrix Factorization with Distributed Stochastic Gradient Descent"; for word2vec, Spark PR #37967): the model is
 * never gathered on the driver and every (word, context) pair is trained exactly once per epoch on a partition that
 * holds both of its vectors, so the result does not depend on averaging copies (MLlib's scheme, whose accuracy falls
 * as partitions grow).
 *
 * <p>With P partitions, each epoch is {@link #rounds()} rounds of P sub-iterations (S = rounds·P):
 * <ol>
 *   <li>a round takes a slice of the sentences (sentence i of data partition p in slice mix(seed, epoch, p, i) mod
 *       rounds), subsamples them and draws the dynamic windows as the single-machine trainer ({@link SkipGram}), and
 *       hashes every input vector w to block a(w) = h(w, salt_in) mod P and every output vector c to block
 *       b(c) = h(c, salt_out) mod P, with salts that change every round;</li>
 *   <li>each pair (w, c) — w the context whose input vector is the query, c the center whose output vector is the
 *       target — is sent once to partition a(w) (shuffled, unless the data partition that made it is a(w)), filed
 *       under stratum r = (b(c) − a(w)) mod P;</li>
 *   <li>in sub-iteration r, partition i holds input block i and output block (i + r) mod P and trains the pairs of
 *       stratum r with the single-machine steps ({@link org.contrast4j.embed.SkipGramSteps}); noise words are drawn
 *       from the output block it holds, q_b(c) = n_c^α / Σ_{c' ∈ b} n_{c'}^α (block-local noise: all k noise
 *       words of a pair come from the block of its context), and NCE and sampled softmax correct their logits by
 *       the log(k·q_b(c)) that this sampling implies; then every output block moves one partition on (a shuffle of
 *       V/P rows per partition).</li>
 * </ol>
 * A round is one Spark job: its sub-iterations' stages are chained, the statistics ride in the partitions' state
 * and are read once. What is shuffled is primitive arrays and {@code Tuple2}s of them, so any {@code
 * spark.serializer} works (Kryo cannot serialize Java records).
 * Within a sub-iteration an input word meets the output vectors of one block only (1/P of the vocabulary), a
 * correlated run of updates; accuracy then falls as P grows unless the runs are short, so an epoch takes several
 * rounds, each with a new random blocking (spark/README.md has the measurements on SOTU + Brown behind the command
 * line's default rounds).
 * The learning rate decays linearly over the sub-iterations, lr = lr₀·max(1 − progress, 10⁻⁴). Vocabulary counting,
 * the minimum count and subsampling are distributed; the driver holds the vocabulary (words and counts), not the
 * vectors. Input rows start uniform in [−1/D, 1/D) from a stream seeded by (seed, word id), output rows at zero, as
 * {@link SkipGram}. A run is deterministic for a seed at a fixed partition count (one thread per partition; run more
 * partitions than cores to use them all). Objectives: neg, nce, sampled-softmax and infonce (batches of a
 * partition's pairs in one stratum); the full softmax needs every output vector in each step and is refused.
 *
 * <p>Immutable; the settings are {@link SkipGram}'s plus the minimum count, the partitions and the rounds.
 */
public final class SparkSkipGram implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Pairs per shuffled chunk. */
    static final int CHUNK = 1 << 13;

    /** One finished epoch: number, seconds, corpus words, words/s, mean loss per pair, pairs trained. */
    public record Epoch(int epoch, double seconds, long words, double wordsPerSecond, double loss, long pairs)
            implements Serializable {
    }

    private final Settings settings;

    private SparkSkipGram(Settings settings) {
        this.settings = settings;
    }

    /**
     * A distributed trainer with {@code config}'s objective, dimension, window, negatives, noise power, sampling,
     * learning rate, epochs, temperature, batch size and seed ({@code config.threads()} is not used: a partition is
     * one thread).
     *
     * @param minCount   words seen fewer times are dropped, ≥ 1
     * @param partitions P, the model and data partitions, ≥ 1
     * @param rounds     rounds of P sub-iterations per epoch, ≥ 1 (S = rounds·P)
     * @throws IllegalArgumentException for a bad count, or the softmax objective
     */
    public static SparkSkipGram of(SkipGram config, int minCount, int partitions, int rounds) {
        Objects.requireNonNull(config, "config");
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, was " + minCount);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, was " + rounds);
        }
        if (config.objective() == Objective.SOFTMAX) {
            throw new IllegalArgumentException("objective softmax is not trained distributed (every step needs all V"
                    + " output vectors): use neg, nce, sampled-softmax or infonce");
        }
        return new SparkSkipGram(Settings.of(config, minCount, partitions, rounds));
    }

    /** P. */
    public int partitions() {
        return settings.partitions();
    }

    /** Rounds of P sub-iterations per epoch. */
    public int rounds() {
        return settings.rounds();
    }

    /** S = rounds·P, the sub-iterations per epoch. */
    public int subIterations() {
        return settings.subIterations();
    }

    /** The minimum count. */
    public int minCount() {
        return settings.minCount();
    }

    /** Trains on a text file (any path Spark reads), tokenized line by line as {@link TextCorpus}. */
    public SparkSkipGramModel fitText(SparkSession spark, String path, Consumer<Epoch> progress) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(path, "path");
        JavaRDD<String> lines = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .textFile(path, settings.partitions());
        JavaRDD<String[]> sentences = lines.flatMap(line -> TextCorpus.sentencesOf(line).iterator());
        return fit(spark, sentences, progress);
    }

    /**
     * Trains on sequences of tokens (item mode: sessions or baskets of item ids): {@code column} of {@code data} is an
     * array column; its elements (strings or numbers) become tokens by {@code toString()}. Null rows are skipped.
     */
    public SparkSkipGramModel fitItems(Dataset<Row> data, String column, Consumer<Epoch> progress) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(column, "column");
        int field = data.schema().fieldIndex(column);
        JavaRDD<String[]> sequences = data.toJavaRDD().flatMap(row -> {
            if (row.isNullAt(field)) {
                return java.util.Collections.<String[]>emptyIterator();
            }
            List<Object> items = row.getList(field);
            String[] tokens = new String[items.size()];
            int n = 0;
            for (Object o : items) {
                if (o != null) {
                    tokens[n++] = o.toString();
                }
            }
            return java.util.Collections.singletonList(java.util.Arrays.copyOf(tokens, n)).iterator();
        });
        return fit(data.sparkSession(), sequences, progress);
    }

    /**
     * Trains on sentences of tokens, repartitioned to P partitions (the order of the records within each partition
     * is the order of training).
     */
    public SparkSkipGramModel fit(SparkSession spark, JavaRDD<String[]> sentences, Consumer<Epoch> progress) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(sentences, "sentences");
        Settings s = settings;
        int p = s.partitions();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<String[]> input = sentences.getNumPartitions() == p ? sentences : sentences.coalesce(p, true);

        // 1. vocabulary: counted and cut at the minimum count on the executors; the driver gets the kept words
        int minCount = s.minCount();
        JavaPairRDD<String, Long> all = input
                .flatMapToPair(tokens -> {
                    List<Tuple2<String, Long>> out = new ArrayList<>(tokens.length);
                    for (String t : tokens) {
                        out.add(new Tuple2<>(t, 1L));
                    }
                    return out.iterator();
                })
                .reduceByKey(Long::sum, p);
        List<Tuple2<String, Long>> kept = all.filter(t -> t._2() >= minCount).collect();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no word occurs at least minCount = " + minCount + " times in the"
                    + " corpus");
        }
        // first-appearance order is not defined across partitions: equal counts are ordered by word instead
        List<Tuple2<String, Long>> sorted = new ArrayList<>(kept);
        sorted.sort((a, b) -> a._1().compareTo(b._1()));
        String[] words = new String[sorted.size()];
        long[] wordCounts = new long[sorted.size()];
        for (int i = 0; i < words.length; i++) {
            words[i] = sorted.get(i)._1();
            wordCounts[i] = sorted.get(i)._2();
        }
        Vocabulary vocabulary = Vocabulary.of(words, wordCounts, minCount);
        int v = vocabulary.size();
        int d = s.dimension();
        if (s.objective().sampled() && v < s.negatives() + 1) {
            throw new IllegalArgumentException("the vocabulary has " + v + " words but " + s.objective().key()
                    + " with k = " + s.negatives() + " negatives needs at least k + 1 = " + (s.negatives() + 1));
        }
        if (v < 2) {
            throw new IllegalArgumentException("the vocabulary has 1 word: skip-gram needs at least 2");
        }
        Map<String, Integer> index = new HashMap<>(v * 2);
        float[] keep = new float[v];
        for (int i = 0; i < v; i++) {
            index.put(vocabulary.word(i), i);
            keep[i] = (float) vocabulary.keepProbability(i, s.sample());
        }
        Broadcast<Map<String, Integer>> bIndex = sc.broadcast(index);
        Broadcast<float[]> bKeep = sc.broadcast(keep);
        Broadcast<long[]> bCounts = sc.broadcast(vocabulary.counts());

        // 2. the corpus as word ids, cached
        JavaRDD<int[]> encoded = input.map(tokens -> {
            Map<String, Integer> ix = bIndex.value();
            int[] ids = new int[tokens.length];
            int n = 0;
            for (String t : tokens) {
                Integer id = ix.get(t);
                if (id != null) {
                    ids[n++] = id;
                }
            }
            return n == ids.length ? ids : java.util.Arrays.copyOf(ids, n);
        }).filter(ids -> ids.length > 0).persist(StorageLevel.MEMORY_ONLY());
        // read and encoded before training, as the single-machine trainer reads its corpus before its first epoch;
        // meanwhile every executor compiles the step kernels (SkipGramSteps#warmUpInBackground)
        boolean warmUp = s.sharedStep();
        encoded.foreachPartition(it -> {
            if (warmUp) {
                SkipGramSteps.warmUpInBackground();
            }
            it.forEachRemaining(ids -> { });
        });
        long tokens = vocabulary.totalCount();

        // 3. initial blocks, made on the executors and held before the first epoch (the single-machine trainer, too,
        // fills its tables before it starts the clock)
        JavaRDD<Blocks.Part> start = initialBlocks(sc, s, v).persist(StorageLevel.MEMORY_ONLY());
        start.count();
        long totalSteps = (long) s.epochs() * s.subIterations();
        // 4. the code of a round compiled before the clock starts (results unchanged: see warmUp)
        warmUp(encoded, start, s, tokens, totalSteps, bKeep, bCounts);

        int rounds = s.rounds();
        List<Epoch> epochs = new ArrayList<>();
        JavaRDD<Blocks.Part> trained = start;
        long step = 0;
        for (int e = 0; e < s.epochs(); e++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            long lossPairs = 0;
            long pairs = 0;
            for (int j = 0; j < rounds; j++) {
                int round = e * rounds + j;
                JavaRDD<Blocks.Part> state = round == 0 ? start.map(Blocks.Part::copy) : reblock(trained, s, round);
                Round r = round(state, encoded, new PairMaker(s, e, j, round), s, step, totalSteps, bKeep, bCounts);
                // one Spark job per round: its sub-iterations' stages chained, the statistics read once
                for (double[] st : r.last().map(Blocks.Part::stats).collect()) {
                    lossSum += st[0];
                    lossPairs += (long) st[1];
                    pairs += (long) st[2];
                }
                r.release();
                trained.unpersist(false);
                trained = r.last();
                step += s.partitions();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Epoch epoch = new Epoch(e + 1, secs, tokens, tokens / Math.max(secs, 1e-9),
                    lossPairs == 0 ? Double.NaN : lossSum / lossPairs, pairs);
            epochs.add(epoch);
            if (progress != null) {
                progress.accept(epoch);
            }
        }
        encoded.unpersist(false);
        JavaPairRDD<Integer, float[]> vectors = trained.flatMapToPair(part -> {
            List<Tuple2<Integer, float[]>> out = new ArrayList<>(part.inIds().length);
            for (int i = 0; i < part.inIds().length; i++) {
                out.add(new Tuple2<>(part.inIds()[i], java.util.Arrays.copyOfRange(part.in(), i * d, (i + 1) * d)));
            }
            return out.iterator();
        }).persist(StorageLevel.MEMORY_ONLY());
        vectors.count();
        trained.unpersist(false);
        checkFinite(vectors, vocabulary, s);
        return new SparkSkipGramModel(spark, vocabulary, d, vectors, epochs);
    }

    private static void checkFinite(JavaPairRDD<Integer, float[]> vectors, Vocabulary vocabulary, Settings s) {
        List<Tuple2<Integer, float[]>> bad = vectors.filter(t -> {
            for (float x : t._2()) {
                if (!Float.isFinite(x)) {
                    return true;
                }
            }
            return false;
        }).take(1);
        if (!bad.isEmpty()) {
            throw new IllegalStateException("training diverged: the input vector of '" + vocabulary.word(bad.get(0)._1())
                    + "' is not finite (learning rate " + s.learningRate() + " is too large for " + s.objective().key()
                    + ": lower it)");
        }
    }

    /**
     * The RDDs of one round: {@code last}, the parts after its last sub-iteration (cached), and what else it cached
     * (the pairs, the parts of the earlier sub-iterations), released once the round's job has run.
     */
    private record Round(JavaRDD<Blocks.Part> last, List<JavaRDD<?>> cached) {
        void release() {
            for (JavaRDD<?> rdd : cached) {
                rdd.unpersist(false);
            }
        }
    }

    /**
     * One round of P sub-iterations, chained lazily (no Spark job runs here): the round's pairs ({@link PairMaker}) on
     * the data partitions, cached there, and the chunks for other partitions shuffled to them (a chunk whose
     * destination is its own data partition stays in memory: at P = 2 half the pairs are not shuffled); then
     * sub-iteration r trains stratum r on each partition ({@link StratumTrainer}) and, for r &lt; P − 1, passes
     * the output block on to the partition before it (only the output rows are shuffled; the input block stays in the
     * cached part). The statistics of the sub-iterations add up in the parts. Memory: until the round's job ends a
     * partition holds the parts of all P sub-iterations (each its input and output block, V/P rows each) and the
     * round's pairs, where one job per sub-iteration held two parts; Spark's memory store drops cached blocks when it
     * runs short (they are then recomputed from the lineage, deterministically, if needed).
     */
    private static Round round(JavaRDD<Blocks.Part> state, JavaRDD<int[]> sentences, PairMaker maker, Settings s,
                               long step, long totalSteps, Broadcast<float[]> bKeep, Broadcast<long[]> bCounts) {
        int p = s.partitions();
        List<JavaRDD<?>> cached = new ArrayList<>();
        // each partition's chunks cached as one element (Spark estimates the size of what it caches element by
        // element): their destinations and the chunks
        JavaRDD<Tuple2<int[], int[][]>> made = sentences.mapPartitionsWithIndex((source, it) -> {
            List<Tuple2<Integer, int[]>> list = new ArrayList<>();
            maker.make(source, it, bKeep.value()).forEachRemaining(list::add);
            int[] dest = new int[list.size()];
            int[][] chunks = new int[list.size()][];
            for (int i = 0; i < dest.length; i++) {
                dest[i] = list.get(i)._1();
                chunks[i] = list.get(i)._2();
            }
            return List.of(new Tuple2<>(dest, chunks)).iterator();
        }, true).persist(StorageLevel.MEMORY_ONLY());
        cached.add(made);
        JavaRDD<int[]> arrived = made.flatMapToPair(t -> {
            List<Tuple2<Integer, int[]>> out = new ArrayList<>();
            for (int i = 0; i < t._1().length; i++) {
                if (t._1()[i] != Blocks.Chunk.source(t._2()[i])) {
                    out.add(new Tuple2<>(t._1()[i], t._2()[i]));
                }
            }
            return out.iterator();
        }).partitionBy(new Blocks.Identity(p)).values();
        JavaRDD<int[][]> chunks = made.zipPartitions(arrived, (mine, others) -> {
            List<int[]> list = new ArrayList<>();
            mine.forEachRemaining(t -> {
                for (int i = 0; i < t._1().length; i++) {
                    if (t._1()[i] == Blocks.Chunk.source(t._2()[i])) {
                        list.add(t._2()[i]);
                    }
                }
            });
            others.forEachRemaining(list::add);
            return java.util.Collections.<int[][]>singletonList(list.toArray(new int[0][])).iterator();
        }).persist(StorageLevel.MEMORY_ONLY());
        cached.add(chunks);
        JavaRDD<Blocks.Part> trained = null;
        for (int r = 0; r < p; r++) {
            if (r > 0) {
                state = rotate(trained, s);
            }
            int stratum = r;
            long at = step + r;
            trained = state.zipPartitions(chunks, (parts, cs) -> {
                Blocks.Part part = parts.next();
                List<int[]> list = java.util.Arrays.asList(cs.next());
                int partition = org.apache.spark.TaskContext.getPartitionId();
                return List.of(StratumTrainer.train(s, part, list, stratum, at, totalSteps, bCounts.value(),
                        partition)).iterator();
            }).persist(StorageLevel.MEMORY_ONLY());
            if (r < p - 1) {
                cached.add(trained);
            }
        }
        return new Round(trained, cached);
    }

    /** Sentences of at most this many corpus words per partition train in the warm-up. */
    static final int WARM_UP_WORDS = 100_000;

    /**
     * Trains one round on the first sentences of each partition (at most {@value #WARM_UP_WORDS} corpus words, and
     * at most 1/20 of the partition's share of the corpus; nothing when that is fewer than 10,000 words) on a copy of
     * the initial blocks, and throws the result away, before the first epoch's clock starts. Why: on the first
     * epoch the JIT compiler was still compiling the pair maker, the stratum trainer, the shared step's kernels and
     * Spark's shuffle code, on the same cores as the training (measured on 2 cores: the first epoch took 1.3–2 s
     * longer than the others, the second 0.3 s); the single-machine trainer compiles its kernels before its first
     * epoch likewise ({@link SkipGramSteps#warmUp}). The results do not depend on it: the warm-up's pairs come from a
     * random stream of their own (epoch −1), its tables are copies, and the training's operations are the same,
     * compiled or not.
     */
    private static void warmUp(JavaRDD<int[]> encoded, JavaRDD<Blocks.Part> start, Settings s, long tokens,
                               long totalSteps, Broadcast<float[]> bKeep, Broadcast<long[]> bCounts) {
        long words = Math.min(WARM_UP_WORDS, tokens / (20L * s.partitions()));
        if (words < 10_000) {
            return;
        }
        JavaRDD<int[]> first = encoded.mapPartitions(it -> {
            List<int[]> out = new ArrayList<>();
            long n = 0;
            while (n < words && it.hasNext()) {
                int[] ids = it.next();
                out.add(ids);
                n += ids.length;
            }
            return out.iterator();
        }, true);
        Settings one = s.withRounds(1);
        Round r = round(start.map(Blocks.Part::copy), first, new PairMaker(one, -1, 0, 0), one, 0, totalSteps,
                bKeep, bCounts);
        r.last().map(Blocks.Part::stats).collect();
        r.release();
        r.last().unpersist(false);
    }

    /** Input rows uniform in [−1/D, 1/D) from (seed, id), output rows zero, sent to the blocks of round 0. */
    private static JavaRDD<Blocks.Part> initialBlocks(JavaSparkContext sc, Settings s, int v) {
        int p = s.partitions();
        int d = s.dimension();
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            seeds.add(i);
        }
        return sc.parallelize(seeds, p).flatMapToPair(slot -> {
            int n = 0;
            for (int id = slot; id < v; id += p) {
                n++;
            }
            int[] ids = new int[n];
            float[] in = new float[n * d];
            int[] inDest = new int[n];
            int[] outDest = new int[n];
            long inSalt = s.inSalt(0);
            long outSalt = s.outSalt(0);
            for (int i = 0, id = slot; id < v; id += p, i++) {
                ids[i] = id;
                SplittableRandom r = new SplittableRandom(Blocks.mix(s.seed(), 0x4D, id));
                for (int c = 0; c < d; c++) {
                    in[i * d + c] = ((float) r.nextDouble() - 0.5f) * 2f / d;
                }
                inDest[i] = Blocks.block(id, inSalt, p);
                outDest[i] = Blocks.block(id, outSalt, p);
            }
            List<Tuple2<Integer, Tuple2<int[], float[]>>> out = new ArrayList<>();
            Blocks.split(false, ids, in, inDest, p, d, out);
            Blocks.split(true, ids, new float[n * d], outDest, p, d, out);
            return out.iterator();
        }).partitionBy(new Blocks.Identity(p)).values().mapPartitions(it -> List.of(Blocks.combine(it, d)).iterator());
    }

    /** New blocks for {@code round}: every row to its new input block, every output row to stratum 0's holder. */
    private static JavaRDD<Blocks.Part> reblock(JavaRDD<Blocks.Part> parts, Settings s, int round) {
        int p = s.partitions();
        int d = s.dimension();
        long inSalt = s.inSalt(round);
        long outSalt = s.outSalt(round);
        return parts.flatMapToPair(part -> {
            List<Tuple2<Integer, Tuple2<int[], float[]>>> out = new ArrayList<>();
            int[] inDest = new int[part.inIds().length];
            for (int i = 0; i < inDest.length; i++) {
                inDest[i] = Blocks.block(part.inIds()[i], inSalt, p);
            }
            int[] outDest = new int[part.outIds().length];
            for (int i = 0; i < outDest.length; i++) {
                outDest[i] = Blocks.block(part.outIds()[i], outSalt, p);
            }
            Blocks.split(false, part.inIds(), part.in(), inDest, p, d, out);
            Blocks.split(true, part.outIds(), part.out(), outDest, p, d, out);
            return out.iterator();
        }).partitionBy(new Blocks.Identity(p)).values().mapPartitions(it -> List.of(Blocks.combine(it, d)).iterator());
    }

    /**
     * After a sub-iteration: partition i keeps its input block (a copy of the cached one: a task may run twice) and
     * its statistics, and passes its output block to partition i − 1 (the only rows shuffled).
     */
    private static JavaRDD<Blocks.Part> rotate(JavaRDD<Blocks.Part> parts, Settings s) {
        int p = s.partitions();
        JavaRDD<Tuple2<int[], float[]>> outs = parts.mapPartitionsWithIndex((i, it) -> {
            Blocks.Part part = it.next();
            return List.of(new Tuple2<>((i + p - 1) % p, Blocks.piece(true, part.outIds(), part.out()))).iterator();
        }, true).mapToPair(t -> t).partitionBy(new Blocks.Identity(p)).values();
        return parts.zipPartitions(outs, (mine, arrived) -> {
            Blocks.Part part = mine.next();
            Tuple2<int[], float[]> out = arrived.next();
            int[] outIds = java.util.Arrays.copyOfRange(out._1(), 1, out._1().length);
            return List.of(new Blocks.Part(part.inIds(), part.in().clone(), outIds, out._2(), part.lossSum(),
                    part.lossPairs(), part.pairs())).iterator();
        });
    }

}
