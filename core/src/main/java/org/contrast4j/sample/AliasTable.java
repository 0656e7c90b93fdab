package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import java.util.random.RandomGenerator;

/**
 * Walker's alias method in the numerically careful form of Vose (1991, "A linear algorithm for generating random
 * numbers with a given distribution", IEEE Trans. Software Eng. 17(9)): any finite non-negative weights w_0 … w_{V−1}
 * define q(c) = w_c / Σ w, and after an O(V) build each draw costs O(1) — one uniform column i ∈ [0, V) and one
 * uniform u ∈ [0, 1):
 * <pre>
 *   draw = i          if u &lt; prob[i]
 *          alias[i]   otherwise
 * </pre>
 * The build scales the weights to p_c = V·q(c) (mean 1) and pairs each column below 1 with one at or above 1, which
 * donates the missing mass: p_large ← (p_large + p_small) − 1, in that order (Vose's remedy for round-off). A class
 * of weight 0 keeps prob = 0 and is never drawn.
 *
 * <p>{@link #probability(int)} returns w_c / Σ w computed directly (not read back from the table). Immutable and
 * thread-safe; {@link #sampler(long)} gives a seeded {@link Sampler}.
 */
public final class AliasTable implements NoiseDistribution {
    private final double[] q;
    private final double[] prob;
    private final int[] alias;
    private final int support;

    private AliasTable(double[] q, double[] prob, int[] alias, int support) {
        this.q = q;
        this.prob = prob;
        this.alias = alias;
        this.support = support;
    }

    /**
     * The alias table of {@code weights} (not required to sum to 1; copied).
     *
     * @throws IllegalArgumentException if the weights are empty, an entry is negative, NaN or infinite (naming its
     *                                  index and value), all are 0, or their sum overflows
     */
    public static AliasTable of(double[] weights) {
        Checks.notNull(weights, "weights");
        if (weights.length == 0) {
            throw new IllegalArgumentException("weights are empty: an alias table needs V >= 1 weights");
        }
        int v = weights.length;
        double sum = 0;
        int support = 0;
        for (int c = 0; c < v; c++) {
            double w = weights[c];
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException(
                        "weights[" + c + "] is " + w + ": weights must be finite and >= 0");
            }
            sum += w;
            if (w > 0) {
                support++;
            }
        }
        if (support == 0) {
            throw new IllegalArgumentException("weights are all 0 (V = " + v + "): at least one must be > 0");
        }
        if (!Double.isFinite(sum)) {
            throw new IllegalArgumentException("weights sum to " + sum + " (V = " + v + "): scale them down");
        }
        double[] q = new double[v];
        double[] p = new double[v];
        for (int c = 0; c < v; c++) {
            q[c] = weights[c] / sum;
            p[c] = weights[c] * ((double) v / sum);
        }
        return new AliasTable(q, p, build(p, weights), support);
    }

    /** Vose's pairing; {@code p} (scaled to mean 1) becomes the acceptance probabilities, the aliases are returned. */
    private static int[] build(double[] p, double[] weights) {
        int v = p.length;
        int[] alias = new int[v];
        int[] small = new int[v];
        int[] large = new int[v];
        int ns = 0;
        int nl = 0;
        int heaviest = 0;
        for (int c = 0; c < v; c++) {
            alias[c] = c;
            if (weights[c] > weights[heaviest]) {
                heaviest = c;
            }
            if (p[c] < 1.0) {
                small[ns++] = c;
            } else {
                large[nl++] = c;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            alias[s] = l;                 // p[s] stays as the acceptance probability of column s
            p[l] = (p[l] + p[s]) - 1.0;
            if (p[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            p[large[--nl]] = 1.0;
        }
        while (ns > 0) {
            // only round-off leaves a column here, with p ≈ 1; a zero-weight class must still never be drawn
            int s = small[--ns];
            if (weights[s] > 0) {
                p[s] = 1.0;
            } else {
                p[s] = 0.0;
                alias[s] = heaviest;
            }
        }
        return alias;
    }

    @Override
    public int size() {
        return q.length;
    }

    @Override
    public double probability(int id) {
        Checks.index(id, q.length, "id");
        return q[id];
    }

    @Override
    public int support() {
        return support;
    }

    @Override
    public int sample(RandomGenerator random) {
        int i = random.nextInt(prob.length);
        return random.nextDouble() < prob[i] ? i : alias[i];
    }

    @Override
    public String toString() {
        return "AliasTable{V=" + q.length + ", support=" + support + "}";
    }
}
