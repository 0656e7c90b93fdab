package org.contrast4j.text.adapter;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;

/**
 * Seeded synthetic retrieval tasks for the adapter tests: queries q ~ N(0, I), documents d = R·q + σ·ε with R a random
 * rotation, so a linear map relates the two sides and the frozen embeddings (no map) are nearly useless.
 */
final class Synthetic {
    private Synthetic() {
    }

    /** A random D×D rotation: Gram–Schmidt on a Gaussian matrix, in double. */
    static double[][] rotation(int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] r = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                r[i][j] = gaussian(rnd);
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += r[i][j] * r[k][j];
                }
                for (int j = 0; j < d; j++) {
                    r[i][j] -= dot * r[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += r[i][j] * r[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                r[i][j] /= norm;
            }
        }
        return r;
    }

    /** n pairs: queries (n×d) and documents R·q + sigma·noise (n×d), document i the positive of query i. */
    static Pairs pairs(int n, int d, double[][] r, double sigma, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] q = new float[n * d];
        float[] doc = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                q[i * d + j] = (float) gaussian(rnd);
            }
            for (int a = 0; a < d; a++) {
                double s = 0;
                for (int b = 0; b < d; b++) {
                    s += r[a][b] * q[i * d + b];
                }
                doc[i * d + a] = (float) (s + sigma * gaussian(rnd));
            }
        }
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
        }
        return Pairs.of(Matrix.of(n, d, q), Matrix.of(n, d, doc), pos);
    }

    static Matrix gaussianMatrix(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) gaussian(rnd);
        }
        return Matrix.of(rows, cols, a);
    }

    static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
