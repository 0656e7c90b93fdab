package org.contrast4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.io.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j demo retrieval}: text retrieval end to end on verse-aligned Bibles — BM25, the frozen sentence
 * encoder, adapters trained with symmetric InfoNCE on the training books, reciprocal-rank fusion — on the slice
 * embedded in the command line (1,988 verses, about a minute on two free cores), or with {@code --data DIR} on the
 * full extraction of {@code scripts/bible-extract} (the benchmark of docs/text-retrieval.md). Prints the recall@1 table and writes
 * {@code summary.json}, {@code report.html} and the trained adapters ({@code adapters/PAIR-VARIANT/}).
 */
@Command(name = "retrieval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text retrieval on verse-aligned Bibles (KJV, WEB, Reina-Valera 1909): BM25, the frozen"
                + " MiniLM encoder, adapters trained with symmetric InfoNCE, and reciprocal-rank fusion, on the tasks"
                + " KJV → WEB, WEB → KJV, WEB → RV1909 and RV1909 → WEB.",
            "Without --data: the 1,988-verse slice embedded in the command line (public domain). Writes"
                + " summary.json, report.html and adapters/ into --out."},
        footer = {"", "The full benchmark: apt-get install sword-text-kjv sword-text-web sword-text-sparv"
                + " libsword-utils; scripts/bible-extract --out out/bible; contrast4j demo retrieval --data out/bible"
                + " --out out/bible-benchmark"})
final class DemoRetrievalCommand implements Callable<Integer> {
    static final String[] OUTPUTS = {"summary.json", "report.html", "adapters"};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out/demo-retrieval).")
    Path out = Path.of("out", "demo-retrieval");

    @Option(names = "--data", paramLabel = "DIR", description = "The directory scripts/bible-extract wrote (default:"
            + " the embedded slice).")
    Path data;

    @Option(names = "--model", paramLabel = "NAME", description = "The frozen encoder: minilm-q (all-MiniLM-L6-v2,"
            + " int8 quantised; the default) or minilm (float32).")
    String model = SentenceEncoders.DEFAULT;

    @Option(names = "--cache", paramLabel = "DIR", description = "Embedding cache (default: out/cache/embeddings).")
    Path cache = Path.of("out", "cache", "embeddings");

    @Option(names = "--adapters", paramLabel = "LIST", split = ",", description = "Adapter variants to train: linear,"
            + " mlp, hard (linear + hard negatives), matryoshka (linear + Matryoshka 64/128/384), or none (BM25 and"
            + " the frozen encoder only); default: all four. RRF, HNSW recall, geometry and the examples use the linear"
            + " adapter, when it is trained.")
    List<String> adapters = List.of("linear", "mlp", "hard", "matryoshka");

    @Option(names = "--bm25-only", description = "Only BM25: no encoder, no adapters.")
    boolean bm25Only;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs per adapter (default: 30).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Pairs per batch (default: 128 on the embedded"
            + " slice, 2048 with --data).")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "X", description = "Adam learning rate (default: 0.001 on the"
            + " embedded slice, 0.002 with --data).")
    Double learningRate;

    @Option(names = "--fixed-temperature", negatable = true, description = "Keep τ at 0.05 instead of learning it"
            + " (default: learned on the embedded slice, fixed with --data; --no-fixed-temperature learns it).")
    Boolean fixedTemperature;

    @Option(names = "--hard-negatives", paramLabel = "K", description = "Mined negatives per query of the hard"
            + " variant (default: 4).")
    int hardNegatives = 4;

    @Option(names = "--patience", paramLabel = "N", description = "Epochs without a better validation recall@1"
            + " before stopping (default: 3 on the embedded slice, 6 with --data).")
    Integer patience;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: 1).")
    long seed = 1;

    @Option(names = "--threads", paramLabel = "N", description = "Encoder and training threads (default: 1, as every"
            + " command; 2 on two free cores encodes about twice as fast).")
    int threads = 1;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N verses of each split (a quick look;"
            + " default: all).")
    Integer limit;

    @Option(names = "--no-progress", description = "No progress bars.")
    boolean noProgress;

    /**
     * The adapters' training recipe: maximum epochs, batch size, Adam's learning rate, whether τ (from 0.05) is
     * learned, and the early-stopping patience.
     */
    record Recipe(int epochs, int batchSize, double learningRate, boolean learnableTemperature, int patience) {
    }

    /** The embedded slice's defaults (1,483 training pairs: small batches converge in the few epochs a demo affords). */
    static final Recipe SLICE = new Recipe(30, 128, 1e-3, true, 3);

    /**
     * The full benchmark's defaults ({@code --data}, 25,205 training pairs), chosen by validation recall@1 among the
     * runs of docs/text-retrieval.md's "Training recipe": large batches (more in-batch negatives), a larger step, τ
     * fixed at 0.05, and more patience (the English validation split is near 0.99 from the first epoch).
     */
    static final Recipe FULL = new Recipe(30, 2048, 2e-3, false, 6);

    /** The recipe of this run: the defaults for the data, each overridden by its option when given. */
    Recipe recipe() {
        Recipe d = data == null ? SLICE : FULL;
        return new Recipe(epochs == null ? d.epochs() : epochs, batchSize == null ? d.batchSize() : batchSize,
                learningRate == null ? d.learningRate() : learningRate,
                fixedTemperature == null ? d.learnableTemperature() : !fixedTemperature,
                patience == null ? d.patience() : patience);
    }

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        List<String> variants = variants();
        Recipe recipe = recipe();
        int epochs = recipe.epochs();
        int batchSize = recipe.batchSize();
        double learningRate = recipe.learningRate();
        int patience = recipe.patience();
        if (epochs < 1 || batchSize < 2 || !(learningRate > 0) || hardNegatives < 1 || patience < 1 || threads < 1) {
            throw new InputException(String.format(Locale.ROOT, "--epochs (%d) and --patience (%d) must be >= 1,"
                            + " --batch-size (%d) >= 2, --learning-rate (%s) > 0, --hard-negatives (%d) >= 1, --threads (%d) >= 1",
                    epochs, patience, batchSize, learningRate, hardNegatives, threads));
        }
        if (!bm25Only && !model.equals("minilm-q") && !model.equals("minilm")) {
            throw new InputException("--model must be minilm-q or minilm, was '" + model + "'");
        }
        if (limit != null && limit < 20) {
            throw new InputException("--limit must be >= 20 (verses per split), was " + limit);
        }
        BibleData bible = data == null ? BibleData.embedded() : BibleData.directory(data);
        if (limit != null) {
            bible = bible.head(limit);
        }
        OutputDir.prepare("--out", out, OUTPUTS);
        removePreviousAdapters(out.resolve("adapters"));
        PrintWriter err = spec.commandLine().getErr();
        RetrievalIo.quietLucene();
        Path work = Files.createTempDirectory(out.toAbsolutePath(), ".work-");
        BibleBenchmark.Settings settings = new BibleBenchmark.Settings(variants, epochs, batchSize, learningRate,
                recipe.learnableTemperature(), hardNegatives, patience, seed, threads);
        BibleBenchmark.Result result;
        try {
            BibleBenchmark bench = new BibleBenchmark(bible, settings, work, err);
            if (bm25Only) {
                result = bench.run(null, null);
            } else {
                result = TextEmbeddings.withEncoder(model, cache, threads, noProgress, err, embedder ->
                        bench.run(embedder, out.resolve("adapters")));
            }
        } finally {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Output.writeJson(out.resolve("summary.json"), RetrievalReport.summary(result, seconds));
        String html = RetrievalReport.html(result, "contrast4j demo retrieval: Bible verse retrieval",
                settings(result, seconds), seconds);
        AtomicFiles.write(out.resolve("report.html"), o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
        PrintWriter o = spec.commandLine().getOut();
        o.println();
        o.print(RetrievalReport.table(result));
        o.println();
        o.println(String.format(Locale.ROOT, "%.0f s; wrote %s and %s", seconds, out.resolve("summary.json"),
                out.resolve("report.html")));
        o.flush();
        return 0;
    }

    /**
     * Removes the adapters a previous run wrote ({@code adapters/PAIR-VARIANT/adapter.json} and its {@code .npy}
     * weights), so the directory holds only this run's; any other file is left alone.
     */
    private static void removePreviousAdapters(Path adapters) throws IOException {
        if (!Files.isDirectory(adapters)) {
            return;
        }
        for (String pair : BibleBenchmark.PAIR_NAMES) {
            for (String variant : BibleBenchmark.VARIANTS) {
                Path d = adapters.resolve(pair + "-" + BibleBenchmark.slug(variant));
                if (!Files.isDirectory(d)) {
                    continue;
                }
                try (var files = Files.newDirectoryStream(d, "{adapter.json,*.npy}")) {
                    for (Path f : files) {
                        Files.deleteIfExists(f);
                    }
                }
                deleteIfEmpty(d);
            }
        }
        deleteIfEmpty(adapters);
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (var left = Files.list(dir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
    }

    private List<String> variants() {
        if (bm25Only || adapters.equals(List.of("none"))) {
            return List.of();
        }
        List<String> v = new ArrayList<>();
        for (String a : adapters) {
            String name = switch (a.strip().toLowerCase(Locale.ROOT)) {
                case "linear" -> BibleBenchmark.LINEAR;
                case "mlp" -> BibleBenchmark.MLP;
                case "hard" -> BibleBenchmark.HARD;
                case "matryoshka" -> BibleBenchmark.MATRYOSHKA;
                default -> throw new InputException("--adapters: unknown variant '" + a + "'; use linear, mlp, hard,"
                        + " matryoshka or none");
            };
            if (v.contains(name)) {
                throw new InputException("--adapters: '" + a + "' given twice");
            }
            v.add(name);
        }
        return v;
    }

    private static String settings(BibleBenchmark.Result r, double seconds) {
        BibleBenchmark.Settings s = r.settings();
        return String.format(Locale.ROOT, "Data: %s — %,d training pairs, %,d validation pairs, %,d test verses per "
                        + "translation (test books Proverbs, Matthew, Mark, Luke, John; validation Ruth, Ecclesiastes,"
                        + " Romans, Hebrews, James; training the rest; King James Version, World English Bible and "
                        + "Reina-Valera 1909, all public domain). Each task's queries are the source translation's "
                        + "test verses and its corpus every test verse of the target translation; the only relevant "
                        + "row is the same verse. Rankings from one score per (query, verse), ties to the lower "
                        + "corpus row. Adapters: one per language pair (KJV–WEB, WEB–RV1909), a query and a document "
                        + "tower, symmetric InfoNCE with τ %s, batches of %d, Adam %s, at most %d epochs, "
                        + "early stopping after %d without a better validation recall@1, seed %d; hard negatives: %d "
                        + "mined per query by the current adapter every epoch. RRF: rank constant 60 over the top %d "
                        + "of each ranking. Total wall time %.0f s.",
                Report.esc(r.source()), r.trainPairs(), r.validPairs(), r.testVerses(),
                s.learnableTemperature() ? "learned from 0.05" : "fixed at 0.05", s.batchSize(),
                Charts.compact(s.learningRate(), 3), s.epochs(), s.patience(), s.seed(), s.hardNegatives(),
                AlignedRetrieval.DEPTH, seconds);
    }
}
