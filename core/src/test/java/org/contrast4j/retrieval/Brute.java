package org.contrast4j.retrieval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * Brute-force references in double: every score by a plain loop, every ranking by a full sort. Independent of the
 * tiled engine (no kernels, no heaps).
 */
final class Brute {
    private Brute() {
    }

    /** s(q_i, c_j) in double: cosine as ⟨q, c⟩ / (max(‖q‖, 1e-12)·max(‖c‖, 1e-12)), or the dot product. */
    static double[][] scores(Matrix q, Matrix c, Similarity sim) {
        int d = q.cols();
        double[][] s = new double[q.rows()][c.rows()];
        for (int i = 0; i < q.rows(); i++) {
            for (int j = 0; j < c.rows(); j++) {
                double dot = 0;
                double nq = 0;
                double nc = 0;
                for (int t = 0; t < d; t++) {
                    double a = q.get(i, t);
                    double b = c.get(j, t);
                    dot += a * b;
                    nq += a * a;
                    nc += b * b;
                }
                s[i][j] = sim == Similarity.DOT ? dot
                        : dot / (Math.max(Math.sqrt(nq), 1e-12) * Math.max(Math.sqrt(nc), 1e-12));
            }
        }
        return s;
    }

    /** All rows of {@code row} ordered by score descending, equal scores by ascending row. */
    static Integer[] ranking(double[] row) {
        Integer[] order = new Integer[row.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -row[j]).thenComparingInt(j -> j));
        return order;
    }

    /** Small integer entries in [−r, r]: every dot product is exact in float (and so in every kernel). */
    static Matrix integers(Random rnd, int rows, int cols, int r) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(2 * r + 1) - r;
        }
        return Matrix.of(rows, cols, v);
    }

    static Matrix gaussian(Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Matrix.of(rows, cols, v);
    }

    /**
     * The bound on |float score − double score| for unit-scale rows of dimension d: the GEMM's accumulation error
     * (d·ε·Σ|q_t c_t| ≤ d·ε·‖q‖‖c‖) plus the normalisation's rounding, with ε the float32 unit roundoff, times a
     * safety factor 4 (for cosine, where ‖q̂‖ = ‖ĉ‖ = 1).
     */
    static double cosineTolerance(int d) {
        return 4 * (d + 4) * Math.ulp(1f);
    }
}
