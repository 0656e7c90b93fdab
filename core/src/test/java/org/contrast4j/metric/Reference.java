package org.contrast4j.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.contrast4j.linalg.Matrix;

/**
 * Reference implementations of the metrics, written straight from the formulas with plain double loops (full N×N
 * where the formula is a double sum) and no code from the metric package, plus seeded test data.
 */
final class Reference {
    private Reference() {
    }

    // ---------------------------------------------------------------- data

    /** An N×D matrix of standard normal values (times scale), seeded. */
    static Matrix gaussian(int n, int d, double scale, long seed) {
        Random random = new Random(seed);
        float[] a = new float[n * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (scale * random.nextGaussian());
        }
        return Matrix.of(n, d, a);
    }

    /** x + noise·ε, ε standard normal (seeded): a noisy positive view of x. */
    static Matrix noisy(Matrix x, double noise, long seed) {
        Random random = new Random(seed);
        float[] a = x.data().clone();
        for (int i = 0; i < a.length; i++) {
            a[i] += (float) (noise * random.nextGaussian());
        }
        return Matrix.of(x.rows(), x.cols(), a);
    }

    static double[][] toDouble(Matrix m) {
        double[][] out = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int c = 0; c < m.cols(); c++) {
                out[i][c] = m.get(i, c);
            }
        }
        return out;
    }

    /** Each row divided by max(‖row‖, 1e-12), in double. */
    static double[][] normalized(Matrix m) {
        double[][] x = toDouble(m);
        for (double[] row : x) {
            double norm = Math.sqrt(dot(row, row));
            double inv = 1.0 / Math.max(norm, 1e-12);
            for (int c = 0; c < row.length; c++) {
                row[c] *= inv;
            }
        }
        return x;
    }

    static double[][] rows(Matrix m, boolean normalize) {
        return normalize ? normalized(m) : toDouble(m);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += a[c] * b[c];
        }
        return s;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            double diff = a[c] - b[c];
            s += diff * diff;
        }
        return s;
    }

    // ---------------------------------------------------------------- alignment and uniformity

    /** (1/N) Σ_i ‖x_i − y_i‖^α. */
    static double alignment(Matrix xm, Matrix ym, double alpha, boolean normalize) {
        double[][] x = rows(xm, normalize);
        double[][] y = rows(ym, normalize);
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            total += Math.pow(Math.sqrt(squaredDistance(x[i], y[i])), alpha);
        }
        return total / x.length;
    }

    /** log of the mean over i &lt; j of exp(−t‖x_i − x_j‖²), through the full N×N matrix of exponentials. */
    static double uniformity(Matrix xm, double t, boolean normalize) {
        double[][] x = rows(xm, normalize);
        int n = x.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = Math.exp(-t * squaredDistance(x[i], x[j]));
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sum += k[i][j];
            }
        }
        return Math.log(sum / (n * (n - 1) / 2.0));
    }

    /** As {@link #uniformity} on raw rows, but in log space (max-subtracted), for pairs whose exp underflows. */
    static double uniformityLogSpace(Matrix xm, double t) {
        double[][] x = toDouble(xm);
        int n = x.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                max = Math.max(max, -t * squaredDistance(x[i], x[j]));
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sum += Math.exp(-t * squaredDistance(x[i], x[j]) - max);
            }
        }
        return max + Math.log(sum) - Math.log(n * (n - 1) / 2.0);
    }

    // ---------------------------------------------------------------- collapse

    /** Mean over i &lt; j of the cosine of rows i and j, pair by pair. */
    static double meanCosine(Matrix xm) {
        double[][] x = normalized(xm);
        int n = x.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sum += dot(x[i], x[j]);
            }
        }
        return sum / (n * (n - 1) / 2.0);
    }

    /** Population standard deviation of each column. */
    static double[] columnStd(Matrix xm, boolean normalize) {
        double[][] x = rows(xm, normalize);
        int n = x.length;
        int d = x[0].length;
        double[] std = new double[d];
        for (int c = 0; c < d; c++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[c];
            }
            mean /= n;
            double var = 0;
            for (double[] row : x) {
                var += (row[c] - mean) * (row[c] - mean);
            }
            std[c] = Math.sqrt(var / n);
        }
        return std;
    }

    /** C = (1/N) Σ_i (x_i − μ)(x_i − μ)ᵀ. */
    static double[][] covariance(Matrix xm, boolean normalize) {
        double[][] x = rows(xm, normalize);
        int n = x.length;
        int d = x[0].length;
        double[] mu = new double[d];
        for (double[] row : x) {
            for (int c = 0; c < d; c++) {
                mu[c] += row[c] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += (row[a] - mu[a]) * (row[b] - mu[b]) / n;
                }
            }
        }
        return cov;
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, largest first. */
    static double[] jacobiEigenvalues(double[][] symmetric) {
        int d = symmetric.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = symmetric[i].clone();
        }
        double frobenius = 0;
        for (double[] row : a) {
            for (double v : row) {
                frobenius += v * v;
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            // converged relative to the matrix (an absolute threshold stopped at once on tiny covariances)
            if (off <= 1e-32 * frobenius) {
                break;
            }
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < d; k++) { // A ← A·J
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) { // A ← Jᵀ·A
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = a[i][i];
        }
        Arrays.sort(values);
        double[] desc = new double[d];
        for (int i = 0; i < d; i++) {
            desc[i] = values[d - 1 - i];
        }
        return desc;
    }

    /** The largest eigenvalue of a symmetric positive semi-definite matrix by power iteration. */
    static double powerIteration(double[][] m, int iterations) {
        int d = m.length;
        double[] v = new double[d];
        Random random = new Random(7);
        for (int i = 0; i < d; i++) {
            v[i] = random.nextDouble() + 0.1;
        }
        double lambda = 0;
        for (int it = 0; it < iterations; it++) {
            double[] w = new double[d];
            for (int i = 0; i < d; i++) {
                w[i] = dot(m[i], v);
            }
            double norm = Math.sqrt(dot(w, w));
            if (norm == 0) {
                return 0;
            }
            lambda = dot(v, w) / dot(v, v);
            for (int i = 0; i < d; i++) {
                v[i] = w[i] / norm;
            }
        }
        return lambda;
    }

    /** exp(−Σ p log p) of the eigenvalues clipped at 0, computed with Jacobi on the reference covariance. */
    static double effectiveRank(Matrix x, boolean normalize) {
        double[] lambda = jacobiEigenvalues(covariance(x, normalize));
        double total = 0;
        for (double l : lambda) {
            total += Math.max(0, l);
        }
        double h = 0;
        for (double l : lambda) {
            if (l > 0) {
                h -= (l / total) * Math.log(l / total);
            }
        }
        return Math.exp(h);
    }

    // ---------------------------------------------------------------- hardness and InfoNCE

    /** The per-anchor statistics of the in-batch softmax, from the full N×N logit matrix. */
    record AnchorStats(double[] effective, double[] top1, double[] top10, double[] positive, double loss) {
    }

    static double[][] logits(Matrix am, Matrix cm, double tau, boolean normalize) {
        double[][] x = rows(am, normalize);
        double[][] y = rows(cm, normalize);
        int n = x.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                l[i][j] = dot(x[i], y[j]) / tau;
            }
        }
        return l;
    }

    static AnchorStats hardness(Matrix am, Matrix cm, double tau, boolean normalize) {
        double[][] l = logits(am, cm, tau, normalize);
        int n = l.length;
        double[] effective = new double[n];
        double[] top1 = new double[n];
        double[] top10 = new double[n];
        double[] positive = new double[n];
        double lossSum = 0;
        for (int i = 0; i < n; i++) {
            // softmax over the negatives j ≠ i
            List<Double> neg = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    neg.add(l[i][j]);
                }
            }
            double max = neg.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double[] q = new double[neg.size()];
            double z = 0;
            for (int k = 0; k < q.length; k++) {
                q[k] = Math.exp(neg.get(k) - max);
                z += q[k];
            }
            double h = 0;
            for (int k = 0; k < q.length; k++) {
                q[k] /= z;
                if (q[k] > 0) {
                    h -= q[k] * Math.log(q[k]);
                }
            }
            effective[i] = Math.exp(h);
            double[] sorted = q.clone();
            Arrays.sort(sorted); // ascending: full sort, unlike the metric's partial selection
            top1[i] = sorted[sorted.length - 1];
            double s10 = 0;
            for (int k = 0; k < Math.min(10, sorted.length); k++) {
                s10 += sorted[sorted.length - 1 - k];
            }
            top10[i] = s10;
            // softmax over all N candidates
            double all = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                all = Math.max(all, l[i][j]);
            }
            double zAll = 0;
            for (int j = 0; j < n; j++) {
                zAll += Math.exp(l[i][j] - all);
            }
            positive[i] = Math.exp(l[i][i] - all) / zAll;
            lossSum += -(l[i][i] - all - Math.log(zAll));
        }
        return new AnchorStats(effective, top1, top10, positive, lossSum / n);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Percentile with linear interpolation between order statistics (NumPy's default method). */
    static double percentile(double[] v, double percent) {
        double[] s = v.clone();
        Arrays.sort(s);
        double rank = percent / 100.0 * (s.length - 1);
        int below = (int) rank;
        if (below == s.length - 1) {
            return s[below];
        }
        double weight = rank - below;
        return (1 - weight) * s[below] + weight * s[below + 1];
    }
}
