package org.contrast4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.djl.data.Idx;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.djl.train.Objective;
import org.contrast4j.djl.train.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j demo}: contrastive learning on an embedded Fashion-MNIST slice (5,000 training and 1,000 test
 * images, MIT licence, Zalando Research), about two minutes on two cores. Trains an MLP with a compact 8-dimensional
 * output and a projection head with NT-Xent at τ = 0.1 (the main run), at τ = 0.05, 0.2 and 1.0 (the temperature
 * sweep), and with alignment only (collapse); evaluates the untrained encoder and raw pixels as baselines; prints a
 * table and writes {@code summary.json}, {@code history.json} and {@code report.html}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = DemoRetrievalCommand.class,
        description = {"Trains small contrastive image encoders on an embedded Fashion-MNIST slice (5,000 training,"
                + " 1,000 test images) and shows what the losses do: NT-Xent vs the untrained encoder and raw pixels,"
                + " alignment alone (collapse), and the temperature's effect on hardness.",
            "Writes summary.json, history.json and report.html (self-contained, open it in a browser) into --out."},
        footer = {"", "The full data set: contrast4j train images --help",
            "Text retrieval on Bible verses: contrast4j demo retrieval --help"})
final class DemoCommand implements Callable<Integer> {
    /** The main run's name. */
    static final String MAIN = "ntxent-t0.1";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out/demo).")
    Path out = Path.of("out", "demo");

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per trained run (default: 10).")
    int epochs = 10;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every run (default: 1).")
    long seed = 1;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads (default: 1; small tensors run faster on one thread, see the README).")
    int threads = 1;

    @Option(names = "--no-progress", description = "No progress bars (the epoch lines stay; bars are drawn only when"
            + " stderr is a terminal).")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        ImageRuns.threads(threads);
        if (epochs < 1) {
            throw new InputException("--epochs must be >= 1, was " + epochs);
        }
        OutputDir.prepare("--out", out, ImageRuns.OUTPUTS);
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        LabeledImages train = embedded("train");
        LabeledImages test = embedded("t10k");
        TrainingConfig base = config(epochs, seed);
        List<RunSummary> runs = new ArrayList<>();
        List<RunSummary> sweep = new ArrayList<>();
        RunSummary untrained = null;
        for (double tau : new double[] {0.1, 0.05, 0.2, 1.0}) {
            String name = String.format(Locale.ROOT, "ntxent-t%s", tau == 1.0 ? "1" : Double.toString(tau));
            TrainingConfig c = base.toBuilder().temperature(tau).build();
            ImageTrainerRun r = run(name, c, train, test, err);
            if (tau == 0.1) {
                runs.add(r.summary);
                untrained = r.untrained;
            } else {
                sweep.add(r.summary);
            }
        }
        runs.addAll(sweep);
        runs.add(run("alignment-only", base.toBuilder().objective(Objective.ALIGNMENT_ONLY).build(), train, test,
                err).summary);
        runs.add(untrained);
        runs.add(ImageRuns.rawPixels(train, test, base, false, err));
        PrintWriter o = spec.commandLine().getOut();
        ImageRuns.table(o, runs);
        double seconds = (System.nanoTime() - start) / 1e9;
        String settings = String.format(Locale.ROOT, "Fashion-MNIST slice embedded in the command line: %d training "
                        + "and %d test images (Xiao, Rasul &amp; Vollgraf 2017, MIT licence, Zalando Research). "
                        + "Encoder: MLP 784→%d→%d→<b>%d</b> (the representation evaluated), projection head "
                        + "%d→%d→%d (the space the loss acts on); two SimCLR views per image (random resized crop, "
                        + "flip, shift, noise, erasing); batches of %d images (%d views), Adam learning rate %s, %s, seed "
                        + "%d. kNN: k = %d, cosine, test images against the training images; linear probe: "
                        + "multinomial logistic regression, %d full-batch Adam steps on standardised features. Total "
                        + "wall time %.0f s.", train.size(), test.size(), base.hiddenDim(), base.hiddenDim(),
                base.embeddingDim(), base.embeddingDim(), base.headHiddenDim(), base.projectionDim(),
                base.batchSize(), 2 * base.batchSize(), Output.number(base.learningRate()),
                Charts.count(base.epochs(), "epoch"), base.seed(),
                base.knnK(), base.probeSteps(), seconds);
        ImageRuns.write(out, runs, new Report("contrast4j demo: contrastive learning on Fashion-MNIST", settings,
                MAIN, test.size()));
        o.println();
        o.println(String.format(Locale.ROOT, "%.0f s; wrote %s, %s and %s", seconds, out.resolve("summary.json"),
                out.resolve("history.json"), out.resolve("report.html")));
        o.flush();
        return 0;
    }

    /** The demo's fixed settings: a compact 8-d MLP embedding (see the README for why). */
    static TrainingConfig config(int epochs, long seed) {
        return TrainingConfig.builder().embeddingDim(8).hiddenDim(256).headHiddenDim(64).projectionDim(16)
                .batchSize(256).learningRate(1e-3).epochs(epochs).seed(seed).build();
    }

    private record ImageTrainerRun(RunSummary summary, RunSummary untrained) {
    }

    private ImageTrainerRun run(String name, TrainingConfig c, LabeledImages train, LabeledImages test,
                                PrintWriter err) {
        try (ImageRuns.Progress progress = ImageRuns.progress(name, (long) c.epochs() * (train.size()
                / c.batchSize()), noProgress, err)) {
            var result = new org.contrast4j.djl.train.ImageTrainer(c, train, test).train(null, progress);
            return new ImageTrainerRun(ImageRuns.summary(name, result), ImageRuns.untrained(result));
        }
    }

    /** The embedded slice ({@code /demo/PREFIX-images-idx3-ubyte.gz} and labels on the class path). */
    static LabeledImages embedded(String prefix) throws IOException {
        String images = "/demo/" + prefix + "-images-idx3-ubyte.gz";
        String labels = "/demo/" + prefix + "-labels-idx1-ubyte.gz";
        try (InputStream im = DemoCommand.class.getResourceAsStream(images);
             InputStream lb = DemoCommand.class.getResourceAsStream(labels)) {
            if (im == null || lb == null) {
                throw new IllegalStateException("the embedded demo data " + images + " / " + labels
                        + " is missing from the class path");
            }
            return Idx.read(im, images, lb, labels);
        }
    }
}
