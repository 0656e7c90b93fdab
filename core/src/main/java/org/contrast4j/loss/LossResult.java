package org.contrast4j.loss;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
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
}
