package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.EmbeddingCache;
import org.contrast4j.text.MiniLm;
import org.contrast4j.text.SentenceEncoder;
import org.contrast4j.text.TextFile;
import org.contrast4j.text.adapter.Adapter;
import org.contrast4j.text.adapter.Side;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j embed}: sentence embeddings of a text file, one row per line, with all-MiniLM-L6-v2
 * ({@link MiniLm}), optionally through an on-disk {@link EmbeddingCache}.
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sentence embeddings of a text file, one row per line: all-MiniLM-L6-v2 (384-d, mean pooling,"
                + " L2-normalised; at most 256 tokens per line) on ONNX Runtime, from the model files inside the"
                + " langchain4j Maven artifacts (nothing is downloaded).",
            "Writes E.npy (float32, N×384 — N×D' with --adapter; row i is line i; an empty line gets the embedding of"
                + " [CLS] [SEP])."
                + " With --cache DIR, a second run over the same text and settings loads the embeddings instead of"
                + " encoding again; any change (the text, the model, the batch size of the quantised model) or a"
                + " damaged cache file re-encodes, and the summary says why."},
        footer = {"", "FILE.txt: UTF-8, one sentence per line (a final newline adds no row).", "",
            "Examples:", "  contrast4j embed --text corpus.txt --out corpus.npy",
            "  contrast4j embed --text queries.txt --out q.npy --model minilm --threads 2 --cache .cache"})
final class EmbedCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--text", required = true, paramLabel = "FILE.txt", description = "One sentence per line (UTF-8).")
    Path text;

    @Option(names = "--out", required = true, paramLabel = "E.npy", description = "The embeddings, N×384 float32.")
    Path out;

    @Option(names = "--model", paramLabel = "M", description = "minilm-q (int8 quantised, 23 MB; default) or minilm"
            + " (float32, 90 MB).")
    String model = "minilm-q";

    @Option(names = "--threads", paramLabel = "N", description = "Threads, each encoding one batch at a time (default 1,"
            + " as every command; 2 on two cores is about twice as fast).")
    int threads = 1;

    @Option(names = "--batch-size", paramLabel = "B", description = "Sentences per model call, sorted by length and"
            + " padded per batch (default ${DEFAULT-VALUE}).")
    int batchSize = MiniLm.DEFAULT_BATCH_SIZE;

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache the embeddings in DIR (.npy + a JSON"
            + " manifest per text and model).")
    Path cache;

    @Option(names = "--no-progress", description = "No progress bar (drawn only when stderr is a terminal).")
    boolean noProgress;

    @Option(names = "--adapter", paramLabel = "DIR", description = "Apply the adapter trained by 'train pairs' in"
            + " DIR to the embeddings (needs --side); the rows written are the adapter's L2-normalised output.")
    Path adapterDir;

    @Option(names = "--side", paramLabel = "SIDE", description = "query or document: the adapter's tower to apply.")
    String side;

    @Override
    public Integer call() throws IOException {
        if (!model.equals("minilm-q") && !model.equals("minilm")) {
            throw new InputException("--model must be minilm-q or minilm, was '" + model + "'");
        }
        if (threads < 1) {
            throw new InputException("--threads must be >= 1, was " + threads);
        }
        if (batchSize < 1) {
            throw new InputException("--batch-size must be >= 1, was " + batchSize);
        }
        if (Files.isDirectory(out)) {
            throw new InputException("--out " + out + " is a directory: give the .npy file to write");
        }
        if (cache != null && Files.exists(cache) && !Files.isDirectory(cache)) {
            throw new InputException("--cache " + cache + ": exists and is not a directory");
        }
        Adapter adapter = null;
        Side adapterSide = null;
        if (adapterDir == null && side != null) {
            throw new InputException("--side needs --adapter");
        }
        if (adapterDir != null) {
            if (side == null) {
                throw new InputException("--adapter needs --side query or --side document");
            }
            try {
                adapterSide = Side.parse(side);
            } catch (IllegalArgumentException e) {
                throw new InputException("--side must be query or document, was '" + side + "'", e);
            }
            try {
                adapter = Adapter.load(adapterDir);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new InputException("--adapter " + adapterDir + ": not an adapter directory (no "
                        + Adapter.JSON + ")", e);
            } catch (IOException | IllegalArgumentException e) {
                throw new InputException("--adapter " + e.getMessage(), e);
            }
            if (adapter.inputDimension() != MiniLm.DIMENSION) {
                throw new InputException("--adapter " + adapterDir + ": takes embeddings of dimension "
                        + adapter.inputDimension() + ", the model's are " + MiniLm.DIMENSION);
            }
        }
        TextFile file;
        try {
            file = TextFile.read(text);
        } catch (IOException e) {
            throw new InputException("--text " + e.getMessage(), e);
        }
        if (file.size() == 0) {
            throw new InputException("--text " + text + ": has no lines");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            probe("--out", parent);
        }
        if (cache != null) {
            probe("--cache", cache);
        }
        MiniLm.Builder b = (model.equals("minilm") ? MiniLm.full() : MiniLm.quantized()).threads(threads)
                .batchSize(batchSize);
        try (Lazy encoder = new Lazy(b)) {
            long t0 = System.nanoTime();
            String how;
            Matrix embeddings;
            try (Bar bar = new Bar(file.size(), !noProgress && Terminal.stderr())) {
                if (cache == null) {
                    embeddings = encoder.encode(file.lines(), bar);
                    how = "encoded (no --cache)";
                } else {
                    EmbeddingCache.Entry entry = EmbeddingCache.at(cache).entry(file, encoder);
                    how = entry.reason();
                    embeddings = entry.embeddings(entry.cached() ? done -> { } : bar);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (adapter != null) {
                embeddings = adapter.apply(embeddings, adapterSide);
            }
            Npy.write(out, embeddings);
            Output.Table table = new Output.Table()
                    .row("text", text + " (" + file.size() + " lines)")
                    .row("model", encoder.id() + ", " + threads + " thread" + (threads == 1 ? "" : "s"))
                    .row("embeddings", how);
            if (adapter != null) {
                table.row("adapter", adapterDir + ", " + adapterSide.key() + " side (" + adapter.kind().key() + ", "
                        + adapter.inputDimension() + " → " + adapter.outputDimension()
                        + adapter.encoder().map(id -> id.equals(encoder.id()) ? "" : "; trained on " + id + " rows")
                                .orElse("") + ")");
            }
            if (encoder.loaded != null) {
                double encodeSeconds = seconds - encoder.loadSeconds;
                table.row("model load seconds", encoder.loadSeconds)
                        .row("encode seconds", encodeSeconds)
                        .row("sentences/s", file.size() / encodeSeconds);
            } else {
                table.row("cache read seconds", seconds);
            }
            table.row("wrote", out + " (" + embeddings.shape() + " float32)").print(spec.commandLine().getOut());
        }
        return 0;
    }

    /** The encoder, loaded only when a sentence must be encoded (a cache hit needs only its id). */
    static final class Lazy implements SentenceEncoder {
        private final MiniLm.Builder builder;
        MiniLm loaded;
        double loadSeconds;

        Lazy(MiniLm.Builder builder) {
            this.builder = builder;
        }

        @Override
        public int dimension() {
            return MiniLm.DIMENSION;
        }

        @Override
        public String id() {
            return builder.id();
        }

        @Override
        public Matrix encode(List<String> sentences) {
            return encode(sentences, done -> { });
        }

        @Override
        public Matrix encode(List<String> sentences, IntConsumer progress) {
            if (loaded == null) {
                long t0 = System.nanoTime();
                loaded = builder.build();
                loadSeconds = (System.nanoTime() - t0) / 1e9;
                progress.accept(0);
            }
            return loaded.encode(sentences, progress);
        }

        @Override
        public void close() {
            if (loaded != null) {
                loaded.close();
            }
        }
    }

    /** Creates {@code dir} if needed and checks that files can be written there, before any work. */
    private static void probe(String option, Path dir) {
        try {
            Files.createDirectories(dir);
            Path p = Files.createTempFile(dir, ".write-check.", ".tmp");
            Files.delete(p);
        } catch (IOException e) {
            throw new InputException(option + " " + dir + ": cannot write there (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
    }

    /**
     * A progress bar over the sentences with sentences/s, on stderr when it is a terminal; else nothing. The rate is
     * timed from {@code accept(0)} (sent once the model is loaded), else from the bar's creation.
     */
    static final class Bar implements IntConsumer, AutoCloseable {
        private final int total;
        private final boolean draw;
        private ProgressBar bar;
        private long start = System.nanoTime();

        Bar(int total, boolean draw) {
            this.total = total;
            this.draw = draw;
        }

        @Override
        public void accept(int done) {
            if (done == 0) {
                start = System.nanoTime();
            }
            if (!draw) {
                return;
            }
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("embed").setInitialMax(total).setUnit(" sentences", 1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).setMaxRenderedLength(110)
                        .build();
            }
            bar.stepTo(done);
            double s = (System.nanoTime() - start) / 1e9;
            bar.setExtraMessage(String.format(Locale.ROOT, " %,.0f sentences/s", done / Math.max(s, 1e-9)));
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
