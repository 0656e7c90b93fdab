package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.contrast4j.io.Npy;

/** What the retrieval commands (search, evaluate, mine) share: their inputs, the output directory, int64 .npy. */
final class RetrievalIo {
    private RetrievalIo() {
    }

    /** Queries B×D and corpus M×D: float, 2-D, finite, the same D ≥ 1, M ≥ 1. */
    record Embeddings(InputFiles.Loaded queries, InputFiles.Loaded corpus) {
        int b() {
            return queries.dim(0);
        }

        int m() {
            return corpus.dim(0);
        }

        int d() {
            return corpus.dim(1);
        }
    }

    static Embeddings embeddings(Path queries, Path corpus) {
        InputFiles.Loaded q = InputFiles.embeddings("--queries", queries, false, "2-D, B×D");
        InputFiles.Loaded c = InputFiles.embeddings("--corpus", corpus, false, "2-D, M×D");
        if (q.dim(1) != c.dim(1)) {
            throw new InputException(q.label() + " is " + q.shapeString() + " but " + c.label() + " is "
                    + c.shapeString() + ": queries and corpus rows must have the same dimension D");
        }
        if (c.dim(1) < 1) {
            throw new InputException(c.label() + " is " + c.shapeString() + ": rows must have at least 1 value");
        }
        if (c.dim(0) < 1) {
            throw new InputException(c.label() + " is " + c.shapeString() + ": the corpus has no rows");
        }
        if (q.dim(0) < 1) {
            throw new InputException(q.label() + " is " + q.shapeString() + ": there are no queries");
        }
        return new Embeddings(q, c);
    }

    /** Writes rows×cols ids as a C-order int64 {@code .npy} file, atomically. */
    static void writeLongs(Path file, int rows, int cols, int[] data) throws IOException {
        long[] wide = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            wide[i] = data[i];
        }
        Npy.write(file, new int[] {rows, cols}, wide);
    }
}
