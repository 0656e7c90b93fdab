package org.contrast4j.djl.train;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * k-nearest-neighbour classification accuracy with cosine similarity (the standard frozen-feature evaluation of
 * self-supervised representations, e.g. Wu et al. 2018): each test feature's k most cosine-similar training
 * features vote with equal weight; a tie between classes goes to the class whose tied voters have the larger summed
 * similarity (then the smaller label). Features are L2-normalised (norm floor 1e-12); similarities come from
 * {@link Kernels#multiplyTransposed} in blocks of 256 test rows, so memory is O(256·N_train); the k best of a row
 * are kept by insertion into a k-slot buffer, O(N_train·k) per row worst case.
 */
final class Knn {
    private static final int BLOCK = 256;

    private Knn() {
    }

    /**
     * @param train training features (N × D), labels {@code trainLabels}
     * @param test test features (M × D), labels {@code testLabels}
     * @param k neighbours, 1 ≤ k ≤ N
     * @return the fraction of test features whose vote equals their label
     */
    static double accuracy(Matrix train, int[] trainLabels, Matrix test, int[] testLabels, int k) {
        int n = train.rows();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("kNN needs 1 <= k <= " + n + " training features, k was " + k);
        }
        if (train.cols() != test.cols()) {
            throw new IllegalArgumentException("train features are " + train.shape() + ", test features "
                    + test.shape() + ": dimensions differ");
        }
        int classes = 0;
        for (int y : trainLabels) {
            classes = Math.max(classes, y + 1);
        }
        Matrix tr = Similarity.COSINE.prepare(train);
        Matrix te = Similarity.COSINE.prepare(test);
        int m = te.rows();
        int correct = 0;
        float[] bestSim = new float[k];
        int[] bestIdx = new int[k];
        int[] votes = new int[classes];
        double[] sums = new double[classes];
        for (int from = 0; from < m; from += BLOCK) {
            int rows = Math.min(BLOCK, m - from);
            Matrix s = Kernels.multiplyTransposed(te.copyRows(from, from + rows), tr);
            float[] sd = s.data();
            for (int r = 0; r < rows; r++) {
                int size = 0; // bestSim sorted descending over [0, size)
                for (int j = 0, off = r * n; j < n; j++) {
                    float v = sd[off + j];
                    if (size < k || v > bestSim[size - 1]) {
                        int pos = size < k ? size++ : k - 1;
                        while (pos > 0 && bestSim[pos - 1] < v) {
                            bestSim[pos] = bestSim[pos - 1];
                            bestIdx[pos] = bestIdx[pos - 1];
                            pos--;
                        }
                        bestSim[pos] = v;
                        bestIdx[pos] = j;
                    }
                }
                java.util.Arrays.fill(votes, 0);
                java.util.Arrays.fill(sums, 0);
                for (int t = 0; t < k; t++) {
                    int y = trainLabels[bestIdx[t]];
                    votes[y]++;
                    sums[y] += bestSim[t];
                }
                int pred = 0;
                for (int c = 1; c < classes; c++) {
                    if (votes[c] > votes[pred] || votes[c] == votes[pred] && sums[c] > sums[pred]) {
                        pred = c;
                    }
                }
                if (pred == testLabels[from + r]) {
                    correct++;
                }
            }
        }
        return (double) correct / m;
    }
}
