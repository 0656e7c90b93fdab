package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.djl.train.Evaluation;
import org.contrast4j.djl.train.ImageTrainer;
import org.contrast4j.djl.train.Objective;
import org.contrast4j.djl.train.TrainingConfig;
import org.contrast4j.djl.train.TrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's claims as directions on small seeded runs over the embedded Fashion-MNIST slice (its 5,000 training
 * images, or the first 2,000, and 500 test images; the demo's 8-d MLP; a few epochs): trained NT-Xent beats the untrained encoder on kNN, alignment
 * alone collapses the head output, and a smaller τ gives fewer effective negatives. Margins, not fixed figures.
 */
class ImageDirectionsTest {
    private static LabeledImages all;
    private static LabeledImages train;
    private static LabeledImages test;

    @BeforeAll
    static void data() throws IOException {
        all = DemoCommand.embedded("train");
        train = all.slice(0, 2000);
        test = DemoCommand.embedded("t10k").slice(0, 500);
    }

    private static TrainingResult run(TrainingConfig c) {
        return new ImageTrainer(c, train, test).train(null, null);
    }

    @Test
    void ntxentBeatsTheUntrainedEncoder() {
        TrainingResult r = new ImageTrainer(DemoCommand.config(4, 3), all, test).train(null, null); // 76 steps
        double before = r.untrained().evaluation().knnAccuracy();
        double after = r.last().evaluation().knnAccuracy();
        // the standard error of an accuracy on 500 images is at most 2.2 points; ask for a clear gain
        assertTrue(after > before + 0.05, "kNN untrained " + before + ", trained " + after);
        double probeBefore = r.untrained().evaluation().linearProbeAccuracy();
        double probeAfter = r.last().evaluation().linearProbeAccuracy();
        assertTrue(probeAfter > probeBefore + 0.05, "probe untrained " + probeBefore + ", trained " + probeAfter);
    }

    @Test
    void alignmentOnlyCollapses() {
        Evaluation e = run(DemoCommand.config(2, 3).toBuilder().objective(Objective.ALIGNMENT_ONLY).build()).last()
                .evaluation();
        assertTrue(e.uniformity() > -0.01, "uniformity near 0: " + e.uniformity());
        assertTrue(e.effectiveRank() < 1.1, "effective rank near 1: " + e.effectiveRank());
        assertTrue(e.alignment() < 1e-3, "alignment near 0: " + e.alignment());
    }

    @Test
    void smallerTemperatureFewerEffectiveNegatives() {
        double cold = run(DemoCommand.config(2, 3).toBuilder().temperature(0.05).build()).last().evaluation()
                .effectiveNegatives();
        double warm = run(DemoCommand.config(2, 3).toBuilder().temperature(0.5).build()).last().evaluation()
                .effectiveNegatives();
        assertTrue(cold < warm / 2, "effective negatives at τ = 0.05: " + cold + ", at τ = 0.5: " + warm);
    }
}
