package org.contrast4j.loss;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * The value of a loss and its gradients, computed together.
 * <ul>
 *   <li>{@link #value()}: the reduced loss (see {@link Reduction});</li>
 *   <li>{@link #perRow()}: each row's loss before reduction (a skipped row holds 0);</li>
 *   <li>{@link #skippedRows()}: rows left out of the reduction because they had no positive (SupCon);</li>
 *   <li>{@link #gradient(Input)}: ∂value/∂input for each raw input the loss used, same shape as the input, taken
 *       before any normalisation the loss applies itself, so it can be back-propagated straight into an encoder;</li>
 *   <li>{@link #scalarGradients()}: ∂value/∂s for each learnable scalar (only those configured as learnable);</li>
 *   <li>{@link #terms()}: named sub-terms of the value, e.g. both directions of a symmetric loss.</li>
 * </ul>
 * The gradient matrices are freshly allocated and belong to the caller; the result itself is never modified by the
 * library.
 *
 * <p>A {@link ContrastiveLoss} written outside this package builds its result with {@link #builder(Batch)}, which
 * validates everything it is given: the value, per-row losses, terms and scalar gradients must be finite, and each
 * gradient must belong to an input the batch holds, have that input's shape and finite entries.
 * <pre>{@code
 * return LossResult.builder(batch).value(loss).perRow(rows)
 *         .gradient(Input.ANCHORS, gradA).gradient(Input.POSITIVES, gradP).build();
 * }</pre>
 */
public final class LossResult {
    private final double value;
    private final double[] perRow;
    private final int skippedRows;
    private final Map<Input, Matrix> gradients;
    private final Map<Scalar, Double> scalarGradients;
    private final Map<String, Double> terms;

    LossResult(double value, double[] perRow, int skippedRows, Map<Input, Matrix> gradients,
               Map<Scalar, Double> scalarGradients, Map<String, Double> terms) {
        Finite.result(value, perRow, gradients, scalarGradients, terms); // never NaN or ±∞ (float32 overflow)
        this.value = value;
        this.perRow = perRow;
        this.skippedRows = skippedRows;
        this.gradients = Collections.unmodifiableMap(new EnumMap<>(gradients));
        this.scalarGradients = Collections.unmodifiableMap(
                scalarGradients.isEmpty() ? new EnumMap<>(Scalar.class) : new EnumMap<>(scalarGradients));
        this.terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /**
     * Starts a result for a loss computed on {@code batch}; the batch is used only to check the gradients' inputs and
     * shapes.
     */
    public static Builder builder(Batch batch) {
        return new Builder(Checks.notNull(batch, "batch"));
    }

    /** The reduced loss. */
    public double value() {
        return value;
    }

    /** A copy of the per-row losses (length = number of loss rows; 2N for NT-Xent). */
    public double[] perRow() {
        return perRow.clone();
    }

    /** How many rows were skipped (no positive) and left out of the reduction. */
    public int skippedRows() {
        return skippedRows;
    }

    /**
     * ∂value/∂input, same shape as the input.
     *
     * @throws IllegalArgumentException if the loss did not use that input
     */
    public Matrix gradient(Input input) {
        Matrix g = gradients.get(input);
        if (g == null) {
            throw new IllegalArgumentException("no gradient for " + input.key() + ": this loss used only "
                    + gradients.keySet());
        }
        return g;
    }

    /** The gradients by input, for the inputs the loss used. */
    public Map<Input, Matrix> gradients() {
        return gradients;
    }

    /** ∂value/∂scalar for each learnable scalar (empty when nothing is learnable). */
    public Map<Scalar, Double> scalarGradients() {
        return scalarGradients;
    }

    /** Named sub-terms of the value (for a symmetric loss: each direction, reduced the same way). */
    public Map<String, Double> terms() {
        return terms;
    }

    @Override
    public String toString() {
        return "LossResult{value=" + value + ", rows=" + perRow.length + ", skippedRows=" + skippedRows
                + ", gradients=" + gradients.keySet() + ", scalarGradients=" + scalarGradients + ", terms=" + terms
                + "}";
    }

    /**
     * Builds a {@link LossResult}, validating each part as it is given ({@link IllegalArgumentException} naming the
     * part and the offending value; {@link NullPointerException} for a null argument). {@link #value} and
     * {@link #perRow} are required; skipped rows default to 0, gradients, scalar gradients and terms to none.
     */
    public static final class Builder {
        private final Batch batch;
        private double value = Double.NaN;
        private boolean hasValue;
        private double[] perRow;
        private int skippedRows;
        private final Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        private final Map<Scalar, Double> scalarGradients = new EnumMap<>(Scalar.class);
        private final Map<String, Double> terms = new LinkedHashMap<>();

        private Builder(Batch batch) {
            this.batch = batch;
        }

        /** The reduced loss, finite. */
        public Builder value(double value) {
            this.value = Checks.finite(value, "value");
            hasValue = true;
            return this;
        }

        /** Each row's loss before reduction (copied), at least one, all finite. */
        public Builder perRow(double[] perRow) {
            Checks.notNull(perRow, "perRow");
            Checks.argument(perRow.length > 0, "perRow must hold at least one row, was empty");
            for (int i = 0; i < perRow.length; i++) {
                Checks.finite(perRow[i], "perRow[" + i + "]");
            }
            this.perRow = perRow.clone();
            return this;
        }

        /** Rows left out of the reduction, in [0, number of rows] (checked when built; default 0). */
        public Builder skippedRows(int skippedRows) {
            Checks.argument(skippedRows >= 0, "skippedRows must be >= 0, was %d", skippedRows);
            this.skippedRows = skippedRows;
            return this;
        }

        /**
         * ∂value/∂input: the batch must hold {@code input}, and {@code gradient} must have its shape and finite
         * entries. The matrix is kept, not copied.
         */
        public Builder gradient(Input input, Matrix gradient) {
            Checks.notNull(input, "input");
            Checks.notNull(gradient, "gradient");
            Matrix x = switch (input) {
                case ANCHORS -> batch.anchors();
                case POSITIVES -> batch.positivesOrNull();
                case NEGATIVES -> batch.negativesOrNull();
            };
            Checks.argument(x != null, "gradient for %s, but the batch has no %s", input.key(), input.key());
            Checks.argument(!gradients.containsKey(input), "gradient for %s given twice", input.key());
            Checks.sameShape(gradient, "gradient for " + input.key(), x, input.key());
            Checks.finite(gradient, "gradient for " + input.key());
            gradients.put(input, gradient);
            return this;
        }

        /** ∂value/∂scalar for a learnable scalar, finite. */
        public Builder scalarGradient(Scalar scalar, double gradient) {
            Checks.notNull(scalar, "scalar");
            Checks.argument(!scalarGradients.containsKey(scalar), "scalar gradient for %s given twice", scalar.key());
            scalarGradients.put(scalar, Checks.finite(gradient, "scalar gradient for " + scalar.key()));
            return this;
        }

        /** A named sub-term of the value (name not blank, given once; value finite), kept in insertion order. */
        public Builder term(String name, double value) {
            Checks.notNull(name, "term name");
            Checks.argument(!name.isBlank(), "term name must not be blank, was \"%s\"", name);
            Checks.argument(!terms.containsKey(name), "term %s given twice", name);
            terms.put(name, Checks.finite(value, "term " + name));
            return this;
        }

        /**
         * The result.
         *
         * @throws IllegalStateException if the value or the per-row losses were not given
         * @throws IllegalArgumentException if more rows are skipped than there are
         */
        public LossResult build() {
            Checks.state(hasValue, "LossResult needs a value");
            Checks.state(perRow != null, "LossResult needs the per-row losses");
            Checks.argument(skippedRows <= perRow.length, "skippedRows must be <= the %d rows, was %d", perRow.length,
                    skippedRows);
            return new LossResult(value, perRow, skippedRows, gradients, scalarGradients, terms);
        }
    }
}
