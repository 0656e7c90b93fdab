package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Collapse;
import org.contrast4j.metric.CollapseReport;
import org.contrast4j.metric.Hardness;
import org.contrast4j.metric.HardnessReport;
import org.contrast4j.metric.MutualInformation;
import org.contrast4j.metric.Uniformity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j metrics}: representation metrics of embeddings X (and their positives Y). */
@Command(name = "metrics", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reports how good a representation is: alignment and uniformity (Wang & Isola 2020),"
                + " collapse, temperature hardness (Wang & Liu 2021) and the InfoNCE mutual-information bound.",
            "Rows are L2-normalised first unless --raw. Prints a table, and the JSON (to --out DIR/metrics.json when"
                + " given, else after the table)."},
        footer = {"",
            "Without --y only uniformity and collapse of X are reported; alignment,",
            "uniformity_y, hardness and infonce_mi_bound need the positives Y (row i of Y",
            "belongs to row i of X).",
            "infonce_mi_bound = log N − L(x→y) in nats, always with cosine similarity",
            "(also under --raw); it cannot exceed log N.",
            "",
            "Example:",
            "  contrast4j metrics --x emb.npy --y emb_aug.npy --temperature 0.07 \\",
            "      --out metrics"})
final class MetricsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--x", required = true, paramLabel = "X.npy", description = "Embeddings, N×D.")
    Path x;

    @Option(names = "--y", paramLabel = "Y.npy", description = "Their positives, N×D (row i pairs with row i of X).")
    Path y;

    @Option(names = "--alpha", paramLabel = "A", description = "Alignment exponent α > 0 (default 2).")
    Double alpha;

    @Option(names = "--t", paramLabel = "T", description = "Uniformity scale t > 0 (default 2).")
    Double t;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Temperature τ > 0 of hardness and the MI bound (default 0.1).")
    Double temperature;

    @Option(names = "--raw", description = "Do not L2-normalise the rows (dot products and raw distances).")
    boolean raw;

    /** The file written into {@code --out}. */
    static final String FILE = "metrics.json";

    @Option(names = "--out", paramLabel = "DIR", description = "Write the JSON to DIR/metrics.json (DIR created if"
            + " needed).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (y == null) {
            needsY("--alpha", alpha, "alignment, which needs");
            needsY("--temperature", temperature, "hardness and infonce_mi_bound, which need");
        }
        double a = alpha == null ? Alignment.DEFAULT_ALPHA : alpha;
        double tt = t == null ? Uniformity.DEFAULT_T : t;
        double tau = temperature == null ? 0.1 : temperature;
        boolean normalize = !raw;
        positive("--alpha", a);
        positive("--t", tt);
        positive("--temperature", tau);

        InputFiles.Loaded xl = InputFiles.embeddings("--x", x, false, "2-D, N×D");
        Matrix xm = xl.matrix();
        Matrix ym = null;
        if (y != null) {
            InputFiles.Loaded yl = InputFiles.embeddings("--y", y, false, "2-D, N×D like X");
            InputFiles.sameShape(yl, xl);
            ym = yl.matrix();
        }
        if (xm.rows() < 2) {
            throw new InputException(xl.label() + " is " + xl.shapeString() + ": the metrics need at least 2 rows");
        }
        if (xm.cols() < 1) {
            throw new InputException(xl.label() + " is " + xl.shapeString() + ": rows must have at least 1 value");
        }
        if (out != null) {
            OutputDir.prepare("--out", out, FILE);
        }
        // the N×N similarities of uniformity and hardness, in double, with their row buffers
        Memory.expect(3L * 8 * xm.rows() * xm.rows() + 16L * xm.rows() * xm.cols(), "the metrics of " + xm.rows()
                + " rows (N×N similarities)");

        ObjectNode json = Output.object();
        json.put("x", x.toString());
        if (y != null) {
            json.put("y", y.toString());
        }
        json.put("rows", xm.rows());
        json.put("dimension", xm.cols());
        json.put("normalized", normalize);
        Output.Table table = new Output.Table()
                .row("x", xl.label().substring(4) + " (" + xl.shapeString() + ")")
                .row("normalised", normalize ? "yes (cosine geometry)" : "no (--raw)");
        if (ym != null) {
            table.row("y", y);
            double align = Alignment.of(xm, ym, a, normalize);
            json.put("alignment", align);
            json.put("alpha", a);
            table.row("alignment (α=" + Output.number(a) + ")", align);
        }
        double unif = Uniformity.of(xm, tt, normalize);
        json.put("uniformity", unif);
        json.put("t", tt);
        table.row("uniformity x (t=" + Output.number(tt) + ")", unif);
        if (ym != null) {
            double unifY = Uniformity.of(ym, tt, normalize);
            json.put("uniformity_y", unifY);
            table.row("uniformity y", unifY);
        }
        CollapseReport c = Collapse.of(xm, normalize);
        ObjectNode cj = json.putObject("collapse");
        cj.put("mean_cosine", c.meanCosine());
        cj.put("effective_rank", c.effectiveRank());
        cj.put("min_dim_std", c.minDimStd());
        cj.put("mean_dim_std", c.meanDimStd());
        table.row("collapse: mean cosine", c.meanCosine())
                .row("collapse: effective rank", Output.number(c.effectiveRank()) + " of " + Math.min(xm.rows(), xm.cols()))
                .row("collapse: min dim std", c.minDimStd())
                .row("collapse: mean dim std", c.meanDimStd());
        if (ym != null) {
            HardnessReport h = Hardness.of(xm, ym, tau, normalize);
            ObjectNode hj = json.putObject("hardness");
            hj.put("temperature", tau);
            hj.put("negatives", h.negatives());
            hj.put("effective_negatives_mean", h.effectiveNegatives().mean());
            hj.put("top1_share_mean", h.top1Share().mean());
            hj.put("top10_share_mean", h.top10Share().mean());
            hj.put("positive_probability_mean", h.positiveProbability().mean());
            hj.put("infonce_loss", h.infoNceLoss());
            String at = " (τ=" + Output.number(tau) + ")";
            table.row("hardness: effective negatives" + at, Output.number(h.effectiveNegatives().mean()) + " of "
                            + h.negatives())
                    .row("hardness: top-1 share", h.top1Share().mean())
                    .row("hardness: top-10 share", h.top10Share().mean())
                    .row("hardness: positive probability", h.positiveProbability().mean());
            double mi = MutualInformation.infoNceBound(xm, ym, tau);
            json.put("infonce_mi_bound", mi);
            json.put("log_n", Math.log(xm.rows()));
            table.row("InfoNCE MI bound (nats)", Output.number(mi) + " (≤ log N = " + Output.number(
                    Math.log(xm.rows())) + ")");
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out != null) {
            Path file = out.resolve(FILE);
            Output.writeJson(file, json);
            table.row("wrote", file);
            table.print(o);
        } else {
            table.print(o);
            o.println();
            o.print(Output.json(json));
            o.flush();
        }
        return 0;
    }

    private static void needsY(String option, Double value, String what) {
        if (value != null) {
            throw new InputException(option + " only affects " + what + " --y (the positives)");
        }
    }

    private static void positive(String option, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new InputException(option + " must be > 0 and finite, was " + v);
        }
    }
}
