package org.contrast4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.EmbeddingCache;
import org.contrast4j.text.SentenceEncoder;

/**
 * The frozen sentence encoder of the text commands ({@link SentenceEncoders}: all-MiniLM-L6-v2, quantised or not) behind the
 * on-disk {@link EmbeddingCache}: a list of texts encoded once is loaded on the next run. Each list reports one line
 * (encoded at how many sentences/s, or loaded) and draws a progress bar while encoding when stderr is a terminal.
 */
final class TextEmbeddings {
    private TextEmbeddings() {
    }

    /** What runs with an embedder. */
    @FunctionalInterface
    interface Body<T> {
        T apply(BibleBenchmark.Embedder embedder) throws IOException;
    }

    /**
     * Loads the encoder, runs {@code body} with an embedder that caches under {@code cache} (keyed by the name it is
     * given and the encoder's id; the text's hash decides whether an entry is still valid), and closes the encoder.
     */
    static <T> T withEncoder(String model, Path cache, int threads, boolean noProgress, PrintWriter err,
                             Body<T> body) throws IOException {
        EmbeddingCache store = EmbeddingCache.at(cache);
        try (SentenceEncoder encoder = SentenceEncoders.open("--model", model, threads)) {
            return body.apply((what, texts) -> {
                long t0 = System.nanoTime();
                EmbeddingCache.Entry entry = store.entry(what.replace(' ', '-'), texts, encoder);
                Matrix m;
                try (EmbedCommand.Bar bar = new EmbedCommand.Bar(texts.size(),
                        !entry.cached() && !noProgress && Terminal.stderr())) {
                    m = entry.embeddings(bar);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                err.println(entry.fromCache()
                        ? String.format(Locale.ROOT, "embeddings %-14s %,7d sentences loaded from the cache (%.1f s)",
                        what, texts.size(), s)
                        : String.format(Locale.ROOT, "embeddings %-14s %,7d sentences encoded in %.1f s (%,.0f"
                        + " sentences/s; %s)", what, texts.size(), s, texts.size() / s, entry.reason()));
                err.flush();
                return m;
            });
        }
    }
}
