package org.contrast4j.loss;

import org.contrast4j.internal.Checks;
import java.util.Optional;
import org.contrast4j.linalg.Matrix;

/**
 * The inputs of a {@link ClassScoringLoss}, validated once: B queries h (B×D) scored against a class table W (V×D)
 * with an optional class bias b (length V), s(c|h) = h·W_c + b_c, and the target class of each query.
 *
 * <p>The sampled losses also need the k sampled ("noise") classes of each query, either <b>shared</b> by the whole
 * batch (k ids, as TF's candidate samplers draw them) or <b>paired</b> (B×k ids as one flat row-major array: ids
 * i·k … i·k+k−1 belong to query i), and the correction they subtract, log E(c) with E(c) the expected count of class
 * c among a query's samples: either derived from the noise distribution q (V probabilities, {@link Builder#noise}) as
 * E(c) = k·q(c), exact for k draws with replacement, or given by the sampler per position
 * ({@link Builder#expectedCounts}: one count per target and one per sampled id, as TF's {@code true_expected_count}
 * and {@code sampled_expected_count}, e.g. 1 − (1 − q(c))^tries for unique sampling, which depends on each draw's
 * number of tries), which take precedence. The samples are given, not drawn here, so a result is reproducible and
 * checkable; any sampler can produce them ({@code org.contrast4j.sample.ClassSamples} draws them with a
 * {@code Sampler}).
 *
 * <p>Inputs a loss does not use are ignored (the full softmax ignores samples, noise and counts; negative sampling
 * ignores noise and counts), so one batch can feed all four objectives side by side.
 *
 * <p>Sharing: the matrices and the V-long arrays (bias, noise) are wrapped, not copied (like {@link Matrix}), so
 * building a batch over a large vocabulary costs no copy of it; do not modify them while a loss computes. Targets,
 * samples and expected counts (O(B·k)) are copied.
 *
 * <p>{@link Builder#build()} rejects, with a message naming the sizes or the offending index and value: an empty
 * batch (B = 0), D = 0 or V = 0, queries and classes of different D, a bias or noise array whose length is not V,
 * missing targets or targets of the wrong length, a target or sampled id outside [0, V), k &lt; 1, a paired sample
 * array whose length is not B·k, expected counts without samples or of the wrong lengths, an expected count that is
 * not finite and &gt; 0, a negative or non-finite probability, a noise distribution
 * whose sum differs from 1 by more than {@value #NOISE_SUM_TOLERANCE} (an error, not a silent renormalisation:
 * normalise q first), and a NaN or infinite entry in the queries, the bias, or the class rows the batch names
 * (targets and samples). The rows of W that the batch does not name are not scanned here — a sampled loss never reads
 * them, and the full softmax checks every row when it computes — so building a batch costs O(B·k·D + V), not O(V·D).
 * Whether q(c) &gt; 0 at the targets and samples is checked by the loss that uses q.
 */
public final class ClassBatch {
    /** How far the noise probabilities may sum from 1. */
    public static final double NOISE_SUM_TOLERANCE = 1e-4;

    private final Matrix queries;
    private final Matrix classes;
    private final float[] bias;
    private final int[] targets;
    private final int[] samples;
    private final int samplesPerRow;
    private final boolean shared;
    private final double[] noise;
    private final double[] targetCounts;
    private final double[] sampleCounts;

    private ClassBatch(Builder b) {
        this.queries = b.queries;
        this.classes = b.classes;
        this.bias = b.bias;
        this.targets = b.targets.clone();
        this.samples = b.samples == null ? null : b.samples.clone();
        this.shared = b.samples != null && b.shared;
        this.samplesPerRow = b.samples == null ? 0 : (b.shared ? b.samples.length : b.samplesPerRow);
        this.noise = b.noise;
        this.targetCounts = b.targetCounts == null ? null : b.targetCounts.clone();
        this.sampleCounts = b.sampleCounts == null ? null : b.sampleCounts.clone();
    }

    /** Starts a batch of B queries (B×D) against V classes (V×D). */
    public static Builder builder(Matrix queries, Matrix classes) {
        return new Builder(queries, classes);
    }

    /** A batch for the full softmax: queries, classes and targets, no bias. */
    public static ClassBatch of(Matrix queries, Matrix classes, int[] targets) {
        return builder(queries, classes).targets(targets).build();
    }

    /** The B×D queries h. */
    public Matrix queries() {
        return queries;
    }

    /** The V×D class table W. */
    public Matrix classes() {
        return classes;
    }

    /** The class bias b (length V, not a copy), if given. */
    public Optional<float[]> bias() {
        return Optional.ofNullable(bias);
    }

    /** A copy of the B target class ids. */
    public int[] targets() {
        return targets.clone();
    }

    /**
     * A copy of the sampled class ids, if given: k ids when {@link #sharedSamples()}, else B·k ids, row-major (ids
     * i·k … i·k+k−1 are query i's).
     */
    public Optional<int[]> samples() {
        return Optional.ofNullable(samples).map(int[]::clone);
    }

    /** k, the sampled classes per query; 0 when no samples were given. */
    public int samplesPerRow() {
        return samplesPerRow;
    }

    /** Whether the samples are shared by every query (false when paired or absent). */
    public boolean sharedSamples() {
        return shared;
    }

    /** The noise distribution q (length V, not a copy), if given. */
    public Optional<double[]> noise() {
        return Optional.ofNullable(noise);
    }

    /** A copy of the expected count of each query's target (B), if expected counts were given. */
    public Optional<double[]> targetExpectedCounts() {
        return Optional.ofNullable(targetCounts).map(double[]::clone);
    }

    /**
     * A copy of the expected count of each sampled id (laid out like {@link #samples()}), if expected counts were
     * given.
     */
    public Optional<double[]> sampleExpectedCounts() {
        return Optional.ofNullable(sampleCounts).map(double[]::clone);
    }

    /**
     * A builder holding this batch's inputs (the same matrices and V-long arrays, copies of the rest), e.g. to attach
     * other samples.
     */
    public Builder toBuilder() {
        Builder b = new Builder(queries, classes).bias(bias).targets(targets).noise(noise);
        if (samples != null) {
            if (shared) {
                b.sharedSamples(samples);
            } else {
                b.pairedSamples(samples, samplesPerRow);
            }
        }
        if (targetCounts != null) {
            b.expectedCounts(targetCounts, sampleCounts);
        }
        return b;
    }

    /** B. */
    public int size() {
        return queries.rows();
    }

    /** D. */
    public int dimension() {
        return queries.cols();
    }

    /** V. */
    public int classCount() {
        return classes.rows();
    }

    // package-private views for the losses (no copies)
    float[] biasOrNull() {
        return bias;
    }

    int target(int row) {
        return targets[row];
    }

    /** Sampled class j of query i. */
    int sample(int row, int j) {
        return shared ? samples[j] : samples[row * samplesPerRow + j];
    }

    int[] samplesOrNull() {
        return samples;
    }

    double[] noiseOrNull() {
        return noise;
    }

    /** Whether per-position expected counts were given. */
    boolean hasExpectedCounts() {
        return targetCounts != null;
    }

    /** The expected count of query i's target. */
    double targetCount(int row) {
        return targetCounts[row];
    }

    /** The expected count of sampled class j of query i. */
    double sampleCount(int row, int j) {
        return shared ? sampleCounts[j] : sampleCounts[row * samplesPerRow + j];
    }

    /** Rejects a non-finite entry anywhere in W (the full softmax reads every row). */
    void checkAllClasses() {
        float[] w = classes.data();
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalArgumentException("classes[" + i / classes.cols() + ", " + i % classes.cols()
                        + "] is " + w[i] + ": inputs must be finite");
            }
        }
    }

    @Override
    public String toString() {
        return "ClassBatch{queries=" + queries.shape() + ", classes=" + classes.shape()
                + (bias != null ? ", bias=" + bias.length : "")
                + ", targets=" + targets.length
                + (samples != null ? (shared ? ", sharedSamples=" + samplesPerRow
                        : ", pairedSamples=" + size() + "×" + samplesPerRow) : "")
                + (noise != null ? ", noise=" + noise.length : "")
                + (targetCounts != null ? ", expectedCounts" : "") + "}";
    }

    /** Builds a {@link ClassBatch}; {@link #build()} validates everything. */
    public static final class Builder {
        private final Matrix queries;
        private final Matrix classes;
        private float[] bias;
        private int[] targets;
        private int[] samples;
        private int samplesPerRow;
        private boolean shared;
        private double[] noise;
        private double[] targetCounts;
        private double[] sampleCounts;

        private Builder(Matrix queries, Matrix classes) {
            Checks.notNull(queries, "queries");
            Checks.notNull(classes, "classes");
            this.queries = queries;
            this.classes = classes;
        }

        /** The class bias b, one per class (wrapped, not copied). */
        public Builder bias(float[] bias) {
            this.bias = bias;
            return this;
        }

        /** The target class of each of the B queries (copied at {@link #build()}). */
        public Builder targets(int[] targets) {
            this.targets = targets;
            return this;
        }

        /** k sampled class ids shared by every query (replaces any samples set before; copied at build). */
        public Builder sharedSamples(int[] ids) {
            Checks.notNull(ids, "sharedSamples");
            this.samples = ids;
            this.shared = true;
            this.samplesPerRow = ids.length;
            return this;
        }

        /**
         * k sampled class ids per query: a B×k array as a flat row-major {@code int[]}, ids i·k … i·k+k−1 for query i
         * (replaces any samples set before; copied at build).
         */
        public Builder pairedSamples(int[] ids, int k) {
            Checks.notNull(ids, "pairedSamples");
            Checks.atLeast(k, 1, "samples per query k");
            this.samples = ids;
            this.shared = false;
            this.samplesPerRow = k;
            return this;
        }

        /**
         * The noise distribution q the samples were drawn from, V probabilities summing to 1 (wrapped, not copied); the
         * sampled losses subtract log(k·q(c)) unless {@link #expectedCounts} are given. Checked in O(V) at build.
         */
        public Builder noise(double[] q) {
            this.noise = q;
            return this;
        }

        /**
         * The expected count E(c) of each target and each sampled id among its query's samples, as the sampler reports
         * it (TF's {@code true_expected_count} and {@code sampled_expected_count}); overrides k·q(c). For sampling
         * with replacement E(c) = k·q(c); for TF's unique sampling E(c) = 1 − (1 − q(c))^tries, tries the number of
         * draws the query's (or the shared) samples took. Copied at build.
         *
         * @param targetCounts E(t_i), one per query (B)
         * @param sampleCounts E(c) of every sampled id, laid out like the samples (k shared, or B·k row-major)
         */
        public Builder expectedCounts(double[] targetCounts, double[] sampleCounts) {
            Checks.notNull(targetCounts, "targetCounts");
            Checks.notNull(sampleCounts, "sampleCounts");
            this.targetCounts = targetCounts;
            this.sampleCounts = sampleCounts;
            return this;
        }

        /** Validates and builds the batch. */
        public ClassBatch build() {
            int b = queries.rows();
            int d = queries.cols();
            int v = classes.rows();
            if (b == 0) {
                throw new IllegalArgumentException("empty batch: queries is " + queries.shape());
            }
            if (d == 0) {
                throw new IllegalArgumentException("queries have dimension 0: queries is " + queries.shape());
            }
            if (v == 0) {
                throw new IllegalArgumentException("no classes: classes is " + classes.shape());
            }
            if (classes.cols() != d) {
                throw new IllegalArgumentException("classes have dimension " + classes.cols() + " but queries have"
                        + " dimension " + d + " (classes " + classes.shape() + ", queries " + queries.shape() + ")");
            }
            checkFinite("queries", queries);
            if (bias != null) {
                if (bias.length != v) {
                    throw new IllegalArgumentException("bias has " + bias.length + " entries but there are " + v
                            + " classes (classes " + classes.shape() + ")");
                }
                for (int c = 0; c < v; c++) {
                    if (!Float.isFinite(bias[c])) {
                        throw new IllegalArgumentException("bias[" + c + "] is " + bias[c] + ": inputs must be finite");
                    }
                }
            }
            if (targets == null) {
                throw new IllegalArgumentException("targets are required: one class id per query");
            }
            if (targets.length != b) {
                throw new IllegalArgumentException("targets has " + targets.length + " entries but there are " + b
                        + " queries (queries " + queries.shape() + ")");
            }
            for (int i = 0; i < b; i++) {
                if (outside(targets[i], v)) {
                    throw idError("targets[" + i + "]", targets[i], v);
                }
            }
            if (samples != null) {
                if (shared) {
                    if (samples.length == 0) {
                        throw new IllegalArgumentException("sharedSamples is empty: k must be >= 1");
                    }
                    for (int j = 0; j < samples.length; j++) {
                        if (outside(samples[j], v)) {
                            throw idError("sharedSamples[" + j + "]", samples[j], v);
                        }
                    }
                } else {
                    if (samples.length != (long) b * samplesPerRow) {
                        throw new IllegalArgumentException("pairedSamples has " + samples.length + " ids but B·k = "
                                + b + "·" + samplesPerRow + " = " + (long) b * samplesPerRow);
                    }
                    for (int i = 0; i < samples.length; i++) {
                        if (outside(samples[i], v)) {
                            throw idError("pairedSamples[" + i / samplesPerRow + ", " + i % samplesPerRow + "]",
                                    samples[i], v);
                        }
                    }
                }
            }
            if (noise != null) {
                checkPerClass("noise q", noise, v);
                double sum = 0;
                for (double p : noise) {
                    sum += p;
                }
                if (!(Math.abs(sum - 1) <= NOISE_SUM_TOLERANCE)) {
                    throw new IllegalArgumentException("noise q sums to " + sum + " over " + v + " classes: it must"
                            + " sum to 1 within " + NOISE_SUM_TOLERANCE + " (normalise it first)");
                }
            }
            if (targetCounts != null) {
                if (samples == null) {
                    throw new IllegalArgumentException("expectedCounts are given but no samples: they count the"
                            + " sampled classes");
                }
                if (targetCounts.length != b) {
                    throw new IllegalArgumentException("expectedCounts has " + targetCounts.length
                            + " target counts but there are " + b + " queries");
                }
                if (sampleCounts.length != samples.length) {
                    throw new IllegalArgumentException("expectedCounts has " + sampleCounts.length
                            + " sample counts but there are " + samples.length + " sampled ids (" + (shared ? "k = " + samples.length
                            + " shared" : b + "×" + samplesPerRow + " paired") + ")");
                }
                checkCounts("target", targetCounts, 1);
                checkCounts("sample", sampleCounts, shared ? samples.length : samplesPerRow);
            }
            for (int i = 0; i < b; i++) {
                checkClassRow(targets[i], i);
            }
            if (samples != null) {
                for (int i = 0; i < samples.length; i++) {
                    checkClassRow(samples[i], -1);
                }
            }
            return new ClassBatch(this);
        }

        private static boolean outside(int id, int v) {
            return id < 0 || id >= v;
        }

        /** The message is built only when an id is bad: this check runs once per sampled id. */
        private static IllegalArgumentException idError(String what, int id, int v) {
            return new IllegalArgumentException(what + " = " + id + " is outside [0, " + v + "): there are " + v
                    + " classes");
        }

        private static void checkCounts(String what, double[] counts, int k) {
            for (int p = 0; p < counts.length; p++) {
                if (!Double.isFinite(counts[p]) || !(counts[p] > 0)) {
                    String at = what.equals("target") ? "query " + p
                            : k == counts.length ? "sample " + p : "query " + p / k + ", sample " + p % k;
                    throw new IllegalArgumentException("expectedCounts: the " + what + " count of " + at + " is "
                            + counts[p] + ": an expected count must be finite and > 0 (log E(c) is subtracted)");
                }
            }
        }

        private static void checkPerClass(String name, double[] x, int v) {
            if (x.length != v) {
                throw new IllegalArgumentException(name + " has " + x.length + " entries but there are " + v
                        + " classes");
            }
            for (int c = 0; c < v; c++) {
                if (!Double.isFinite(x[c]) || x[c] < 0) {
                    throw new IllegalArgumentException(name + "[" + c + "] is " + x[c] + ": it must be finite and"
                            + " >= 0");
                }
            }
        }

        /** Class row c is finite; {@code query} ≥ 0 names the query whose target it is, −1 a sampled class. */
        private void checkClassRow(int c, int query) {
            int d = classes.cols();
            float[] w = classes.data();
            for (int k = 0; k < d; k++) {
                if (!Float.isFinite(w[c * d + k])) {
                    throw new IllegalArgumentException("classes[" + c + ", " + k + "] is " + w[c * d + k]
                            + ": inputs must be finite (class " + c + " is "
                            + (query >= 0 ? "the target of query " + query : "a sampled class") + ")");
                }
            }
        }

        private static void checkFinite(String name, Matrix m) {
            float[] a = m.data();
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) {
                    throw new IllegalArgumentException(name + "[" + i / m.cols() + ", " + i % m.cols() + "] is "
                            + a[i] + ": inputs must be finite");
                }
            }
        }
    }
}
