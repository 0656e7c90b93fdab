package org.contrast4j.djl.train;

import java.util.SplittableRandom;
import org.contrast4j.djl.data.LabeledImages;

/** Small seeded synthetic 28×28 image sets: class c is a bright bar at a class-specific position, plus noise. */
final class TinyData {
    private TinyData() {
    }

    static LabeledImages images(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            labels[i] = (byte) c;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean bar = c % 2 == 0 ? Math.abs(y - (4 + 2 * c)) <= 2 : Math.abs(x - (4 + 2 * c)) <= 2;
                    int v = (bar ? 180 : 20) + r.nextInt(60);
                    px[i * 784 + y * 28 + x] = (byte) v;
                }
            }
        }
        return LabeledImages.of(px, labels, 28, 28);
    }

    /** A small, fast configuration. */
    static TrainingConfig.Builder config() {
        return TrainingConfig.builder().hiddenDim(32).embeddingDim(4).headHiddenDim(16).projectionDim(8)
                .batchSize(16).epochs(2).knnK(5).probeSteps(20).seed(11);
    }
}
