package org.contrast4j.retrieval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * pytorch-metric-learning's retrieval accuracies of labelled embeddings, each embedding a query against all the
 * others (its own row excluded: PML's {@code embeddings_come_from_same_source=True}), ranked by one exact search
 * ({@link ExactSearch}). For query i with label y_i, R_i = |{j ≠ i : y_j = y_i}| and neighbours n_1, n_2, … :
 * <ul>
 *   <li>precision@1 = mean over queries of [y_{n_1} = y_i] (PML {@code precision_at_1});</li>
 *   <li>MAP@R = mean over queries of (1/R_i) Σ_{r ≤ R_i, y_{n_r} = y_i} P@r, P@r = |{s ≤ r : y_{n_s} = y_i}| / r
 *       (PML {@code mean_average_precision_at_r}; Musgrave, Belongie &amp; Lim, "A Metric Learning Reality Check",
 *       ECCV 2020).</li>
 * </ul>
 * Queries whose label no other row has (R_i = 0, PML's "lone" queries) are skipped by both, as in PML; their
 * per-query values are NaN and the means are NaN when every query is lone. Differences from PML: PML ranks by
 * Euclidean distance by default (the same order as cosine for L2-normalised rows, up to ties and rounding), caps the
 * neighbour count at 1023 (a FAISS limit; here R is not capped), and averages per sample (its default
 * {@code avg_of_avgs=False}, as here).
 */
public final class LabelledEvaluation {
    private final double[] mapAtR;
    private final double[] precisionAt1;
    private final int evaluated;

    private LabelledEvaluation(double[] mapAtR, double[] precisionAt1, int evaluated) {
        this.mapAtR = mapAtR;
        this.precisionAt1 = precisionAt1;
        this.evaluated = evaluated;
    }

    /**
     * Evaluates N labelled embeddings (N×D, one label per row) with {@code search}'s similarity and threads.
     *
     * @throws IllegalArgumentException if the label count differs from N, N &lt; 2, or as
     *     {@link ExactSearch#search(Matrix, Matrix, int, int[][])}
     */
    public static LabelledEvaluation of(ExactSearch search, Matrix embeddings, long[] labels) {
        Checks.notNull(search, "search");
        Checks.notNull(embeddings, "embeddings");
        Checks.notNull(labels, "labels");
        int n = embeddings.rows();
        Checks.argument(labels.length == n, "labels has %d entries but embeddings has %d rows (%s)", labels.length,
                n, embeddings.shape());
        Checks.argument(n >= 2, "labelled evaluation needs at least 2 rows, embeddings is %s", embeddings.shape());
        Map<Long, Integer> counts = new HashMap<>();
        for (long y : labels) {
            counts.merge(y, 1, Integer::sum);
        }
        int[] r = new int[n];
        int maxR = 0;
        for (int i = 0; i < n; i++) {
            r[i] = counts.get(labels[i]) - 1;
            maxR = Math.max(maxR, r[i]);
        }
        double[] map = new double[n];
        double[] p1 = new double[n];
        Arrays.fill(map, Double.NaN);
        Arrays.fill(p1, Double.NaN);
        int evaluated = 0;
        if (maxR > 0) {
            int[][] self = new int[n][];
            for (int i = 0; i < n; i++) {
                self[i] = new int[] {i};
            }
            TopK top = search.search(embeddings, embeddings, maxR, self);
            int[] ids = top.rawIds();
            for (int i = 0; i < n; i++) {
                if (r[i] == 0) {
                    continue;
                }
                evaluated++;
                int off = i * maxR;
                p1[i] = labels[ids[off]] == labels[i] ? 1 : 0;
                double sum = 0;
                int hits = 0;
                for (int j = 0; j < r[i]; j++) {
                    int id = ids[off + j];
                    if (id >= 0 && labels[id] == labels[i]) {
                        hits++;
                        sum += hits / (double) (j + 1);
                    }
                }
                map[i] = sum / r[i];
            }
        }
        return new LabelledEvaluation(map, p1, evaluated);
    }

    /** Mean MAP@R over the evaluated (non-lone) queries; NaN if none. */
    public double mapAtR() {
        return mean(mapAtR);
    }

    /** Mean precision@1 over the evaluated (non-lone) queries; NaN if none. */
    public double precisionAt1() {
        return mean(precisionAt1);
    }

    /** MAP@R of each row as a query (NaN for a lone row). */
    public double[] mapAtRPerQuery() {
        return mapAtR.clone();
    }

    /** precision@1 (0 or 1) of each row as a query (NaN for a lone row). */
    public double[] precisionAt1PerQuery() {
        return precisionAt1.clone();
    }

    /** How many rows share their label with at least one other row (the queries averaged over). */
    public int evaluatedQueries() {
        return evaluated;
    }

    private double mean(double[] v) {
        if (evaluated == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
            }
        }
        return s / evaluated;
    }

    @Override
    public String toString() {
        return "LabelledEvaluation[MAP@R " + mapAtR() + ", precision@1 " + precisionAt1() + ", " + evaluated
                + " queries]";
    }
}
