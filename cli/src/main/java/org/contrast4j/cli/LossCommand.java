package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.MarginContrastive;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SigLip;
import org.contrast4j.loss.SupCon;
import org.contrast4j.loss.Triplet;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j loss}: one loss on .npy inputs → result.json and one gradient .npy per input. Contrastive losses
 * run here; the class-scoring losses (softmax, nce, neg, sampled-softmax) in {@link ClassScoringRun}.
 */
@Command(name = "loss", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Computes a contrastive or class-scoring loss and its exact gradients on .npy inputs.",
            "Writes DIR/result.json (loss, config, value, per_row, skipped_rows, scalar_gradients, terms) and"
                + " DIR/grad_<input>.npy (float32, shaped like each input file given), and prints a summary."},
        footer = {"",
            "Contrastive losses, inputs (R required, o optional, - not used; --anchors always R):",
            "  loss      positives  negatives  labels",
            "  infonce   R          o          o",
            "  clip      R          o          o",
            "  ntxent    R          -          -",
            "  supcon    o          -          R",
            "  siglip    R          -          -",
            "  dcl, dclw R          -          -",
            "  margin    R          o          o",
            "  triplet   R          R          -",
            "Negatives: M×D shared by every anchor, or N×M×D (anchor i's own M);",
            "  for triplet with one negative per anchor give N×1×D.",
            "Labels (infonce, clip, margin): same-label in-batch rows are not negatives.",
            "Ids (infonce, clip): the ids of the positives (N ints); rows whose positives",
            "  share an id (duplicates) are not negatives of each other (labels by another name).",
            "Guide (infonce, clip; GISTEmbed): --guide-anchors GA.npy --guide-positives GP.npy",
            "  (N×D' each) mask p_j for anchor i when cos(ga_i,gp_j) > cos(ga_i,gp_i) - M;",
            "  rows left without a negative are skipped and counted (skipped_rows).",
            "  ntxent, dcl, dclw, supcon (with --positives): over z = [a; p] and g = [ga; gp],",
            "  negative l of row k is masked when cos(g_k,g_l) > cos(ga_i,gp_i) - M (i = k's pair).",
            "logQ (infonce, one-way): --log-q LQ.npy (N floats, log q of each positive) and,",
            "  with shared --negatives, --negatives-log-q LQN.npy (M floats): every logit",
            "  minus the log q of its candidate (Yi et al. 2019).",
            "clip = symmetric InfoNCE, learnable τ starting at 0.07, logit scale ≤ 100.",
            "supcon embeddings: the anchors, or [anchors; positives] with labels repeated.",
            "--mining (triplet, margin): --labels R, --positives o, --negatives -; triplets",
            "  are mined from [anchors; positives] and written to triplets.npy (T×3 rows).",
            "--matryoshka-dims (any contrastive loss): the loss summed over prefixes.",
            "",
            "Class-scoring losses, queries h against a class table W, s(c|h) = h·W_c + b_c",
            "(--queries, --classes, --targets always R; --class-bias o):",
            "  loss             samples  noise  accidental hits removed by default",
            "  softmax          -        -      (full softmax over all V classes)",
            "  nce              R        R      false",
            "  neg              R        -      false",
            "  sampled-softmax  R        R      true",
            "Samples: k ids shared by every query, or B×k (query i's own k).",
            "Noise q: V probabilities summing to 1 (float64 kept exact); nce and",
            "  sampled-softmax subtract log(k·q(c)). Writes grad_queries.npy (B×D),",
            "  grad_classes.npy (V×D, dense; zero off the targets and samples),",
            "  grad_class_bias.npy (V, with --class-bias).",
            "",
            "Embeddings: float32 or float64, C order; labels and class ids: int32 or int64.",
            "",
            "Examples:",
            "  contrast4j loss --loss infonce --anchors a.npy --positives p.npy \\",
            "      --temperature 0.07 --out run1",
            "  contrast4j loss --loss nce --queries h.npy --classes w.npy --targets t.npy \\",
            "      --samples s.npy --noise q.npy --out run2"})
final class LossCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--loss", required = true, paramLabel = "NAME", converter = LossKind.Converter.class,
            completionCandidates = LossKind.Names.class, description = "The loss: ${COMPLETION-CANDIDATES}.")
    LossKind loss;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory (created if needed; result.json and grad_*.npy of an earlier run there"
                    + " are replaced).")
    Path out;

    @Option(names = "--anchors", paramLabel = "A.npy", description = "Anchors, N×D (contrastive losses).")
    Path anchors;

    @Option(names = "--positives", paramLabel = "P.npy", description = "Positives, N×D (row i belongs to anchor i).")
    Path positives;

    @Option(names = "--negatives", paramLabel = "N.npy",
            description = "Explicit negatives: M×D shared, or N×M×D paired.")
    Path negatives;

    @Option(names = "--labels", paramLabel = "L.npy", description = "Class labels, N (int32 or int64).")
    Path labels;

    @Option(names = "--ids", paramLabel = "I.npy",
            description = "infonce, clip: the ids of the positives, N ints; rows with the same id are not negatives"
                    + " of each other (duplicates). Instead of --labels.")
    Path ids;

    @Option(names = "--guide-anchors", paramLabel = "GA.npy",
            description = "infonce, clip, ntxent, dcl, dclw, supcon: guide-model embeddings of the anchors, N×D'"
                    + " (GISTEmbed).")
    Path guideAnchors;

    @Option(names = "--guide-positives", paramLabel = "GP.npy",
            description = "infonce, clip, ntxent, dcl, dclw, supcon: guide-model embeddings of the positives, N×D'"
                    + " like --guide-anchors.")
    Path guidePositives;

    @Option(names = "--guide-margin", paramLabel = "M",
            description = "infonce, clip, ntxent, dcl, dclw, supcon: GISTEmbed margin m >= 0 (default 0).")
    Double guideMargin;

    @Option(names = "--log-q", paramLabel = "LQ.npy",
            description = "infonce (one-way): log q of each in-batch candidate (positive), N floats.")
    Path logQ;

    @Option(names = "--negatives-log-q", paramLabel = "LQN.npy",
            description = "infonce: log q of each shared negative, M floats (with --log-q and shared --negatives).")
    Path negativesLogQ;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Temperature τ > 0 (default 0.1; clip: 0.07).")
    Double temperature;

    @Option(names = "--learnable-temperature", negatable = true,
            description = "Report ∂L/∂(log τ) (clip: on; --no-learnable-temperature turns it off).")
    Boolean learnableTemperature;

    @Option(names = "--similarity", paramLabel = "SIM", converter = Choices.SimilarityConverter.class,
            completionCandidates = Choices.SimilarityNames.class,
            description = "${COMPLETION-CANDIDATES} (default cosine).")
    Similarity similarity;

    @Option(names = "--reduction", paramLabel = "R", converter = Choices.ReductionConverter.class,
            completionCandidates = Choices.ReductionNames.class,
            description = "${COMPLETION-CANDIDATES} (default mean; none reports the gradients of the sum).")
    Reduction reduction;

    @Option(names = "--symmetric", description = "infonce: ½(anchor→positive + positive→anchor).")
    Boolean symmetric;

    @Option(names = "--max-logit-scale", paramLabel = "S",
            description = "infonce, clip: clamp 1/τ at S (default none; clip: 100).")
    Double maxLogitScale;

    @Option(names = "--engine", paramLabel = "E", converter = BenchCommand.EngineConverter.class,
            completionCandidates = BenchCommand.EngineNames.class,
            description = "infonce, clip, ntxent, supcon, dcl, dclw: ${COMPLETION-CANDIDATES} (default auto: infonce "
                    + "and clip dense below " + Engine.AUTO_STORED_FROM + " rows, stored logits up to "
                    + Engine.AUTO_STORED_MAX + ", tiled above; the others tiled from " + Engine.AUTO_TILED_FROM
                    + " rows; with --negatives dense).")
    Engine engine;

    @Option(names = "--base-temperature", paramLabel = "T", description = "supcon: scale each row by τ/T (default off).")
    Double baseTemperature;

    @Option(names = "--bias", paramLabel = "B", description = "siglip: logit bias (default -10).")
    Double bias;

    @Option(names = "--learnable-bias", description = "siglip: report ∂L/∂b.")
    Boolean learnableBias;

    @Option(names = "--sigma", paramLabel = "S", description = "dclw: width of the von Mises-Fisher weighting"
            + " (default 0.5).")
    Double sigma;

    @Option(names = "--positive-margin", paramLabel = "M", description = "margin: m⁺ (default 0).")
    Double positiveMargin;

    @Option(names = "--negative-margin", paramLabel = "M", description = "margin: m⁻ (default 1).")
    Double negativeMargin;

    @Option(names = "--margin", paramLabel = "M", description = "triplet: margin (default 0.2).")
    Double margin;

    @Option(names = "--softplus", description = "triplet: softplus instead of the hinge.")
    Boolean softplus;

    @Option(names = "--matryoshka-dims", split = ",", paramLabel = "M1,M2,…",
            description = "Matryoshka (any contrastive loss): sum the loss over these prefix dimensions, ascending.")
    int[] matryoshkaDims;

    @Option(names = "--matryoshka-weights", split = ",", paramLabel = "W1,W2,…",
            description = "Matryoshka: one weight > 0 per dimension (default all 1).")
    double[] matryoshkaWeights;

    @Option(names = "--mining", paramLabel = "batch-hard|semi-hard", converter = LossWrappers.MiningConverter.class,
            description = "triplet, margin: mine triplets from the labelled batch (needs --labels; no --negatives;"
                    + " --positives optional); writes triplets.npy.")
    org.contrast4j.loss.TripletMiner.Strategy mining;

    @Option(names = "--queries", paramLabel = "H.npy", description = "Class-scoring: queries h, B×D.")
    Path queries;

    @Option(names = "--classes", paramLabel = "W.npy", description = "Class-scoring: class table W, V×D.")
    Path classes;

    @Option(names = "--class-bias", paramLabel = "b.npy", description = "Class-scoring: class bias b, V (optional).")
    Path classBias;

    @Option(names = "--targets", paramLabel = "t.npy", description = "Class-scoring: target class ids, B (ints).")
    Path targets;

    @Option(names = "--samples", paramLabel = "S.npy",
            description = "nce, neg, sampled-softmax: sampled class ids, k (shared) or B×k (ints).")
    Path samples;

    @Option(names = "--noise", paramLabel = "q.npy",
            description = "nce, sampled-softmax: the noise distribution q, V probabilities summing to 1.")
    Path noise;

    @Option(names = "--remove-accidental-hits", arity = "1", paramLabel = "true|false",
            description = "nce, neg, sampled-softmax: drop sampled classes equal to the target"
                    + " (default true for sampled-softmax, false for nce and neg, as TF).")
    Boolean removeAccidentalHits;

    @Option(names = "--log-normaliser", paramLabel = "Z",
            description = "nce: log Z subtracted from every score (default 0: self-normalised).")
    Double logNormaliser;

    @Option(names = "--learnable-log-normaliser", description = "nce: report ∂L/∂log Z.")
    Boolean learnableLogNormaliser;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        if (loss.classScoring()) {
            ClassScoringRun.run(this);
            return 0;
        }
        ContrastiveLoss built = LossWrappers.wrap(this, build());
        Inputs in = Options.check(null, this::load);
        LossWrappers.checkBatch(this, in.batch);
        OutputDir.prepare("--out", out, OUTPUTS);
        expectMemory(in);
        LossResult result = Options.check(null, () -> built.compute(in.batch));
        write(built, in, result);
        return 0;
    }

    /** Options that do not apply to the loss, and input files it needs. */
    private void checkOptions() {
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (!loss.accepts(name) && !LossWrappers.accepts(this, name)) {
                throw new InputException(name + " does not apply to --loss " + loss.key + " (it applies to "
                        + LossKind.acceptedBy(name) + ")");
            }
        }
        require("--anchors", anchors, "N×D");
        require("--positives", positives, "N×D, row i the positive of anchor i");
        require("--negatives", negatives, "M×D shared or N×M×D paired");
        require("--labels", labels, "N class ids, int32 or int64");
        if (ids != null && labels != null) {
            throw new InputException("--ids and --labels both given: ids are labels (rows with the same id are not"
                    + " negatives of each other); give one of them");
        }
        if ((guideAnchors == null) != (guidePositives == null)) {
            throw new InputException((guideAnchors == null ? "--guide-positives" : "--guide-anchors")
                    + " needs " + (guideAnchors == null ? "--guide-anchors" : "--guide-positives")
                    + " too (the guide model's N×D' embeddings of both sides)");
        }
        if (guideMargin != null && guideAnchors == null) {
            throw new InputException("--guide-margin needs --guide-anchors and --guide-positives");
        }
        if (negativesLogQ != null && (logQ == null || negatives == null)) {
            throw new InputException("--negatives-log-q needs --log-q and shared --negatives");
        }
        require("--queries", queries, "B×D");
        require("--classes", classes, "V×D");
        require("--targets", targets, "B class ids, int32 or int64");
        require("--samples", samples, "k or B×k class ids, int32 or int64");
        require("--noise", noise, "V probabilities summing to 1");
        LossWrappers.checkOptions(this);
    }

    private void require(String option, Path given, String what) {
        if (given == null && loss.use(option) == LossKind.Use.REQUIRED && !LossWrappers.waives(this, option)) {
            throw new InputException("--loss " + loss.key + " needs " + option + " (" + what + ")");
        }
    }

    /** Records the heap the loss is about to take ({@link #memoryEstimate}), for the answer to an out-of-memory. */
    private void expectMemory(Inputs in) {
        long floats = 0;
        for (InputFiles.Loaded f : in.files.values()) {
            long n = 1;
            for (int d : f.shape()) {
                n *= d;
            }
            floats += n;
        }
        long rows = in.files.get(Input.ANCHORS).dim(0);
        long m = in.files.containsKey(Input.NEGATIVES) ? in.files.get(Input.NEGATIVES).dim(0) : 0;
        boolean twoWay = loss == LossKind.CLIP || Boolean.TRUE.equals(symmetric);
        MemoryEstimate e = memoryEstimate(loss, engine == null ? Engine.AUTO : engine, rows, m,
                guideAnchors != null, twoWay, floats);
        Memory.expect(e.bytes(), e.what());
    }

    record MemoryEstimate(long bytes, String what) {
    }

    /**
     * The heap {@code loss} takes on {@code rows} rows ({@code m} explicit negatives, {@code inputFloats} input
     * floats): the inputs, their gradients and copies (float32), and the path core runs — the dense losses' R×C
     * similarity, probability and gradient matrices (float64; R anchors against C candidates, 2N×2N for ntxent and
     * dcl), InfoNCE's stored-logits N·(N + 16) floats, nothing N×N on the tiled paths ({@link Engine#resolve},
     * {@link Engine#resolveInfoNce}: explicit negatives and a guide under the symmetric loss run dense).
     */
    static MemoryEstimate memoryEstimate(LossKind loss, Engine engine, long rows, long m, boolean guided,
                                         boolean twoWay, long inputFloats) {
        long r;
        long c;
        long stored = 0;
        switch (loss) {
            case NTXENT, DCL, DCLW -> {
                r = engine.resolve((int) rows, guided) == Engine.TILED ? 0 : 2 * rows;
                c = r;
            }
            case INFONCE, CLIP -> {
                Engine path = engine.resolveInfoNce((int) rows, m > 0 || (guided && twoWay));
                r = path == Engine.DENSE ? rows : 0;
                c = rows + m;
                stored = path == Engine.STORED ? 4 * rows * (rows + 16) : 0;
            }
            case TRIPLET -> {
                r = 0;
                c = 0;
            }
            default -> {
                r = rows;
                c = rows + m;
            }
        }
        return new MemoryEstimate(3 * 4 * inputFloats + 3 * 8 * r * c + stored, "--loss " + loss.key + " on " + rows
                + " rows" + (r > 0 ? " (" + r + "×" + c + " similarity matrices)" : "")
                + (stored > 0 ? " (" + rows + "×" + (rows + 16) + " stored logits)" : ""));
    }

    /** The files {@code loss} writes into {@code --out}: stale ones from an earlier run there are removed. */
    static final String[] OUTPUTS = {"result.json", "grad_*.npy", LossWrappers.TRIPLETS};

    /** Calls a builder setter when the option was given, naming the option if the builder rejects the value. */
    static <T> void set(String option, T value, Consumer<T> setter) {
        Options.set(option, value, setter);
    }

    ContrastiveLoss build() {
        return switch (loss) {
            case INFONCE, CLIP -> {
                InfoNce.Builder b = loss == LossKind.CLIP ? InfoNce.clip() : InfoNce.builder();
                set("--temperature", temperature, b::temperature);
                set("--learnable-temperature", learnableTemperature, b::learnableTemperature);
                set("--symmetric", symmetric, b::symmetric);
                set("--max-logit-scale", maxLogitScale, b::maxLogitScale);
                set("--engine", engine, b::engine);
                set("--guide-margin", guideMargin, b::guideMargin);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case NTXENT -> {
                NtXent.Builder b = NtXent.builder();
                set("--temperature", temperature, b::temperature);
                set("--learnable-temperature", learnableTemperature, b::learnableTemperature);
                set("--engine", engine, b::engine);
                set("--guide-margin", guideMargin, b::guideMargin);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case SUPCON -> {
                SupCon.Builder b = SupCon.builder();
                set("--temperature", temperature, b::temperature);
                set("--learnable-temperature", learnableTemperature, b::learnableTemperature);
                set("--base-temperature", baseTemperature, b::baseTemperature);
                set("--engine", engine, b::engine);
                set("--guide-margin", guideMargin, b::guideMargin);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case SIGLIP -> {
                SigLip.Builder b = SigLip.builder();
                set("--temperature", temperature, b::temperature);
                set("--learnable-temperature", learnableTemperature, b::learnableTemperature);
                set("--bias", bias, b::bias);
                set("--learnable-bias", learnableBias, b::learnableBias);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case DCL, DCLW -> {
                Dcl.Builder b = Dcl.builder().weighted(loss == LossKind.DCLW);
                set("--temperature", temperature, b::temperature);
                set("--learnable-temperature", learnableTemperature, b::learnableTemperature);
                set("--sigma", sigma, b::sigma);
                set("--engine", engine, b::engine);
                set("--guide-margin", guideMargin, b::guideMargin);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case MARGIN -> {
                MarginContrastive.Builder b = MarginContrastive.builder();
                set("--positive-margin", positiveMargin, b::positiveMargin);
                set("--negative-margin", negativeMargin, b::negativeMargin);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case TRIPLET -> {
                Triplet.Builder b = Triplet.builder();
                set("--margin", margin, b::margin);
                set("--softplus", softplus, b::softplus);
                set("--similarity", similarity, b::similarity);
                set("--reduction", reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case SOFTMAX, NCE, NEG, SAMPLED_SOFTMAX ->
                    throw new IllegalStateException(loss.key + " is a class-scoring loss, built by ClassScoringRun");
        };
    }

    /** The loaded files and the batch built from them. */
    record Inputs(Batch batch, Map<Input, InputFiles.Loaded> files) {
    }

    Inputs load() {
        Map<Input, InputFiles.Loaded> files = new java.util.EnumMap<>(Input.class);
        InputFiles.Loaded a = InputFiles.embeddings("--anchors", anchors, false, "2-D, N×D");
        files.put(Input.ANCHORS, a);
        Batch.Builder b = Batch.builder(a.matrix());
        if (positives != null) {
            InputFiles.Loaded p = InputFiles.embeddings("--positives", positives, false, "2-D, N×D like the anchors");
            InputFiles.sameShape(p, a);
            files.put(Input.POSITIVES, p);
            b.positives(p.matrix());
        }
        if (negatives != null) {
            InputFiles.Loaded n = InputFiles.embeddings("--negatives", negatives, true,
                    "M×D (shared) or N×M×D (paired)");
            int d = a.dim(1);
            if (n.ndim() == 2) {
                if (n.dim(1) != d) {
                    throw new InputException(n.label() + " is " + n.shapeString() + " but " + a.label() + " is "
                            + a.shapeString() + ": shared negatives must be M×" + d + " (the anchors' dimension)");
                }
                b.sharedNegatives(n.matrix());
            } else {
                if (n.dim(0) != a.dim(0) || n.dim(2) != d) {
                    throw new InputException(n.label() + " is " + n.shapeString() + " but " + a.label() + " is "
                            + a.shapeString() + ": paired negatives must be " + a.dim(0) + "×M×" + d);
                }
                if (n.dim(1) == 0) {
                    throw new InputException(n.label() + " is " + n.shapeString() + ": paired negatives need at least"
                            + " one negative per anchor");
                }
                b.pairedNegatives(n.matrix(), n.dim(1));
            }
            files.put(Input.NEGATIVES, n);
        }
        if (labels != null) {
            b.labels(InputFiles.labels("--labels", labels, a));
        }
        if (ids != null) {
            b.labels(InputFiles.labels("--ids", ids, a));
        }
        if (guideAnchors != null) {
            InputFiles.Loaded ga = InputFiles.embeddings("--guide-anchors", guideAnchors, false, "2-D, N×D'");
            InputFiles.Loaded gp = InputFiles.embeddings("--guide-positives", guidePositives, false,
                    "2-D, N×D' like --guide-anchors");
            if (ga.dim(0) != a.dim(0)) {
                throw new InputException(ga.label() + " is " + ga.shapeString() + " but " + a.label() + " is "
                        + a.shapeString() + ": the guide needs one row per anchor (" + a.dim(0) + "×D')");
            }
            InputFiles.sameShape(gp, ga);
            b.guide(ga.matrix(), gp.matrix());
        }
        if (logQ != null) {
            b.logQ(logQ("--log-q", logQ, a.dim(0), a, "rows"));
        }
        if (negativesLogQ != null) {
            InputFiles.Loaded n = files.get(Input.NEGATIVES);
            if (n.ndim() != 2) {
                throw new InputException("--negatives-log-q needs shared negatives (M×D), but " + n.label() + " is "
                        + n.shapeString() + " (paired)");
            }
            b.negativeLogQ(logQ("--negatives-log-q", negativesLogQ, n.dim(0), n, "shared negatives"));
        }
        return new Inputs(b.build(), files);
    }

    /** A 1-D float array of {@code length} finite log q values, one per row of {@code rowsOf}. */
    private static double[] logQ(String option, Path file, int length, InputFiles.Loaded rowsOf, String rows) {
        InputFiles.Loaded in = InputFiles.read(option, file);
        if (!in.array().dtype().isFloat()) {
            throw new InputException(in.label() + ": holds " + in.array().dtype() + " ('"
                    + in.array().dtype().descr() + "') but log q must be float32 ('<f4') or float64 ('<f8')");
        }
        if (in.ndim() != 1 || in.dim(0) != length) {
            throw new InputException(in.label() + " is " + in.shapeString() + " but " + rowsOf.label() + " has "
                    + length + " " + rows + " (" + rowsOf.shapeString() + "): give one log q per row, 1-D");
        }
        double[] v = in.array().toDoubles();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new InputException(in.label() + ": element " + in.array().index(i) + " is " + v[i]
                        + ": log q must be finite");
            }
        }
        return v;
    }

    private void write(ContrastiveLoss built, Inputs in, LossResult result) throws IOException {
        List<String> written = new ArrayList<>();
        ObjectNode gradFiles = Output.object();
        for (Map.Entry<Input, InputFiles.Loaded> e : in.files.entrySet()) {
            Matrix g = result.gradients().get(e.getKey());
            if (g == null) {
                throw new IllegalStateException(built + " returned no gradient for " + e.getKey().key()
                        + " although the batch had it");
            }
            String file = "grad_" + e.getKey().key() + ".npy";
            Npy.write(out.resolve(file), e.getValue().shape(), g.data());
            gradFiles.put(e.getKey().key(), file);
            written.add(out.resolve(file).toString());
        }

        ObjectNode json = Output.object();
        json.put("loss", loss.key);
        json.put("config", built.toString());
        json.put("value", result.value());
        ArrayNode perRow = json.putArray("per_row");
        for (double v : result.perRow()) {
            perRow.add(v);
        }
        json.put("skipped_rows", result.skippedRows());
        ObjectNode scalars = json.putObject("scalar_gradients");
        for (Map.Entry<Scalar, Double> e : result.scalarGradients().entrySet()) {
            scalars.put(e.getKey().key(), e.getValue());
        }
        ObjectNode terms = json.putObject("terms");
        for (Map.Entry<String, Double> e : result.terms().entrySet()) {
            terms.put(e.getKey(), e.getValue());
        }
        ObjectNode inputs = json.putObject("inputs");
        for (Map.Entry<Input, InputFiles.Loaded> e : in.files.entrySet()) {
            ObjectNode f = inputs.putObject(e.getKey().key());
            f.put("file", e.getValue().name());
            ArrayNode shape = f.putArray("shape");
            for (int s : e.getValue().shape()) {
                shape.add(s);
            }
        }
        if (labels != null) {
            inputs.putObject("labels").put("file", labels.toString());
        }
        Path[] extra = {ids, guideAnchors, guidePositives, logQ, negativesLogQ};
        String[] names = {"ids", "guide_anchors", "guide_positives", "log_q", "negatives_log_q"};
        for (int k = 0; k < extra.length; k++) {
            if (extra[k] != null) {
                inputs.putObject(names[k]).put("file", extra[k].toString());
            }
        }
        json.set("gradient_files", gradFiles);
        Path triplets = LossWrappers.writeExtras(this, built, in.batch, out);
        if (triplets != null) {
            written.add(triplets.toString());
        }
        Path resultFile = out.resolve("result.json");
        Output.writeJson(resultFile, json);
        written.addFirst(resultFile.toString());

        Output.Table t = new Output.Table()
                .row("loss", loss.key)
                .row("settings", Output.settings(built))
                .row("batch", Output.settings(in.batch))
                .row("value", result.value())
                .row("rows", result.perRow().length)
                .row("skipped rows", result.skippedRows());
        for (Map.Entry<Scalar, Double> e : result.scalarGradients().entrySet()) {
            t.row("∂L/∂" + e.getKey().key(), e.getValue());
        }
        for (Map.Entry<String, Double> e : result.terms().entrySet()) {
            t.row("term " + e.getKey(), e.getValue());
        }
        t.row("wrote", String.join(", ", written));
        PrintWriter o = spec.commandLine().getOut();
        t.print(o);
    }
}
