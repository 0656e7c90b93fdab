package org.contrast4j.djl.train;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.contrast4j.djl.data.LabeledImages;
import org.contrast4j.djl.data.SimClrAugment;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Collapse;
import org.contrast4j.metric.Hardness;
import org.contrast4j.metric.Uniformity;

/**
 * The held-out evaluation of {@link Evaluation}: holds the clean training and test pixels and two augmented views of
 * every test image, drawn once from the run's seed (the same views every epoch, and for every run with that seed).
 */
final class Evaluator {
    private final float[] trainPixels;
    private final float[] testPixels;
    final float[] view1;
    final float[] view2;
    private final int[] trainLabels;
    private final int[] testLabels;
    private final int classes;
    private final int nTrain;
    private final int nTest;
    private final int pix;
    private final int k;
    private final int probeSteps;
    /** The head outputs of the two test views at the last {@link #evaluate(Model, double)}. */
    TrainingResult.HeadOutputs lastHeadOutputs;

    Evaluator(LabeledImages train, LabeledImages test, SimClrAugment augment, long seed, int k, int probeSteps) {
        if (test.size() < 2) {
            throw new IllegalArgumentException("the evaluation needs at least 2 test images, got " + test.size());
        }
        if (k > train.size()) {
            throw new IllegalArgumentException("kNN with k = " + k + " needs at least " + k
                    + " training images, got " + train.size());
        }
        this.pix = train.pixelsPerImage();
        this.nTrain = train.size();
        this.nTest = test.size();
        this.trainPixels = train.allPixels();
        this.testPixels = test.allPixels();
        this.view1 = augmentAll(testPixels, nTest, augment, seed, Seeds.EVAL_VIEWS, 0);
        this.view2 = augmentAll(testPixels, nTest, augment, seed, Seeds.EVAL_VIEWS, 1);
        this.trainLabels = ints(train.labels());
        this.testLabels = ints(test.labels());
        this.classes = Math.max(train.numClasses(), test.numClasses());
        this.k = k;
        this.probeSteps = probeSteps;
    }

    /** Augmented copies of {@code n} images; image i's generator is seeded by (seed, stream, epochOrView, i). */
    static float[] augmentAll(float[] pixels, int n, SimClrAugment augment, long seed, long stream, long view) {
        int pix = augment.rows() * augment.cols();
        float[] out = new float[n * pix];
        IntStream.range(0, n).parallel().forEach(i -> augment.apply(pixels, i * pix, out, i * pix,
                new SplittableRandom(Seeds.mix(seed, stream, view, i))));
        return out;
    }

    /**
     * Effective rank of the uncentred second moment (1/N) Σ ẑ_i ẑ_iᵀ of the normalised rows: core
     * {@link Collapse#of} on the stacked rows [Ẑ; −Ẑ], whose mean is 0 and whose covariance is exactly that moment
     * (row normalisation commutes with the sign). Uncentred on purpose: a set collapsed to one point has a covariance
     * made of rounding noise, whose effective rank says nothing, while its second moment is ẑẑᵀ, of effective rank 1
     * (RankMe, Garrido et al. 2023, also works on the uncentred matrix). For a set spread over the sphere the mean is
     * near 0 and the two notions agree.
     */
    static double uncentredEffectiveRank(Matrix z) {
        int n = z.rows();
        int d = z.cols();
        float[] both = new float[Checks.product(2L * n, d, "two copies of the embeddings", 4)];
        float[] src = z.data();
        System.arraycopy(src, 0, both, 0, n * d);
        for (int k = 0; k < n * d; k++) {
            both[n * d + k] = -src[k];
        }
        return Collapse.of(Matrix.of(2 * n, d, both), true).effectiveRank();
    }

    private static int[] ints(long[] labels) {
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = (int) labels[i];
        }
        return out;
    }

    /** Evaluates the network: kNN and probe on encoder outputs, geometry on head outputs. */
    Evaluation evaluate(Model model, double tau) {
        Matrix trainFeatures = Matrix.of(nTrain, model.embeddingDim, model.encode(trainPixels, nTrain));
        Matrix testFeatures = Matrix.of(nTest, model.embeddingDim, model.encode(testPixels, nTest));
        Matrix z1 = Matrix.of(nTest, model.projectionDim, model.project(view1, nTest));
        Matrix z2 = Matrix.of(nTest, model.projectionDim, model.project(view2, nTest));
        lastHeadOutputs = new TrainingResult.HeadOutputs(z1, z2);
        return evaluate(trainFeatures, testFeatures, z1, z2, tau);
    }

    /** The raw-pixel baseline: pixels as features, and as the space of the geometric metrics. */
    Evaluation evaluatePixels(double tau) {
        return evaluate(Matrix.of(nTrain, pix, trainPixels), Matrix.of(nTest, pix, testPixels),
                Matrix.of(nTest, pix, view1), Matrix.of(nTest, pix, view2), tau);
    }

    private Evaluation evaluate(Matrix trainFeatures, Matrix testFeatures, Matrix z1, Matrix z2, double tau) {
        double knn = Knn.accuracy(trainFeatures, trainLabels, testFeatures, testLabels, k);
        double probe = LinearProbe.accuracy(trainFeatures, trainLabels, testFeatures, testLabels, classes,
                probeSteps);
        double alignment = Alignment.of(z1, z2);
        double uniformity = Uniformity.of(z1);
        double rank = uncentredEffectiveRank(z1);
        double negatives = Hardness.of(z1, z2, tau, true).effectiveNegatives().mean();
        return new Evaluation(knn, probe, alignment, uniformity, rank, negatives, tau);
    }
}
