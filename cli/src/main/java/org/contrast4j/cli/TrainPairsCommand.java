package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.contrast4j.io.AtomicFiles;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.HardNegativeMiner;
import org.contrast4j.text.EmbeddingCache;
import org.contrast4j.text.SentenceEncoder;
import org.contrast4j.text.adapter.Adapter;
import org.contrast4j.text.adapter.AdapterKind;
import org.contrast4j.text.adapter.AdapterTrainer;
import org.contrast4j.text.adapter.AdapterTraining;
import org.contrast4j.text.adapter.Pairs;
import org.contrast4j.text.adapter.RetrievalScores;
import org.contrast4j.text.adapter.Side;
import org.contrast4j.text.adapter.TextPairs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j train pairs}: trains an adapter ({@link AdapterTrainer}) on a frozen sentence encoder's embeddings
 * of query–document pairs from TSV files, and writes the adapter, {@code summary.json} and {@code report.html} into
 * {@code --out}. A subcommand of {@link TrainCommand}.
 */
@Command(name = "pairs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an adapter (linear or residual MLP, one per side or shared) on a frozen sentence"
                + " encoder's embeddings of query–document pairs with the symmetric InfoNCE / CLIP loss (learnable"
                + " temperature, duplicate documents masked by id), optionally with mined hard negatives, GISTEmbed"
                + " filtering and Matryoshka dimensions; Adam, early stopping on the validation pairs' recall@1.",
            "TSV: one pair per line, query<TAB>positive[<TAB>negative…] (sentence-transformers' pair / triplet"
                + " convention), UTF-8, no header. Validation ranks each query's positive among all the validation"
                + " file's documents.",
            "Writes DIR/adapter.json with one .npy per weight (the best epoch's adapter; apply it with"
                + " 'embed --adapter DIR'), DIR/summary.json (recall@1, recall@10, MRR@10 on the validation pairs"
                + " before and after, per-epoch curves, seconds, temperature), DIR/report.html and DIR/checkpoint.bin"
                + " after every epoch (atomically); --resume continues from it."},
        footer = {"", "A run is deterministic for a seed and --threads, and a resumed run is bit-identical to an",
            "uninterrupted one.", "", "Example:",
            "  contrast4j train pairs --train kjv-web.train.tsv --valid kjv-web.valid.tsv \\",
            "      --adapter-kind linear --hard-negatives 3 --out runs/kjv-web"})
final class TrainPairsCommand implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.bin";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--train", required = true, paramLabel = "T.tsv", description = "Training pairs.")
    Path train;

    @Option(names = "--valid", required = true, paramLabel = "V.tsv", description = "Validation pairs.")
    Path valid;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--adapter-kind", paramLabel = "KIND", defaultValue = "linear",
            description = "linear (y = W·x + b, from the identity) or mlp (y = x + W2·relu(W1·x + b1) + b2, W2 = 0"
                    + " at the start); default linear.")
    String adapter;

    @Option(names = "--shared", description = "One adapter for queries and documents (default: one each).")
    boolean shared;

    @Option(names = "--output-dim", paramLabel = "D'", description = "Output dimension of a linear adapter"
            + " (default: the encoder's).")
    Integer outputDim;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden units of an MLP adapter (default: the"
            + " encoder's dimension).")
    Integer hidden;

    @Option(names = "--hard-negatives", paramLabel = "K", defaultValue = "0",
            description = "Mine K hard negatives per query over the training documents (0 = none, the default).")
    int hardNegatives;

    @Option(names = "--mining", paramLabel = "WHEN", defaultValue = "per-epoch",
            description = "per-epoch (with the current adapter, the default) or fixed (once, with the frozen"
                    + " embeddings).")
    String mining;

    @Option(names = "--range-max", paramLabel = "R", defaultValue = "100",
            description = "Mine among the R best-ranked non-positive documents (default 100).")
    int rangeMax;

    @Option(names = "--gist", description = "GISTEmbed: drop in-batch negatives the frozen encoder scores above"
            + " the positive minus --gist-margin.")
    boolean gist;

    @Option(names = "--gist-margin", paramLabel = "M", defaultValue = "0", description = "GIST's margin (default 0).")
    double gistMargin;

    @Option(names = "--matryoshka-dims", paramLabel = "D1,D2,…", split = ",",
            description = "Train the prefixes of the output too (ascending, e.g. 64,128,384).")
    int[] matryoshkaDims;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", description = "Epochs (default 10).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Pairs per batch"
            + " (default 128).")
    int batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "1e-3", description = "Adam's learning"
            + " rate (default 1e-3).")
    double lr;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.05",
            description = "Initial temperature, learned unless --fixed-temperature (default 0.05).")
    double temperature;

    @Option(names = "--fixed-temperature", description = "Keep the temperature fixed.")
    boolean fixedTemperature;

    @Option(names = "--patience", paramLabel = "P", defaultValue = "3",
            description = "Stop after P epochs without a better validation recall@1 (0 = never; default 3).")
    int patience;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default 0).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1", description = "Worker threads of the"
            + " encoder, the loss and the searches (default 1, as every command; --threads 2 on two cores).")
    int threads;

    @Option(names = "--model", paramLabel = "M", defaultValue = SentenceEncoders.DEFAULT,
            description = "The frozen sentence encoder: minilm-q (all-MiniLM-L6-v2, int8 quantised; default) or"
                    + " minilm (float32).")
    String model;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache the embeddings of the queries and documents"
            + " in DIR (as 'embed --cache'): a second run on the same files and model does not encode again.")
    Path cache;

    @Option(names = "--resume", description = "Continue from DIR/" + CHECKPOINT + " (same pairs and settings; more"
            + " --epochs allowed).")
    boolean resume;

    @Option(names = "--no-progress", description = "No progress bars, only one line per epoch.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        AdapterTrainer trainer = trainer();
        Path checkpoint = out.resolve(CHECKPOINT);
        if (resume && !Files.isRegularFile(checkpoint)) {
            throw new InputException("--resume: " + checkpoint + " does not exist (nothing to resume)");
        }
        TextPairs trainText = readPairs("--train", train);
        TextPairs validText = readPairs("--valid", valid);
        PrintWriter err = spec.commandLine().getErr();

        if (cache != null && Files.exists(cache) && !Files.isDirectory(cache)) {
            throw new InputException("--cache " + cache + ": exists and is not a directory");
        }
        long t0 = System.nanoTime();
        Pairs trainPairs;
        Pairs validPairs;
        String encoderId;
        try (SentenceEncoder enc = SentenceEncoders.open("--model", model, threads)) {
            encoderId = enc.id();
            EmbeddingCache c = cache == null ? null : EmbeddingCache.at(cache);
            String tn = train.getFileName().toString();
            String vn = valid.getFileName().toString();
            Matrix tq = embed(enc, c, tn + ".queries", trainText.queries(), err);
            Matrix td = embed(enc, c, tn + ".documents", trainText.documents(), err);
            Matrix vq = embed(enc, c, vn + ".queries", validText.queries(), err);
            Matrix vd = embed(enc, c, vn + ".documents", validText.documents(), err);
            trainPairs = Options.check("--train " + train, () -> trainText.withEmbeddings(tq, td));
            validPairs = Options.check("--valid " + valid, () -> validText.withEmbeddings(vq, vd));
        }
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;

        AdapterTraining run;
        int resumedAt = 0;
        try {
            if (resume) {
                run = trainer.resume(checkpoint, trainPairs, validPairs);
                resumedAt = run.epochsDone();
            } else {
                run = trainer.start(trainPairs, validPairs);
            }
        } catch (IllegalArgumentException e) {
            throw new InputException((resume ? "--resume: " : "") + Options.optionNames(e.getMessage()), e);
        }
        String[] owned = {Adapter.JSON, "query_*.npy", "document_*.npy", "shared_*.npy", "summary.json",
            "report.html"};
        if (!resume) {
            String[] withCheckpoint = java.util.Arrays.copyOf(owned, owned.length + 1);
            withCheckpoint[owned.length] = CHECKPOINT;
            owned = withCheckpoint;
        }
        OutputDir.prepare("--out", out, owned);

        boolean bars = !noProgress && Terminal.stderr();
        while (!run.done()) {
            int epoch = run.epochsDone() + 1;
            ProgressBar[] bar = new ProgressBar[1];
            AdapterTraining.Epoch e = run.runEpoch(bars ? (done, total, loss) -> {
                if (bar[0] == null) {
                    bar[0] = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + trainer.epochs())
                            .setInitialMax(total).setUnit(" batches", 1).setStyle(ProgressBarStyle.ASCII)
                            .setUpdateIntervalMillis(500).setMaxRenderedLength(100).build();
                }
                bar[0].stepTo(done);
                bar[0].setExtraMessage(String.format(Locale.ROOT, " loss %.4f", loss));
            } : null);
            if (bar[0] != null) {
                bar[0].close();
            }
            run.checkpoint(checkpoint);
            err.printf(Locale.ROOT, "epoch %d done: %.1f s, loss %.4f, τ %.4f, validation recall@1 %.4f%s%n",
                    e.epoch(), e.seconds(), e.loss(), e.temperature(), e.validation().recallAt1(),
                    run.stoppedEarly() ? " (no better for " + trainer.patience() + " epochs: stopping)" : "");
            err.flush();
        }

        Adapter best = run.best().withEncoder(encoderId);
        best.save(out);
        ObjectNode summary = summary(run, trainText, validText, encoderId, encodeSeconds, resumedAt);
        if (trainer.matryoshkaDims() != null) {
            ArrayNode byDim = summary.putArray("matryoshka");
            Matrix q = best.apply(validPairs.queries(), Side.QUERY);
            Matrix d = best.apply(validPairs.documents(), Side.DOCUMENT);
            for (int m : trainer.matryoshkaDims()) {
                ObjectNode n = byDim.addObject();
                n.put("dim", m);
                scores(n.putObject("before"), RetrievalScores.of(prefix(validPairs.queries(), m),
                        prefix(validPairs.documents(), m), validPairs.positives(), trainer.threads()));
                scores(n.putObject("after"), RetrievalScores.of(prefix(q, m), prefix(d, m), validPairs.positives(),
                        trainer.threads()));
            }
        }
        Output.writeJson(out.resolve("summary.json"), summary);
        String html = new PairsReport(run, summary, train.getFileName().toString(),
                valid.getFileName().toString()).html();
        AtomicFiles.write(out.resolve("report.html"), html.getBytes(StandardCharsets.UTF_8));

        RetrievalScores before = run.frozenValidation();
        RetrievalScores after = run.bestValidation();
        new Output.Table()
                .row("pairs", trainText.size() + " training (" + trainText.documents().size() + " documents), "
                        + validText.size() + " validation (" + validText.documents().size() + " documents)")
                .row("encoder", encoderId + " (" + trainPairs.dimension() + "-d), " + fixed(encodeSeconds, 1)
                        + " s to encode")
                .row("adapter", best.kind().key() + (best.shared() ? ", shared" : ", one per side") + ", "
                        + best.inputDimension() + " → " + best.outputDimension() + ", " + best.parameterCount()
                        + " parameters")
                .row("epochs", run.epochsDone() + (run.stoppedEarly() ? " (stopped early)" : "")
                        + (resumedAt > 0 ? " (resumed after " + resumedAt + ")" : "") + ", best " + run.bestEpoch())
                .row("seconds", run.seconds())
                .row("temperature", best.temperature())
                .row("recall@1", fixed(before.recallAt1(), 4) + " → " + fixed(after.recallAt1(), 4))
                .row("recall@10", fixed(before.recallAt10(), 4) + " → " + fixed(after.recallAt10(), 4))
                .row("mrr@10", fixed(before.mrrAt10(), 4) + " → " + fixed(after.mrrAt10(), 4))
                .row("wrote", out.resolve(Adapter.JSON) + " (+ weights), summary.json, report.html, " + CHECKPOINT)
                .print(spec.commandLine().getOut());
        return 0;
    }

    /** The embeddings of {@code sentences}, through the cache when there is one, with a progress bar. */
    private Matrix embed(SentenceEncoder enc, EmbeddingCache c, String name, java.util.List<String> sentences,
                         PrintWriter err) throws IOException {
        try (EmbedCommand.Bar bar = new EmbedCommand.Bar(sentences.size(), !noProgress && Terminal.stderr())) {
            if (c == null) {
                return enc.encode(sentences, bar);
            }
            EmbeddingCache.Entry entry = c.entry(name, sentences, enc);
            if (!entry.cached()) {
                err.println(name + ": " + entry.reason());
            }
            return entry.embeddings(entry.cached() ? done -> { } : bar);
        }
    }

    /** The first m columns of x (cosine search renormalises them). */
    private static Matrix prefix(Matrix x, int m) {
        if (m == x.cols()) {
            return x;
        }
        float[] out = new float[x.rows() * m];
        for (int i = 0; i < x.rows(); i++) {
            System.arraycopy(x.data(), i * x.cols(), out, i * m, m);
        }
        return Matrix.of(x.rows(), m, out);
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private AdapterTrainer trainer() {
        AdapterTrainer.Builder b = AdapterTrainer.builder();
        AdapterKind kind;
        try {
            kind = AdapterKind.parse(adapter);
        } catch (IllegalArgumentException e) {
            throw new InputException("--adapter-kind: " + e.getMessage(), e);
        }
        b.kind(kind).shared(shared);
        if (kind == AdapterKind.MLP && outputDim != null) {
            throw new InputException("--output-dim applies to --adapter-kind linear only (an MLP adapter is residual: D"
                    + " → D)");
        }
        if (kind == AdapterKind.LINEAR && hidden != null) {
            throw new InputException("--hidden applies to --adapter-kind mlp only");
        }
        Options.set("--output-dim", outputDim, b::outputDimension);
        Options.set("--hidden", hidden, b::hidden);
        Options.set("--epochs", epochs, b::epochs);
        Options.set("--batch-size", batchSize, b::batchSize);
        Options.set("--learning-rate", lr, b::learningRate);
        Options.set("--temperature", temperature, b::temperature);
        b.learnableTemperature(!fixedTemperature);
        Options.set("--patience", patience, b::patience);
        b.seed(seed);
        Options.set("--threads", threads, b::threads);
        if (hardNegatives < 0) {
            throw new InputException("--hard-negatives must be >= 0, was " + hardNegatives);
        }
        AdapterTrainer.Mining when = switch (mining) {
            case "per-epoch" -> AdapterTrainer.Mining.PER_EPOCH;
            case "fixed" -> AdapterTrainer.Mining.FIXED;
            default -> throw new InputException("--mining must be per-epoch or fixed, was " + mining);
        };
        if (hardNegatives > 0) {
            HardNegativeMiner.Builder m = HardNegativeMiner.builder(hardNegatives);
            Options.set("--range-max", rangeMax, m::rangeMax);
            m.threads(threads);
            b.hardNegatives(Options.check("--hard-negatives", m::build), when);
        }
        if (!gist && gistMargin != 0) {
            throw new InputException("--gist-margin needs --gist");
        }
        b.gist(gist);
        Options.set("--gist-margin", gistMargin, b::gistMargin);
        Options.set("--matryoshka-dims", matryoshkaDims, b::matryoshkaDims);
        return Options.check("", b::build);
    }

    private static TextPairs readPairs(String option, Path file) {
        try {
            return TextPairs.readTsv(file);
        } catch (IOException e) {
            throw new InputException(option + " " + file + ": cannot read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        } catch (IllegalArgumentException e) {
            throw new InputException(option + " " + e.getMessage(), e);
        }
    }

    private ObjectNode summary(AdapterTraining run, TextPairs trainText, TextPairs validText, String encoderId,
                               double encodeSeconds, int resumedAt) {
        AdapterTrainer c = run.config();
        Adapter best = run.best();
        ObjectNode j = Output.object();
        j.put("train", train.toString());
        j.put("valid", valid.toString());
        j.put("train_pairs", trainText.size());
        j.put("train_documents", trainText.documents().size());
        j.put("valid_pairs", validText.size());
        j.put("valid_documents", validText.documents().size());
        j.put("encoder", encoderId);
        j.put("dimension", best.inputDimension());
        j.put("encode_seconds", encodeSeconds);
        j.put("adapter", best.kind().key());
        j.put("shared", best.shared());
        j.put("output_dimension", best.outputDimension());
        j.put("hidden", best.hidden());
        j.put("parameters", best.parameterCount());
        j.put("batch_size", c.batchSize());
        j.put("learning_rate", c.learningRate());
        j.put("initial_temperature", c.temperature());
        j.put("learnable_temperature", c.learnableTemperature());
        j.put("hard_negatives", c.miner() == null ? 0 : c.miner().numNegatives());
        if (c.miner() != null) {
            j.put("mining", c.mining() == AdapterTrainer.Mining.FIXED ? "fixed" : "per-epoch");
            j.put("mining_range_max", c.miner().rangeMax());
        }
        j.put("gist", c.gist());
        if (c.gist()) {
            j.put("gist_margin", c.gistMargin());
        }
        ArrayNode dims = j.putArray("matryoshka_dims");
        if (c.matryoshkaDims() != null) {
            for (int d : c.matryoshkaDims()) {
                dims.add(d);
            }
        }
        j.put("seed", c.seed());
        j.put("threads", c.threads());
        j.put("patience", c.patience());
        j.put("epochs_max", c.epochs());
        j.put("epochs", run.epochsDone());
        j.put("best_epoch", run.bestEpoch());
        j.put("stopped_early", run.stoppedEarly());
        j.put("resumed_after_epoch", resumedAt);
        j.put("seconds", run.seconds());
        j.put("temperature", best.temperature());
        scores(j.putObject("before"), run.frozenValidation());
        scores(j.putObject("after"), run.bestValidation());
        ArrayNode ep = j.putArray("history");
        for (AdapterTraining.Epoch e : run.epochs()) {
            ObjectNode n = ep.addObject();
            n.put("epoch", e.epoch());
            n.put("loss", e.loss());
            n.put("temperature", e.temperature());
            scores(n, e.validation());
            n.put("steps", e.steps());
            n.put("skipped_rows", e.skippedRows());
            n.put("skipped_batches", e.skippedBatches());
            n.put("short_queries", e.shortQueries());
            n.put("seconds", e.seconds());
        }
        return j;
    }

    private static void scores(ObjectNode n, RetrievalScores s) {
        n.put("recall@1", s.recallAt1());
        n.put("recall@10", s.recallAt10());
        n.put("mrr@10", s.mrrAt10());
        n.put("queries", s.queries());
    }
}
