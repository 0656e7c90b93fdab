package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.djl.train.Baselines;
import org.contrast4j.djl.train.EpochRecord;
import org.contrast4j.djl.train.Evaluation;
import org.contrast4j.djl.train.TrainingConfig;
import org.contrast4j.djl.train.TrainingListener;
import org.contrast4j.djl.train.TrainingResult;
import org.contrast4j.io.AtomicFiles;

/** What {@code demo} and {@code train images} share: engine threads, runs with progress bars, outputs. */
final class ImageRuns {
    /** Images the raw-pixel baseline and kNN see per image (28×28). */
    static final int PIXELS = 28 * 28;

    private ImageRuns() {
    }

    /**
     * Sets PyTorch's intra- and inter-op thread counts unless the user set the DJL properties. Must run before the
     * engine starts (the first NDArray); later calls have no effect on a running engine.
     */
    static void threads(int n) {
        if (n < 1) {
            throw new InputException("--threads must be >= 1, was " + n);
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.setProperty("java.awt.headless", "true");
    }

    /** The files an image run writes into its output directory (see {@link #write}). */
    static final String[] OUTPUTS = {"summary.json", "history.json", "report.html"};

    /** {@link #OUTPUTS} and {@code more}. */
    static String[] outputsAnd(String... more) {
        String[] all = java.util.Arrays.copyOf(OUTPUTS, OUTPUTS.length + more.length);
        System.arraycopy(more, 0, all, OUTPUTS.length, more.length);
        return all;
    }

    /** Number of classes of Fashion-MNIST (labels 0…9). */
    static final int CLASSES = org.contrast4j.djl.data.FashionMnist.CLASS_NAMES.size();

    /**
     * Refuses labels outside 0…9: the data are read as Fashion-MNIST, and a label the other set never has would
     * train silently to a kNN accuracy of 0.
     */
    static void checkLabels(String what, LabeledImages set) {
        for (int i = 0; i < set.size(); i++) {
            if (set.label(i) >= CLASSES) {
                throw new InputException(what + ": image " + i + " has label " + set.label(i) + ", outside 0…"
                        + (CLASSES - 1) + " (Fashion-MNIST's " + CLASSES + " classes)");
            }
        }
    }

    /** The settings of a run in words, for a report; {@code augmentation} describes the views. */
    static String describe(TrainingConfig c, String augmentation) {
        return String.format(Locale.ROOT, "Encoder %s %d→%d→%d, projection head %d→%d→%d; objective %s%s; %d epoch%s "
                        + "of batches of %d images (%d views)%s, Adam learning rate %s, seed %d. Augmentation: %s. "
                        + "kNN k = %d; linear probe %d Adam steps.", c.encoder().key(), PIXELS, c.hiddenDim(),
                c.embeddingDim(), c.embeddingDim(), c.headHiddenDim(), c.projectionDim(), c.objective().key(),
                c.objective().usesTemperature() ? " at τ = " + Output.number(c.temperature())
                        + (c.learnableTemperature() ? " (learnable)" : "") : "", c.epochs(), c.epochs() == 1 ? ""
                        : "s", c.batchSize(), 2 * c.batchSize(), c.chunkSize() > 0 ? ", encoded " + c.chunkSize()
                        + " at a time" : "", Output.number(c.learningRate()), c.seed(), augmentation, c.knnK(),
                c.probeSteps());
    }

    /** Progress of a training run: a bar on a terminal, plain epoch lines otherwise. */
    interface Progress extends TrainingListener, AutoCloseable {
        @Override
        void close();
    }

    /**
     * A bar over the run's steps when stderr is a terminal and bars are not turned off ({@code noBars}); the line
     * "NAME epoch E/N: loss L, kNN A, S s" after each epoch otherwise (a log gets no carriage returns).
     */
    static Progress progress(String name, long steps, boolean noBars, PrintWriter err) {
        return !noBars && Terminal.stderr() ? new Bar(name, steps) : new Lines(name, err);
    }

    /** One line per finished epoch. */
    static final class Lines implements Progress {
        private final String name;
        private final PrintWriter err;
        private int last;

        Lines(String name, PrintWriter err) {
            this.name = name;
            this.err = err;
        }

        @Override
        public void started(int firstEpoch, int lastEpoch, int stepsPerEpoch) {
            last = lastEpoch;
        }

        @Override
        public void epochFinished(EpochRecord r) {
            if (r.epoch() == 0) {
                err.printf(Locale.ROOT, "%s untrained: kNN %.3f%n", name, r.evaluation().knnAccuracy());
            } else {
                err.printf(Locale.ROOT, "%s epoch %d/%d: loss %.4f, kNN %.3f, %.1f s%n", name, r.epoch(), last,
                        r.loss(), r.evaluation().knnAccuracy(), r.seconds());
            }
            err.flush();
        }

        @Override
        public void close() {
        }
    }

    static RunSummary summary(String name, TrainingResult r) {
        TrainingConfig c = r.config();
        return new RunSummary(name, c.objective().key(), c.objective().usesTemperature() ? r.last().temperature()
                : null, c.embeddingDim(), r.last().evaluation(), r.seconds(), r.history(), r.headOutputs());
    }

    /** The untrained encoder: epoch 0 of a run (same architecture and seed, no training). */
    static RunSummary untrained(TrainingResult r) {
        EpochRecord zero = r.untrained();
        return new RunSummary("untrained", null, null, r.config().embeddingDim(), zero.evaluation(), zero.seconds(),
                List.of(zero), null);
    }

    static RunSummary rawPixels(LabeledImages train, LabeledImages test, TrainingConfig config, boolean quiet,
                                PrintWriter err) {
        if (!quiet) { // a plain line: the baseline has no bar
            err.println("raw-pixels baseline: kNN, linear probe and geometry on the " + PIXELS + " pixels…");
            err.flush();
        }
        return rawPixels(train, test, config);
    }

    /** The raw-pixel baseline, timed. Thread-safe: it shares no state with a training run. */
    static RunSummary rawPixels(LabeledImages train, LabeledImages test, TrainingConfig config) {
        long t = System.nanoTime();
        Evaluation e = Baselines.rawPixels(train, test, config);
        return new RunSummary("raw-pixels", null, null, train.pixelsPerImage(), e, (System.nanoTime() - t) / 1e9,
                List.of(), null);
    }

    /** Prints the summary table. */
    static void table(PrintWriter out, List<RunSummary> runs) {
        String head = String.format(Locale.ROOT, "%-16s %-15s %6s %4s %6s %6s %6s %7s %6s %8s %7s", "run", "objective",
                "tau", "dim", "kNN", "probe", "align", "unif", "erank", "eff.neg", "seconds");
        out.println(head);
        out.println("-".repeat(head.length()));
        for (RunSummary s : runs) {
            Evaluation e = s.evaluation();
            out.println(String.format(Locale.ROOT, "%-16s %-15s %6s %4d %6.3f %6.3f %6s %7s %6.2f %8.1f %7.1f",
                    s.name(), s.objective() == null ? "-" : s.objective(),
                    s.temperature() == null ? "-" : Charts.compact(s.temperature(), 3),
                    s.embeddingDim(), e.knnAccuracy(), e.linearProbeAccuracy(), Charts.fixed(e.alignment(), 3),
                    Charts.fixed(e.uniformity(), 3), e.effectiveRank(), e.effectiveNegatives(), s.seconds()));
        }
        out.flush();
    }

    /** Writes summary.json, history.json and report.html into {@code dir}. */
    static void write(Path dir, List<RunSummary> runs, Report report) throws IOException {
        ArrayNode summary = Output.JSON.createArrayNode();
        ArrayNode history = Output.JSON.createArrayNode();
        for (RunSummary s : runs) {
            summary.add(s.json());
            if (!s.history().isEmpty()) {
                history.add(s.historyJson());
            }
        }
        byte[] a = (Output.JSON.writeValueAsString(summary) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] b = (Output.JSON.writeValueAsString(history) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve("summary.json"), out -> out.write(a));
        AtomicFiles.write(dir.resolve("history.json"), out -> out.write(b));
        byte[] html = report.html(runs).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve("report.html"), out -> out.write(html));
    }


    /** A progress bar over a run's training steps; the message shows the last loss and the latest kNN accuracy. */
    static final class Bar implements Progress {
        private final ProgressBar bar;
        private String knn = "";

        Bar(String name, long steps) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "%-14s", name))
                    .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .setMaxRenderedLength(100).build();
        }

        @Override
        public void started(int firstEpoch, int lastEpoch, int stepsPerEpoch) {
            bar.stepTo((long) (firstEpoch - 1) * stepsPerEpoch);
        }

        @Override
        public void step(int epoch, int step, double loss) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "ep %d loss %.3f%s", epoch, loss, knn));
        }

        @Override
        public void evaluating(int epoch) {
            bar.setExtraMessage(String.format(Locale.ROOT, "ep %d eval%s", epoch, knn));
        }

        @Override
        public void epochFinished(EpochRecord record) {
            knn = String.format(Locale.ROOT, " kNN %.3f", record.evaluation().knnAccuracy());
            bar.setExtraMessage(String.format(Locale.ROOT, "ep %d%s", record.epoch(), knn));
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
