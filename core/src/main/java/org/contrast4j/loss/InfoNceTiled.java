package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.contrast4j.tiled.TiledInfoNce;

/**
 * {@link InfoNce} on the {@link TiledInfoNce} engine (in-batch candidates only): prepares the inputs, runs the engine
 * with the reduction's row weight and maps its result to the same {@link LossResult} the dense path builds.
 */
final class InfoNceTiled {
    private InfoNceTiled() {
    }

    static LossResult compute(Batch batch, Matrix p, Temperature temperature, boolean symmetric, Similarity similarity,
                              Reduction reduction, int threads) {
        Matrix a = batch.anchors();
        int n = a.rows();
        double w = Reductions.rowWeight(reduction, n) * (symmetric ? 0.5 : 1.0);
        TiledInfoNce.Result r = new TiledInfoNce(threads).compute(similarity.prepare(a), similarity.prepare(p),
                temperature.scale(), symmetric, batch.labelsOrNull(), w);
        double[] forward = r.forward();
        double[] reverse = r.reverse();
        double[] perRow = new double[n];
        for (int i = 0; i < n; i++) {
            perRow[i] = symmetric ? 0.5 * (forward[i] + reverse[i]) : forward[i];
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        if (symmetric) {
            terms.put("anchor_to_positive", Reductions.value(reduction, forward, null));
            terms.put("positive_to_anchor", Reductions.value(reduction, reverse, null));
        }
        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        gradients.put(Input.ANCHORS, similarity.backward(a, r.gradA()));
        gradients.put(Input.POSITIVES, similarity.backward(p, r.gradB()));
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            scalars.put(Scalar.LOG_TEMPERATURE, temperature.logTemperatureGradient(r.gradDotLogit()));
        }
        try {
            return new LossResult(Reductions.value(reduction, perRow, null), perRow, 0, gradients, scalars, terms);
        } catch (IllegalArgumentException overflow) {
            throw similarity == Similarity.DOT ? Finite.tiledOverflow(a, p, temperature.scale(), overflow) : overflow;
        }
    }
}
