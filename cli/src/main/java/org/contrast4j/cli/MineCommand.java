package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.retrieval.HardNegativeMiner;
import org.contrast4j.retrieval.MinedNegatives;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j mine}: hard negatives per query, as sentence-transformers' {@code mine_hard_negatives}. */
@Command(name = "mine", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mines hard negatives: ranks the corpus for every query by an exact search, drops its positive,"
                + " keeps the candidates whose rank among the non-positives is in [range-min, range-max) and whose"
                + " score is <= positive score - margin (or <= positive score * (1 - relative margin)), and takes"
                + " the first K (top) or a seeded random K (random), in rank order.",
            "Writes DIR/negatives.npy (int64, B×K corpus rows, -1 where fewer qualified) and DIR/result.json"
                + " (short_queries: how many queries got fewer than K)."},
        footer = {"", "Example (the NV-Retriever 95 % rule):",
            "  contrast4j mine --queries q.npy --corpus c.npy --positives p.npy \\",
            "      --num-negatives 5 --relative-margin 0.05 --out mined"})
final class MineCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "Queries, B×D.")
    Path queries;

    @Option(names = "--corpus", required = true, paramLabel = "C.npy", description = "Corpus, M×D.")
    Path corpus;

    @Option(names = "--positives", required = true, paramLabel = "P.npy",
            description = "The positive corpus row of each query: B ints (int32 or int64).")
    Path positives;

    @Option(names = "--num-negatives", required = true, paramLabel = "K", description = "Negatives per query.")
    int numNegatives;

    @Option(names = "--range-min", paramLabel = "N", description = "First rank allowed (0-based, default 0).")
    int rangeMin = 0;

    @Option(names = "--range-max", paramLabel = "N", description = "One past the last rank allowed (default 100).")
    int rangeMax = 100;

    @Option(names = "--margin", paramLabel = "M", description = "Absolute margin: score <= positive score - M.")
    Double margin;

    @Option(names = "--relative-margin", paramLabel = "R",
            description = "Relative margin in [0, 1): score <= positive score * (1 - R).")
    Double relativeMargin;

    @Option(names = "--sampling", paramLabel = "S", description = "top (default) or random.")
    String sampling = "top";

    @Option(names = "--seed", paramLabel = "S", description = "Seed of --sampling random (default 0).")
    Long seed;

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
        if (numNegatives < 1) {
            throw new InputException("--num-negatives must be >= 1, was " + numNegatives);
        }
        if (rangeMin < 0) {
            throw new InputException("--range-min must be >= 0, was " + rangeMin);
        }
        if (rangeMax <= rangeMin) {
            throw new InputException("--range-max must be > --range-min, were --range-min " + rangeMin
                    + " and --range-max " + rangeMax);
        }
        if (margin != null && relativeMargin != null) {
            throw new InputException("--margin and --relative-margin exclude each other: give one");
        }
        if (margin != null && !(margin >= 0 && Double.isFinite(margin))) {
            throw new InputException("--margin must be >= 0 and finite, was " + margin);
        }
        if (relativeMargin != null && !(relativeMargin >= 0 && relativeMargin < 1)) {
            throw new InputException("--relative-margin must be in [0, 1), was " + relativeMargin);
        }
        HardNegativeMiner.Sampling how = switch (sampling) {
            case "top" -> HardNegativeMiner.Sampling.TOP;
            case "random" -> HardNegativeMiner.Sampling.RANDOM;
            default -> throw new InputException("--sampling must be top or random, was '" + sampling + "'");
        };
        if (seed != null && how != HardNegativeMiner.Sampling.RANDOM) {
            throw new InputException("--seed only affects --sampling random");
        }
        if (threads < 1) {
            throw new InputException("--threads must be >= 1, was " + threads);
        }
        OutputDir.prepare("--out", out, "negatives.npy", "result.json");
        RetrievalIo.Embeddings in = RetrievalIo.embeddings(queries, corpus);
        int[] pos = positives(in);

        HardNegativeMiner.Builder b = HardNegativeMiner.builder(numNegatives).similarity(similarity)
                .rangeMin(rangeMin).rangeMax(rangeMax).sampling(how).seed(seed == null ? 0 : seed);
        if (margin != null) {
            b.absoluteMargin(margin);
        }
        if (relativeMargin != null) {
            b.relativeMargin(relativeMargin);
        }
        b.threads(threads);
        HardNegativeMiner miner = b.build();
        long t0 = System.nanoTime();
        MinedNegatives mined = miner.mine(in.queries().matrix(), in.corpus().matrix(), pos);
        double seconds = (System.nanoTime() - t0) / 1e9;

        ObjectNode json = Output.object();
        json.put("short_queries", mined.shortQueries());
        json.put("queries", in.b());
        json.put("corpus", in.m());
        json.put("num_negatives", numNegatives);
        json.put("range_min", rangeMin);
        json.put("range_max", rangeMax);
        if (margin != null) {
            json.put("margin", margin);
        }
        if (relativeMargin != null) {
            json.put("relative_margin", relativeMargin);
        }
        json.put("sampling", sampling);
        if (how == HardNegativeMiner.Sampling.RANDOM) {
            json.put("seed", seed == null ? 0 : seed);
        }
        json.put("similarity", similarity.name().toLowerCase(Locale.ROOT));
        long found = 0;
        for (int i = 0; i < in.b(); i++) {
            found += mined.found(i);
        }
        json.put("negatives_found", found);
        RetrievalIo.writeLongs(out.resolve("negatives.npy"), in.b(), numNegatives, mined.negativeMatrix());
        Output.writeJson(out.resolve("result.json"), json);
        new Output.Table()
                .row("queries", in.queries().name() + " (" + in.queries().shapeString() + ")")
                .row("corpus", in.corpus().name() + " (" + in.corpus().shapeString() + ")")
                .row("miner", miner)
                .row("negatives found", found + " of " + (long) in.b() * numNegatives)
                .row("short queries", mined.shortQueries())
                .row("seconds", seconds)
                .row("wrote", out.resolve("negatives.npy") + ", " + out.resolve("result.json"))
                .print(spec.commandLine().getOut());
        return 0;
    }

    /** B ints, one per query, each a corpus row. */
    private int[] positives(RetrievalIo.Embeddings in) {
        InputFiles.Loaded p = InputFiles.read("--positives", positives);
        if (p.array().dtype().isFloat()) {
            throw new InputException(p.label() + ": holds " + p.array().dtype() + " ('"
                    + p.array().dtype().descr() + "') but positives must be int32 ('<i4') or int64 ('<i8') corpus rows");
        }
        if (p.ndim() != 1) {
            throw new InputException(p.label() + " is " + p.ndim() + "-D (" + p.shapeString()
                    + "): positives must be 1-D, one corpus row per query");
        }
        long[] v = p.array().toLongs();
        if (v.length != in.b()) {
            throw new InputException(p.label() + " has " + v.length + " positives but " + in.queries().label()
                    + " has " + in.b() + " queries: give one corpus row per query");
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= in.m()) {
                throw new InputException(p.label() + ": element [" + i + "] = " + v[i] + " is outside [0, "
                        + in.m() + "): " + in.corpus().label() + " has " + in.m() + " rows");
            }
            out[i] = (int) v[i];
        }
        return out;
    }
}
