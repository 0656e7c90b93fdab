package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Kernels;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j search}: exact top-k search of queries against a corpus ({@link ExactSearch}). */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exact top-k search: the K best corpus rows of every query by cosine or dot product, tiled on"
                + " the GEMM kernels (never the B×M score matrix).",
            "Writes DIR/ids.npy (int64, B×K corpus rows, best first; equal scores by lower row) and DIR/scores.npy"
                + " (float32, B×K)."},
        footer = {"", "Example:", "  contrast4j search --queries q.npy --corpus c.npy --k 10 --out run"})
final class SearchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "Queries, B×D.")
    Path queries;

    @Option(names = "--corpus", required = true, paramLabel = "C.npy", description = "Corpus, M×D.")
    Path corpus;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Results per query, 1 ≤ K ≤ M.")
    int k;

    @Option(names = "--similarity", paramLabel = "SIM", converter = Choices.SimilarityConverter.class,
            completionCandidates = Choices.SimilarityNames.class,
            description = "${COMPLETION-CANDIDATES} (default cosine).")
    Similarity similarity = Similarity.COSINE;

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
        OutputDir.prepare("--out", out, "ids.npy", "scores.npy");
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
}
