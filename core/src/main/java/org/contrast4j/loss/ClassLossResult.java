package org.contrast4j.loss;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.contrast4j.linalg.Matrix;

/**
 * The value of a {@link ClassScoringLoss} and its gradients, computed together.
 * <ul>
 *   <li>{@link #value()}: the reduced loss (see {@link Reduction});</li>
 *   <li>{@link #perRow()}: each query's loss before reduction (no query is ever skipped);</li>
 *   <li>{@link #queryGradient()}: ∂value/∂h, dense B×D;</li>
 *   <li>{@link #classGradient()}: ∂value/∂W, <b>sparse</b>: only the rows of the classes the loss touched, with their
 *       ids — the targets and the sampled classes for the sampled losses, all V classes for the full softmax (which
 *       reads the whole table, so every row gets a non-zero gradient; it is returned in the same sparse form over
 *       ids 0 … V−1);</li>
 *   <li>{@link #biasGradient()}: ∂value/∂b over the same ids, when the batch had a bias;</li>
 *   <li>{@link #scalarGradients()}: ∂value/∂s for each learnable scalar ({@link Scalar#LOG_NORMALISER} of
 *       {@link Nce});</li>
 *   <li>{@link #terms()}: named sub-terms of the value (NCE and negative sampling: {@code data} and
 *       {@code noise}).</li>
 * </ul>
 * The gradient arrays are freshly allocated and belong to the caller; the result itself is never modified by the
 * library.
 */
public final class ClassLossResult {
    private final double value;
    private final double[] perRow;
    private final Matrix queryGradient;
    private final SparseRows classGradient;
    private final SparseVector biasGradient;
    private final Map<Scalar, Double> scalarGradients;
    private final Map<String, Double> terms;

    ClassLossResult(double value, double[] perRow, Matrix queryGradient, SparseRows classGradient,
                    SparseVector biasGradient, Map<Scalar, Double> scalarGradients, Map<String, Double> terms) {
        // never NaN or ±∞ (float32 overflow)
        Finite.matrix("the gradient with respect to the queries", queryGradient);
        if (classGradient != null) {
            Finite.matrix("the gradient with respect to the class rows", classGradient.rows());
        }
        Finite.values(value, perRow, scalarGradients, terms);
        if (biasGradient != null) {
            for (double v : biasGradient.values()) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("the gradient with respect to a class bias is " + v
                            + ": the inputs are too large for this loss in float32; scale the inputs down");
                }
            }
        }
        this.value = value;
        this.perRow = perRow;
        this.queryGradient = queryGradient;
        this.classGradient = classGradient;
        this.biasGradient = biasGradient;
        this.scalarGradients = Collections.unmodifiableMap(
                scalarGradients.isEmpty() ? new EnumMap<>(Scalar.class) : new EnumMap<>(scalarGradients));
        this.terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /** The reduced loss. */
    public double value() {
        return value;
    }

    /** A copy of the B per-query losses. */
    public double[] perRow() {
        return perRow.clone();
    }

    /** ∂value/∂h, B×D. */
    public Matrix queryGradient() {
        return queryGradient;
    }

    /** ∂value/∂W over the touched classes (all V for the full softmax); every other row is zero. */
    public SparseRows classGradient() {
        return classGradient;
    }

    /** ∂value/∂b over the same class ids as {@link #classGradient()}, if the batch had a bias. */
    public Optional<SparseVector> biasGradient() {
        return Optional.ofNullable(biasGradient);
    }

    /** ∂value/∂scalar for each learnable scalar (empty when nothing is learnable). */
    public Map<Scalar, Double> scalarGradients() {
        return scalarGradients;
    }

    /** Named sub-terms of the value, each reduced like it. */
    public Map<String, Double> terms() {
        return terms;
    }

    @Override
    public String toString() {
        return "ClassLossResult{value=" + value + ", rows=" + perRow.length + ", classGradient=" + classGradient
                + (biasGradient != null ? ", biasGradient=" + biasGradient : "") + ", scalarGradients="
                + scalarGradients + ", terms=" + terms + "}";
    }
}
