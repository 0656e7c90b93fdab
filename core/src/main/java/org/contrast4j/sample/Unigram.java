package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import java.util.random.RandomGenerator;

/**
 * Unigram noise raised to a power (Mikolov et al. 2013, "Distributed Representations of Words and Phrases and their
 * Compositionality"): from the counts n_c of V classes,
 * <pre>
 *   q(c) = n_c^α / Σ_{c'} n_{c'}^α
 * </pre>
 * with α = 0.75 by default (word2vec's choice: it flattens the distribution, drawing rare classes more often than
 * their frequency). α = 1 is the plain unigram, α = 0 uniform over the classes that occur. A class with count 0 has
 * q(c) = 0 for every α (it is never drawn). Draws go through an {@link AliasTable} (O(1) each).
 *
 * <p>Immutable and thread-safe; {@link #sampler(long)} gives a seeded {@link Sampler}.
 */
public final class Unigram implements NoiseDistribution {
    /** word2vec's exponent. */
    public static final double DEFAULT_ALPHA = 0.75;

    private final double alpha;
    private final AliasTable table;

    private Unigram(double alpha, AliasTable table) {
        this.alpha = alpha;
        this.table = table;
    }

    /** q(c) ∝ n_c^0.75. */
    public static Unigram of(long[] counts) {
        return of(counts, DEFAULT_ALPHA);
    }

    /**
     * q(c) ∝ n_c^α.
     *
     * @throws IllegalArgumentException if α is negative or not finite, the counts are empty, a count is negative
     *                                  (naming its index and value) or every count is 0
     */
    public static Unigram of(long[] counts, double alpha) {
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite and >= 0, was " + alpha);
        }
        Checks.notNull(counts, "counts");
        if (counts.length == 0) {
            throw new IllegalArgumentException("counts are empty: a unigram needs V >= 1 counts");
        }
        double[] w = new double[counts.length];
        boolean any = false;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0) {
                throw new IllegalArgumentException("counts[" + c + "] is " + counts[c] + ": counts must be >= 0");
            }
            if (counts[c] > 0) {
                w[c] = Math.pow(counts[c], alpha);
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException(
                    "counts are all 0 (V = " + counts.length + "): at least one must be > 0");
        }
        return new Unigram(alpha, AliasTable.of(w));
    }

    /** The exponent α. */
    public double alpha() {
        return alpha;
    }

    @Override
    public int size() {
        return table.size();
    }

    @Override
    public double probability(int id) {
        return table.probability(id);
    }

    @Override
    public int support() {
        return table.support();
    }

    @Override
    public int sample(RandomGenerator random) {
        return table.sample(random);
    }

    @Override
    public String toString() {
        return "Unigram{V=" + size() + ", alpha=" + alpha + ", support=" + support() + "}";
    }
}
