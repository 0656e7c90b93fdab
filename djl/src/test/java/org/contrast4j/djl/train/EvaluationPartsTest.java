package org.contrast4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/** kNN against a brute-force double reference; the linear probe on separable and on uninformative data. */
class EvaluationPartsTest {
    private static Matrix gaussian(int n, int d, SplittableRandom r) {
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Matrix.of(n, d, v);
    }

    /** Sort all training rows by cosine (double), take k, majority vote, ties by summed similarity then label. */
    private static double knnReference(Matrix train, int[] trainY, Matrix test, int[] testY, int k) {
        int correct = 0;
        for (int q = 0; q < test.rows(); q++) {
            double[] sims = new double[train.rows()];
            for (int j = 0; j < train.rows(); j++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int c = 0; c < train.cols(); c++) {
                    dot += (double) test.get(q, c) * train.get(j, c);
                    na += (double) test.get(q, c) * test.get(q, c);
                    nb += (double) train.get(j, c) * train.get(j, c);
                }
                sims[j] = dot / Math.sqrt(na * nb);
            }
            Integer[] order = IntStream.range(0, train.rows()).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -sims[j]));
            int[] votes = new int[10];
            double[] sum = new double[10];
            for (int t = 0; t < k; t++) {
                votes[trainY[order[t]]]++;
                sum[trainY[order[t]]] += sims[order[t]];
            }
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (votes[c] > votes[best] || votes[c] == votes[best] && sum[c] > sum[best]) {
                    best = c;
                }
            }
            if (best == testY[q]) {
                correct++;
            }
        }
        return (double) correct / test.rows();
    }

    @Test
    void knnMatchesBruteForce() {
        SplittableRandom r = new SplittableRandom(17);
        Matrix train = gaussian(300, 6, r);
        Matrix test = gaussian(70, 6, r);
        int[] trainY = new int[300];
        int[] testY = new int[70];
        for (int i = 0; i < 300; i++) {
            trainY[i] = (train.get(i, 0) > 0 ? 1 : 0) + 2 * (train.get(i, 1) > 0 ? 1 : 0); // learnable labels
        }
        for (int i = 0; i < 70; i++) {
            testY[i] = (test.get(i, 0) > 0 ? 1 : 0) + 2 * (test.get(i, 1) > 0 ? 1 : 0);
        }
        for (int k : new int[] {1, 4, 20}) {
            double expected = knnReference(train, trainY, test, testY, k);
            // a ratio of counts: one double division
            assertEquals(expected, Knn.accuracy(train, trainY, test, testY, k), FloatBounds.gamma64(2), "k = " + k);
        }
        assertTrue(Knn.accuracy(train, trainY, test, testY, 20) > 0.7);
    }

    @Test
    void probeSeparatesSeparableDataAndNotNoise() {
        SplittableRandom r = new SplittableRandom(23);
        int n = 600;
        int d = 12;
        Matrix x = gaussian(n, d, r);
        int[] y = new int[n];
        int[] noise = new int[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(5);
            y[i] = c;
            noise[i] = r.nextInt(5);
            x.set(i, c, x.get(i, c) + 6f); // class c shifts dimension c: linearly separable with margin
        }
        Matrix train = x.copyRows(0, 400);
        Matrix test = x.copyRows(400, n);
        int[] yTrain = Arrays.copyOf(y, 400);
        int[] yTest = Arrays.copyOfRange(y, 400, n);
        assertTrue(LinearProbe.accuracy(train, yTrain, test, yTest, 5, 300) > 0.97);
        double chance = LinearProbe.accuracy(train, Arrays.copyOf(noise, 400), test,
                Arrays.copyOfRange(noise, 400, n), 5, 300);
        assertTrue(chance < 0.35, "labels independent of the features: " + chance);
    }

    @Test
    void uncentredRankIsOneForACollapsedSetAndFullForSpreadData() {
        SplittableRandom r = new SplittableRandom(5);
        float[] v = new float[400 * 8];
        for (int i = 0; i < 400; i++) {
            for (int c = 0; c < 8; c++) {
                v[i * 8 + c] = (c == 2 ? 5f : 0f) + (float) (1e-4 * r.nextGaussian());
            }
        }
        // one direction of size 5 and noise of σ = 1e-4 (below 5σ in every entry): the other 7 singular values
        // squared hold a share b ≤ 7·(5e-4)²/25 of the total, so the effective rank is at most e^{h₂(b) + b·log 8}
        double b = 7 * 5e-4 * 5e-4 / 25;
        double h2 = -b * Math.log(b) - (1 - b) * Math.log1p(-b);
        assertEquals(1.0, Evaluator.uncentredEffectiveRank(Matrix.of(400, 8, v)), Math.expm1(h2 + b * Math.log(8)));
        double spread = Evaluator.uncentredEffectiveRank(gaussian(4000, 8, r));
        // the entropy of 8 values is at most log 8: exactly 8 up to the double rounding of the decomposition
        assertTrue(spread > 7.8 && spread <= 8.0 * (1 + FloatBounds.gamma64(64)), "isotropic gaussian: " + spread);
    }
}
