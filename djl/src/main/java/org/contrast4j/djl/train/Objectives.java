package org.contrast4j.djl.train;

import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.AlignUniform;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SupCon;

/**
 * The objective on a batch's two views: the core loss of a contrastive objective ({@link #coreLoss}, used through
 * the {@link org.contrast4j.djl.GradCache} bridge), or value and gradients of any objective on given outputs
 * ({@link #compute}; the align objectives through core's {@link AlignUniform}).
 */
final class Objectives {
    private Objectives() {
    }

    /** The core loss of an objective with a temperature, or null for the align objectives. */
    static ContrastiveLoss coreLoss(Objective objective, boolean learnable, double tau) {
        return switch (objective) {
            case NTXENT -> NtXent.builder().temperature(tau).learnableTemperature(learnable).build();
            case SUPCON -> SupCon.builder().temperature(tau).learnableTemperature(learnable).build();
            case DCL -> Dcl.builder().temperature(tau).learnableTemperature(learnable).build();
            case ALIGN_UNIFORM, ALIGNMENT_ONLY -> null;
        };
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
            case NTXENT, DCL -> core(coreLoss(objective, learnable, tau), Batch.of(z1, z2));
            case SUPCON -> core(coreLoss(objective, learnable, tau),
                    Batch.builder(z1).positives(z2).labels(labels).build());
            case ALIGN_UNIFORM, ALIGNMENT_ONLY -> core(alignLoss(objective), Batch.of(z1, z2));
        };
    }

    /**
     * Core's {@link AlignUniform} with Wang &amp; Isola's defaults (α = 2, t = 2, normalised rows): λ = 1 for
     * align-uniform, λ = 0 for alignment-only.
     */
    static AlignUniform alignLoss(Objective objective) {
        return AlignUniform.builder().lambda(objective == Objective.ALIGNMENT_ONLY ? 0 : 1).build();
    }

    private static LossStep core(ContrastiveLoss loss, Batch batch) {
        LossResult r = loss.compute(batch);
        Map<Scalar, Double> scalars = r.scalarGradients();
        return new LossStep(r.value(), r.gradient(Input.ANCHORS), r.gradient(Input.POSITIVES),
                scalars.getOrDefault(Scalar.LOG_TEMPERATURE, 0.0));
    }
}
