package org.contrast4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.djl.data.FashionMnist;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.djl.data.SimClrAugment;
import org.contrast4j.djl.train.EncoderKind;
import org.contrast4j.djl.train.ImageTrainer;
import org.contrast4j.djl.train.Objective;
import org.contrast4j.djl.train.TrainingConfig;
import org.contrast4j.djl.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrast4j train images}: the contrastive image trainer on Fashion-MNIST (or any IDX data set laid out the
 * same way), every option of {@link TrainingConfig}, checkpoints after every epoch and {@code --resume}.
 */
@Command(name = "images", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an image encoder with a contrastive objective on Fashion-MNIST IDX files (SimCLR-style"
                + " two-view training), evaluates it after every epoch (kNN and linear probe on the encoder output;"
                + " alignment, uniformity, effective rank and hardness on the head output), and compares it with the"
                + " untrained encoder and raw pixels.",
            "Writes into --out: checkpoint.bin (after every epoch, atomically), summary.json, history.json and"
                + " report.html. --resume continues from checkpoint.bin with the same options (more --epochs allowed)."},
        footer = {"", "Data: apt-get install dataset-fashion-mnist (installs " + "/usr/share/datasets/fashion-mnist).",
            "", "Example:", "  contrast4j train images --epochs 20 --embedding-dim 16 --out out/fmnist"})
final class TrainImagesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with train-/t10k-images-idx3-ubyte[.gz] "
            + "and -labels-idx1-ubyte[.gz] (default: /usr/share/datasets/fashion-mnist).")
    Path data = FashionMnist.DEFAULT_DIRECTORY;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out/train-images).")
    Path out = Path.of("out", "train-images");

    @Option(names = "--resume", description = "Continue the run saved in OUT/checkpoint.bin.")
    boolean resume;

    @Option(names = "--objective", paramLabel = "NAME",
            description = "ntxent, supcon, dcl, align-uniform or alignment-only (default: ntxent).")
    String objective = "ntxent";

    @Option(names = "--temperature", paramLabel = "T", description = "τ in [0.001, 10] (default: 0.1).")
    double temperature = 0.1;

    @Option(names = "--learnable-temperature", description = "Learn log τ with Adam (ntxent, supcon, dcl).")
    boolean learnableTemperature;

    @Option(names = "--encoder", paramLabel = "NAME", description = "mlp or cnn (default: mlp).")
    String encoder = "mlp";

    @Option(names = "--hidden-dim", paramLabel = "N", description = "Encoder hidden width (default: 256).")
    int hiddenDim = 256;

    @Option(names = "--embedding-dim", paramLabel = "N",
            description = "Encoder output dimension, the representation evaluated (default: 16).")
    int embeddingDim = 16;

    @Option(names = "--head-hidden-dim", paramLabel = "N", description = "Projection head hidden width (default: 64).")
    int headHiddenDim = 64;

    @Option(names = "--projection-dim", paramLabel = "N",
            description = "Projection head output dimension, where the loss acts (default: 16).")
    int projectionDim = 16;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 10).")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per step, two views each (default: 256).")
    int batchSize = 256;

    @Option(names = "--chunk-size", paramLabel = "N",
            description = "Images encoded at once by the GradCache bridge (default: 0 = the whole batch).")
    int chunkSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate (default: 0.001).")
    double learningRate = 1e-3;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: 1).")
    long seed = 1;

    @Option(names = "--knn-k", paramLabel = "K", description = "k of the kNN evaluation (default: 20).")
    int knnK = 20;

    @Option(names = "--probe-steps", paramLabel = "N", description = "Linear-probe Adam steps (default: 300).")
    int probeSteps = 300;

    @Option(names = "--crop-scale-min", paramLabel = "S",
            description = "Smallest random-crop area fraction (default: 0.35).")
    double cropScaleMin = 0.35;

    @Option(names = "--flip-probability", paramLabel = "P", description = "Horizontal flip probability (default: 0.5).")
    double flipProbability = 0.5;

    @Option(names = "--max-shift", paramLabel = "PX", description = "Largest translation in pixels (default: 2).")
    int maxShift = 2;

    @Option(names = "--noise-std", paramLabel = "S", description = "Gaussian noise std (default: 0.05).")
    double noiseStd = 0.05;

    @Option(names = "--erase-probability", paramLabel = "P", description = "Random erasing probability (default: 0.25).")
    double eraseProbability = 0.25;

    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images.")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Use only the first N test images.")
    Integer testLimit;

    @Option(names = "--no-baselines", description = "Skip the raw-pixel baseline.")
    boolean noBaselines;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch threads (default: 1).")
    int threads = 1;

    @Option(names = "--no-progress", description = "No progress bar (the epoch lines stay; bars are drawn only when"
            + " stderr is a terminal).")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        ImageRuns.threads(threads);
        TrainingConfig config = config();
        positive("--train-limit", trainLimit);
        positive("--test-limit", testLimit);
        Path checkpoint = out.resolve(OutputDir.CHECKPOINT);
        if (resume && !Files.isRegularFile(checkpoint)) {
            throw new InputException("--resume: no checkpoint at " + checkpoint);
        }
        LabeledImages train = limit(load(FashionMnist.Split.TRAIN), trainLimit);
        LabeledImages test = limit(load(FashionMnist.Split.TEST), testLimit);
        // the data against the settings, and the checkpoint against both, before anything is written
        ImageTrainer trainer = Options.check("--data " + data, () -> new ImageTrainer(config, train, test));
        if (resume) {
            int done;
            try {
                done = trainer.checkResume(checkpoint);
            } catch (IllegalArgumentException e) {
                // "hiddenDim is 8 now, the checkpoint has 4" → "--hidden-dim is 8 now, …"
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<=: |; )([a-z][A-Za-z]*) is ")
                        .matcher(e.getMessage());
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(Options.option(m.group(1))
                            + " is "));
                }
                m.appendTail(sb);
                throw new InputException("--resume: " + sb, e);
            }
            if (done > config.epochs()) {
                throw new InputException("--resume: " + checkpoint + " has " + done + " epochs done, more than --epochs "
                        + config.epochs() + " (ask for " + done + " or more)");
            }
            OutputDir.prepare("--out", out, ImageRuns.OUTPUTS);
        } else {
            OutputDir.prepare("--out", out, ImageRuns.outputsAnd(OutputDir.CHECKPOINT));
        }
        PrintWriter err = spec.commandLine().getErr();
        String name = config.objective().key() + (config.objective().usesTemperature()
                ? "-t" + stripZeros(config.temperature()) : "");
        long start = System.nanoTime();
        TrainingResult result;
        try (ImageRuns.Progress progress = ImageRuns.progress(name, (long) config.epochs()
                * (train.size() / config.batchSize()), noProgress, err)) {
            result = resume ? trainer.resume(checkpoint, progress) : trainer.train(checkpoint, progress);
        } catch (IllegalStateException e) {
            // a diverged run is the settings' fault (the message says which to change); anything else is a defect
            if (e.getMessage() != null && e.getMessage().contains(" objective became ")) {
                throw new InputException(e.getMessage(), e);
            }
            throw e;
        }
        List<RunSummary> runs = new ArrayList<>();
        runs.add(ImageRuns.summary(name, result));
        runs.add(ImageRuns.untrained(result));
        if (!noBaselines) {
            runs.add(ImageRuns.rawPixels(train, test, config, false, err));
        }
        PrintWriter o = spec.commandLine().getOut();
        ImageRuns.table(o, runs);
        String settings = String.format(Locale.ROOT, "%s: %d training and %d test images. %s Wall time of this "
                        + "command %.0f s.", Report.esc(data.toString()), train.size(), test.size(),
                Report.esc(ImageRuns.describe(config, String.format(Locale.ROOT, "random resized crop (area ≥ %s),"
                        + " flip p = %s, shift ≤ %d px, noise σ = %s, erasing p = %s", Output.number(cropScaleMin),
                        Output.number(flipProbability), maxShift, Output.number(noiseStd),
                        Output.number(eraseProbability)))), (System.nanoTime() - start) / 1e9);
        ImageRuns.write(out, runs, new Report("contrast4j train images: " + name, settings, name, test.size()));
        o.println();
        o.println("wrote " + out.resolve("summary.json") + ", " + out.resolve("history.json") + ", "
                + out.resolve("report.html") + " and " + checkpoint);
        o.flush();
        return 0;
    }

    private LabeledImages load(FashionMnist.Split split) {
        LabeledImages set = Options.check("--data", () -> FashionMnist.load(data, split));
        ImageRuns.checkLabels("--data " + data + " (" + split.name().toLowerCase(Locale.ROOT) + ")", set);
        return set;
    }

    private static void positive(String option, Integer v) {
        if (v != null && v < 1) {
            throw new InputException(option + " must be >= 1, was " + v);
        }
    }

    private static String stripZeros(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private TrainingConfig config() {
        SimClrAugment.Builder a = SimClrAugment.builder(FashionMnist.SIDE, FashionMnist.SIDE);
        Options.set("--crop-scale-min", cropScaleMin, a::cropScaleMin);
        Options.set("--flip-probability", flipProbability, a::flipProbability);
        Options.set("--max-shift", maxShift, a::maxShift);
        Options.set("--noise-std", noiseStd, a::noiseStd);
        Options.set("--erase-probability", eraseProbability, a::eraseProbability);
        TrainingConfig.Builder b = TrainingConfig.builder();
        Options.set("--objective", objective, v -> b.objective(Objective.of(v)));
        Options.set("--temperature", temperature, b::temperature);
        Options.set("--encoder", encoder, v -> b.encoder(EncoderKind.of(v)));
        Options.set("--hidden-dim", hiddenDim, b::hiddenDim);
        Options.set("--embedding-dim", embeddingDim, b::embeddingDim);
        Options.set("--head-hidden-dim", headHiddenDim, b::headHiddenDim);
        Options.set("--projection-dim", projectionDim, b::projectionDim);
        Options.set("--epochs", epochs, b::epochs);
        Options.set("--batch-size", batchSize, b::batchSize);
        Options.set("--chunk-size", chunkSize, b::chunkSize);
        Options.set("--learning-rate", learningRate, b::learningRate);
        Options.set("--seed", seed, b::seed);
        Options.set("--knn-k", knnK, b::knnK);
        Options.set("--probe-steps", probeSteps, b::probeSteps);
        b.augment(a.build());
        if (learnableTemperature) {
            Options.set("--learnable-temperature", true, b::learnableTemperature);
        }
        return Options.check("--learnable-temperature", b::build);
    }

    private static LabeledImages limit(LabeledImages set, Integer limit) {
        return limit == null || limit >= set.size() ? set : set.slice(0, limit);
    }
}
