package org.contrast4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.HardNegativeMiner;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.text.adapter.Adapter;
import org.contrast4j.text.adapter.AdapterKind;
import org.contrast4j.text.adapter.AdapterTrainer;
import org.contrast4j.text.adapter.AdapterTraining;
import org.contrast4j.text.adapter.Pairs;
import org.contrast4j.text.adapter.Side;

/**
 * The text-retrieval benchmark on verse-aligned Bibles ({@link BibleData}): four tasks — KJV → WEB and WEB → KJV
 * (archaic ↔ modern English), WEB → RV1909 and RV1909 → WEB (English ↔ Spanish) — each with the source side's test
 * verses as queries and every test verse of the target side as the corpus; methods BM25, the frozen encoder, adapters
 * trained on the training books' pairs (one per language pair, its query tower on the first language: linear, residual
 * MLP, linear with hard negatives mined by the adapter every epoch, linear with Matryoshka prefixes evaluated at each
 * prefix), and reciprocal-rank fusion of BM25 with the frozen encoder and with the linear adapter. Also HNSW recall
 * against exact search and the towers' geometry, before (frozen) and after (linear adapter) training. Every stage is
 * timed.
 */
final class BibleBenchmark {
    /** A retrieval direction: source texts as queries through {@code sourceSide}'s tower of the pair's adapter. */
    record Task(String name, String source, String target, String pair, Side sourceSide) {
        Side targetSide() {
            return sourceSide == Side.QUERY ? Side.DOCUMENT : Side.QUERY;
        }

        boolean crossLanguage() {
            return source.equals("rv1909") || target.equals("rv1909");
        }
    }

    /** The language pairs an adapter is trained on: the first language through the query tower. */
    static final Map<String, List<String>> PAIRS = Map.of("kjv-web", List.of("kjv", "web"),
            "web-rv1909", List.of("web", "rv1909"));
    static final List<String> PAIR_NAMES = List.of("kjv-web", "web-rv1909");

    static final List<Task> TASKS = List.of(
            new Task("KJV → WEB", "kjv", "web", "kjv-web", Side.QUERY),
            new Task("WEB → KJV", "web", "kjv", "kjv-web", Side.DOCUMENT),
            new Task("WEB → RV1909", "web", "rv1909", "web-rv1909", Side.QUERY),
            new Task("RV1909 → WEB", "rv1909", "web", "web-rv1909", Side.DOCUMENT));

    static final String BM25 = "BM25";
    static final String FROZEN = "frozen";
    static final String LINEAR = "linear";
    static final String MLP = "MLP";
    static final String HARD = "linear + hard negatives";
    static final String MATRYOSHKA = "linear + Matryoshka";
    static final String RRF_FROZEN = "RRF(BM25, frozen)";
    static final String RRF_LINEAR = "RRF(BM25, linear)";
    /** Matryoshka prefixes trained and evaluated. */
    static final int[] MATRYOSHKA_DIMS = {64, 128, 384};

    /** The adapter variants, in the table's order. */
    static final List<String> VARIANTS = List.of(LINEAR, MLP, HARD, MATRYOSHKA);

    /** Turns texts into frozen embeddings (cached, with progress): {@code what} names them for messages. */
    @FunctionalInterface
    interface Embedder {
        Matrix embed(String what, List<String> texts) throws IOException;
    }

    /** What to run and how to train (τ starts at 0.05, learned or fixed). */
    record Settings(List<String> variants, int epochs, int batchSize, double learningRate, boolean learnableTemperature,
                    int hardNegatives, int patience, long seed, int threads) {
        Settings {
            variants = List.copyOf(variants);
        }
    }

    /** One adapter training: its run (history, best adapter) and wall time. */
    record Trained(String variant, String pair, AdapterTraining run, double seconds) {
    }

    /** One example query: its text, gold, and the top results of two methods. */
    record Example(String task, int query, String text, String gold, String before, int[] beforeTop,
                   String after, int[] afterTop) {
    }

    /** Everything a report needs. */
    record Result(String source, int trainPairs, int validPairs, int testVerses, Settings settings,
                  Map<String, Map<String, AlignedRetrieval.Scores>> scores,
                  Map<String, Map<String, Double>> hnswRecall,
                  Map<String, Map<String, AlignedRetrieval.Geometry>> geometry,
                  List<Trained> trained, Map<String, Double> stageSeconds, Map<String, Integer> duplicateTargets,
                  List<Example> examples, Map<String, AlignedRetrieval> tasks) {
    }

    private final BibleData data;
    private final Settings settings;
    private final Path work;
    private final PrintWriter log;
    private final Map<String, Double> stages = new LinkedHashMap<>();

    BibleBenchmark(BibleData data, Settings settings, Path work, PrintWriter log) {
        this.data = data;
        this.settings = settings;
        this.work = work;
        this.log = log;
    }

    private double lap(String stage, long since) {
        double s = (System.nanoTime() - since) / 1e9;
        stages.merge(stage, s, Double::sum);
        return s;
    }

    private void say(String format, Object... args) {
        log.println(String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /**
     * Runs everything: BM25 needs no encoder; with {@code embedder} null only BM25 is evaluated.
     *
     * @param adapters where the trained adapters are saved (one directory per pair and variant), or null
     */
    Result run(Embedder embedder, Path adapters) throws IOException {
        BibleData.Split test = data.split("test");
        Map<String, AlignedRetrieval> tasks = new LinkedHashMap<>();
        Map<String, Map<String, AlignedRetrieval.Scores>> scores = new LinkedHashMap<>();
        Map<String, TopK> bm25 = new LinkedHashMap<>();
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        for (Task t : TASKS) {
            AlignedRetrieval task = new AlignedRetrieval(t.name(), test.texts(t.source()), test.texts(t.target()));
            tasks.put(t.name(), task);
            scores.put(t.name(), new LinkedHashMap<>());
            duplicates.put(t.name(), duplicateRows(task.corpus()));
            long t0 = System.nanoTime();
            TopK top = task.bm25(work);
            bm25.put(t.name(), top);
            scores.get(t.name()).put(BM25, task.evaluate(BM25, top));
            say("%-13s %-26s recall@1 %.3f  (%.1f s)", t.name(), BM25, scores.get(t.name()).get(BM25).recall1(),
                    lap("BM25 (index + search, 4 tasks)", t0));
        }
        Map<String, Map<String, Double>> hnsw = new LinkedHashMap<>();
        Map<String, Map<String, AlignedRetrieval.Geometry>> geometry = new LinkedHashMap<>();
        List<Trained> trained = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        BibleData.Split train = data.split("train");
        BibleData.Split valid = data.split("valid");
        if (embedder == null) {
            return new Result(data.source(), train.size(), valid.size(), test.size(), settings, scores, hnsw,
                    geometry, trained, stages, duplicates, examples, tasks);
        }

        Map<String, Matrix> testEmb = encode(embedder, test);
        Map<String, TopK> frozen = new LinkedHashMap<>();
        for (Task t : TASKS) {
            AlignedRetrieval task = tasks.get(t.name());
            long t0 = System.nanoTime();
            TopK top = task.dense(testEmb.get(t.source()), testEmb.get(t.target()));
            frozen.put(t.name(), top);
            scores.get(t.name()).put(FROZEN, task.evaluate(FROZEN, top));
            lap("evaluate (exact search + metrics)", t0);
            say("%-13s %-26s recall@1 %.3f", t.name(), FROZEN, scores.get(t.name()).get(FROZEN).recall1());
            hnsw.put(t.name(), new LinkedHashMap<>());
            geometry.put(t.name(), new LinkedHashMap<>());
            t0 = System.nanoTime();
            hnsw.get(t.name()).put(FROZEN, task.hnswRecall(testEmb.get(t.source()), testEmb.get(t.target()), work));
            lap("HNSW index + recall", t0);
            t0 = System.nanoTime();
            geometry.get(t.name()).put(FROZEN, task.geometry(testEmb.get(t.source()), testEmb.get(t.target())));
            lap("geometry", t0);
        }
        Map<String, Pairs[]> pairs = new LinkedHashMap<>();
        if (!settings.variants().isEmpty()) {
            Map<String, Matrix> trainEmb = encode(embedder, train);
            Map<String, Matrix> validEmb = encode(embedder, valid);
            for (String pair : PAIR_NAMES) {
                List<String> langs = PAIRS.get(pair);
                pairs.put(pair, new Pairs[] {pairs(trainEmb, train, langs), pairs(validEmb, valid, langs)});
            }
        }
        Map<String, Map<String, Adapter>> best = new LinkedHashMap<>();
        for (String variant : settings.variants()) {
            for (String pair : PAIR_NAMES) {
                long t0 = System.nanoTime();
                AdapterTraining run = trainer(variant).start(pairs.get(pair)[0], pairs.get(pair)[1]);
                say("train %-10s %-24s %d pairs, validation recall@1 %.3f (frozen)", pair, variant,
                        pairs.get(pair)[0].size(), run.frozenValidation().recallAt1());
                while (!run.done()) {
                    AdapterTraining.Epoch e = run.runEpoch();
                    say("  epoch %2d  loss %.4f  τ %.4f  validation recall@1 %.3f  (%.1f s)", e.epoch(), e.loss(),
                            e.temperature(), e.validation().recallAt1(), e.seconds());
                }
                double seconds = lap("train " + variant + " (2 pairs)", t0);
                trained.add(new Trained(variant, pair, run, seconds));
                best.computeIfAbsent(variant, k -> new LinkedHashMap<>()).put(pair, run.best());
                if (adapters != null) {
                    run.best().save(adapters.resolve(pair + "-" + slug(variant)));
                }
            }
        }
        for (Task t : TASKS) {
            AlignedRetrieval task = tasks.get(t.name());
            TopK linearTop = null;
            for (String variant : settings.variants()) {
                Adapter a = best.get(variant).get(t.pair());
                long t0 = System.nanoTime();
                Matrix q = a.apply(testEmb.get(t.source()), t.sourceSide());
                Matrix c = a.apply(testEmb.get(t.target()), t.targetSide());
                if (variant.equals(MATRYOSHKA)) {
                    for (int dim : MATRYOSHKA_DIMS) {
                        String name = MATRYOSHKA + " @" + dim;
                        scores.get(t.name()).put(name, task.evaluate(name, task.dense(prefix(q, dim),
                                prefix(c, dim))));
                    }
                } else {
                    TopK top = task.dense(q, c);
                    scores.get(t.name()).put(variant, task.evaluate(variant, top));
                    if (variant.equals(LINEAR)) {
                        linearTop = top;
                        lap("evaluate (exact search + metrics)", t0);
                        long t1 = System.nanoTime();
                        hnsw.get(t.name()).put(LINEAR, task.hnswRecall(q, c, work));
                        lap("HNSW index + recall", t1);
                        t1 = System.nanoTime();
                        geometry.get(t.name()).put(LINEAR, task.geometry(q, c));
                        lap("geometry", t1);
                        examples.addAll(examples(t, task, frozen.get(t.name()), top));
                        continue;
                    }
                }
                lap("evaluate (exact search + metrics)", t0);
            }
            long t0 = System.nanoTime();
            scores.get(t.name()).put(RRF_FROZEN, task.evaluate(RRF_FROZEN,
                    task.hybrid(bm25.get(t.name()), frozen.get(t.name()))));
            if (linearTop != null) {
                scores.get(t.name()).put(RRF_LINEAR, task.evaluate(RRF_LINEAR,
                        task.hybrid(bm25.get(t.name()), linearTop)));
            }
            lap("evaluate (exact search + metrics)", t0);
            for (Map.Entry<String, AlignedRetrieval.Scores> e : scores.get(t.name()).entrySet()) {
                if (!e.getKey().equals(BM25) && !e.getKey().equals(FROZEN)) {
                    say("%-13s %-26s recall@1 %.3f", t.name(), e.getKey(), e.getValue().recall1());
                }
            }
        }
        return new Result(data.source(), train.size(), valid.size(), test.size(), settings, scores, hnsw, geometry,
                trained, stages, duplicates, examples, tasks);
    }

    /**
     * The pairs of one split for one language pair: the first language's verses as queries, the second's as documents,
     * deduplicated (a verse text repeated in the split is one document row, the positive of every query it answers).
     */
    private Pairs pairs(Map<String, Matrix> embeddings, BibleData.Split split, List<String> langs) {
        List<String> docs = split.texts(langs.get(1));
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Integer> firstRows = new ArrayList<>();
        int[] positives = new int[split.size()];
        for (int i = 0; i < split.size(); i++) {
            final int row = i;
            positives[i] = ids.computeIfAbsent(docs.get(i), t -> {
                firstRows.add(row);
                return firstRows.size() - 1;
            });
        }
        Matrix d = embeddings.get(langs.get(1));
        float[] g = new float[firstRows.size() * d.cols()];
        for (int j = 0; j < firstRows.size(); j++) {
            System.arraycopy(d.data(), firstRows.get(j) * d.cols(), g, j * d.cols(), d.cols());
        }
        return Pairs.of(embeddings.get(langs.get(0)), Matrix.of(firstRows.size(), d.cols(), g), positives);
    }

    /** Every translation of a split through the frozen encoder, each encoded once. */
    private Map<String, Matrix> encode(Embedder embedder, BibleData.Split split) throws IOException {
        Map<String, Matrix> e = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (String tr : BibleData.TRANSLATIONS) {
            e.put(tr, embedder.embed(tr + " " + split.name(), split.texts(tr)));
        }
        lap("encode " + split.name(), t0);
        return e;
    }

    /** The trainer of a variant. */
    AdapterTrainer trainer(String variant) {
        AdapterTrainer.Builder b = AdapterTrainer.builder().epochs(settings.epochs()).batchSize(settings.batchSize())
                .learningRate(settings.learningRate()).learnableTemperature(settings.learnableTemperature())
                .patience(settings.patience()).seed(settings.seed()).threads(settings.threads());
        switch (variant) {
            case LINEAR -> b.kind(AdapterKind.LINEAR);
            case MLP -> b.kind(AdapterKind.MLP);
            case HARD -> b.kind(AdapterKind.LINEAR).hardNegatives(HardNegativeMiner.builder(settings.hardNegatives())
                    .seed(settings.seed()).threads(settings.threads()).build(), AdapterTrainer.Mining.PER_EPOCH);
            case MATRYOSHKA -> b.kind(AdapterKind.LINEAR).matryoshkaDims(MATRYOSHKA_DIMS);
            default -> throw new IllegalArgumentException("unknown adapter variant " + variant + "; there are "
                    + VARIANTS);
        }
        return b.build();
    }

    /** The first {@code dim} columns of every row (a Matryoshka prefix; cosine search normalises it). */
    static Matrix prefix(Matrix x, int dim) {
        if (dim >= x.cols()) {
            return x;
        }
        float[] a = x.data();
        float[] p = new float[x.rows() * dim];
        for (int r = 0; r < x.rows(); r++) {
            System.arraycopy(a, r * x.cols(), p, r * dim, dim);
        }
        return Matrix.of(x.rows(), dim, p);
    }

    /** A directory name for a variant: "linear + hard negatives" → "linear-hard-negatives". */
    static String slug(String variant) {
        return variant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /** Rows whose text also occurs at another row (a tie the lower row wins for any method that reads only text). */
    static int duplicateRows(List<String> texts) {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (String t : texts) {
            count.merge(t, 1, Integer::sum);
        }
        int n = 0;
        for (int c : count.values()) {
            if (c > 1) {
                n += c;
            }
        }
        return n;
    }

    /**
     * A few example queries of a task: up to two the frozen encoder ranks wrong at 1 and the adapter right, and one
     * both rank wrong, the first such queries in test order.
     */
    private static List<Example> examples(Task t, AlignedRetrieval task, TopK before, TopK after) {
        List<Example> fixed = new ArrayList<>();
        Example unsolved = null;
        for (int q = 0; q < task.size() && (fixed.size() < 2 || unsolved == null); q++) {
            boolean b = before.id(q, 0) == q;
            boolean a = after.id(q, 0) == q;
            if ((!b && a && fixed.size() < 2) || (!b && !a && unsolved == null)) {
                Example e = new Example(t.name(), q, task.queries().get(q), task.corpus().get(q), FROZEN,
                        top(before, q, 3), LINEAR, top(after, q, 3));
                if (a) {
                    fixed.add(e);
                } else {
                    unsolved = e;
                }
            }
        }
        if (unsolved != null) {
            fixed.add(unsolved);
        }
        return fixed;
    }

    private static int[] top(TopK top, int q, int n) {
        int[] ids = new int[Math.min(n, top.k())];
        for (int r = 0; r < ids.length; r++) {
            ids[r] = top.id(q, r);
        }
        return ids;
    }
}
