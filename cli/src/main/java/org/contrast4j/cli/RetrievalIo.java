package org.contrast4j.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.contrast4j.io.Npy;
import org.contrast4j.lucene.VectorIndex;

/**
 * What the retrieval commands (search, evaluate, mine, index) share: their inputs, text and id files, the Lucene
 * index, int64 .npy.
 */
final class RetrievalIo {
    /**
     * Lucene logs at INFO, on stderr, which vector kernel it chose ("Java vector incubator API enabled…"): kept to
     * warnings so a command's stderr holds only its errors. A strong reference: JUL forgets the level of a logger
     * that was garbage-collected.
     */
    private static final java.util.logging.Logger LUCENE_LOG =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    private RetrievalIo() {
    }

    /** Keeps Lucene's INFO messages off stderr; call before the first Lucene class loads. */
    static void quietLucene() {
        LUCENE_LOG.setLevel(java.util.logging.Level.WARNING);
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

    /** The lines of a UTF-8 text file (a final newline does not add an empty line). */
    static List<String> lines(String option, Path file) {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InputException(option + " " + file + ": no such file", e);
        } catch (MalformedInputException e) {
            throw new InputException(option + " " + file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new InputException(option + " " + file + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /** One text per line, exactly {@code rows} lines when rows ≥ 0 (rows of {@code rowsOf}), at least one line. */
    static List<String> texts(String option, Path file, int rows, String rowsOf) {
        List<String> lines = lines(option, file);
        if (rows >= 0 && lines.size() != rows) {
            throw new InputException(option + " " + file + " has " + lines.size() + " lines but " + rowsOf + " has "
                    + rows + " rows: give one text per row, one per line");
        }
        if (lines.isEmpty()) {
            throw new InputException(option + " " + file + ": no lines, give one text per line");
        }
        return lines;
    }

    /** Reads one id per line: exactly {@code rows} distinct non-empty ids, in row order. */
    static List<String> idList(String option, Path file, int rows, String rowsOf) {
        List<String> lines = lines(option, file);
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        if (lines.size() != rows) {
            throw new InputException(option + " " + file + " has " + lines.size() + " ids but " + rowsOf + " has "
                    + rows + " rows: give one id per row");
        }
        Map<String, Integer> index = new HashMap<>();
        List<String> ids = new ArrayList<>(rows);
        for (int i = 0; i < lines.size(); i++) {
            String id = lines.get(i).strip();
            if (id.isEmpty()) {
                throw new InputException(option + " " + file + ":" + (i + 1) + ": empty id");
            }
            Integer before = index.put(id, i);
            if (before != null) {
                throw new InputException(option + " " + file + ":" + (i + 1) + ": id '" + id + "' repeats line "
                        + (before + 1));
            }
            ids.add(id);
        }
        return ids;
    }

    /** Row of each id. */
    static Map<String, Integer> rowsOf(List<String> ids) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        return index;
    }

    /** Opens a Lucene index written by {@code contrast4j index}; a user error if there is none or it is foreign. */
    static VectorIndex openIndex(String option, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(option + " " + dir + ": " + (Files.exists(dir) ? "not a directory"
                    : "no such directory"));
        }
        quietLucene();
        try {
            return VectorIndex.open(dir);
        } catch (IOException e) {
            throw new InputException(option + " " + dir + ": not a Lucene index written by contrast4j index ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new InputException(option + " " + e.getMessage(), e);
        }
    }

    /** Queries B×D for an index of D-dimensional vectors. */
    static InputFiles.Loaded queriesFor(Path queries, VectorIndex index, String indexLabel) {
        if (!index.hasVectors()) {
            throw new InputException(indexLabel + " holds no vectors (it was indexed from --text only): give an"
                    + " index built with --corpus");
        }
        InputFiles.Loaded q = InputFiles.embeddings("--queries", queries, false, "2-D, B×D");
        if (q.dim(1) != index.dimension()) {
            throw new InputException(q.label() + " is " + q.shapeString() + " but " + indexLabel + " holds "
                    + index.dimension() + "-dimensional vectors: queries and corpus rows must have the same"
                    + " dimension D");
        }
        if (q.dim(0) < 1) {
            throw new InputException(q.label() + " is " + q.shapeString() + ": there are no queries");
        }
        return q;
    }
}
