package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.lucene.VectorIndex;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j index}: a Lucene index of embeddings (HNSW) and/or texts (BM25) ({@link VectorIndex}). */
@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a Lucene index: the corpus embeddings in an HNSW graph (Lucene's"
                + " KnnFloatVectorField) and/or one text per row for BM25 (StandardAnalyzer, k1 = 1.2, b = 0.75).",
            "Document i is corpus row i. Search it with `search --index DIR`, evaluate it with `evaluate --index DIR`"
                + " (HNSW) or `evaluate --bm25 --index DIR --query-text Q.txt` (BM25)."},
        footer = {"",
            "cosine: rows are L2-normalised before indexing. dot: rows (and queries) must",
            "have unit norm, as Lucene's dot product requires; normalise them or use cosine.",
            "T.txt: one text per line, one line per corpus row (UTF-8).",
            "",
            "Example:",
            "  contrast4j index --corpus c.npy --text corpus.txt --ids corpus-ids.txt --out idx"})
final class IndexCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "C.npy", description = "Corpus embeddings, M×D (D ≤ 4096).")
    Path corpus;

    @Option(names = "--text", paramLabel = "T.txt", description = "One text per line, one line per row (BM25).")
    Path text;

    @Option(names = "--ids", paramLabel = "F", description = "Corpus ids, one per line (row order), stored; "
            + "evaluate --index reads them as --corpus-ids.")
    Path ids;

    @Option(names = "--similarity", paramLabel = "SIM", converter = Choices.SimilarityConverter.class,
            completionCandidates = Choices.SimilarityNames.class,
            description = "${COMPLETION-CANDIDATES} (default cosine).")
    Similarity similarity = Similarity.COSINE;

    @Option(names = "--m", paramLabel = "M", description = "HNSW neighbours per node, 1 … 512 (default 16, Lucene's).")
    int maxConnections = 16;

    @Option(names = "--beam-width", paramLabel = "W",
            description = "HNSW construction beam, 1 … 3200 (default 100, Lucene's).")
    int beamWidth = 100;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Index directory (created if needed; an index there is replaced).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (corpus == null && text == null) {
            throw new InputException("give --corpus C.npy, --text T.txt or both");
        }
        if (maxConnections < 1 || maxConnections > 512) {
            throw new InputException("--m must be in [1, 512], was " + maxConnections);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new InputException("--beam-width must be in [1, 3200], was " + beamWidth);
        }
        OutputDir.prepare("--out", out);
        RetrievalIo.quietLucene();
        VectorIndex.Writer w = VectorIndex.writer().similarity(similarity).maxConnections(maxConnections)
                .beamWidth(beamWidth);
        int rows = -1;
        String rowsOf = null;
        InputFiles.Loaded c = null;
        if (corpus != null) {
            c = InputFiles.embeddings("--corpus", corpus, false, "2-D, M×D");
            if (c.dim(0) < 1) {
                throw new InputException(c.label() + " is " + c.shapeString() + ": the corpus has no rows");
            }
            if (c.dim(1) < 1 || c.dim(1) > 4096) {
                throw new InputException(c.label() + " is " + c.shapeString() + ": Lucene indexes 1 to 4096"
                        + " dimensions");
            }
            rows = c.dim(0);
            rowsOf = c.label();
        }
        if (text != null) {
            List<String> texts = RetrievalIo.texts("--text", text, rows, rowsOf);
            rows = texts.size();
            rowsOf = "--text " + text;
            w.texts(texts);
        }
        if (ids != null) {
            w.ids(RetrievalIo.idList("--ids", ids, rows, rowsOf));
        }
        if (c != null) {
            Matrix m = c.matrix();
            w.vectors(m);
        }
        long t0 = System.nanoTime();
        try {
            w.write(out);
        } catch (IllegalArgumentException e) {
            // a row of --corpus without unit norm under --similarity dot
            throw new InputException("--corpus " + corpus + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Output.Table table = new Output.Table().row("rows", rows);
        if (c != null) {
            table.row("corpus", c.name() + " (" + c.shapeString() + ")")
                    .row("similarity", similarity.name().toLowerCase(Locale.ROOT))
                    .row("HNSW", "M = " + maxConnections + ", beam width = " + beamWidth);
        }
        if (text != null) {
            table.row("text", text + " (BM25, StandardAnalyzer)");
        }
        table.row("seconds", seconds).row("wrote", out).print(spec.commandLine().getOut());
        return 0;
    }
}
