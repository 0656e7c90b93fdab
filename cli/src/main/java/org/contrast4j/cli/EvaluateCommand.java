package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j evaluate}: retrieval metrics of an exact search against relevance judgments. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ranks the corpus for every query by an exact search and reports Recall@K and Precision@K for"
                + " each K, MRR@10, nDCG@10 and MAP@100, as trec_eval / pytrec_eval and BEIR define them.",
            "Prints a table, and the JSON (written to DIR/result.json with --out, else printed after the table)."},
        footer = {"",
            "R.tsv: query-id<TAB>corpus-id<TAB>grade per line (an optional header line, as",
            "BEIR's qrels/test.tsv); grade >= 0, relevant when > 0, the gain of nDCG. Ids",
            "are row numbers unless --query-ids / --corpus-ids give one id per line.",
            "Queries without a relevant row are skipped (counted as queries_skipped).",
            "",
            "Example:",
            "  contrast4j evaluate --queries q.npy --corpus c.npy --qrels test.tsv \\",
            "      --query-ids q.txt --corpus-ids c.txt --out eval"})
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "Queries, B×D.")
    Path queries;

    @Option(names = "--corpus", required = true, paramLabel = "C.npy", description = "Corpus, M×D.")
    Path corpus;

    @Option(names = "--qrels", required = true, paramLabel = "R.tsv", description = "Relevance judgments.")
    Path qrels;

    @Option(names = "--k", paramLabel = "K,…", split = ",",
            description = "Cutoffs of recall@K and precision@K (default 1,10,100).")
    List<Integer> ks = new ArrayList<>(List.of(1, 10, 100));

    @Option(names = "--similarity", paramLabel = "SIM", converter = Choices.SimilarityConverter.class,
            completionCandidates = Choices.SimilarityNames.class,
            description = "${COMPLETION-CANDIDATES} (default cosine).")
    Similarity similarity = Similarity.COSINE;

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
        if (out != null) {
            OutputDir.prepare("--out", out, "result.json");
        }
        RetrievalIo.Embeddings in = RetrievalIo.embeddings(queries, corpus);
        Map<String, Integer> qIndex = queryIds == null ? null : ids("--query-ids", queryIds, in.b(),
                in.queries().label());
        Map<String, Integer> cIndex = corpusIds == null ? null : ids("--corpus-ids", corpusIds, in.m(),
                in.corpus().label());
        Qrels judged = readQrels(qIndex, cIndex, in);
        int evaluated = 0;
        for (int q = 0; q < in.b(); q++) {
            if (judged.relevantCount(q) > 0) {
                evaluated++;
            }
        }
        if (evaluated == 0) {
            throw new InputException("--qrels " + qrels + ": no query has a relevant corpus row (grade > 0)");
        }
        TreeSet<Integer> cutoffs = new TreeSet<>(ks);
        int depth = Math.min(in.m(), Math.max(100, cutoffs.last()));
        ExactSearch search = ExactSearch.of(similarity);
        search = search.withThreads(threads);
        RetrievalEvaluation e = RetrievalEvaluation.search(search, in.queries().matrix(), in.corpus().matrix(),
                judged, depth);

        ObjectNode json = Output.object();
        Output.Table table = new Output.Table()
                .row("queries", in.queries().name() + " (" + in.queries().shapeString() + ")")
                .row("corpus", in.corpus().name() + " (" + in.corpus().shapeString() + ")")
                .row("similarity", similarity.name().toLowerCase(Locale.ROOT));
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
        json.put("corpus", in.m());
        json.put("similarity", similarity.name().toLowerCase(Locale.ROOT));
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

    private static void put(ObjectNode json, Output.Table table, RetrievalEvaluation e, RetrievalMetric m, int k) {
        double v = e.mean(m, k);
        json.put(m.key(k), v);
        table.row(m.key(k), v);
    }

    /** Reads one id per line: exactly {@code rows} distinct non-empty ids. */
    private static Map<String, Integer> ids(String option, Path file, int rows, String rowsOf) {
        List<String> lines = lines(option, file);
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        if (lines.size() != rows) {
            throw new InputException(option + " " + file + " has " + lines.size() + " ids but " + rowsOf + " has "
                    + rows + " rows: give one id per row");
        }
        Map<String, Integer> index = new HashMap<>();
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
        }
        return index;
    }

    private static List<String> lines(String option, Path file) {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InputException(option + " " + file + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(option + " " + file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new InputException(option + " " + file + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    private Qrels readQrels(Map<String, Integer> qIndex, Map<String, Integer> cIndex, RetrievalIo.Embeddings in) {
        Qrels.Builder b = Qrels.builder(in.b(), in.m());
        Set<Long> seen = new HashSet<>();
        List<String> lines = lines("--qrels", qrels);
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
            int q = row(where, "query", f[0].strip(), qIndex, in.b(), "--query-ids", in.queries().label());
            int c = row(where, "corpus", f[1].strip(), cIndex, in.m(), "--corpus-ids", in.corpus().label());
            if (!seen.add((long) q * in.m() + c)) {
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
