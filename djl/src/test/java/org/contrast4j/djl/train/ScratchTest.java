package org.contrast4j.djl.train;

import java.nio.file.Path;
import org.contrast4j.djl.data.Idx;
import org.contrast4j.djl.data.LabeledImages;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void run() {
        if (System.getProperty("nt") != null) System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("nt"));
        Path d = Path.of("/work/wt-trainer/cli/src/main/resources/demo");
        LabeledImages train = Idx.read(d.resolve("train-images-idx3-ubyte.gz"), d.resolve("train-labels-idx1-ubyte.gz"));
        LabeledImages test = Idx.read(d.resolve("t10k-images-idx3-ubyte.gz"), d.resolve("t10k-labels-idx1-ubyte.gz"));
        String obj = System.getProperty("obj", "ntxent");
        TrainingConfig c = TrainingConfig.builder().epochs(Integer.getInteger("epochs", 5))
            .objective(Objective.of(obj)).temperature(Double.parseDouble(System.getProperty("tau", "0.1")))
            .embeddingDim(Integer.getInteger("dim", 16)).hiddenDim(Integer.getInteger("hidden", 256))
            .learningRate(Double.parseDouble(System.getProperty("lr", "1e-3")))
            .batchSize(Integer.getInteger("batch", 256))
            .headHiddenDim(Integer.getInteger("hh", 64)).projectionDim(Integer.getInteger("proj", 16))
            .encoder(EncoderKind.of(System.getProperty("enc", "mlp")))
            .augment(org.contrast4j.djl.data.SimClrAugment.builder(28, 28)
                .cropScaleMin(Double.parseDouble(System.getProperty("crop", "0.35")))
                .eraseProbability(Double.parseDouble(System.getProperty("erase", "0.25")))
                .noiseStd(Double.parseDouble(System.getProperty("noise", "0.05")))
                .maxShift(Integer.getInteger("shift", 2)).build())
            .build();
        long t = System.nanoTime();
        if (Boolean.getBoolean("raw")) System.out.println("raw " + Baselines.rawPixels(train, test, c) + " " + (System.nanoTime() - t) / 1e9);
        TrainingResult r = new ImageTrainer(c, train, test).train(null, new TrainingListener() {
            long last = System.nanoTime();
            @Override
            public void evaluating(int e) {
                System.out.println("train " + (System.nanoTime() - last) / 1e9); last = System.nanoTime();
            }
            @Override
            public void epochFinished(EpochRecord rec) {
                System.out.println("eval " + (System.nanoTime() - last) / 1e9); last = System.nanoTime();
                System.out.println(rec);
            }
        });
    }
}
