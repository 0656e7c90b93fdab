package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.Reduction;
import org.contrast4j.loss.SupCon;
import org.contrast4j.similarity.Similarity;

/**
 * Supervised contrastive loss, the L_out form of Khosla et al. 2020 ("Supervised Contrastive Learning"), as a DJL
 * {@link ai.djl.training.loss.Loss} on NDArrays; equals {@link org.contrast4j.loss.SupCon}.
 *
 * <p>Embeddings z with labels y: the single view (N×D), or z = [view 1; view 2] (2N×D) with the labels repeated.
 * With l_ij = scale·sim(z_i, z_j), P(i) = {p ≠ i : y_p = y_i} and A(i) = {a ≠ i}:
 * <pre>
 *   ℓ_i = log Σ_{a∈A(i)} e^{l_ia} − (1/|P(i)|) Σ_{p∈P(i)} l_ip
 * </pre>
 * A row with empty P(i) (a label seen once) is <em>skipped</em>: its loss is 0, it is left out of the mean and gets
 * no gradient of its own (it still serves as a negative for the others); if every row is skipped the value is 0 —
 * never NaN. Optional base temperature: every ℓ_i is multiplied by τ/τ_base (the reference code's
 * {@code temperature / base_temperature}; with a learnable τ the factor is differentiated too).
 *
 * <p><b>In a DJL Trainer.</b> Predictions: {@code [view 1 (N×D)]} or {@code [view 1, view 2]}, then {@code log τ}
 * when learnable. Labels: {@code [class ids (N)]} of any integer or floating type (compared for equality).
 *
 * <p>Configured by a core {@link SupCon} ({@link #of}); {@link Reduction#MEAN} is over the rows that are not skipped
 * (NONE returns every row, skipped ones as 0). At least 2 embeddings in all.
 */
public final class SupConLoss extends EmbeddingLoss {
    private static final String DISPLAY = "SupCon";
    private final double baseTemperature;

    private SupConLoss(SupCon core, String name) {
        super(DISPLAY, core, name, core.temperature(), core.learnableTemperature(), Double.POSITIVE_INFINITY,
                core.similarity(), core.reduction());
        this.baseTemperature = core.baseTemperature().orElse(Double.NaN);
    }

    /**
     * The DJL form of a core {@link SupCon}: its temperature (fixed or learnable), base temperature, similarity and
     * reduction.
     */
    public static SupConLoss of(SupCon loss) {
        return of(loss, DISPLAY);
    }

    /** As {@link #of(SupCon)}, shown by DJL's training listeners as {@code name} (not blank). */
    public static SupConLoss of(SupCon loss, String name) {
        return new SupConLoss(Checks.notNull(loss, "loss"), name);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray[] e = embeddings(predictions, 1, 2, 1);
        int n = Math.toIntExact(e[0].getShape().get(0));
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException(DISPLAY + " needs the class ids as labels, got none");
        }
        NDArray y = labels.head();
        if (y.size() != n) {
            throw new IllegalArgumentException(DISPLAY + ": labels has " + y.size() + " entries (shape " + y.getShape()
                    + ") but there are " + n + " rows per view");
        }
        y = y.reshape(n).toDevice(e[0].getDevice(), false);
        NDArray z = Nd.prepare(e[0], similarity);
        if (e.length == 2) {
            z = NDArrays.concat(new NDList(z, Nd.prepare(e[1], similarity)));
            y = NDArrays.concat(new NDList(y, y));
        }
        int rows = n * e.length;
        if (rows < 2) {
            throw new IllegalArgumentException(DISPLAY + " needs at least 2 embeddings, the batch has 1");
        }
        NDArray logits = logits(z.matMul(z.transpose()), predictions);
        NDArray notSelf = Nd.eye(z, rows).logicalNot();
        NDArray positives = y.reshape(rows, 1).eq(y.reshape(1, rows)).logicalAnd(notSelf);
        NDArray weights = Nd.asWeights(positives, logits);
        NDArray count = weights.sum(new int[] {1});
        NDArray valid = count.gt(0f).toType(logits.getDataType(), false);
        NDArray meanPositive = Nd.rowSum(logits, weights).div(count.maximum(1f));
        NDArray perRow = Nd.logSumExp(logits, notSelf).sub(meanPositive).mul(valid);
        if (!Double.isNaN(baseTemperature)) {
            perRow = perRow.mul(tau(logits, predictions).div((float) baseTemperature));
        }
        return switch (reduction) {
            case MEAN -> perRow.sum().div(valid.sum().maximum(1f));
            case SUM -> perRow.sum();
            case NONE -> perRow;
        };
    }
}
