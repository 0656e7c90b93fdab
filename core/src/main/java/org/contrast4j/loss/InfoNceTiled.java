package org.contrast4j.loss;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.contrast4j.tiled.TiledInfoNce;

/**
 * {@link InfoNce} on the {@link TiledInfoNce} engine, tiled or stored logits (in-batch candidates only): prepares the inputs, runs the engine
 * with the reduction's row weight and maps its result to the same {@link LossResult} the dense path builds.
 */
final class InfoNceTiled {
    private InfoNceTiled() {
    }

    static LossResult compute(Batch batch, Matrix p, Temperature temperature, boolean symmetric, Similarity similarity,
                              Reduction reduction, int threads, double guideMargin, boolean stored) {
        Matrix a = batch.anchors();
        int n = a.rows();
        double w = Reductions.rowWeight(reduction, n) * (symmetric ? 0.5 : 1.0);
        Matrix ga = batch.guideAnchorsOrNull();
        TiledInfoNce.Guide guide = ga == null ? null : new TiledInfoNce.Guide(Similarity.COSINE.prepare(ga),
                Similarity.COSINE.prepare(batch.guidePositivesOrNull()), guideMargin);
        TiledInfoNce engine = stored ? TiledInfoNce.storedLogits(threads) : new TiledInfoNce(threads);
        TiledInfoNce.Result r = engine.compute(similarity.prepare(a), similarity.prepare(p),
                temperature.scale(), symmetric, batch.labelsOrNull(), guide, batch.logQOrNull(), w,
                temperature.learnable());
        boolean[] skip = r.withoutNegatives();
        int skipped = 0;
        for (int i = 0; skip != null && i < n; i++) {
            skipped += skip[i] ? 1 : 0;
        }
        double gradDotLogit = r.gradDotLogit();
        if (skipped > 0) {
            // skipped rows contributed 0; the others were weighted w = 1/N (mean): reweight to 1/(N − skipped)
            double f = skipped == n ? 0.0 : Reductions.rowWeight(reduction, n - skipped) / w;
            scaleInPlace(r.gradA(), f);
            scaleInPlace(r.gradB(), f);
            gradDotLogit *= f;
        }
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
        double value = symmetric ? Reductions.value(reduction, perRow, null)
                : Reductions.value(reduction, forward, skip);
        Map<Input, Matrix> gradients = new EnumMap<>(Input.class);
        gradients.put(Input.ANCHORS, similarity.backward(a, r.gradA()));
        gradients.put(Input.POSITIVES, similarity.backward(p, r.gradB()));
        Map<Scalar, Double> scalars = new EnumMap<>(Scalar.class);
        if (temperature.learnable()) {
            scalars.put(Scalar.LOG_TEMPERATURE, temperature.logTemperatureGradient(gradDotLogit));
        }
        try {
            return new LossResult(value, perRow, skipped, gradients, scalars, terms);
        } catch (IllegalArgumentException overflow) {
            throw similarity == Similarity.DOT ? Finite.tiledOverflow(a, p, temperature.scale(), overflow) : overflow;
        }
    }

    private static void scaleInPlace(Matrix m, double f) {
        float[] x = m.data();
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (x[k] * f);
        }
    }
}
