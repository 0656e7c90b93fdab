package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import java.util.random.RandomGenerator;

/**
 * The log-uniform (Zipfian) distribution over frequency ranks of TensorFlow's {@code log_uniform_candidate_sampler}
 * (used by Jean et al. 2015, "On Using Very Large Target Vocabulary for Neural Machine Translation"): ids are ranks
 * r = 0 … V−1, most frequent first, and
 * <pre>
 *   q(r) = (log(r + 2) − log(r + 1)) / log(V + 1)
 * </pre>
 * (the terms telescope to 1; q(r) ≈ 1/((r+1)·log(V+1)) for large r, Zipf's law). A draw is exactly TensorFlow's
 * {@code LogUniformSampler::Sample}: r = ⌊exp(u·log(V+1))⌋ − 1 for u uniform in [0, 1), taken mod V (a guard
 * against round-off that never fires in practice). q(r) is computed as log1p(1/(r+1)) / log1p(V).
 *
 * <p>Immutable and thread-safe; {@link #sampler(long)} gives a seeded {@link Sampler}.
 */
public final class LogUniform implements NoiseDistribution {
    private final int size;
    private final double logRange;

    private LogUniform(int size) {
        this.size = size;
        this.logRange = Math.log1p(size);
    }

    /**
     * The log-uniform distribution over V ranks.
     *
     * @throws IllegalArgumentException if V &lt; 1
     */
    public static LogUniform of(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a log-uniform distribution needs V >= 1 ranks, was " + size);
        }
        return new LogUniform(size);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public double probability(int id) {
        Checks.index(id, size, "id");
        return Math.log1p(1.0 / (id + 1.0)) / logRange;
    }

    @Override
    public int support() {
        return size;
    }

    @Override
    public int sample(RandomGenerator random) {
        long r = (long) Math.exp(random.nextDouble() * logRange) - 1;
        return (int) (r % size);
    }

    @Override
    public String toString() {
        return "LogUniform{V=" + size + "}";
    }
}
