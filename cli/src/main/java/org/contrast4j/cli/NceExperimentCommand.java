package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.contrast4j.experiment.NceExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contrast4j experiment nce}: the NCE family learning a known categorical distribution. */
@Command(name = "nce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Learns a known categorical distribution p(c) ∝ 1/(c+1)^a over V classes (one context, free"
                + " logits s(c)) from M samples with the full softmax, NCE, negative sampling and sampled softmax, and"
                + " reports per (objective, noise, k) KL(p || softmax(s)), log Z = log sum_c exp(s(c)) and the wall"
                + " time.",
            "Noise: unigram = the data's add-one-smoothed unigram estimate (good); uniform; reversed_zipf = p with"
                + " the ranks reversed (far from the data). Each data sample gets its k noise samples once (with"
                + " replacement); logits start at -log V; Adam (beta2 = 0.99) on mini-batches, the step size"
                + " cosine-decayed to 1%%; the library's FullSoftmax, Nce (log Z fixed at 0), NegativeSampling and"
                + " SampledSoftmax (accidental hits removed) with their defaults."},
        footer = {"",
            "What to look for: NCE's KL falls as k grows and the unigram/reversed_zipf gap shrinks with k; NCE's log"
                + " Z stays near 0. Negative sampling learns s(c) = log p(c) - log(k q(c)) (Levy & Goldberg 2014), so"
                + " its KL is small only with uniform noise and its log Z is log sum p/(k q); the 'predicted' columns"
                + " give that limit (and 0 for NCE). The full softmax is the maximum-likelihood baseline,"
                + " KL ≈ (V-1)/(2M).",
            "",
            "result.json: {experiment, config, rows: [{objective, noise, k, kl, log_z,",
            "  seconds, predicted_kl, predicted_log_z}]}. The full softmax has noise",
            "  \"none\" and k 0; predicted_* are null where there is no closed form",
            "  (sampled softmax, full softmax).",
            "",
            "Defaults (V = 1000, a = 1, M = 100000, k = 1,5,25,100, 5 epochs, batches of 1000, learning rate 0.2) take"
                + " about a minute on two idle cores; the full softmax's large share is its O(B·V) cost per step.",
            "",
            "Example:",
            "  contrast4j experiment nce --num-classes 1000 --k 1,5,25,100 \\",
            "      --num-samples 100000 --out nce-run"})
final class NceExperimentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--num-classes", paramLabel = "V", description = "Number of classes V >= 2 (default 1000).")
    int classes = NceExperiment.DEFAULT_CLASSES;

    @Option(names = "--k", paramLabel = "K", split = ",",
            description = "Noise samples per data sample, distinct values >= 1, comma-separated (default 1,5,25,100).")
    int[] k = {1, 5, 25, 100};

    @Option(names = "--num-samples", paramLabel = "M", description = "Data samples M >= 1 (default 100000).")
    int samples = NceExperiment.DEFAULT_SAMPLES;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1).")
    long seed = NceExperiment.DEFAULT_SEED;

    @Option(names = "--zipf", paramLabel = "A", description = "Exponent a >= 0 of p(c) ∝ 1/(c+1)^a (default 1).")
    double zipf = NceExperiment.DEFAULT_ZIPF_EXPONENT;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data (default 5).")
    int epochs = NceExperiment.DEFAULT_EPOCHS;

    @Option(names = "--batch-size", paramLabel = "B", description = "Data samples per mini-batch (default 1000).")
    int batchSize = NceExperiment.DEFAULT_BATCH_SIZE;

    @Option(names = "--learning-rate", paramLabel = "LR",
            description = "Adam's initial step size, cosine-decayed to 1%% of it (default 0.2).")
    double learningRate = NceExperiment.DEFAULT_LEARNING_RATE;

    @Option(names = "--threads", paramLabel = "T",
            description = "Runs trained at once (default 1); the numbers do not depend on it.")
    int threads = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "Write DIR/result.json (DIR created if needed).")
    Path out;

    @Override
    public Integer call() throws IOException {
        NceExperiment.Builder b = NceExperiment.builder();
        Options.set("--num-classes", classes, b::classes);
        Options.set("--k", k, b::ks);
        Options.set("--num-samples", samples, b::samples);
        Options.set("--seed", seed, b::seed);
        Options.set("--zipf", zipf, b::zipfExponent);
        Options.set("--epochs", epochs, b::epochs);
        Options.set("--batch-size", batchSize, b::batchSize);
        Options.set("--learning-rate", learningRate, b::learningRate);
        Options.set("--threads", threads, b::threads);
        NceExperiment experiment = Options.check(null, b::build);
        if (out != null) {
            OutputDir.prepare("--out", out, "result.json"); // fail before the work, not after
        }
        List<NceExperiment.Row> rows = experiment.run(ExperimentCommand.progress(spec));

        ObjectNode json = Output.object();
        json.put("experiment", "nce");
        ObjectNode config = json.putObject("config");
        config.put("classes", experiment.classes());
        config.put("zipf_exponent", experiment.zipfExponent());
        ArrayNode ks = config.putArray("k");
        for (int v : experiment.ks()) {
            ks.add(v);
        }
        config.put("samples", experiment.samples());
        config.put("seed", experiment.seed());
        config.put("epochs", experiment.epochs());
        config.put("batch_size", experiment.batchSize());
        config.put("learning_rate", experiment.learningRate());
        config.put("initial_logit", experiment.initialLogit());
        config.put("threads", experiment.threads());
        ArrayNode array = json.putArray("rows");
        ExperimentCommand.Columns table = new ExperimentCommand.Columns("objective", "noise", "k", "KL", "log Z",
                "predicted KL", "predicted log Z", "seconds");
        for (NceExperiment.Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("objective", r.objective().key());
            o.put("noise", r.noise().key());
            o.put("k", r.k());
            o.put("kl", r.kl());
            o.put("log_z", r.logZ());
            o.put("seconds", r.seconds());
            putOrNull(o, "predicted_kl", r.predictedKl());
            putOrNull(o, "predicted_log_z", r.predictedLogZ());
            table.row(r.objective().key(), r.noise().key(), r.k() == 0 ? "-" : r.k(),
                    ExperimentCommand.fixed(r.kl(), 4), ExperimentCommand.fixed(r.logZ(), 3),
                    orDash(r.predictedKl(), 4), orDash(r.predictedLogZ(), 3), ExperimentCommand.fixed(r.seconds(), 1));
        }
        ExperimentCommand.report(spec, "NCE family on a Zipf(" + Output.number(experiment.zipfExponent())
                + ") distribution over V = " + experiment.classes() + " classes, M = " + experiment.samples()
                + " samples (KL and log Z in nats)", table, json, out);
        return 0;
    }

    private static void putOrNull(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static String orDash(double v, int digits) {
        return Double.isNaN(v) ? "-" : ExperimentCommand.fixed(v, digits);
    }
}
