package org.contrast4j.loss;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * Matryoshka Representation Learning (Kusupati et al. 2022, "Matryoshka Representation Learning", NeurIPS): a
 * wrapper that trains an embedding to stay useful when truncated to its first m coordinates, for each of a few
 * nested prefix dimensions m₁ &lt; m₂ &lt; … &lt; m_K ≤ D, by summing an inner two-view loss over the prefixes:
 * <pre>
 *   L = Σ_k w_k · L_inner( a[:, :m_k], p[:, :m_k], n[:, :m_k] )
 * </pre>
 * The anchors, positives and explicit negatives (shared or paired) are all truncated to the same prefix; labels,
 * negative labels, guide embeddings and log q corrections are passed through unchanged. Under {@link org.contrast4j.similarity.Similarity#COSINE} the inner
 * loss normalises each <i>prefix</i> itself (the prefix of a unit vector is not a unit vector).
 *
 * <p>The gradient is exact: the inner gradient with respect to each prefix, times w_k, is added into the first m_k
 * columns of the full-width gradient (coordinates past m_K get a zero gradient); the gradients of learnable scalars
 * (τ, SigLIP's bias) are Σ_k w_k·∂L_k/∂s, since the prefixes share them. Per-row losses are Σ_k w_k·ℓ_{k,i}; the
 * skipped-row count is the inner loss's (the largest over the prefixes; it depends on labels only for the built-in
 * losses). Terms: {@code "dim_<m>"}, the inner loss's reduced value at prefix m (unweighted), so
 * value = Σ_k w_k·dim_{m_k}.
 *
 * <pre>{@code
 * ContrastiveLoss loss = Matryoshka.of(InfoNce.builder().temperature(0.05).build())
 *         .dims(32, 64, 128).weights(1, 1, 1).build();
 * }</pre>
 *
 * <p>Validation: at least one dimension, each ≥ 1, strictly ascending; weights (default all 1) finite and &gt; 0,
 * as many as dimensions (checked at {@link Builder#build()}); the largest dimension ≤ D of the batch (checked at
 * {@link #compute(Batch)}). Cost: one inner computation per prefix.
 */
public final class Matryoshka implements ContrastiveLoss {
    private final ContrastiveLoss inner;
    private final int[] dims;
    private final double[] weights;

    private Matryoshka(ContrastiveLoss inner, int[] dims, double[] weights) {
        this.inner = inner;
        this.dims = dims;
        this.weights = weights;
    }

    /** Starts a Matryoshka wrapper over {@code inner}, any {@link ContrastiveLoss} on anchors and positives. */
    public static Builder of(ContrastiveLoss inner) {
        return new Builder(Checks.notNull(inner, "inner"));
    }

    /** The inner loss. */
    public ContrastiveLoss inner() {
        return inner;
    }

    /** A copy of the prefix dimensions, ascending. */
    public int[] dims() {
        return dims.clone();
    }

    /** A copy of the weights, one per dimension. */
    public double[] weights() {
        return weights.clone();
    }

    /**
     * Σ_k w_k·L_inner on the prefixes of the batch.
     *
     * @throws IllegalArgumentException if the largest dimension exceeds the batch's D, or the inner loss rejects the
     *     batch
     */
    @Override
    public LossResult compute(Batch batch) {
        Checks.notNull(batch, "batch");
        int d = batch.dimension();
        int largest = dims[dims.length - 1];
        Checks.argument(largest <= d, "Matryoshka dimension %d exceeds the batch's dimension D = %d (dims %s)",
                largest, d, Arrays.toString(dims));
        Matrix a = batch.anchors();
        Matrix p = batch.positivesOrNull();
        Matrix neg = batch.negativesOrNull();
        double[] gA = new double[a.data().length];
        double[] gP = p == null ? null : new double[p.data().length];
        double[] gN = neg == null ? null : new double[neg.data().length];
        boolean[] used = new boolean[Input.values().length];
        double value = 0;
        double[] perRow = null;
        int skipped = 0;
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        double[] termValues = new double[dims.length];
        for (int k = 0; k < dims.length; k++) {
            int m = dims[k];
            double w = weights[k];
            LossResult r = inner.compute(m == d ? batch : prefix(batch, m));
            value += w * r.value();
            termValues[k] = r.value();
            double[] rows = r.perRow();
            if (perRow == null) {
                perRow = new double[rows.length];
            } else {
                Checks.state(rows.length == perRow.length, "inner loss %s gave %d rows at dimension %d but %d at "
                        + "dimension %d", inner, rows.length, m, perRow.length, dims[0]);
            }
            for (int i = 0; i < rows.length; i++) {
                perRow[i] += w * rows[i];
            }
            skipped = Math.max(skipped, r.skippedRows());
            for (Map.Entry<Input, Matrix> e : r.gradients().entrySet()) {
                double[] target = switch (e.getKey()) {
                    case ANCHORS -> gA;
                    case POSITIVES -> gP;
                    case NEGATIVES -> gN;
                };
                used[e.getKey().ordinal()] = true;
                scatter(e.getValue(), d, w, target);
            }
            for (Map.Entry<Scalar, Double> e : r.scalarGradients().entrySet()) {
                scalars.merge(e.getKey(), w * e.getValue(), Double::sum);
            }
        }
        LossResult.Builder out = LossResult.builder(batch).value(value).perRow(perRow).skippedRows(skipped);
        if (used[Input.ANCHORS.ordinal()]) {
            out.gradient(Input.ANCHORS, toMatrix(a.rows(), d, gA));
        }
        if (used[Input.POSITIVES.ordinal()]) {
            out.gradient(Input.POSITIVES, toMatrix(p.rows(), d, gP));
        }
        if (used[Input.NEGATIVES.ordinal()]) {
            out.gradient(Input.NEGATIVES, toMatrix(neg.rows(), d, gN));
        }
        scalars.forEach(out::scalarGradient);
        for (int k = 0; k < dims.length; k++) {
            out.term("dim_" + dims[k], termValues[k]);
        }
        return out.build();
    }

    /**
     * The batch truncated to its first m columns; labels, negative labels, the guide model's embeddings (their own
     * width, not truncated) and the log q corrections passed through.
     */
    static Batch prefix(Batch batch, int m) {
        Batch.Builder b = Batch.builder(columns(batch.anchors(), m));
        Matrix p = batch.positivesOrNull();
        if (p != null) {
            b.positives(columns(p, m));
        }
        Matrix neg = batch.negativesOrNull();
        if (neg != null) {
            if (batch.pairedNegatives()) {
                b.pairedNegatives(columns(neg, m), batch.negativesPerAnchor());
            } else {
                b.sharedNegatives(columns(neg, m), batch.negativeLabelsOrNull());
            }
        }
        b.labels(batch.labelsOrNull());
        if (batch.guideAnchors().isPresent()) {
            b.guide(batch.guideAnchors().get(), batch.guidePositives().orElseThrow());
        }
        batch.logQ().ifPresent(b::logQ);
        batch.negativeLogQ().ifPresent(b::negativeLogQ);
        return b.build();
    }

    /** The first m columns of x, copied. */
    static Matrix columns(Matrix x, int m) {
        int rows = x.rows();
        int cols = x.cols();
        float[] src = x.data();
        float[] out = new float[Checks.product(rows, m, "a Matryoshka prefix", 4)];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, i * cols, out, i * m, m);
        }
        return Matrix.of(rows, m, out);
    }

    /** target[:, :m] += w · g, g being rows×m and target rows×d. */
    private static void scatter(Matrix g, int d, double w, double[] target) {
        int m = g.cols();
        float[] src = g.data();
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < m; j++) {
                target[i * d + j] += w * src[i * m + j];
            }
        }
    }

    private static Matrix toMatrix(int rows, int cols, double[] g) {
        float[] f = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            f[i] = (float) g[i];
        }
        return Matrix.of(rows, cols, f);
    }

    @Override
    public String toString() {
        return "Matryoshka{dims=" + Arrays.toString(dims) + ", weights=" + Arrays.toString(weights) + ", inner="
                + inner + "}";
    }

    /** Builds a {@link Matryoshka}; setters validate at once, {@link #build()} checks that the counts agree. */
    public static final class Builder {
        private final ContrastiveLoss inner;
        private int[] dims;
        private double[] weights;

        private Builder(ContrastiveLoss inner) {
            this.inner = inner;
        }

        /** The prefix dimensions: at least one, each ≥ 1, strictly ascending (copied). */
        public Builder dims(int... dims) {
            Checks.notNull(dims, "dims");
            Checks.argument(dims.length > 0, "dims must hold at least one dimension, was empty");
            for (int k = 0; k < dims.length; k++) {
                Checks.argument(dims[k] >= 1, "dims[%d] must be >= 1, was %d", k, dims[k]);
                Checks.argument(k == 0 || dims[k] > dims[k - 1],
                        "dims must be strictly ascending, but dims[%d] = %d follows dims[%d] = %d", k, dims[k], k - 1,
                        k == 0 ? 0 : dims[k - 1]);
            }
            this.dims = dims.clone();
            return this;
        }

        /** One weight per dimension, each finite and &gt; 0 (copied; default all 1). */
        public Builder weights(double... weights) {
            Checks.notNull(weights, "weights");
            Checks.argument(weights.length > 0, "weights must hold at least one weight, was empty");
            for (int k = 0; k < weights.length; k++) {
                Checks.argument(Double.isFinite(weights[k]) && weights[k] > 0,
                        "weights[%d] must be finite and > 0, was %s", k, weights[k]);
            }
            this.weights = weights.clone();
            return this;
        }

        /**
         * The configured wrapper.
         *
         * @throws IllegalStateException if no dimensions were given
         * @throws IllegalArgumentException if the weights are not one per dimension
         */
        public Matryoshka build() {
            Checks.state(dims != null, "Matryoshka needs its prefix dimensions: call dims(...)");
            double[] w = weights;
            if (w == null) {
                w = new double[dims.length];
                Arrays.fill(w, 1.0);
            }
            Checks.argument(w.length == dims.length, "Matryoshka needs one weight per dimension: %d dims %s but %d "
                    + "weights %s", dims.length, Arrays.toString(dims), w.length, Arrays.toString(w));
            return new Matryoshka(inner, dims.clone(), w.clone());
        }
    }
}
