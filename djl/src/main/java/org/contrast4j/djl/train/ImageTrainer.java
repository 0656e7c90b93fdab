package org.contrast4j.djl.train;

import org.contrast4j.internal.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.contrast4j.djl.GradCache;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.djl.data.SimClrAugment;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.Scalar;

/**
 * SimCLR-style contrastive training of an image encoder with DJL (Chen et al. 2020): each step takes
 * {@code batchSize} training images, makes two {@link SimClrAugment augmented} views of each, runs encoder and
 * projection head on all 2·batchSize views, evaluates the {@link Objective} on the head outputs with the core losses
 * and back-propagates its gradient into the network through the embedding-gradient bridge
 * {@link GradCache} (chunks of {@link TrainingConfig#chunkSize()} images, default the whole batch; the align
 * objectives use the same scheme with core {@code AlignUniform}'s gradients), then updates
 * every parameter with Adam. A learnable temperature is
 * trained as log τ, clamped to [1e-3, 10], with the same Adam update.
 *
 * <p>Epochs visit a fresh random permutation of the training images in full batches (the last partial batch is
 * dropped, so every step has the same number of negatives). Before training (epoch 0, the untrained network) and
 * after every epoch the network is evaluated on the held-out images ({@link Evaluation}); then, when a checkpoint
 * file is given, the whole state is written to it atomically. {@link #resume} continues from that file exactly: the
 * same parameters, optimiser state and history, and the same random draws (each is seeded from the run's seed and
 * what it is for — epoch, image, view — never from a stream's position), so 1 epoch + resume for 1 more gives the
 * same network as 2 epochs in one go.
 *
 * <p>Runs on DJL's default engine (PyTorch CPU here). Not thread-safe: one run at a time per instance.
 */
public final class ImageTrainer {
    private static final double MIN_LOG_TAU = Math.log(1e-3);
    private static final double MAX_LOG_TAU = Math.log(10);

    private final TrainingConfig config;
    private final LabeledImages train;
    private final LabeledImages test;

    /**
     * A trainer for {@code config} on {@code train}, evaluated on {@code test}.
     *
     * @throws IllegalArgumentException when the data do not fit the configuration: image sizes differ between the sets
     *     or from the augmentation's, the batch is larger than the training set, k is larger than the training set,
     *     fewer than 2 test images
     */
    public ImageTrainer(TrainingConfig config, LabeledImages train, LabeledImages test) {
        this.config = Checks.notNull(config, "config");
        this.train = Checks.notNull(train, "train");
        this.test = Checks.notNull(test, "test");
        checkData(config, train, test);
        if (config.batchSize() > train.size()) {
            throw new IllegalArgumentException("batch size " + config.batchSize() + " is larger than the "
                    + train.size() + " training images");
        }
    }

    static void checkData(TrainingConfig config, LabeledImages train, LabeledImages test) {
        SimClrAugment a = config.augment();
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new IllegalArgumentException("training images are " + train.rows() + "×" + train.cols()
                    + " but test images are " + test.rows() + "×" + test.cols());
        }
        if (train.rows() != a.rows() || train.cols() != a.cols()) {
            throw new IllegalArgumentException("the images are " + train.rows() + "×" + train.cols()
                    + " but the augmentation is set up for " + a.rows() + "×" + a.cols());
        }
        if (config.knnK() > train.size()) {
            throw new IllegalArgumentException("kNN with k = " + config.knnK() + " needs at least " + config.knnK()
                    + " training images, got " + train.size());
        }
        if (test.size() < 2) {
            throw new IllegalArgumentException("the evaluation needs at least 2 test images, got " + test.size());
        }
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Trains from scratch.
     *
     * @param checkpoint file rewritten atomically after every epoch (and after the epoch-0 evaluation), or null for
     *     none; its directory must be writable (checked before anything else)
     * @param listener progress callbacks, or null
     * @throws IllegalArgumentException when the checkpoint directory is not writable
     * @throws UncheckedIOException when a checkpoint cannot be written
     * @throws IllegalStateException when the objective becomes NaN or infinite
     */
    public TrainingResult train(Path checkpoint, TrainingListener listener) {
        if (checkpoint != null) {
            checkWritable(checkpoint.toAbsolutePath().getParent());
        }
        return run(null, checkpoint, listener == null ? new TrainingListener() { } : listener);
    }

    /**
     * Continues the run saved in {@code checkpoint} up to {@link TrainingConfig#epochs()} and keeps checkpointing to
     * the same file. The configuration must equal the one that wrote the checkpoint except for the number of
     * epochs. If the checkpoint already holds that many epochs, nothing is trained and its history is returned.
     *
     * @throws IllegalArgumentException when the file is missing, corrupt, or was written with other settings
     *     (naming both), or its directory is not writable
     */
    public TrainingResult resume(Path checkpoint, TrainingListener listener) {
        Checks.notNull(checkpoint, "checkpoint");
        Checkpoint saved = Checkpoint.read(checkpoint);
        checkSameSettings(checkpoint, saved);
        checkWritable(checkpoint.toAbsolutePath().getParent());
        return run(saved, checkpoint, listener == null ? new TrainingListener() { } : listener);
    }

    /**
     * Checks that {@link #resume} can continue from {@code checkpoint} with this trainer's settings and data, without
     * training: reads the file and compares.
     *
     * @return the epochs the checkpoint holds
     * @throws IllegalArgumentException when the file is missing or corrupt, or was written with other settings or
     *     data (naming each setting that differs with both values)
     */
    public int checkResume(Path checkpoint) {
        Checks.notNull(checkpoint, "checkpoint");
        Checkpoint saved = Checkpoint.read(checkpoint);
        checkSameSettings(checkpoint, saved);
        return saved.epoch;
    }

    private void checkSameSettings(Path checkpoint, Checkpoint saved) {
        String now = fingerprint();
        if (!saved.fingerprint.equals(now)) {
            throw new IllegalArgumentException(checkpoint + ": written with other settings or data (only the epochs "
                    + "may change): " + String.join("; ", differences(saved.fingerprint, now)));
        }
    }

    private static final java.util.regex.Pattern SETTING =
            java.util.regex.Pattern.compile("(\\w+)=([^,{}]*)");

    /**
     * The settings that differ between two fingerprints ({@code name=value} pairs, as {@link TrainingConfig#toString}
     * and {@link #fingerprint} write them), each as "NAME is NOW (the checkpoint has SAVED)".
     */
    static List<String> differences(String saved, String now) {
        java.util.Map<String, String> a = settings(saved);
        java.util.Map<String, String> b = settings(now);
        List<String> diff = new ArrayList<>();
        for (var e : b.entrySet()) {
            String before = a.get(e.getKey());
            if (!e.getValue().equals(before)) {
                String name = switch (e.getKey()) {
                    case "train" -> "the training data";
                    case "test" -> "the test data";
                    default -> e.getKey();
                };
                diff.add(name + " is " + e.getValue() + " now, the checkpoint has " + (before == null ? "none"
                        : before));
            }
        }
        for (var e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                diff.add(e.getKey() + " is not set now, the checkpoint has " + e.getValue());
            }
        }
        if (diff.isEmpty()) {
            diff.add("checkpoint: " + saved + "; now: " + now);
        }
        return diff;
    }

    private static java.util.Map<String, String> settings(String fingerprint) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher x = SETTING.matcher(fingerprint);
        while (x.find()) {
            m.put(x.group(1), x.group(2).strip());
        }
        return m;
    }

    private TrainingResult run(Checkpoint saved, Path checkpointFile, TrainingListener listener) {
        long start = System.nanoTime();
        Evaluator evaluator = new Evaluator(train, test, config.augment(), config.seed(), config.knnK(),
                config.probeSteps());
        try (Model model = new Model(config, train.rows(), train.cols())) {
            Adam adam = new Adam(config.learningRate(), model.parameters);
            double logTau = Math.log(config.temperature());
            List<EpochRecord> history = new ArrayList<>();
            double before = 0;
            int first;
            if (saved != null) {
                saved.restore(model, adam, checkpointFile);
                logTau = saved.logTemperature;
                history.addAll(saved.history);
                before = history.getLast().seconds();
                first = saved.epoch + 1;
            } else {
                listener.evaluating(0);
                double tau = config.temperature();
                EpochRecord zero = new EpochRecord(0, Double.NaN, tau, seconds(start, 0),
                        evaluator.evaluate(model, tau));
                history.add(zero);
                save(checkpointFile, 0, logTau, adam, model, history);
                listener.epochFinished(zero);
                first = 1;
            }
            int steps = train.size() / config.batchSize();
            if (first <= config.epochs()) {
                listener.started(first, config.epochs(), steps);
            }
            long[] labels = train.labels();
            float[] pixels = train.allPixels();
            for (int epoch = first; epoch <= config.epochs(); epoch++) {
                int[] order = permutation(train.size(), Seeds.mix(config.seed(), Seeds.SHUFFLE, epoch));
                double lossSum = 0;
                for (int s = 0; s < steps; s++) {
                    int[] batch = java.util.Arrays.copyOfRange(order, s * config.batchSize(),
                            (s + 1) * config.batchSize());
                    double tau = Math.exp(logTau);
                    LossStep r = step(model, pixels, labels, batch, epoch, tau);
                    if (!Double.isFinite(r.value())) {
                        throw new IllegalStateException("the " + config.objective().key() + " objective became "
                                + r.value() + " at epoch " + epoch + ", step " + (s + 1)
                                + " (try a smaller learning rate or a larger temperature)");
                    }
                    adam.step();
                    if (config.learnableTemperature()) {
                        logTau = Math.clamp(adam.stepScalar(logTau, r.logTemperatureGradient()), MIN_LOG_TAU,
                                MAX_LOG_TAU);
                    }
                    lossSum += r.value();
                    listener.step(epoch, s + 1, r.value());
                }
                listener.evaluating(epoch);
                double tau = Math.exp(logTau);
                EpochRecord record = new EpochRecord(epoch, lossSum / steps, tau, seconds(start, before),
                        evaluator.evaluate(model, tau));
                history.add(record);
                save(checkpointFile, epoch, logTau, adam, model, history);
                listener.epochFinished(record);
            }
            return new TrainingResult(config, history, evaluator.lastHeadOutputs);
        }
    }

    private LossStep step(Model model, float[] pixels, long[] labels, int[] batch, int epoch, double tau) {
        int b = batch.length;
        int pix = model.rows * model.cols;
        SimClrAugment augment = config.augment();
        float[] views = new float[2 * b * pix];
        long[] batchLabels = new long[b];
        for (int i = 0; i < b; i++) {
            batchLabels[i] = labels[batch[i]];
        }
        IntStream.range(0, 2 * b).parallel().forEach(k -> {
            int view = k / b;
            int image = batch[k % b];
            augment.apply(pixels, image * pix, views, k * pix,
                    new SplittableRandom(Seeds.mix(config.seed(), Seeds.AUGMENT, epoch, image, view)));
        });
        ContrastiveLoss loss = Objectives.coreLoss(config.objective(), config.learnableTemperature(), tau);
        if (loss != null) {
            // the bridge: encode both views without gradient, core loss and ∂L/∂z, re-encode and back-propagate
            GradCache bridge = new GradCache(loss, config.chunkSize() > 0 ? config.chunkSize() : b);
            try (NDManager inputs = model.manager.newSubManager()) {
                Shape shape = new Shape(b, 1, model.rows, model.cols);
                NDArray v1 = inputs.create(java.util.Arrays.copyOfRange(views, 0, b * pix), shape);
                NDArray v2 = inputs.create(java.util.Arrays.copyOfRange(views, b * pix, 2 * b * pix), shape);
                LossResult r = bridge.step(chunk -> model.forward(chunk, true, true), v1, v2,
                        config.objective().usesLabels() ? batchLabels : null);
                return new LossStep(r.value(), null, null,
                        r.scalarGradients().getOrDefault(Scalar.LOG_TEMPERATURE, 0.0));
            }
        }
        // align objectives: the same scheme with their gradients from core's AlignUniform (Objectives.compute)
        int p = model.projectionDim;
        return EmbeddingGradients.step(model, views, 2 * b, config.chunkSize(), z -> {
            float[] zd = z.data();
            Matrix z1 = Matrix.of(b, p, java.util.Arrays.copyOfRange(zd, 0, b * p));
            Matrix z2 = Matrix.of(b, p, java.util.Arrays.copyOfRange(zd, b * p, 2 * b * p));
            LossStep r = Objectives.compute(config.objective(), false, z1, z2, batchLabels, tau);
            float[] g = new float[2 * b * p];
            System.arraycopy(r.gradView1().data(), 0, g, 0, b * p);
            System.arraycopy(r.gradView2().data(), 0, g, b * p, b * p);
            return new EmbeddingGradients.Result<>(r, Matrix.of(2 * b, p, g));
        });
    }

    private void save(Path file, int epoch, double logTau, Adam adam, Model model, List<EpochRecord> history) {
        if (file == null) {
            return;
        }
        try {
            Checkpoint.capture(fingerprint(), epoch, logTau, adam, model, history).write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file, e);
        }
    }

    /** The settings (all but the epochs) and the identity of the data, which a resumed run must share. */
    private String fingerprint() {
        return config.fingerprint() + String.format(java.util.Locale.ROOT, ", data={train=%d images crc %08x, "
                + "test=%d images crc %08x}", train.size(), train.checksum(), test.size(), test.checksum());
    }

    /**
     * Checks that files can be created in {@code dir} (creating it if needed) by creating and deleting a temporary
     * file, so a run fails before training rather than at its first checkpoint.
     *
     * @throws IllegalArgumentException naming the directory and the reason
     */
    static void checkWritable(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            Path probe = java.nio.file.Files.createTempFile(dir, ".write-check.", ".tmp");
            java.nio.file.Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("cannot write to " + dir + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /** Fisher–Yates with a generator seeded for this epoch. */
    static int[] permutation(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double seconds(long start, double before) {
        return before + (System.nanoTime() - start) / 1e9;
    }
}
