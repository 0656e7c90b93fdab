package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.contrast4j.experiment.MiExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j experiment mi}: the InfoNCE bound against the known MI of correlated Gaussians. */
@Command(name = "mi", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The InfoNCE lower bound log N - L on correlated Gaussians with known mutual information"
                + " I = -(d/2)·log(1 - rho²): x, y in R^d, each coordinate pair correlated rho, independent across"
                + " coordinates.",
            "For each batch size N a separable critic f(x, y) = xᵀWy + yᵀUy (it holds the optimal critic for"
                + " Gaussians) is trained with InfoNCE (dot similarity, tau = 1) by Adam on fresh batches of N pairs,"
                + " and log N - L is measured on held-out batches of the same N. The estimate stays below both I and"
                + " log N (up to sampling noise) and rises with N. 'optimal critic' is the bound of the log density"
                + " ratio critic W* = rho/(1-rho²)·I, U* = -rho²/(2(1-rho²))·I on the same held-out batches."},
        footer = {"",
            "result.json: {experiment, config, rows: [{n, true_mi, estimate,",
            "  standard_error, log_n, oracle_estimate, train_steps, eval_batches,",
            "  seconds}]}, information in nats.",
            "",
            "Defaults take about 7 s of CPU (d = 8, rho = 0.8: I = -4·log 0.36 ≈ 4.087 nats).",
            "",
            "Example:",
            "  contrast4j experiment mi --dim 8 --rho 0.8 --batch-sizes 16,64,256,1024 \\",
            "      --out mi-run"})
final class MiExperimentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dim", paramLabel = "D", description = "Dimension d >= 1 of x and y (default 8).")
    int dim = MiExperiment.DEFAULT_DIMENSION;

    @Option(names = "--rho", paramLabel = "R", description = "Correlation rho of each coordinate pair, in (-1, 1)"
            + " (default 0.8).")
    double rho = MiExperiment.DEFAULT_RHO;

    @Option(names = "--batch-sizes", paramLabel = "N", split = ",",
            description = "Batch sizes N >= 2, comma-separated (default 16,64,256,1024).")
    int[] batch = {16, 64, 256, 1024};

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1).")
    long seed = MiExperiment.DEFAULT_SEED;

    @Option(names = "--steps", paramLabel = "T", description = "Adam steps per batch size (default 200).")
    int steps = MiExperiment.DEFAULT_STEPS;

    @Option(names = "--learning-rate", paramLabel = "LR",
            description = "Adam's initial step size, cosine-decayed to 1%% of it (default 0.1).")
    double learningRate = MiExperiment.DEFAULT_LEARNING_RATE;

    @Option(names = "--eval-samples", paramLabel = "M",
            description = "Held-out pairs per batch size, in whole batches, at least 4 (default 16384).")
    int evalSamples = MiExperiment.DEFAULT_EVAL_SAMPLES;

    @Option(names = "--out", paramLabel = "DIR", description = "Write DIR/result.json (DIR created if needed).")
    Path out;

    @Override
    public Integer call() throws IOException {
        MiExperiment.Builder b = MiExperiment.builder();
        Options.set("--dim", dim, b::dimension);
        Options.set("--rho", rho, b::rho);
        Options.set("--batch-sizes", batch, b::batchSizes);
        Options.set("--seed", seed, b::seed);
        Options.set("--steps", steps, b::steps);
        Options.set("--learning-rate", learningRate, b::learningRate);
        Options.set("--eval-samples", evalSamples, b::evalSamples);
        MiExperiment experiment = Options.check(null, b::build);
        if (out != null) {
            OutputDir.prepare("--out", out, "result.json"); // fail before the work, not after
        }
        List<MiExperiment.Row> rows = experiment.run(ExperimentCommand.progress(spec));

        ObjectNode json = Output.object();
        json.put("experiment", "mi");
        ObjectNode config = json.putObject("config");
        config.put("dim", experiment.dimension());
        config.put("rho", experiment.rho());
        ArrayNode sizes = config.putArray("batch");
        for (int n : experiment.batchSizes()) {
            sizes.add(n);
        }
        config.put("seed", experiment.seed());
        config.put("steps", experiment.steps());
        config.put("learning_rate", experiment.learningRate());
        config.put("eval_samples", experiment.evalSamples());
        config.put("critic", "f(x,y) = x^T W y + y^T U y; InfoNCE, dot similarity, tau = 1; Adam");
        ArrayNode array = json.putArray("rows");
        ExperimentCommand.Columns table = new ExperimentCommand.Columns("N", "true I", "estimate", "± s.e.", "log N",
                "optimal critic", "steps", "seconds");
        for (MiExperiment.Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("n", r.n());
            o.put("true_mi", r.trueMi());
            o.put("estimate", r.estimate());
            o.put("standard_error", r.standardError());
            o.put("log_n", r.logN());
            o.put("oracle_estimate", r.oracleEstimate());
            o.put("train_steps", r.trainSteps());
            o.put("eval_batches", r.evalBatches());
            o.put("seconds", r.seconds());
            table.row(r.n(), ExperimentCommand.fixed(r.trueMi(), 3), ExperimentCommand.fixed(r.estimate(), 3),
                    ExperimentCommand.fixed(r.standardError(), 3), ExperimentCommand.fixed(r.logN(), 3),
                    ExperimentCommand.fixed(r.oracleEstimate(), 3), r.trainSteps(),
                    ExperimentCommand.fixed(r.seconds(), 1));
        }
        ExperimentCommand.report(spec, "InfoNCE bound on correlated Gaussians: d = " + experiment.dimension()
                + ", rho = " + Output.number(experiment.rho()) + " (nats)", table, json, out);
        return 0;
    }
}
