package org.contrast4j.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.similarity.Similarity;

/**
 * A corpus of embeddings (M×D float32 rows) and/or texts in a Lucene index directory: approximate k-nearest-neighbour
 * search on Lucene's HNSW graph, its recall against {@link ExactSearch}, and a BM25 baseline over the stored text.
 *
 * <p><b>Rows.</b> Document i is corpus row i: the index is written in row order, sorted by a {@code row} doc-values
 * field and merged into one segment, so Lucene's document id equals the row ({@link #open} verifies it). Results are
 * {@link TopK}s over rows, ready for {@link org.contrast4j.retrieval.RetrievalEvaluation#of}. Optional string ids
 * (e.g. BEIR's corpus ids) are stored beside each row.
 *
 * <p><b>Vectors.</b> A {@code KnnFloatVectorField} with {@link VectorSimilarityFunction#DOT_PRODUCT}, in Lucene's
 * HNSW format ({@code Lucene99HnswVectorsFormat}, Malkov &amp; Yashunin 2018) with M = {@link Writer#maxConnections}
 * (default 16) and beam width {@link Writer#beamWidth} (default 100), Lucene's defaults. Lucene's DOT_PRODUCT assumes
 * unit vectors (its score (1 + x·y)/2 is clamped at 0 and means nothing otherwise), hence:
 * <ul>
 *   <li>{@link Similarity#COSINE}: rows and queries are normalised as core does ({@link Similarity#prepare}: x / max(‖x‖,
 *       10⁻¹²)); the index stores the normalised rows; x̂·ŷ is the cosine (equivalent to Lucene's COSINE function,
 *       which renormalises at every comparison);</li>
 *   <li>{@link Similarity#DOT}: rows and queries must already have unit norm, |‖x‖² − 1| ≤ 10⁻³ (float32 rounding of a
 *       normalised vector is ≈ D·2⁻²⁴, far inside), else an {@link IllegalArgumentException} names the row and its
 *       norm: for a dot-product model with free norms, normalise or use COSINE.</li>
 * </ul>
 * Scores are mapped back to our scale: Lucene's score s = max((1 + x·y)/2, 0) becomes 2s − 1, the cosine / dot
 * product (within float rounding, ≈ (D + 4)·2⁻²⁴ in absolute value for unit vectors).
 *
 * <p><b>Text.</b> A {@code TextField} analysed by Lucene's {@link StandardAnalyzer} (Unicode word segmentation,
 * lower-casing, no stop words), scored by {@link BM25Similarity} with k1 = 1.2, b = 0.75 (Robertson &amp; Zaragoza
 * 2009, as Lucene implements it without the (k1 + 1) factor, which does not change a ranking):
 * <pre>score(q, d) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl)),
 * idf(t) = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))</pre>
 * with |d| the document's token count as Lucene stores it in one byte (exact below 24 tokens, a 4-bit-mantissa
 * float above) and avgdl the mean of the exact counts. A query is analysed by the same analyzer into a disjunction of
 * its terms, each boosted by how often it occurs (no query parser, so no syntax to escape). Equal scores are ordered
 * by ascending row (Lucene breaks ties by document id, which is the row).
 *
 * <p>Lucene runs its vector kernels on the Panama Vector API when the JVM has {@code --add-modules
 * jdk.incubator.vector} (the project's launcher and tests pass it). An open index holds a reader: close it.
 */
public final class VectorIndex implements AutoCloseable {
    static final String VECTOR = "vector";
    static final String TEXT = "text";
    static final String ROW = "row";
    static final String ID = "id";
    private static final String KEY = "contrast4j.";
    private static final double UNIT_TOLERANCE = 1e-3;

    private final Path path;
    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final int size;
    private final int dimension;
    private final Similarity similarity;
    private final boolean hasText;
    private final boolean hasIds;
    private final int maxConnections;
    private final int beamWidth;

    private VectorIndex(Path path, Directory directory, DirectoryReader reader, Map<String, String> meta) {
        this.path = path;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.searcher.setSimilarity(new BM25Similarity());
        this.size = Integer.parseInt(meta.get(KEY + "rows"));
        this.dimension = Integer.parseInt(meta.get(KEY + "dimension"));
        String sim = meta.get(KEY + "similarity");
        this.similarity = sim.isEmpty() ? null : Similarity.valueOf(sim.toUpperCase(Locale.ROOT));
        this.hasText = Boolean.parseBoolean(meta.get(KEY + "text"));
        this.hasIds = Boolean.parseBoolean(meta.get(KEY + "ids"));
        this.maxConnections = Integer.parseInt(meta.get(KEY + "maxConnections"));
        this.beamWidth = Integer.parseInt(meta.get(KEY + "beamWidth"));
    }

    /** A writer with Lucene's default HNSW parameters and cosine similarity. */
    public static Writer writer() {
        return new Writer();
    }

    /**
     * What to index and how; {@link #write} creates (or replaces) the index in a directory. Give vectors, texts or
     * both (then with the same number of rows).
     */
    public static final class Writer {
        private Similarity similarity = Similarity.COSINE;
        private int maxConnections = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
        private int beamWidth = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
        private Matrix vectors;
        private List<String> texts;
        private List<String> ids;

        private Writer() {
        }

        /** COSINE (rows normalised) or DOT (rows must have unit norm); default COSINE. */
        public Writer similarity(Similarity similarity) {
            this.similarity = Checks.notNull(similarity, "similarity");
            return this;
        }

        /** HNSW's M, the neighbours kept per node, in [1, 512]; default 16 (Lucene's). */
        public Writer maxConnections(int m) {
            Checks.argument(m >= 1 && m <= Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN,
                    "maxConnections must be in [1, %d], was %d", Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN, m);
            this.maxConnections = m;
            return this;
        }

        /** The candidate list size while building the graph (efConstruction), in [1, 3200]; default 100. */
        public Writer beamWidth(int beam) {
            Checks.argument(beam >= 1 && beam <= Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH,
                    "beamWidth must be in [1, %d], was %d", Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH, beam);
            this.beamWidth = beam;
            return this;
        }

        /** The M×D corpus embeddings (finite, D ≤ 4096 as Lucene allows), row i = document i. */
        public Writer vectors(Matrix vectors) {
            Checks.finite(vectors, "vectors");
            Checks.argument(vectors.cols() >= 1 && vectors.cols() <= 4096,
                    "vectors must have 1 to 4096 columns (Lucene's limit), was %s", vectors.shape());
            this.vectors = vectors;
            return this;
        }

        /** The text of each row, for BM25 (stored too). */
        public Writer texts(List<String> texts) {
            Checks.notNull(texts, "texts");
            for (int i = 0; i < texts.size(); i++) {
                Checks.argument(texts.get(i) != null, "texts[%d] is null", i);
            }
            this.texts = List.copyOf(texts);
            return this;
        }

        /** A string id per row (stored, returned by {@link #id}); default: none, the row number is the id. */
        public Writer ids(List<String> ids) {
            Checks.notNull(ids, "ids");
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                Checks.argument(id != null && !id.isEmpty(), "ids[%d] is null or empty", i);
                Integer before = seen.put(id, i);
                Checks.argument(before == null, "ids[%d] = '%s' repeats ids[%d]", i, id, before);
            }
            this.ids = List.copyOf(ids);
            return this;
        }

        /**
         * Writes the index into {@code dir} (created if needed; an index already there is replaced), as one segment
         * in row order.
         *
         * @throws IllegalArgumentException if neither vectors nor texts were given, their row counts differ, the
         *     ids do not have one per row, or (DOT) a row does not have unit norm
         * @throws IOException if Lucene cannot write there
         */
        public void write(Path dir) throws IOException {
            Checks.notNull(dir, "dir");
            Checks.argument(vectors != null || texts != null, "give vectors, texts or both to index");
            int rows = vectors != null ? vectors.rows() : texts.size();
            Checks.argument(rows >= 1, "the corpus has no rows");
            Checks.argument(texts == null || texts.size() == rows, "texts has %d rows but vectors is %s",
                    texts == null ? 0 : texts.size(), vectors == null ? "" : vectors.shape());
            Checks.argument(ids == null || ids.size() == rows, "ids has %d entries but the corpus has %d rows",
                    ids == null ? 0 : ids.size(), rows);
            Matrix prepared = vectors == null ? null : prepare(similarity, vectors, "vectors");
            int mConn = maxConnections;
            int beam = beamWidth;
            IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setSimilarity(new BM25Similarity())
                    .setIndexSort(new Sort(new SortField(ROW, SortField.Type.LONG)))
                    .setMergePolicy(new LogDocMergePolicy())
                    .setRAMBufferSizeMB(512)
                    .setCodec(new Lucene104Codec() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return new Lucene99HnswVectorsFormat(mConn, beam);
                        }
                    });
            try (Directory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, config)) {
                int dim = prepared == null ? 0 : prepared.cols();
                for (int r = 0; r < rows; r++) {
                    Document doc = new Document();
                    doc.add(new NumericDocValuesField(ROW, r));
                    if (prepared != null) {
                        doc.add(new KnnFloatVectorField(VECTOR, prepared.row(r), VectorSimilarityFunction.DOT_PRODUCT));
                    }
                    if (texts != null) {
                        doc.add(new TextField(TEXT, texts.get(r), Field.Store.YES));
                    }
                    if (ids != null) {
                        doc.add(new StoredField(ID, ids.get(r)));
                    }
                    w.addDocument(doc);
                }
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put(KEY + "format", "1");
                meta.put(KEY + "rows", Integer.toString(rows));
                meta.put(KEY + "dimension", Integer.toString(dim));
                meta.put(KEY + "similarity", prepared == null ? "" : similarity.name().toLowerCase(Locale.ROOT));
                meta.put(KEY + "text", Boolean.toString(texts != null));
                meta.put(KEY + "ids", Boolean.toString(ids != null));
                meta.put(KEY + "maxConnections", Integer.toString(mConn));
                meta.put(KEY + "beamWidth", Integer.toString(beam));
                w.forceMerge(1);
                w.setLiveCommitData(meta.entrySet());
                w.commit();
            }
        }
    }

    /**
     * Opens the index in {@code dir} written by {@link Writer#write}.
     *
     * @throws IOException if there is no Lucene index there
     * @throws IllegalArgumentException if it is a Lucene index but not one this class wrote, or its documents are not
     *     in row order
     */
    public static VectorIndex open(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        Directory d = FSDirectory.open(dir);
        DirectoryReader r = null;
        try {
            r = DirectoryReader.open(d);
            Map<String, String> meta = r.getIndexCommit().getUserData();
            Checks.argument("1".equals(meta.get(KEY + "format")),
                    "%s holds a Lucene index that contrast4j did not write (no %sformat in its commit data)", dir, KEY);
            VectorIndex index = new VectorIndex(dir, d, r, meta);
            index.checkRowOrder();
            return index;
        } catch (IOException | RuntimeException e) {
            if (r != null) {
                r.close();
            }
            d.close();
            throw e;
        }
    }

    private void checkRowOrder() throws IOException {
        Checks.argument(reader.leaves().size() == 1 && reader.maxDoc() == size && reader.numDocs() == size,
                "%s: expected one segment of %d documents, found %d segments of %d (%d live)", path, size,
                reader.leaves().size(), reader.maxDoc(), reader.numDocs());
        NumericDocValues rows = reader.leaves().getFirst().reader().getNumericDocValues(ROW);
        Checks.argument(rows != null, "%s: no %s field", path, ROW);
        for (int doc = 0; doc < size; doc++) {
            Checks.argument(rows.advanceExact(doc) && rows.longValue() == doc,
                    "%s: document %d is not row %d: the index is not in row order", path, doc, doc);
        }
    }

    /** M, the number of corpus rows (documents). */
    public int size() {
        return size;
    }

    /** D, the vectors' dimension; 0 when the index holds no vectors. */
    public int dimension() {
        return dimension;
    }

    /** Whether the index holds vectors (then HNSW search and {@link #vectors()} work). */
    public boolean hasVectors() {
        return similarity != null;
    }

    /** Whether the index holds text (then {@link #bm25} works). */
    public boolean hasText() {
        return hasText;
    }

    /** Whether string ids were stored ({@link #id}). */
    public boolean hasIds() {
        return hasIds;
    }

    /** The similarity the vectors were indexed for, or null without vectors. */
    public Similarity similarity() {
        return similarity;
    }

    /** HNSW's M the index was built with. */
    public int maxConnections() {
        return maxConnections;
    }

    /** HNSW's construction beam width the index was built with. */
    public int beamWidth() {
        return beamWidth;
    }

    /** The stored string id of {@code row}, or the row number as a string when no ids were stored. */
    public String id(int row) {
        Checks.index(row, size, "row");
        if (!hasIds) {
            return Integer.toString(row);
        }
        try {
            return reader.storedFields().document(row).get(ID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All ids in row order ({@link #id} of each row). */
    public List<String> ids() {
        List<String> out = new ArrayList<>(size);
        try {
            StoredFields f = reader.storedFields();
            for (int r = 0; r < size; r++) {
                out.add(hasIds ? f.document(r).get(ID) : Integer.toString(r));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The stored text of {@code row}. */
    public String text(int row) {
        Checks.index(row, size, "row");
        Checks.state(hasText, "%s holds no text", path);
        try {
            return reader.storedFields().document(row).get(TEXT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The indexed vectors, M×D in row order, as the index holds them: L2-normalised for COSINE, as given for DOT. An
     * exact search over them ranks as one over the original corpus.
     */
    public Matrix vectors() throws IOException {
        requireVectors();
        LeafReader leaf = reader.leaves().getFirst().reader();
        FloatVectorValues values = leaf.getFloatVectorValues(VECTOR);
        float[] out = new float[Checks.product(size, dimension, "the vectors", Float.BYTES)];
        KnnVectorValues.DocIndexIterator it = values.iterator();
        int n = 0;
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            System.arraycopy(values.vectorValue(it.index()), 0, out, doc * dimension, dimension);
            n++;
        }
        Checks.state(n == size, "%s: %d of %d documents have a vector", path, n, size);
        return Matrix.of(size, dimension, out);
    }

    /**
     * The k approximate nearest rows of every query by HNSW ({@code KnnFloatVectorQuery}), best first (equal scores by
     * ascending row), scores on our scale (cosine or dot product, see the class comment). Queries are prepared as
     * the rows were (normalised for COSINE, unit norm checked for DOT). A query the graph search returns fewer than k
     * rows for is padded with −1.
     *
     * @throws IllegalArgumentException if D differs, k is outside [1, M], or a query is not finite / (DOT) not of
     *     unit norm
     * @throws IllegalStateException if the index holds no vectors
     */
    public TopK search(Matrix queries, int k) throws IOException {
        return search(queries, k, k);
    }

    /**
     * As {@link #search(Matrix, int)}, but the graph search keeps {@code candidates} ≥ k results (its beam, "ef" in
     * the HNSW paper, "num_candidates" in Elasticsearch) of which the k best are returned: more candidates, higher
     * recall, slower queries. {@link #search(Matrix, int)} uses candidates = k, as Lucene's {@code
     * KnnFloatVectorQuery}.
     *
     * @throws IllegalArgumentException as {@link #search(Matrix, int)}, or if candidates is outside [k, M]
     */
    public TopK search(Matrix queries, int k, int candidates) throws IOException {
        requireVectors();
        Checks.finite(queries, "queries");
        Checks.argument(queries.cols() == dimension, "queries is %s but the index holds %d-dimensional vectors",
                queries.shape(), dimension);
        Checks.argument(k >= 1 && k <= size, "k must be in [1, %d] (the corpus rows), was %d", size, k);
        Checks.argument(candidates >= k && candidates <= size, "candidates must be in [k, M] = [%d, %d], was %d", k,
                size, candidates);
        Matrix q = prepare(similarity, queries, "queries");
        int b = q.rows();
        int[] ids = new int[Checks.product(b, k, "the results", Integer.BYTES)];
        float[] scores = new float[ids.length];
        Arrays.fill(ids, -1);
        for (int i = 0; i < b; i++) {
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, q.row(i), candidates), candidates);
            ScoreDoc[] hits = sorted(top.scoreDocs);
            for (int r = 0; r < hits.length && r < k; r++) {
                ids[i * k + r] = hits[r].doc;
                scores[i * k + r] = 2f * hits[r].score - 1f;
            }
        }
        return TopK.of(b, k, size, ids, scores);
    }

    /**
     * The exact top-k of the same queries over the indexed vectors ({@link ExactSearch} with this index's
     * similarity), the reference of {@link #recall}.
     */
    public TopK exactSearch(Matrix queries, int k, int threads) throws IOException {
        requireVectors();
        Checks.argument(queries.cols() == dimension, "queries is %s but the index holds %d-dimensional vectors",
                queries.shape(), dimension);
        return ExactSearch.of(similarity).withThreads(threads).search(prepare(similarity, queries, "queries"),
                vectors(), k);
    }

    /**
     * Recall of an approximate ranking against the exact one at their common k: for each query the fraction of the
     * exact top-k rows (its {@link TopK#found} real ones) that the approximate top-k contains, averaged over the
     * queries with at least one exact result. Equal scores at the exact list's k-th place make the exact set one
     * of several; with continuous embeddings such ties do not occur.
     *
     * @throws IllegalArgumentException if the two disagree on queries, k or corpus size
     */
    public static double recall(TopK approximate, TopK exact) {
        Checks.notNull(approximate, "approximate");
        Checks.notNull(exact, "exact");
        Checks.argument(approximate.k() == exact.k(), "the rankings differ: %s against %s", approximate, exact);
        return recall(approximate, exact, exact.k());
    }

    /**
     * As {@link #recall(TopK, TopK)} at cutoff {@code k}: the exact top-k rows found in the approximate top-k, both
     * read from the first k ranks of rankings at least k deep.
     *
     * @throws IllegalArgumentException if the two disagree on queries or corpus size, or k exceeds either depth
     */
    public static double recall(TopK approximate, TopK exact, int k) {
        Checks.notNull(approximate, "approximate");
        Checks.notNull(exact, "exact");
        Checks.argument(approximate.queries() == exact.queries() && approximate.corpusSize() == exact.corpusSize(),
                "the rankings differ: %s over %d rows against %s over %d rows", approximate,
                approximate.corpusSize(), exact, exact.corpusSize());
        Checks.argument(k >= 1 && k <= approximate.k() && k <= exact.k(),
                "k must be in [1, %d] (the depth of both rankings), was %d", Math.min(approximate.k(), exact.k()), k);
        double sum = 0;
        int counted = 0;
        for (int q = 0; q < exact.queries(); q++) {
            int n = Math.min(k, exact.found(q));
            if (n == 0) {
                continue;
            }
            int[] a = Arrays.copyOf(approximate.ids(q), k);
            Arrays.sort(a);
            int hit = 0;
            for (int r = 0; r < n; r++) {
                if (Arrays.binarySearch(a, exact.id(q, r)) >= 0) {
                    hit++;
                }
            }
            sum += hit / (double) n;
            counted++;
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * BM25 over the stored text: the k best rows of every query text, best first, equal scores by ascending row;
     * rows matching no query term are not returned (a query with fewer than k matches, or none, is padded with −1).
     * Scores are Lucene's BM25 floats (see the class comment).
     *
     * @throws IllegalArgumentException if k is outside [1, M], or a query has more distinct terms than Lucene's
     *     clause limit ({@link IndexSearcher#getMaxClauseCount()})
     * @throws IllegalStateException if the index holds no text
     */
    public TopK bm25(List<String> queries, int k) throws IOException {
        Checks.notNull(queries, "queries");
        Checks.state(hasText, "%s holds no text: index texts for BM25", path);
        Checks.argument(k >= 1 && k <= size, "k must be in [1, %d] (the corpus rows), was %d", size, k);
        int b = queries.size();
        int[] ids = new int[Checks.product(b, k, "the results", Integer.BYTES)];
        float[] scores = new float[ids.length];
        Arrays.fill(ids, -1);
        try (Analyzer analyzer = new StandardAnalyzer()) {
            for (int i = 0; i < b; i++) {
                String text = queries.get(i);
                Checks.argument(text != null, "queries[%d] is null", i);
                Query query = bm25Query(analyzer, text, i);
                if (query == null) {
                    continue;
                }
                ScoreDoc[] hits = searcher.search(query, k).scoreDocs;
                for (int r = 0; r < hits.length && r < k; r++) {
                    ids[i * k + r] = hits[r].doc;
                    scores[i * k + r] = hits[r].score;
                }
            }
        }
        return TopK.of(b, k, size, ids, scores);
    }

    /** The disjunction of the analysed terms of {@code text}, each boosted by its count; null without terms. */
    static Query bm25Query(Analyzer analyzer, String text, int index) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                counts.merge(term.toString(), 1, Integer::sum);
            }
            ts.end();
        }
        if (counts.isEmpty()) {
            return null;
        }
        Checks.argument(counts.size() <= IndexSearcher.getMaxClauseCount(),
                "queries[%d] has %d distinct terms, more than Lucene's limit of %d", index, counts.size(),
                IndexSearcher.getMaxClauseCount());
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            Query t = new TermQuery(new Term(TEXT, e.getKey()));
            q.add(e.getValue() == 1 ? t : new BoostQuery(t, e.getValue()), BooleanClause.Occur.SHOULD);
        }
        return q.build();
    }

    /** Score descending, then document (= row) ascending. */
    private static ScoreDoc[] sorted(ScoreDoc[] hits) {
        ScoreDoc[] s = hits.clone();
        Arrays.sort(s, (x, y) -> x.score != y.score ? Float.compare(y.score, x.score) : Integer.compare(x.doc, y.doc));
        return s;
    }

    /** Normalised rows for COSINE; for DOT the rows themselves after checking unit norms. */
    private static Matrix prepare(Similarity similarity, Matrix x, String name) {
        Checks.finite(x, name);
        if (similarity == Similarity.COSINE) {
            return Similarity.COSINE.prepare(x);
        }
        float[] a = x.data();
        int d = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double v = a[r * d + j];
                sq += v * v;
            }
            if (Math.abs(sq - 1) > UNIT_TOLERANCE) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s row %d has norm %.6g: Lucene's"
                        + " dot product needs unit vectors (|norm² − 1| ≤ %.0e); normalise them or use cosine",
                        name, r, Math.sqrt(sq), UNIT_TOLERANCE));
            }
        }
        return x;
    }

    private void requireVectors() {
        Checks.state(similarity != null, "%s holds no vectors, only text", path);
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            directory.close();
        }
    }

    @Override
    public String toString() {
        return "VectorIndex[" + path + ": " + size + " rows" + (hasVectors() ? ", " + dimension + "-D "
                + similarity.name().toLowerCase(Locale.ROOT) + ", HNSW M = " + maxConnections + ", beam = "
                + beamWidth : "") + (hasText ? ", text" : "") + "]";
    }
}
