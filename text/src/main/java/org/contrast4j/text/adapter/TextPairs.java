package org.contrast4j.text.adapter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.SentenceEncoder;

/**
 * Query–document pairs as text, in the sentence-transformers pair / triplet convention: one pair per line,
 * {@code query<TAB>positive[<TAB>negative…]}, UTF-8, no header, no quoting (a field cannot hold a tab or a line
 * break). Documents are de-duplicated by exact text into a corpus (first occurrence first): positives and negatives
 * that are the same text are the same corpus row, which is how {@link AdapterTrainer} recognises duplicates.
 * Queries are kept as they come, one per line. {@link #encode} turns them into {@link Pairs} of embeddings.
 * Immutable.
 */
public final class TextPairs {
    private final List<String> queries;
    private final List<String> documents;
    private final int[] positives;
    private final int[][] negatives;

    private TextPairs(List<String> queries, List<String> documents, int[] positives, int[][] negatives) {
        this.queries = List.copyOf(queries);
        this.documents = List.copyOf(documents);
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * Reads a TSV file (see the class comment). Completely empty lines are skipped; a trailing carriage return is
     * removed.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and line: not UTF-8, fewer than two fields, an empty or blank
     *     field, a negative equal to its line's positive, or no pairs at all
     */
    public static TextPairs readTsv(Path file) throws IOException {
        Checks.notNull(file, "file");
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] all = text.split("\n", -1);
        for (int l = 0; l < all.length; l++) {
            String line = all[l].endsWith("\r") ? all[l].substring(0, all[l].length() - 1) : all[l];
            if (line.isEmpty()) {
                continue;
            }
            rows.add(line.split("\t", -1));
            lines.add(l + 1);
        }
        return of(rows, file.toString(), lines);
    }

    /**
     * Pairs from rows of fields {@code {query, positive, negative…}} (each row at least two non-blank fields).
     *
     * @throws IllegalArgumentException naming the row as {@link #readTsv} names the line
     */
    public static TextPairs of(List<String[]> rows) {
        Checks.notNull(rows, "rows");
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            index.add(i);
        }
        return of(rows, "rows", index);
    }

    private static TextPairs of(List<String[]> rows, String where, List<Integer> lines) {
        boolean file = !where.equals("rows");
        Checks.argument(!rows.isEmpty(), "%s: no pairs (expected lines query<TAB>positive[<TAB>negative…])", where);
        List<String> queries = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        int[] positives = new int[rows.size()];
        int[][] negatives = new int[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            String[] f = Checks.notNull(rows.get(r), "rows[" + r + "]");
            String at = where + (file ? " line " : " row ") + lines.get(r);
            Checks.argument(f.length >= 2, "%s: expected query<TAB>positive[<TAB>negative…], found %d field%s%s",
                    at, f.length, f.length == 1 ? "" : "s", f.length == 1 ? " (no tab)" : "");
            for (int c = 0; c < f.length; c++) {
                Checks.argument(f[c] != null && !f[c].isBlank(), "%s: field %d (%s) is empty", at, c + 1,
                        c == 0 ? "query" : c == 1 ? "positive" : "negative");
            }
            queries.add(f[0]);
            positives[r] = id(f[1], ids, documents);
            int[] neg = new int[f.length - 2];
            for (int c = 2; c < f.length; c++) {
                neg[c - 2] = id(f[c], ids, documents);
                Checks.argument(neg[c - 2] != positives[r], "%s: field %d (negative) is the same text as the positive",
                        at, c + 1);
            }
            negatives[r] = neg;
        }
        return new TextPairs(queries, documents, positives, negatives);
    }

    private static int id(String text, Map<String, Integer> ids, List<String> documents) {
        return ids.computeIfAbsent(text, t -> {
            documents.add(t);
            return documents.size() - 1;
        });
    }

    /** The queries, one per pair, in file order. */
    public List<String> queries() {
        return queries;
    }

    /** The distinct documents (positives and negatives), first occurrence first: the corpus. */
    public List<String> documents() {
        return documents;
    }

    /** A copy of each pair's positive corpus row. */
    public int[] positives() {
        return positives.clone();
    }

    /** A copy of pair {@code i}'s negative corpus rows (empty for a plain pair). */
    public int[] negatives(int i) {
        return negatives[Checks.index(i, negatives.length, "pair")].clone();
    }

    /** The number of pairs. */
    public int size() {
        return queries.size();
    }

    /**
     * Encodes the queries and the corpus with {@code encoder} into {@link Pairs}.
     *
     * @throws IllegalStateException if the encoder returns a matrix of the wrong shape
     */
    public Pairs encode(SentenceEncoder encoder) {
        Checks.notNull(encoder, "encoder");
        Matrix q = encoder.encode(queries);
        Matrix d = encoder.encode(documents);
        Checks.state(q.rows() == queries.size() && d.rows() == documents.size() && q.cols() == encoder.dimension()
                && d.cols() == encoder.dimension(), "encoder %s returned %s for %d queries and %s for %d documents "
                + "of dimension %d", encoder.id(), q.shape(), queries.size(), d.shape(), documents.size(),
                encoder.dimension());
        return Pairs.of(q, d, positives, negatives);
    }

    /**
     * These pairs with embeddings computed elsewhere (e.g. through a cache): row i of {@code queries} embeds
     * {@link #queries()}.get(i), row j of {@code documents} embeds {@link #documents()}.get(j).
     *
     * @throws IllegalArgumentException if the row counts do not match, or as {@link Pairs#of}
     */
    public Pairs withEmbeddings(Matrix queries, Matrix documents) {
        Checks.notNull(queries, "queries");
        Checks.notNull(documents, "documents");
        Checks.argument(queries.rows() == this.queries.size() && documents.rows() == this.documents.size(),
                "embeddings of %d queries and %d documents are needed, got %s and %s", this.queries.size(),
                this.documents.size(), queries.shape(), documents.shape());
        return Pairs.of(queries, documents, positives, negatives);
    }

    @Override
    public String toString() {
        return "TextPairs{pairs=" + queries.size() + ", documents=" + documents.size() + "}";
    }
}
