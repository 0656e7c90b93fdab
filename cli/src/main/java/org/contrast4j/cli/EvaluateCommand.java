package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.contrast4j.retrieval.ExactSearch;
import org.contrast4j.retrieval.Qrels;
import org.contrast4j.retrieval.RetrievalEvaluation;
import org.contrast4j.retrieval.RetrievalMetric;
import org.contrast4j.retrieval.TopK;
import org.contrast4j.lucene.VectorIndex;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j evaluate}: retrieval metrics against relevance judgments of an exact search, of a Lucene HNSW
 * index (with its recall against exact search), or of BM25 over the index's text.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ranks the corpus for every query by an exact search and reports Recall@K and Precision@K for"
                + " each K, MRR@10, nDCG@10 and MAP@100, as trec_eval / pytrec_eval and BEIR define them.",
            "With --index DIR (from `contrast4j index`): the HNSW ranking, and hnsw_recall@K, the fraction of the"
                + " exact top K it finds; with --bm25 --index DIR --query-text Q.txt: BM25 over the index's text.",
            "Prints a table, and the JSON (written to DIR/result.json with --out, else printed after the table)."},
        footer = {"",
            "R.tsv: query-id<TAB>corpus-id<TAB>grade per line (an optional header line, as",
            "BEIR's qrels/test.tsv); grade >= 0, relevant when > 0, the gain of nDCG. Ids",
            "are row numbers unless --query-ids / --corpus-ids give one id per line.",
            "Queries without a relevant row are skipped (counted as queries_skipped).",
            "",
            "Example:",
            "  contrast4j evaluate --queries q.npy --corpus c.npy --qrels test.tsv \\",
            "      --query-ids q.txt --corpus-ids c.txt --out eval",
            "  contrast4j evaluate --queries q.npy --index idx --qrels test.tsv --query-ids q.txt",
            "  contrast4j evaluate --bm25 --index idx --query-text queries.txt --qrels test.tsv --query-ids q.txt"})
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queries", paramLabel = "Q.npy", description = "Queries, B×D.")
    Path queries;

    @Option(names = "--corpus", paramLabel = "C.npy", description = "Corpus, M×D (exact search).")
    Path corpus;

    @Option(names = "--index", paramLabel = "DIR", description = "A Lucene index from `contrast4j index` instead of"
            + " --corpus: HNSW search of --queries (and hnsw_recall@K against exact search of the indexed vectors),"
            + " or BM25 of --query-text with --bm25.")
    Path index;

    @Option(names = "--bm25", description = "Rank the index's text by BM25 for each line of --query-text.")
    boolean bm25;

    @Option(names = "--query-text", paramLabel = "Q.txt", description = "With --bm25: one query text per line.")
    Path queryText;

    @Option(names = "--candidates", paramLabel = "N", description = "With --index (HNSW): candidates kept per query"
            + " (default the depth evaluated, max(100, largest K)).")
    Integer candidates;

    @Option(names = "--qrels", required = true, paramLabel = "R.tsv", description = "Relevance judgments.")
    Path qrels;

    @Option(names = "--k", paramLabel = "K,…", split = ",",
            description = "Cutoffs of recall@K and precision@K (default 1,10,100).")
    List<Integer> ks = new ArrayList<>(List.of(1, 10, 100));

    @Option(names = "--similarity", paramLabel = "SIM", converter = Choices.SimilarityConverter.class,
            completionCandidates = Choices.SimilarityNames.class,
            description = "${COMPLETION-CANDIDATES} (default cosine; with --index, the index's).")
    Similarity similarity;

    @Option(names = "--query-ids", paramLabel = "F", description = "Query ids, one per line (row order).")
    Path queryIds;

    @Option(names = "--corpus-ids", paramLabel = "F", description = "Corpus ids, one per line (row order).")
    Path corpusIds;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default 1).")
    int threads = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "Write DIR/result.json (directory created if needed).")
    Path out;

    @Override
    public Integer call() throws IOException {
        for (int k : ks) {
            if (k < 1) {
                throw new InputException("--k must list cutoffs >= 1, was " + k);
            }
        }
        if (threads < 1) {
            throw new InputException("--threads must be >= 1, was " + threads);
        }
        checkMode();
        if (out != null) {
            OutputDir.prepare("--out", out, "result.json");
        }
        TreeSet<Integer> cutoffs = new TreeSet<>(ks);
        ObjectNode json = Output.object();
        Output.Table table = new Output.Table();
        RetrievalEvaluation e;
        if (index == null) {
            e = exact(cutoffs, table);
        } else {
            try (VectorIndex idx = RetrievalIo.openIndex("--index", index)) {
                e = bm25 ? bm25(idx, cutoffs, table) : hnsw(idx, cutoffs, table);
            }
        }
        for (int k : cutoffs) {
            put(json, table, e, RetrievalMetric.RECALL, k);
        }
        for (int k : cutoffs) {
            put(json, table, e, RetrievalMetric.PRECISION, k);
        }
        put(json, table, e, RetrievalMetric.MRR, 10);
        put(json, table, e, RetrievalMetric.NDCG, 10);
        put(json, table, e, RetrievalMetric.MAP, 100);
        json.put("queries", e.evaluatedQueries());
        json.put("queries_skipped", e.skippedQueries());
        json.put("corpus", e.ranking().corpusSize());
        json.setAll(extra);
        table.row("queries evaluated", e.evaluatedQueries() + " (" + e.skippedQueries()
                + " without a relevant row skipped)");
        var o = spec.commandLine().getOut();
        if (out != null) {
            Output.writeJson(out.resolve("result.json"), json);
            table.row("wrote", out.resolve("result.json"));
            table.print(o);
        } else {
            table.print(o);
            o.println();
            o.print(Output.json(json));
            o.flush();
        }
        return 0;
    }

    /** Keys written after the metrics: how the ranking was made. */
    private final ObjectNode extra = Output.object();

    /** Which options go together: --corpus (exact), --index (HNSW), --bm25 --index --query-text (BM25). */
    private void checkMode() {
        if (bm25) {
            if (index == null) {
                throw new InputException("--bm25 needs --index DIR (an index built with --text)");
            }
            if (queryText == null) {
                throw new InputException("--bm25 needs --query-text Q.txt (one query per line)");
            }
            if (queries != null || corpus != null) {
                throw new InputException((queries != null ? "--queries" : "--corpus") + " does not apply with --bm25"
                        + " (BM25 ranks --query-text against the index's text)");
            }
            if (similarity != null || candidates != null) {
                throw new InputException((similarity != null ? "--similarity" : "--candidates")
                        + " does not apply with --bm25");
            }
            return;
        }
        if (queryText != null) {
            throw new InputException("--query-text applies to --bm25 only");
        }
        if (queries == null) {
            throw new InputException("give --queries Q.npy (or --bm25 --query-text Q.txt)");
        }
        if ((corpus == null) == (index == null)) {
            throw new InputException(corpus == null ? "give --corpus C.npy (exact search) or --index DIR (HNSW)"
                    : "give --corpus or --index, not both");
        }
        if (candidates != null && index == null) {
            throw new InputException("--candidates applies to --index (HNSW) only");
        }
    }

    private int depth(TreeSet<Integer> cutoffs, int m) {
        return Math.min(m, Math.max(100, cutoffs.last()));
    }

    /** Every query needs judgments: at least one query with a relevant row. */
    private static void requireRelevant(Qrels judged, Path qrels) {
        for (int q = 0; q < judged.queries(); q++) {
            if (judged.relevantCount(q) > 0) {
                return;
            }
        }
        throw new InputException("--qrels " + qrels + ": no query has a relevant corpus row (grade > 0)");
    }

    private RetrievalEvaluation exact(TreeSet<Integer> cutoffs, Output.Table table) {
        Similarity sim = similarity == null ? Similarity.COSINE : similarity;
        RetrievalIo.Embeddings in = RetrievalIo.embeddings(queries, corpus);
        Map<String, Integer> qIndex = queryIds == null ? null : ids("--query-ids", queryIds, in.b(),
                in.queries().label());
        Map<String, Integer> cIndex = corpusIds == null ? null : ids("--corpus-ids", corpusIds, in.m(),
                in.corpus().label());
        Qrels judged = readQrels(qIndex, cIndex, in.b(), in.m(), in.queries().label(), in.corpus().label());
        requireRelevant(judged, qrels);
        ExactSearch search = ExactSearch.of(sim);
        search = search.withThreads(threads);
        RetrievalEvaluation e = RetrievalEvaluation.search(search, in.queries().matrix(), in.corpus().matrix(),
                judged, depth(cutoffs, in.m()));
        table.row("queries", in.queries().name() + " (" + in.queries().shapeString() + ")")
                .row("corpus", in.corpus().name() + " (" + in.corpus().shapeString() + ")")
                .row("similarity", sim.name().toLowerCase(Locale.ROOT));
        extra.put("similarity", sim.name().toLowerCase(Locale.ROOT));
        extra.put("ranking", "exact");
        return e;
    }

    /** Corpus ids: --corpus-ids, else the ids stored in the index, else row numbers (null). */
    private Map<String, Integer> corpusIndex(VectorIndex idx, String label) {
        if (corpusIds != null) {
            return ids("--corpus-ids", corpusIds, idx.size(), label);
        }
        return idx.hasIds() ? RetrievalIo.rowsOf(idx.ids()) : null;
    }

    private RetrievalEvaluation hnsw(VectorIndex idx, TreeSet<Integer> cutoffs, Output.Table table)
            throws IOException {
        String label = "--index " + index;
        InputFiles.Loaded q = RetrievalIo.queriesFor(queries, idx, label);
        if (similarity != null && similarity != idx.similarity()) {
            throw new InputException("--similarity " + similarity.name().toLowerCase(Locale.ROOT) + " but " + label
                    + " was indexed for " + idx.similarity().name().toLowerCase(Locale.ROOT)
                    + " (leave --similarity out with --index)");
        }
        int b = q.dim(0);
        Map<String, Integer> qIndex = queryIds == null ? null : ids("--query-ids", queryIds, b, q.label());
        Qrels judged = readQrels(qIndex, corpusIndex(idx, label), b, idx.size(), q.label(), label);
        requireRelevant(judged, qrels);
        int depth = depth(cutoffs, idx.size());
        int n = candidates == null ? depth : candidates;
        if (n < depth || n > idx.size()) {
            throw new InputException("--candidates must be in [" + depth + ", " + idx.size() + "] (the depth evaluated,"
                    + " max(100, largest --k), and the corpus rows), was " + n);
        }
        TopK approx;
        TopK exactTop;
        try {
            approx = idx.search(q.matrix(), depth, n);
            exactTop = idx.exactSearch(q.matrix(), depth, threads);
        } catch (IllegalArgumentException e) {
            throw new InputException(q.label() + ": " + e.getMessage(), e);  // a query without unit norm (dot)
        }
        RetrievalEvaluation e = RetrievalEvaluation.of(approx, judged);
        String sim = idx.similarity().name().toLowerCase(Locale.ROOT);
        table.row("queries", q.name() + " (" + q.shapeString() + ")")
                .row("index", index + " (" + idx.size() + " rows, " + idx.dimension() + "-D, HNSW M = "
                        + idx.maxConnections() + ", beam width = " + idx.beamWidth() + ", " + n + " candidates)")
                .row("similarity", sim);
        extra.put("similarity", sim);
        extra.put("ranking", "hnsw");
        extra.put("candidates", n);
        for (int k : cutoffs) {
            if (k <= depth) {
                double r = VectorIndex.recall(approx, exactTop, k);
                extra.put("hnsw_recall@" + k, r);
                table.row("hnsw_recall@" + k + " (vs exact)", r);
            }
        }
        return e;
    }

    private RetrievalEvaluation bm25(VectorIndex idx, TreeSet<Integer> cutoffs, Output.Table table)
            throws IOException {
        String label = "--index " + index;
        if (!idx.hasText()) {
            throw new InputException(label + " holds no text (it was indexed without --text): BM25 needs it");
        }
        List<String> texts = RetrievalIo.texts("--query-text", queryText, -1, null);
        int b = texts.size();
        Map<String, Integer> qIndex = queryIds == null ? null : ids("--query-ids", queryIds, b,
                "--query-text " + queryText);
        Qrels judged = readQrels(qIndex, corpusIndex(idx, label), b, idx.size(), "--query-text " + queryText, label);
        requireRelevant(judged, qrels);
        TopK top;
        try {
            top = idx.bm25(texts, depth(cutoffs, idx.size()));
        } catch (IllegalArgumentException e) {
            throw new InputException("--query-text " + queryText + ": " + e.getMessage(), e);  // too many terms
        }
        table.row("queries", queryText + " (" + b + " lines)")
                .row("index", index + " (" + idx.size() + " rows)")
                .row("ranking", "BM25 (StandardAnalyzer, k1 = 1.2, b = 0.75)");
        extra.put("ranking", "bm25");
        return RetrievalEvaluation.of(top, judged);
    }

    private static void put(ObjectNode json, Output.Table table, RetrievalEvaluation e, RetrievalMetric m, int k) {
        double v = e.mean(m, k);
        json.put(m.key(k), v);
        table.row(m.key(k), v);
    }

    /** Reads one id per line: exactly {@code rows} distinct non-empty ids; the row of each. */
    private static Map<String, Integer> ids(String option, Path file, int rows, String rowsOf) {
        return RetrievalIo.rowsOf(RetrievalIo.idList(option, file, rows, rowsOf));
    }

    private Qrels readQrels(Map<String, Integer> qIndex, Map<String, Integer> cIndex, int queryRows, int corpusRows,
                            String queriesLabel, String corpusLabel) {
        Qrels.Builder b = Qrels.builder(queryRows, corpusRows);
        Set<Long> seen = new HashSet<>();
        List<String> lines = RetrievalIo.lines("--qrels", qrels);
        int entries = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String where = "--qrels " + qrels + ":" + (n + 1) + ": ";
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new InputException(where + "expected query-id<TAB>corpus-id<TAB>grade, found " + f.length
                        + " field" + (f.length == 1 ? "" : "s"));
            }
            Integer grade = integer(f[2].strip());
            if (grade == null && entries == 0 && n == 0) {
                continue;  // a header line, as BEIR's "query-id corpus-id score"
            }
            if (grade == null || grade < 0) {
                throw new InputException(where + "grade '" + f[2].strip() + "' is not an integer >= 0");
            }
            int q = row(where, "query", f[0].strip(), qIndex, queryRows, "--query-ids", queriesLabel);
            int c = row(where, "corpus", f[1].strip(), cIndex, corpusRows, "--corpus-ids", corpusLabel);
            if (!seen.add((long) q * corpusRows + c)) {
                throw new InputException(where + "query '" + f[0].strip() + "' judges corpus row '" + f[1].strip()
                        + "' a second time");
            }
            b.add(q, c, grade);
            entries++;
        }
        if (entries == 0) {
            throw new InputException("--qrels " + qrels + ": no judgments");
        }
        return b.build();
    }

    private static int row(String where, String what, String id, Map<String, Integer> index, int rows,
                           String idsOption, String rowsOf) {
        if (index != null) {
            Integer r = index.get(id);
            if (r == null) {
                throw new InputException(where + what + " id '" + id + "' is not in " + idsOption);
            }
            return r;
        }
        Integer r = integer(id);
        if (r == null || r < 0 || r >= rows) {
            throw new InputException(where + what + " id '" + id + "' is not a row of " + rowsOf + " (0 … "
                    + (rows - 1) + "; give " + idsOption + " for other ids)");
        }
        return r;
    }

    private static Integer integer(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
