package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A fixed distribution q over the ids 0 … V−1 of a vocabulary (classes, words, items) that can be sampled: the noise
 * of NCE and negative sampling, the proposal of sampled softmax.
 *
 * <p>Three kinds: {@link AliasTable} (any weights, Vose's O(1) draws), {@link Unigram} (counts raised to a power,
 * word2vec's 0.75) and {@link LogUniform} (Zipfian over frequency ranks, TensorFlow's
 * {@code log_uniform_candidate_sampler}). All are immutable and thread-safe; the random state lives in a
 * {@link Sampler}, one per thread, made by {@link #sampler(long)} or {@link #sampler(long, int)}.
 *
 * <p><b>Expected counts</b> (what sampled softmax subtracts, {@code log E(c)}), exactly TensorFlow's
 * {@code ExpectedCountHelper} in {@code range_sampler.cc}, with q(c) in double where TensorFlow uses float: for k
 * samples that took {@code tries} draws,
 * <pre>
 *   E(c) = k·q(c)                             if tries == k  (always with replacement; unique with no draw rejected)
 *   E(c) = 1 − (1 − q(c))^tries                otherwise      (computed as −expm1(tries·log1p(−q(c))))
 * </pre>
 * With replacement E(c) is the exact expected number of times c occurs among the k samples. With unique sampling
 * (draw with replacement until k distinct ids, {@code tries} the number of draws it took) it is TensorFlow's
 * approximation of the probability π(c) that c is among them: it pretends the number of tries was fixed in advance.
 * Measured (SamplerTest, log-uniform V = 8, k = 4 and V = 1000, k = 20): averaged over draws it is within 6% of π(c)
 * for the classes with k·q(c) ≤ 0.5, but it overstates the frequent ones — for rank 0 of V = 8, k = 4 it averages
 * 1.01 where π = 0.86, since a draw without rejection returns k·q(c) &gt; 1.
 */
public sealed interface NoiseDistribution permits AliasTable, Unigram, LogUniform {

    /** V, the number of ids; draws are in [0, V). */
    int size();

    /**
     * q(c), the probability that one draw returns {@code id}.
     *
     * @throws IllegalArgumentException if {@code id} is outside [0, V)
     */
    double probability(int id);

    /** A copy of q(0) … q(V−1). */
    default double[] probabilities() {
        double[] q = new double[size()];
        for (int c = 0; c < q.length; c++) {
            q[c] = probability(c);
        }
        return q;
    }

    /** How many ids have q(c) &gt; 0 (unique sampling needs at least k of them). */
    int support();

    /** One draw from q using {@code random}. */
    int sample(RandomGenerator random);

    /**
     * The expected count E(c) of {@code id} among {@code k} samples that took {@code tries} draws (see the class
     * comment): k·q(c) when {@code tries == k}, else −expm1(tries·log1p(−q(c))).
     *
     * @throws IllegalArgumentException if {@code id} is out of range, k &lt; 1 or tries &lt; k
     */
    default double expectedCount(int id, int k, int tries) {
        Checks.atLeast(k, 1, "k (samples per draw)");
        if (tries < k) {
            throw new IllegalArgumentException("tries must be >= k = " + k + ", was " + tries);
        }
        double q = probability(id);
        if (tries == k) {
            return k * q;
        }
        return -Math.expm1(tries * Math.log1p(-q));
    }

    /** A sampler over this distribution seeded with {@code seed} (a {@link SplittableRandom}): same seed, same ids. */
    default Sampler sampler(long seed) {
        return new Sampler(this, new SplittableRandom(seed));
    }

    /**
     * Stream {@code stream} of the family for {@code seed}, for thread number {@code stream} of a pool: the
     * (stream+1)-th {@link SplittableRandom#split()} of {@code new SplittableRandom(seed)}. Deterministic for
     * (seed, stream) whatever the order the streams are made in; distinct streams are statistically independent
     * (Steele, Lea &amp; Flood 2014, "Fast splittable pseudorandom number generators"), and each differs from
     * {@link #sampler(long)} for the same seed. Making stream s costs O(s).
     *
     * @throws IllegalArgumentException if {@code stream < 0}
     */
    default Sampler sampler(long seed, int stream) {
        Checks.atLeast(stream, 0, "stream");
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom g = root.split();
        for (int s = 0; s < stream; s++) {
            g = root.split();
        }
        return new Sampler(this, g);
    }
}
