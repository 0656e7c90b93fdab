package org.contrast4j.djl.train;

import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SupCon;

/** The objective on a batch's two views through the core losses (or {@link AlignUniform}): value and gradients. */
final class Objectives {
    private Objectives() {
    }

    /**
     * @param z1 head outputs of view 1 (N×P), raw
     * @param z2 head outputs of view 2 (N×P), raw
     * @param labels the N images' labels (used by SupCon only)
     * @param tau the current temperature
     */
    static LossStep compute(Objective objective, boolean learnable, Matrix z1, Matrix z2, long[] labels,
                            double tau) {
        return switch (objective) {
            case NTXENT -> core(NtXent.builder().temperature(tau).learnableTemperature(learnable).build(),
                    Batch.of(z1, z2));
            case SUPCON -> core(SupCon.builder().temperature(tau).learnableTemperature(learnable).build(),
                    Batch.builder(z1).positives(z2).labels(labels).build());
            case DCL -> core(Dcl.builder().temperature(tau).learnableTemperature(learnable).build(),
                    Batch.of(z1, z2));
            case ALIGN_UNIFORM -> AlignUniform.compute(z1, z2, true);
            case ALIGNMENT_ONLY -> AlignUniform.compute(z1, z2, false);
        };
    }

    private static LossStep core(ContrastiveLoss loss, Batch batch) {
        LossResult r = loss.compute(batch);
        Map<Scalar, Double> scalars = r.scalarGradients();
        return new LossStep(r.value(), r.gradient(Input.ANCHORS), r.gradient(Input.POSITIVES),
                scalars.getOrDefault(Scalar.LOG_TEMPERATURE, 0.0));
    }
}
