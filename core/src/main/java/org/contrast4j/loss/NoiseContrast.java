package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;

/**
 * The binary data-versus-noise objective shared by {@link Nce} and {@link NegativeSampling}: with
 * Δ(c) = s(c|h) − log Z − corr(c),
 * <pre>
 *   ℓ_i = −log σ(Δ(t_i)) − Σ_j log σ(−Δ(c_ij)) = softplus(−Δ(t_i)) + Σ_j softplus(Δ(c_ij))
 *   ∂ℓ_i/∂s(t_i) = −σ(−Δ(t_i)),   ∂ℓ_i/∂s(c_ij) = σ(Δ(c_ij)),   ∂ℓ_i/∂log Z = −Σ (both)
 * </pre>
 * corr = log E(c) for NCE, 0 for negative sampling. Removed accidental hits (c_ij = t_i) contribute nothing.
 */
final class NoiseContrast {
    private NoiseContrast() {
    }

    static ClassLossResult compute(ClassBatch batch, String name, boolean correct, double logZ, boolean learnableLogZ,
                                   boolean removeAccidentalHits, Reduction reduction) {
        SampledScores sc = SampledScores.of(batch, name);
        double[] corr = correct ? sc.logExpectedCounts(name) : null;
        int rows = sc.rows;
        int cols = sc.cols;
        double w = Reductions.rowWeight(reduction, rows);
        double[] perRow = new double[rows];
        double[] dataRow = new double[rows];
        double[] noiseRow = new double[rows];
        double[] g = new double[Checks.product(rows, cols, "noise-contrastive gradients", 8)];
        double logZGrad = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int p = i * cols + j;
                if (removeAccidentalHits && sc.accidentalHit(i, j)) {
                    continue;
                }
                double delta = sc.scores[p] - logZ - (corr == null ? 0 : corr[p]);
                double dS;
                if (j == 0) {
                    dataRow[i] = SigLip.softplus(-delta);
                    dS = -SigLip.sigmoid(-delta);
                } else {
                    noiseRow[i] += SigLip.softplus(delta);
                    dS = SigLip.sigmoid(delta);
                }
                g[p] = w * dS;
                logZGrad -= w * dS;
            }
            perRow[i] = dataRow[i] + noiseRow[i];
        }
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (learnableLogZ) {
            scalars.put(Scalar.LOG_NORMALISER, logZGrad);
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("data", Reductions.value(reduction, dataRow, null));
        terms.put("noise", Reductions.value(reduction, noiseRow, null));
        return sc.result(g, Reductions.value(reduction, perRow, null), perRow, scalars, terms);
    }
}
