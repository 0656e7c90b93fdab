package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.lucene.VectorIndex;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j search}: exact top-k search of queries against a corpus ({@link ExactSearch}), or approximate
 * search of a Lucene HNSW index ({@link VectorIndex}).
 */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exact top-k search: the K best corpus rows of every query by cosine or dot product, tiled on"
                + " the GEMM kernels (never the B×M score matrix); with --index DIR instead of --corpus, approximate"
                + " search of a Lucene HNSW index written by `contrast4j index`.",
            "Writes DIR/ids.npy (int64, B×K corpus rows, best first; equal scores by lower row) and DIR/scores.npy"
                + " (float32, B×K; cosine or dot product on the same scale for both)."},
        footer = {"", "Examples:", "  contrast4j search --queries q.npy --corpus c.npy --k 10 --out run",
            "  contrast4j search --queries q.npy --index idx --k 10 --candidates 100 --out run"})
final class SearchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "Queries, B×D.")
    Path queries;

    @Option(names = "--corpus", paramLabel = "C.npy", description = "Corpus, M×D (exact search).")
    Path corpus;

    @Option(names = "--index", paramLabel = "DIR", description = "A Lucene index from `contrast4j index` (HNSW search)"
            + " instead of --corpus.")
    Path index;

    @Option(names = "--candidates", paramLabel = "N", description = "With --index: HNSW candidates kept per query,"
            + " K ≤ N ≤ M (default K, Lucene's); more is slower and finds more of the exact top K.")
    Integer candidates;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Results per query, 1 ≤ K ≤ M.")
    int k;

    @Option(names = "--similarity", paramLabel = "SIM", converter = Choices.SimilarityConverter.class,
            completionCandidates = Choices.SimilarityNames.class,
            description = "${COMPLETION-CANDIDATES} (default cosine; with --index, the index's).")
    Similarity similarity;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default 1).")
    int threads = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: the current directory).")
    Path out = Path.of(".");

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new InputException("--k must be >= 1, was " + k);
        }
        if (threads < 1) {
            throw new InputException("--threads must be >= 1, was " + threads);
        }
        if ((corpus == null) == (index == null)) {
            throw new InputException(corpus == null ? "give --corpus C.npy (exact search) or --index DIR (HNSW)"
                    : "give --corpus or --index, not both");
        }
        if (candidates != null && index == null) {
            throw new InputException("--candidates applies to --index (HNSW) only");
        }
        OutputDir.prepare("--out", out, "ids.npy", "scores.npy");
        if (index != null) {
            return searchIndex();
        }
        if (similarity == null) {
            similarity = Similarity.COSINE;
        }
        RetrievalIo.Embeddings in = RetrievalIo.embeddings(queries, corpus);
        if (k > in.m()) {
            throw new InputException("--k " + k + " is more than the " + in.m() + " rows of " + in.corpus().label());
        }
        ExactSearch search = ExactSearch.of(similarity);
        search = search.withThreads(threads);
        long t0 = System.nanoTime();
        TopK top = search.search(in.queries().matrix(), in.corpus().matrix(), k);
        double seconds = (System.nanoTime() - t0) / 1e9;
        RetrievalIo.writeLongs(out.resolve("ids.npy"), in.b(), k, top.idMatrix());
        Npy.write(out.resolve("scores.npy"), new int[] {in.b(), k}, top.scoreMatrix());
        double flops = 2.0 * in.b() * in.m() * in.d();
        new Output.Table()
                .row("queries", in.queries().name() + " (" + in.queries().shapeString() + ")")
                .row("corpus", in.corpus().name() + " (" + in.corpus().shapeString() + ")")
                .row("k", k)
                .row("similarity", similarity.name().toLowerCase(java.util.Locale.ROOT))
                .row("kernel", Kernels.kind().id() + ", " + search.threads() + " worker thread"
                        + (search.threads() == 1 ? "" : "s"))
                .row("seconds", seconds)
                .row("GFLOP/s", flops / seconds / 1e9)
                .row("wrote", out.resolve("ids.npy") + ", " + out.resolve("scores.npy"))
                .print(spec.commandLine().getOut());
        return 0;
    }

    private int searchIndex() throws IOException {
        String label = "--index " + index;
        try (VectorIndex idx = RetrievalIo.openIndex("--index", index)) {
            InputFiles.Loaded q = RetrievalIo.queriesFor(queries, idx, label);
            if (similarity != null && similarity != idx.similarity()) {
                throw new InputException("--similarity " + similarity.name().toLowerCase(java.util.Locale.ROOT)
                        + " but " + label + " was indexed for " + idx.similarity().name().toLowerCase(
                        java.util.Locale.ROOT) + " (leave --similarity out with --index)");
            }
            if (k > idx.size()) {
                throw new InputException("--k " + k + " is more than the " + idx.size() + " rows of " + label);
            }
            int n = candidates == null ? k : candidates;
            if (n < k || n > idx.size()) {
                throw new InputException("--candidates must be in [--k, M] = [" + k + ", " + idx.size() + "], was "
                        + n);
            }
            int b = q.dim(0);
            long t0 = System.nanoTime();
            TopK top;
            try {
                top = idx.search(q.matrix(), k, n);
            } catch (IllegalArgumentException e) {
                throw new InputException(q.label() + ": " + e.getMessage(), e);   // a query without unit norm (dot)
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            RetrievalIo.writeLongs(out.resolve("ids.npy"), b, k, top.idMatrix());
            Npy.write(out.resolve("scores.npy"), new int[] {b, k}, top.scoreMatrix());
            new Output.Table()
                    .row("queries", q.name() + " (" + q.shapeString() + ")")
                    .row("index", index + " (" + idx.size() + " rows, " + idx.dimension() + "-D, HNSW M = "
                            + idx.maxConnections() + ", beam width = " + idx.beamWidth() + ")")
                    .row("k", k)
                    .row("candidates", n)
                    .row("similarity", idx.similarity().name().toLowerCase(java.util.Locale.ROOT))
                    .row("seconds", seconds)
                    .row("queries/s", b / seconds)
                    .row("wrote", out.resolve("ids.npy") + ", " + out.resolve("scores.npy"))
                    .print(spec.commandLine().getOut());
            return 0;
        }
    }
}
