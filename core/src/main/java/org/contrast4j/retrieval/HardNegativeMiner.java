package org.contrast4j.retrieval;

import java.util.SplittableRandom;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * Hard-negative mining for retrieval training, as sentence-transformers' {@code mine_hard_negatives}
 * (sentence-transformers #2697; relative margin #3321; the "positive-aware" margins of NV-Retriever, Moreira et al.
 * 2024, whose 95 % rule is {@code relativeMargin(0.05)}). For each query i with positive corpus rows P_i:
 * <ol>
 *   <li>rank the corpus by one exact search ({@link ExactSearch}: score descending, equal scores by ascending row)
 *       with the positives dropped; rank ρ(j) is 0-based among the non-positives;</li>
 *   <li>the positive score s⁺_i is the score of the positive from the same GEMM (the minimum over P_i when there are
 *       several, as sentence-transformers: the harder positive);</li>
 *   <li>a candidate j qualifies when rangeMin ≤ ρ(j) &lt; rangeMax and, with an absolute margin m,
 *       s(i, j) ≤ s⁺_i − m, and, with a relative margin r, s(i, j) ≤ s⁺_i · (1 − r) (compared in double);</li>
 *   <li>{@link Sampling#TOP} takes the first {@code numNegatives} qualifying candidates in rank order;
 *       {@link Sampling#RANDOM} a uniform sample without replacement of {@code numNegatives} of them (seeded, per
 *       query, independent of threads), listed in rank order;</li>
 *   <li>a query with fewer qualifying candidates keeps what it has, padded with −1, and counts as short.</li>
 * </ol>
 * One deliberate difference: sentence-transformers drops the margin-failing candidates before it skips the first
 * {@code range_min}, so its window shifts down the ranking when a margin is set; here the window is fixed by rank
 * among the non-positives, independent of the margins.
 * <pre>{@code
 * MinedNegatives neg = HardNegativeMiner.builder(5).rangeMax(100).relativeMargin(0.05).build()
 *         .mine(queries, corpus, positives);
 * }</pre>
 * Immutable and thread-safe. Defaults: cosine, rangeMin 0, rangeMax 100, no margin, TOP, seed 0, one thread per
 * processor.
 */
public final class HardNegativeMiner {
    /** How the negatives are taken from the qualifying candidates. */
    public enum Sampling {
        /** The first ones in rank order (the hardest). */
        TOP,
        /** A seeded uniform sample, listed in rank order. */
        RANDOM
    }

    private final int numNegatives;
    private final Similarity similarity;
    private final int rangeMin;
    private final int rangeMax;
    private final double absoluteMargin;
    private final double relativeMargin;
    private final Sampling sampling;
    private final long seed;
    private final int threads;

    private HardNegativeMiner(Builder b) {
        this.numNegatives = b.numNegatives;
        this.similarity = b.similarity;
        this.rangeMin = b.rangeMin;
        this.rangeMax = b.rangeMax;
        this.absoluteMargin = b.absoluteMargin;
        this.relativeMargin = b.relativeMargin;
        this.sampling = b.sampling;
        this.seed = b.seed;
        this.threads = b.threads;
    }

    /** A builder for a miner of {@code numNegatives} ≥ 1 negatives per query. */
    public static Builder builder(int numNegatives) {
        return new Builder(Checks.atLeast(numNegatives, 1, "numNegatives"));
    }

    /** Configures a {@link HardNegativeMiner}. */
    public static final class Builder {
        private final int numNegatives;
        private Similarity similarity = Similarity.COSINE;
        private int rangeMin = 0;
        private int rangeMax = 100;
        private double absoluteMargin = Double.NaN;
        private double relativeMargin = Double.NaN;
        private Sampling sampling = Sampling.TOP;
        private long seed = 0;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder(int numNegatives) {
            this.numNegatives = numNegatives;
        }

        /** The score (default COSINE). */
        public Builder similarity(Similarity similarity) {
            this.similarity = Checks.notNull(similarity, "similarity");
            return this;
        }

        /** The first rank (0-based, among non-positives) a negative may have (default 0). */
        public Builder rangeMin(int rangeMin) {
            this.rangeMin = Checks.atLeast(rangeMin, 0, "rangeMin");
            return this;
        }

        /** One past the last rank a negative may have (default 100). */
        public Builder rangeMax(int rangeMax) {
            this.rangeMax = Checks.atLeast(rangeMax, 1, "rangeMax");
            return this;
        }

        /** Keep only candidates with score ≤ positive score − m, m ≥ 0 (default: no absolute margin). */
        public Builder absoluteMargin(double m) {
            this.absoluteMargin = Checks.nonNegative(m, "absoluteMargin");
            return this;
        }

        /** Keep only candidates with score ≤ positive score · (1 − r), 0 ≤ r &lt; 1 (default: none). */
        public Builder relativeMargin(double r) {
            Checks.argument(r >= 0 && r < 1, "relativeMargin must be in [0, 1), was %s", r);
            this.relativeMargin = r;
            return this;
        }

        /** TOP (default) or RANDOM. */
        public Builder sampling(Sampling sampling) {
            this.sampling = Checks.notNull(sampling, "sampling");
            return this;
        }

        /** The seed of RANDOM sampling (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Worker threads of the search (default: one per processor). */
        public Builder threads(int threads) {
            this.threads = Checks.atLeast(threads, 1, "threads");
            return this;
        }

        /**
         * The miner.
         *
         * @throws IllegalArgumentException if rangeMax ≤ rangeMin
         */
        public HardNegativeMiner build() {
            Checks.argument(rangeMax > rangeMin, "rangeMax must be > rangeMin, were rangeMin = %d, rangeMax = %d",
                    rangeMin, rangeMax);
            return new HardNegativeMiner(this);
        }
    }

    /** Mines with one positive corpus row per query ({@code positives[i]} for query i). */
    public MinedNegatives mine(Matrix queries, Matrix corpus, int[] positives) {
        Checks.notNull(positives, "positives");
        int[][] p = new int[positives.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new int[] {positives[i]};
        }
        return mine(queries, corpus, p);
    }

    /**
     * Mines with a set of positive corpus rows per query (at least one each); all are dropped from the ranking, the
     * margins use the lowest positive score.
     *
     * @throws IllegalArgumentException if {@code positives} does not have one non-empty row per query, names a row
     *     outside [0, M), or as {@link ExactSearch#search(Matrix, Matrix, int)}
     */
    public MinedNegatives mine(Matrix queries, Matrix corpus, int[][] positives) {
        Checks.notNull(queries, "queries");
        Checks.notNull(corpus, "corpus");
        Checks.notNull(positives, "positives");
        int b = queries.rows();
        int m = corpus.rows();
        Checks.argument(positives.length == b, "positives must have one entry per query: %d for %d queries",
                positives.length, b);
        for (int i = 0; i < b; i++) {
            Checks.argument(positives[i] != null && positives[i].length > 0, "query %d has no positive", i);
        }
        int depth = Math.min(rangeMax, m);
        ExactSearch search = ExactSearch.of(similarity).withThreads(threads);
        ExactSearch.Prepared prepared = search.prepare(queries, corpus, depth);
        int[][] pos = ExactSearch.exclusions(positives, b, m, "positives");
        TopKEngine.Raw raw = search.run(prepared, depth, pos, pos);

        int k = numNegatives;
        int[] negatives = new int[Checks.product(b, k, "the negatives", 4)];
        float[] scores = new float[negatives.length];
        float[] positiveScores = new float[b];
        int[] found = new int[b];
        int shortQueries = 0;
        int[] qualifying = new int[depth];
        for (int i = 0; i < b; i++) {
            float min = Float.POSITIVE_INFINITY;
            for (float s : raw.captured()[i]) {
                min = Math.min(min, s);
            }
            positiveScores[i] = min;
            double absLimit = Double.isNaN(absoluteMargin) ? Double.POSITIVE_INFINITY : (double) min - absoluteMargin;
            double relLimit = Double.isNaN(relativeMargin) ? Double.POSITIVE_INFINITY
                    : (double) min * (1 - relativeMargin);
            int n = 0;
            int off = i * depth;
            for (int rank = rangeMin; rank < depth; rank++) {
                int id = raw.ids()[off + rank];
                if (id < 0) {
                    break;
                }
                double s = raw.scores()[off + rank];
                if (s <= absLimit && s <= relLimit) {
                    qualifying[n++] = rank;
                }
            }
            int take = Math.min(n, k);
            if (sampling == Sampling.RANDOM && n > k) {
                // partial Fisher–Yates over the qualifying ranks, then back to rank order
                SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
                for (int j = 0; j < k; j++) {
                    int pick = j + rnd.nextInt(n - j);
                    int t = qualifying[j];
                    qualifying[j] = qualifying[pick];
                    qualifying[pick] = t;
                }
                java.util.Arrays.sort(qualifying, 0, k);
            }
            for (int j = 0; j < k; j++) {
                if (j < take) {
                    negatives[i * k + j] = raw.ids()[off + qualifying[j]];
                    scores[i * k + j] = raw.scores()[off + qualifying[j]];
                } else {
                    negatives[i * k + j] = -1;
                    scores[i * k + j] = Float.NaN;
                }
            }
            found[i] = take;
            if (take < k) {
                shortQueries++;
            }
        }
        return new MinedNegatives(b, k, negatives, scores, positiveScores, found, shortQueries);
    }

    public int numNegatives() {
        return numNegatives;
    }

    public Similarity similarity() {
        return similarity;
    }

    public int rangeMin() {
        return rangeMin;
    }

    public int rangeMax() {
        return rangeMax;
    }

    /** The absolute margin, NaN when none. */
    public double absoluteMargin() {
        return absoluteMargin;
    }

    /** The relative margin, NaN when none. */
    public double relativeMargin() {
        return relativeMargin;
    }

    public Sampling sampling() {
        return sampling;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "HardNegativeMiner[numNegatives=" + numNegatives + ", " + similarity + ", ranks [" + rangeMin + ", "
                + rangeMax + ")" + (Double.isNaN(absoluteMargin) ? "" : ", absoluteMargin=" + absoluteMargin)
                + (Double.isNaN(relativeMargin) ? "" : ", relativeMargin=" + relativeMargin) + ", " + sampling
                + (sampling == Sampling.RANDOM ? ", seed=" + seed : "") + "]";
    }
}
