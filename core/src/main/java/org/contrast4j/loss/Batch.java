package org.contrast4j.loss;

import java.util.Optional;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * The inputs of a contrastive loss, validated once: N anchors (N×D), and optionally N positives (N×D, row i is the
 * positive of anchor i), explicit negatives and N labels.
 *
 * <p>Negatives are either <b>shared</b> (M×D: every anchor sees all M) or <b>paired</b> (an N×M×D array stored as an
 * (N·M)×D {@link Matrix}: rows i·M … i·M+M−1 are anchor i's own M negatives). Labels are class ids; same-label
 * in-batch candidates are treated as false negatives by the losses that support it. Shared negatives may carry labels
 * too ({@link Builder#sharedNegatives(Matrix, long[])}, e.g. a MoCo queue): {@link InfoNce} then also removes the
 * shared negatives with anchor i's label from anchor i's candidates.
 *
 * <p><b>Duplicates by id</b> (sentence-transformers #3189): give the id of each row's positive as its label —
 * {@code labels(positiveIds)} — and rows whose positives share an id are no longer negatives of each other
 * ({@link InfoNce}, both engines); labels are exactly that mask, so there is no separate id mechanism.
 *
 * <p>Two more inputs are read by a few losses only (the others reject a batch that has them):
 * <ul>
 *   <li>{@link Builder#guide(Matrix, Matrix)}: guide-model embeddings of the anchors and positives (GISTEmbed,
 *       Solatorio 2024), N×D' each, any D', which mask in-batch false negatives (see {@link InfoNce}; also
 *       {@link NtXent}, {@link Dcl} and {@link SupCon});</li>
 *   <li>{@link Builder#logQ(double[])} and {@link Builder#negativeLogQ(double[])}: log q of each in-batch candidate
 *       (the positives) and of each shared negative, subtracted from every logit (sampling-bias correction, Yi et al.
 *       2019; mixed negative sampling, Yang et al. 2020).</li>
 * </ul>
 *
 * <p>{@link Builder#build()} rejects, with a message naming the sizes or the offending index and value: an empty
 * batch, a dimension of 0, shapes that disagree, labels of the wrong length (N, or M for the negative labels),
 * negative labels without anchor labels, and any NaN or infinite entry.
 */
public final class Batch {
    private final Matrix anchors;
    private final Matrix positives;
    private final Matrix negatives;
    private final int negativesPerAnchor;
    private final long[] labels;
    private final long[] negativeLabels;
    private final Matrix guideAnchors;
    private final Matrix guidePositives;
    private final double[] logQ;
    private final double[] negativeLogQ;

    private Batch(Builder b) {
        this.guideAnchors = b.guideAnchors;
        this.guidePositives = b.guidePositives;
        this.logQ = b.logQ == null ? null : b.logQ.clone();
        this.negativeLogQ = b.negativeLogQ == null ? null : b.negativeLogQ.clone();
        this.anchors = b.anchors;
        this.positives = b.positives;
        this.negatives = b.negatives;
        this.negativesPerAnchor = b.negativesPerAnchor;
        this.labels = b.labels == null ? null : b.labels.clone();
        this.negativeLabels = b.negativeLabels == null ? null : b.negativeLabels.clone();
    }

    /** A batch of anchors and their positives, the input of most losses. */
    public static Batch of(Matrix anchors, Matrix positives) {
        return builder(anchors).positives(positives).build();
    }

    /** Starts a batch with N anchors (N×D). */
    public static Builder builder(Matrix anchors) {
        return new Builder(anchors);
    }

    /** The N×D anchors. */
    public Matrix anchors() {
        return anchors;
    }

    /** The N×D positives, if given. */
    public Optional<Matrix> positives() {
        return Optional.ofNullable(positives);
    }

    /** The explicit negatives, if given: M×D when shared, (N·M)×D when paired. */
    public Optional<Matrix> negatives() {
        return Optional.ofNullable(negatives);
    }

    /** M for paired negatives; 0 when the negatives are shared or absent. */
    public int negativesPerAnchor() {
        return negativesPerAnchor;
    }

    /** Whether the negatives are paired (each anchor its own M). */
    public boolean pairedNegatives() {
        return negativesPerAnchor > 0;
    }

    /** A copy of the N labels, if given. */
    public Optional<long[]> labels() {
        return Optional.ofNullable(labels).map(long[]::clone);
    }

    /** A copy of the M labels of the shared negatives, if given. */
    public Optional<long[]> negativeLabels() {
        return Optional.ofNullable(negativeLabels).map(long[]::clone);
    }

    /** The guide model's N×D' anchor embeddings, if given ({@link Builder#guide}). */
    public Optional<Matrix> guideAnchors() {
        return Optional.ofNullable(guideAnchors);
    }

    /** The guide model's N×D' positive embeddings, if given ({@link Builder#guide}). */
    public Optional<Matrix> guidePositives() {
        return Optional.ofNullable(guidePositives);
    }

    /** A copy of the N log q of the in-batch candidates, if given. */
    public Optional<double[]> logQ() {
        return Optional.ofNullable(logQ).map(double[]::clone);
    }

    /** A copy of the M log q of the shared negatives, if given. */
    public Optional<double[]> negativeLogQ() {
        return Optional.ofNullable(negativeLogQ).map(double[]::clone);
    }

    /** N. */
    public int size() {
        return anchors.rows();
    }

    /** D. */
    public int dimension() {
        return anchors.cols();
    }

    // package-private views for the losses (no copies)
    Matrix positivesOrNull() {
        return positives;
    }

    Matrix negativesOrNull() {
        return negatives;
    }

    long[] labelsOrNull() {
        return labels;
    }

    long[] negativeLabelsOrNull() {
        return negativeLabels;
    }

    Matrix guideAnchorsOrNull() {
        return guideAnchors;
    }

    Matrix guidePositivesOrNull() {
        return guidePositives;
    }

    double[] logQOrNull() {
        return logQ;
    }

    double[] negativeLogQOrNull() {
        return negativeLogQ;
    }

    @Override
    public String toString() {
        return "Batch{anchors=" + anchors.shape()
                + (positives != null ? ", positives=" + positives.shape() : "")
                + (negatives != null ? (negativesPerAnchor > 0
                        ? ", pairedNegatives=" + size() + "×" + negativesPerAnchor + "×" + dimension()
                        : ", sharedNegatives=" + negatives.shape()) : "")
                + (labels != null ? ", labels=" + labels.length : "")
                + (negativeLabels != null ? ", negativeLabels=" + negativeLabels.length : "")
                + (guideAnchors != null ? ", guide=" + guideAnchors.shape() : "")
                + (logQ != null ? ", logQ=" + logQ.length : "")
                + (negativeLogQ != null ? ", negativeLogQ=" + negativeLogQ.length : "") + "}";
    }

    /** Builds a {@link Batch}; {@link #build()} validates everything. */
    public static final class Builder {
        private final Matrix anchors;
        private Matrix positives;
        private Matrix negatives;
        private int negativesPerAnchor;
        private long[] labels;
        private long[] negativeLabels;
        private Matrix guideAnchors;
        private Matrix guidePositives;
        private double[] logQ;
        private double[] negativeLogQ;

        private Builder(Matrix anchors) {
            Checks.notNull(anchors, "anchors");
            this.anchors = anchors;
        }

        /** N×D positives: row i is the positive of anchor i. */
        public Builder positives(Matrix positives) {
            this.positives = positives;
            return this;
        }

        /** M×D negatives shared by every anchor (replaces any negatives set before). */
        public Builder sharedNegatives(Matrix negatives) {
            return sharedNegatives(negatives, null);
        }

        /**
         * M×D negatives shared by every anchor, with M class labels (copied at {@link #build()}; null = unlabelled).
         * A shared negative whose label equals anchor i's label is removed from anchor i's candidates by
         * {@link InfoNce}; the batch then needs anchor {@link #labels(long[])} too. Replaces any negatives set before.
         */
        public Builder sharedNegatives(Matrix negatives, long[] negativeLabels) {
            this.negatives = negatives;
            this.negativesPerAnchor = 0;
            this.negativeLabels = negativeLabels;
            return this;
        }

        /**
         * Paired negatives: an N×M×D array as an (N·M)×D matrix, rows i·M … i·M+M−1 for anchor i (replaces any
         * negatives set before).
         */
        public Builder pairedNegatives(Matrix negatives, int perAnchor) {
            Checks.atLeast(perAnchor, 1, "paired negatives per anchor");
            this.negatives = negatives;
            this.negativesPerAnchor = perAnchor;
            this.negativeLabels = null;
            return this;
        }

        /** N class labels, one per anchor (copied at {@link #build()}). */
        public Builder labels(long[] labels) {
            this.labels = labels;
            return this;
        }

        /**
         * Guide-model embeddings (GISTEmbed, Solatorio 2024): {@code guideAnchors} and {@code guidePositives}, N×D'
         * each (D' need not be D), of the same N pairs; compared by cosine. {@link InfoNce} removes in-batch candidate
         * p_j (j ≠ i) from anchor i's negatives when cos(ga_i, gp_j) &gt; cos(ga_i, gp_i) − margin
         * ({@link InfoNce.Builder#guideMargin}); {@link NtXent}, {@link Dcl} and {@link SupCon} mask the same way
         * over the stacked rows [a; p]. Both non-null; needs positives.
         */
        public Builder guide(Matrix guideAnchors, Matrix guidePositives) {
            this.guideAnchors = Checks.notNull(guideAnchors, "guideAnchors");
            this.guidePositives = Checks.notNull(guidePositives, "guidePositives");
            return this;
        }

        /**
         * log q_j of each in-batch candidate j (the positive p_j; N finite values, copied at {@link #build()}; InfoNCE
         * only):
         * {@link InfoNce} subtracts it from every logit of column j, the positive's included (Yi et al. 2019). With
         * shared negatives {@link #negativeLogQ(double[])} is needed too; not with paired negatives.
         */
        public Builder logQ(double[] logQ) {
            this.logQ = Checks.notNull(logQ, "logQ");
            return this;
        }

        /**
         * log q_m of each shared negative (M finite values, copied at {@link #build()}), subtracted from its logits
         * (mixed negative sampling, Yang et al. 2020); needs {@link #logQ(double[])} and shared negatives.
         */
        public Builder negativeLogQ(double[] negativeLogQ) {
            this.negativeLogQ = Checks.notNull(negativeLogQ, "negativeLogQ");
            return this;
        }

        /** Validates and builds the batch. */
        public Batch build() {
            int n = anchors.rows();
            int d = anchors.cols();
            if (n == 0) {
                throw new IllegalArgumentException("empty batch: anchors is " + anchors.shape());
            }
            if (d == 0) {
                throw new IllegalArgumentException("anchors have dimension 0: anchors is " + anchors.shape());
            }
            checkFinite("anchors", anchors);
            if (positives != null) {
                if (positives.rows() != n || positives.cols() != d) {
                    throw new IllegalArgumentException("positives is " + positives.shape() + " but anchors is "
                            + anchors.shape() + ": they must have the same shape");
                }
                checkFinite("positives", positives);
            }
            if (negatives != null) {
                if (negatives.cols() != d) {
                    throw new IllegalArgumentException("negatives have dimension " + negatives.cols()
                            + " but anchors have dimension " + d + " (negatives " + negatives.shape()
                            + ", anchors " + anchors.shape() + ")");
                }
                if (negativesPerAnchor > 0 && negatives.rows() != (long) n * negativesPerAnchor) {
                    throw new IllegalArgumentException("paired negatives need N·M = " + n + "·" + negativesPerAnchor
                            + " = " + (long) n * negativesPerAnchor + " rows, had " + negatives.rows());
                }
                if (negatives.rows() == 0) {
                    throw new IllegalArgumentException("negatives are empty: " + negatives.shape());
                }
                checkFinite("negatives", negatives);
            }
            if (labels != null && labels.length != n) {
                throw new IllegalArgumentException(
                        "labels has " + labels.length + " entries but there are " + n + " anchors");
            }
            if (negativeLabels != null) {
                if (negatives == null) {
                    throw new IllegalArgumentException("negative labels were given (" + negativeLabels.length
                            + ") but no shared negatives");
                }
                if (negativeLabels.length != negatives.rows()) {
                    throw new IllegalArgumentException("negative labels has " + negativeLabels.length
                            + " entries but there are " + negatives.rows() + " shared negatives");
                }
                if (labels == null) {
                    throw new IllegalArgumentException("negative labels need anchor labels: same-label shared "
                            + "negatives are masked per anchor, so give labels(long[]) for the " + n + " anchors too");
                }
            }
            if (guideAnchors != null) {
                Checks.argument(positives != null, "a guide needs positives: the guide masks in-batch positives");
                Checks.argument(guideAnchors.rows() == n && guidePositives.rows() == n
                        && guideAnchors.cols() == guidePositives.cols() && guideAnchors.cols() > 0,
                        "guide embeddings must both be N×D' with N = %d and D' >= 1, were guideAnchors %s and "
                                + "guidePositives %s", n, guideAnchors.shape(), guidePositives.shape());
                checkFinite("guideAnchors", guideAnchors);
                checkFinite("guidePositives", guidePositives);
            }
            if (logQ != null) {
                Checks.argument(positives != null, "logQ needs positives: it corrects the in-batch candidates");
                Checks.argument(logQ.length == n, "logQ has %d entries but there are %d in-batch candidates",
                        logQ.length, n);
                checkFinite("logQ", logQ);
                Checks.argument(negativesPerAnchor == 0, "logQ with paired negatives is not supported: give shared "
                        + "negatives with negativeLogQ, or no explicit negatives");
                Checks.argument(negatives == null || negativeLogQ != null, "logQ with %d shared negatives needs "
                        + "negativeLogQ for them too (M = %d values)", negatives == null ? 0 : negatives.rows(),
                        negatives == null ? 0 : negatives.rows());
            }
            if (negativeLogQ != null) {
                Checks.argument(negatives != null && negativesPerAnchor == 0,
                        "negativeLogQ was given (%d) but no shared negatives", negativeLogQ.length);
                Checks.argument(logQ != null, "negativeLogQ needs logQ of the %d in-batch candidates too", n);
                Checks.argument(negativeLogQ.length == negatives.rows(),
                        "negativeLogQ has %d entries but there are %d shared negatives", negativeLogQ.length,
                        negatives.rows());
                checkFinite("negativeLogQ", negativeLogQ);
            }
            return new Batch(this);
        }

        private static void checkFinite(String name, double[] x) {
            for (int i = 0; i < x.length; i++) {
                Checks.argument(Double.isFinite(x[i]), "%s[%d] is %s: it must be finite", name, i, x[i]);
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
