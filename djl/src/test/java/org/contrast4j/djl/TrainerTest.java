package org.contrast4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.SplittableRandom;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.SigLip;
import org.contrast4j.loss.SupCon;
import org.junit.jupiter.api.Test;

/**
 * The losses in DJL's own training loop: a {@link TwoViewBlock} around a Linear encoder, {@code EasyTrain.trainBatch}
 * and {@code trainer.step()} with Adam, on seeded two-view data of 4 clusters; the loss on the whole data falls, and a
 * learnable temperature (a parameter of the block) moves.
 */
class TrainerTest {
    private static final int N = 64;
    private static final int IN = 10;

    /** 4 cluster centres, N points around them, two noisy views of each. Returns [view 1, view 2, labels]. */
    private static NDArray[] data(NDManager m) {
        SplittableRandom rnd = new SplittableRandom(3);
        float[][] centres = new float[4][IN];
        for (float[] c : centres) {
            for (int k = 0; k < IN; k++) {
                c[k] = (float) (2 * rnd.nextDouble() - 1);
            }
        }
        float[] v1 = new float[N * IN];
        float[] v2 = new float[N * IN];
        float[] labels = new float[N];
        for (int i = 0; i < N; i++) {
            int c = i % 4;
            labels[i] = c;
            for (int k = 0; k < IN; k++) {
                double x = centres[c][k] + 0.5 * (rnd.nextDouble() - 0.5);
                v1[i * IN + k] = (float) (x + 0.2 * (rnd.nextDouble() - 0.5));
                v2[i * IN + k] = (float) (x + 0.2 * (rnd.nextDouble() - 0.5));
            }
        }
        return new NDArray[] {m.create(v1, new Shape(N, IN)), m.create(v2, new Shape(N, IN)), m.create(labels)};
    }

    /** Trains for {@code epochs} and returns {loss on all data before, after}. */
    private static double[] train(Loss loss, boolean twoViews, int epochs, double[] tau) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Model model = Model.newInstance("contrastive")) {
            Engine.getInstance().setRandomSeed(7);
            TwoViewBlock block = TwoViewBlock.forLoss(Linear.builder().setUnits(4).build(), loss);
            model.setBlock(block);
            NDArray[] d = data(m);
            NDArray[] views = twoViews ? new NDArray[] {d[0], d[1]} : new NDArray[] {d[0]};
            ArrayDataset dataset = new ArrayDataset.Builder().setData(views).optLabels(d[2]).setSampling(16, true)
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.02f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                Shape[] shapes = new Shape[views.length];
                java.util.Arrays.fill(shapes, new Shape(16, IN));
                trainer.initialize(shapes);
                tau[0] = block.temperature();
                double before = loss.evaluate(new NDList(d[2]), trainer.evaluate(new NDList(views))).getFloat();
                for (int epoch = 0; epoch < epochs; epoch++) {
                    for (Batch batch : trainer.iterateDataset(dataset)) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                        batch.close();
                    }
                }
                double after = loss.evaluate(new NDList(d[2]), trainer.evaluate(new NDList(views))).getFloat();
                tau[1] = block.temperature();
                System.out.printf("TrainerTest %s: loss %.4f -> %.4f, tau %.4f -> %.4f%n", loss.getName(), before,
                        after, tau[0], tau[1]);
                return new double[] {before, after};
            }
        }
    }

    @Test
    void ntXentWithLearnableTemperatureTrainsALinearEncoder() throws Exception {
        double[] tau = new double[2];
        double[] loss = train(
                NtXentLoss.of(NtXent.builder().temperature(0.2).learnableTemperature(true).build()), true, 8, tau);
        assertTrue(loss[1] < loss[0] - 0.1, "NT-Xent " + loss[0] + " → " + loss[1]);
        // the initial τ is stored as log τ in float32 and read back: within 2u relative
        assertEquals(0.2, tau[0], 2 * FloatBounds.U * 0.2);
        assertNotEquals(tau[0], tau[1], "the temperature parameter should have been updated");
    }

    @Test
    void supConReadsTheDatasetLabelsInTheTrainer() throws Exception {
        double[] tau = new double[2];
        double[] loss = train(SupConLoss.of(SupCon.builder().build()), false, 8, tau);
        assertTrue(loss[1] < loss[0] - 0.1, "SupCon " + loss[0] + " → " + loss[1]);
        assertTrue(Double.isNaN(tau[0]), "no temperature parameter for a fixed τ");
    }

    @Test
    void twoViewBlockAppendsTheScalarsTheLossReads() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoViewBlock b = TwoViewBlock.forLoss(Linear.builder().setUnits(3).build(),
                    SigLipLoss.of(SigLip.builder().learnableTemperature(true).learnableBias(true).build()));
            b.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(5, 2), new Shape(5, 2));
            Shape[] out = b.getOutputShapes(new Shape[] {new Shape(5, 2), new Shape(5, 2)});
            assertArrayEquals(new Shape[] {new Shape(5, 3), new Shape(5, 3), new Shape(1), new Shape(1)}, out);
            // stored in float32 (as log τ and b): within 2u relative
            assertEquals(0.1, b.temperature(), 2 * FloatBounds.U * 0.1);
            assertEquals(-10, b.bias(), 2 * FloatBounds.U * 10);
            assertTrue(Double.isNaN(TwoViewBlock.of(Linear.builder().setUnits(3).build()).temperature()));
        }
    }
}
