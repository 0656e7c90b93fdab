package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.Engine;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.Scalar;
import org.contrast4j.loss.SupCon;
import org.contrast4j.similarity.Similarity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * NT-Xent, DCL and SupCon at N = 50,000 (2N = 100,000 stacked rows for the first two, whose 2N×2N float matrix alone
 * would need 37 GiB), D = 8, τ = 0.1, through the losses' default engine (AUTO, hence tiled), against an independent
 * computation in double.
 *
 * <p>The double reference cannot afford the 10¹⁰ pairs row by row, so the rows are drawn from K = 8 fixed unit
 * points: anchor i is point i mod 8 and its positive point ⌊i/8⌋ mod 8 (all 64 pair types), SupCon's label of row i is
 * ⌊i/3⌋ mod 5 (plus one row with a label of its own, skipped). Every sum over the other rows is then a sum over the 8
 * points weighted by how many rows (of the right kind) hold each, minus the excluded rows themselves: each row's loss,
 * its gradient and the temperature gradient follow in O(M·K·D) from the definitions, with no similarity matrix and no
 * code shared with the engine. The engine still computes all M² similarities from the rows.
 *
 * <p>Tolerances are {@link SelfSimilarityReference}'s float bound (D = 8, σ = 10, R = 1 up to rounding): per-row
 * losses within ε + T·ρ ≈ 1e-5; gradients within w·σ·R·(η·(1 + c_k) + (4u + γ_{M+4})·(1 + c_k + 2)), c_k = Σ_l P_lk,
 * the worst case of a sum of M float products (loose — about 0.6% — but any indexing error moves a row's gradient by
 * its whole size).
 *
 * <p>Cost: about 45 s of CPU in all (NT-Xent and DCL about 20 s each, SupCon 6 s), so about 23 s on two idle cores;
 * measured 146 s of wall time on the 2-core machine under a load of ~15 (2026-12-05). Tagged {@code large}; it runs
 * once per build (the tiled package is not in the kernel-variant test executions of the core POM).
 */
@Tag("large")
class LargeBatchTest {
    static final int N = 50_000;
    static final int D = 8;
    static final int K = 8;
    static final double TAU = 0.1;
    static final double U = SelfSimilarityReference.U;

    /** K unit points in float, and their similarities and e^{σ·S} in double. */
    static final class Points {
        final float[][] q = new float[K][D];
        final double[][] s = new double[K][K];
        final double[][] e = new double[K][K];
        final double sigma = 1 / TAU;

        Points() {
            SplittableRandom rnd = new SplittableRandom(50_000);
            for (int c = 0; c < K; c++) {
                double norm = 0;
                double[] v = new double[D];
                for (int j = 0; j < D; j++) {
                    v[j] = rnd.nextGaussian();
                    norm += v[j] * v[j];
                }
                for (int j = 0; j < D; j++) {
                    q[c][j] = (float) (v[j] / Math.sqrt(norm));
                }
            }
            for (int a = 0; a < K; a++) {
                for (int b = 0; b < K; b++) {
                    double dot = 0;
                    for (int j = 0; j < D; j++) {
                        dot += (double) q[a][j] * q[b][j];
                    }
                    s[a][b] = dot;
                    e[a][b] = Math.exp(sigma * dot);
                }
            }
        }

        Matrix rows(int[] point) {
            float[] x = new float[point.length * D];
            for (int k = 0; k < point.length; k++) {
                System.arraycopy(q[point[k]], 0, x, k * D, D);
            }
            return Matrix.of(point.length, D, x);
        }
    }

    /** What the reference gives for each row, and the bounds. */
    static final class Expected {
        final double[] loss;
        final double[][] grad;   // per row, length D
        final double[] gradBound;
        double value;
        double valueBound;
        double logTauGrad;
        double logTauBound;

        Expected(int m) {
            loss = new double[m];
            grad = new double[m][];
            gradBound = new double[m];
        }
    }

    @Test
    void ntXentDclAndSupConAtFiftyThousandRows() {
        Points pts = new Points();
        int m = 2 * N;
        int[] point = new int[m];
        for (int i = 0; i < N; i++) {
            point[i] = i % K;
            point[i + N] = (i / K) % K;
        }
        Matrix z = pts.rows(point);
        Batch pairs = Batch.of(z.copyRows(0, N), z.copyRows(N, m));
        // DOT on unit rows: the similarity is the cosine, and the gradients need no normalisation backward
        check("NT-Xent", NtXent.builder().temperature(TAU).learnableTemperature(true).similarity(Similarity.DOT)
                .build(), pairs, pairs(pts, point, true));
        check("DCL", Dcl.builder().temperature(TAU).learnableTemperature(true).similarity(Similarity.DOT).build(),
                pairs, pairs(pts, point, false));

        int[] anchors = new int[N];
        long[] labels = new long[N];
        for (int i = 0; i < N; i++) {
            anchors[i] = i % K;
            labels[i] = (i / 3) % 5;
        }
        labels[N - 1] = 1_000;  // a label of its own: skipped
        Batch labelled = Batch.builder(pts.rows(anchors)).labels(labels).build();
        LossResult r = check("SupCon", SupCon.builder().temperature(TAU).learnableTemperature(true)
                .similarity(Similarity.DOT).build(), labelled, supCon(pts, anchors, labels));
        assertEquals(1, r.skippedRows());
    }

    private static LossResult check(String name, ContrastiveLoss loss, Batch batch, Expected x) {
        assertEquals(Engine.TILED, Engine.AUTO.resolve(N, false));
        long t0 = System.nanoTime();
        LossResult r = loss.compute(batch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s at N = %d: %.2f s, value %.9f%n", name, N, seconds, r.value());
        if (!(Math.abs(r.value() - x.value) <= x.valueBound)) {
            fail(name + " value: reference " + x.value + ", was " + r.value() + " (bound " + x.valueBound + ")");
        }
        double[] perRow = r.perRow();
        assertEquals(x.loss.length, perRow.length);
        for (int k = 0; k < perRow.length; k++) {
            if (!(Math.abs(perRow[k] - x.loss[k]) <= PER_ROW)) {
                fail(name + " row " + k + ": reference " + x.loss[k] + ", was " + perRow[k] + " (bound " + PER_ROW
                        + ")");
            }
        }
        int n = batch.size();
        float[] ga = r.gradient(Input.ANCHORS).data();
        float[] gp = batch.positives().isPresent() ? r.gradient(Input.POSITIVES).data() : null;
        for (int k = 0; k < x.grad.length; k++) {
            float[] g = k < n ? ga : gp;
            int row = k < n ? k : k - n;
            for (int j = 0; j < D; j++) {
                double err = Math.abs(g[row * D + j] - x.grad[k][j]);
                if (!(err <= x.gradBound[k])) {
                    fail(name + " gradient row " + k + " [" + j + "]: reference " + x.grad[k][j] + ", was "
                            + g[row * D + j] + " (bound " + x.gradBound[k] + ")");
                }
            }
        }
        double lt = r.scalarGradients().get(Scalar.LOG_TEMPERATURE);
        if (!(Math.abs(lt - x.logTauGrad) <= x.logTauBound)) {
            fail(name + " ∂L/∂log τ: reference " + x.logTauGrad + ", was " + lt + " (bound " + x.logTauBound + ")");
        }
        return r;
    }

    /** Unit points up to rounding: ‖q‖ ≤ 1 + D·u. The rest as SelfSimilarityReference with R_k = R. */
    static final double R = 1 + D * U;
    static final double RHO = (1 / TAU) * SelfSimilarityReference.gamma(D) * R * R;
    static final double EPS = RHO + 2 * U * (2 * (1 / TAU) * R * R) + 4 * U;
    static final double ETA = Math.expm1(2 * EPS);
    /** ε + T·ρ with T = 1: a row's loss. */
    static final double PER_ROW = EPS + RHO;

    /**
     * NT-Xent (partnerCandidate) or DCL on z = [a; p] with anchor i at point[i], positive at point[i + N]: per-row
     * losses, gradients and ∂L/∂log τ by counting rows per point (and, for DCL, per pair type).
     */
    static Expected pairs(Points pts, int[] point, boolean ntXent) {
        int m = point.length;
        double sigma = pts.sigma;
        double w = 1.0 / m;
        long[] count = new long[K];
        long[][] typeCount = new long[K][K];  // rows of point a whose partner is at point b
        for (int k = 0; k < m; k++) {
            count[point[k]]++;
            typeCount[point[k]][point[(k + N) % m]]++;
        }
        // Z of a row at point a whose partner is at b: every other row, minus the partner for DCL
        double[][] zNorm = new double[K][K];
        for (int a = 0; a < K; a++) {
            double all = 0;
            for (int c = 0; c < K; c++) {
                all += count[c] * pts.e[a][c];
            }
            for (int b = 0; b < K; b++) {
                zNorm[a][b] = all - pts.e[a][a] - (ntXent ? 0 : pts.e[a][b]);
            }
        }
        Expected x = new Expected(m);
        double dot = 0;
        for (int k = 0; k < m; k++) {
            int a = point[k];
            int b = point[(k + N) % m];
            double zk = zNorm[a][b];
            x.loss[k] = Math.log(zk) - sigma * pts.s[a][b];
            x.value += w * x.loss[k];
            // Σ_{l∈C(k)} P_kl·S_kl
            double ps = 0;
            for (int c = 0; c < K; c++) {
                ps += count[c] * pts.e[a][c] * pts.s[a][c];
            }
            ps -= pts.e[a][a] * pts.s[a][a] + (ntXent ? 0 : pts.e[a][b] * pts.s[a][b]);
            dot += w * sigma * (ps / zk - pts.s[a][b]);
            // gradient: w·σ·(Σ_{l∈C(k)} P_kl z_l + Σ_{l: k∈C(l)} P_lk z_l − 2 z_partner)
            double[] g = new double[D];
            double colSum = 0;  // Σ_{l: k∈C(l)} P_lk
            for (int c = 0; c < K; c++) {
                for (int e = 0; e < K; e++) {
                    // rows l at point c with partner at e: P_lk = e^{σS(c, a)} / Z(c, e)
                    double pl = pts.e[c][a] / zNorm[c][e];
                    double rows = typeCount[c][e];
                    double coef = rows * pl + (e == 0 ? count[c] * pts.e[a][c] / zk : 0);
                    colSum += rows * pl;
                    for (int j = 0; j < D; j++) {
                        g[j] += coef * pts.q[c][j];
                    }
                }
            }
            // remove the rows that are not there: l = k itself in both directions; for DCL the partner too
            double selfRow = pts.e[a][a] / zk;
            double selfCol = pts.e[a][a] / zk;
            colSum -= selfCol;
            for (int j = 0; j < D; j++) {
                g[j] -= (selfRow + selfCol) * pts.q[a][j];
            }
            if (!ntXent) {
                double partnerRow = pts.e[a][b] / zk;
                double partnerCol = pts.e[b][a] / zNorm[b][a];
                colSum -= partnerCol;
                for (int j = 0; j < D; j++) {
                    g[j] -= (partnerRow + partnerCol) * pts.q[b][j];
                }
            }
            for (int j = 0; j < D; j++) {
                g[j] = w * sigma * (g[j] - 2 * pts.q[b][j]);
            }
            x.grad[k] = g;
            x.gradBound[k] = gradBound(w, sigma, m, colSum, 1);
        }
        x.valueBound = PER_ROW + 4 * U * Math.abs(x.value);
        x.logTauGrad = -dot;
        // Σ_k w·(σ·Σ_l P_kl·(η + u)·|S_kl − S̄_k| + 2ρ + σu|S̄_k|) with |S| ≤ R²
        x.logTauBound = sigma * (ETA + U) * 2 * R * R + 2 * RHO + sigma * U * R * R;
        return x;
    }

    /** SupCon on the anchors alone: row k at point[k] with label labels[k]. */
    static Expected supCon(Points pts, int[] point, long[] labels) {
        int m = point.length;
        double sigma = pts.sigma;
        java.util.Map<Long, long[]> perLabel = new java.util.HashMap<>();  // rows of the label at each point
        long[] count = new long[K];
        for (int k = 0; k < m; k++) {
            perLabel.computeIfAbsent(labels[k], y -> new long[K])[point[k]]++;
            count[point[k]]++;
        }
        boolean[] skipped = new boolean[m];
        long[] valid = new long[K];  // non-skipped rows at each point
        int validRows = 0;
        for (int k = 0; k < m; k++) {
            long size = 0;
            for (long c : perLabel.get(labels[k])) {
                size += c;
            }
            skipped[k] = size == 1;
            if (!skipped[k]) {
                valid[point[k]]++;
                validRows++;
            }
        }
        double w = 1.0 / validRows;
        double[] zNorm = new double[K];
        for (int a = 0; a < K; a++) {
            for (int c = 0; c < K; c++) {
                zNorm[a] += count[c] * pts.e[a][c];
            }
            zNorm[a] -= pts.e[a][a];
        }
        Expected x = new Expected(m);
        double dot = 0;
        for (int k = 0; k < m; k++) {
            int a = point[k];
            long[] same = perLabel.get(labels[k]);
            long size = 0;
            for (long c : same) {
                size += c;
            }
            double t = skipped[k] ? 0 : 1.0 / (size - 1);
            double[] g = new double[D];
            // column direction: Σ over non-skipped rows l ≠ k of P_lk z_l
            double colSum = 0;
            for (int c = 0; c < K; c++) {
                double rows = valid[c] - (c == a && !skipped[k] ? 1 : 0);
                double pl = pts.e[c][a] / zNorm[c];
                colSum += rows * pl;
                for (int j = 0; j < D; j++) {
                    g[j] += rows * pl * pts.q[c][j];
                }
            }
            if (!skipped[k]) {
                double target = 0;  // Σ_{l∈P(k)} S_kl
                double[] targetRows = new double[D];
                for (int c = 0; c < K; c++) {
                    double rows = same[c] - (c == a ? 1 : 0);
                    target += rows * pts.s[a][c];
                    for (int j = 0; j < D; j++) {
                        targetRows[j] += rows * pts.q[c][j];
                    }
                }
                x.loss[k] = Math.log(zNorm[a]) - sigma * t * target;
                x.value += w * x.loss[k];
                double ps = 0;
                for (int c = 0; c < K; c++) {
                    double rows = count[c] - (c == a ? 1 : 0);
                    ps += rows * pts.e[a][c] * pts.s[a][c];
                    for (int j = 0; j < D; j++) {
                        g[j] += rows * pts.e[a][c] / zNorm[a] * pts.q[c][j];
                    }
                }
                dot += w * sigma * (ps / zNorm[a] - t * target);
                for (int j = 0; j < D; j++) {
                    g[j] -= 2 * t * targetRows[j];
                }
            }
            for (int j = 0; j < D; j++) {
                g[j] *= w * sigma;
            }
            x.grad[k] = g;
            x.gradBound[k] = gradBound(w, sigma, m, colSum, skipped[k] ? 0 : 1);
        }
        x.valueBound = PER_ROW + 4 * U * Math.abs(x.value);
        x.logTauGrad = -dot;
        x.logTauBound = sigma * (ETA + U) * 2 * R * R + 2 * RHO + sigma * U * R * R;
        return x;
    }

    /**
     * w·σ·R·(η·(rowSum + colSum) + (4u + γ_{M+4})·(rowSum + colSum + 2T)): Σ_l |W_kl|·|z_lj| ≤ w·σ·R·(Σ_l P_kl +
     * Σ_l P_lk + 2T) with Σ_l P_kl = 1 (0 for a skipped row) and T = 1.
     */
    static double gradBound(double w, double sigma, int m, double colSum, double rowSum) {
        double total = rowSum + colSum;
        return w * sigma * R * (ETA * total + (4 * U + SelfSimilarityReference.gamma(m + 4)) * (total + 2 * rowSum));
    }
}
