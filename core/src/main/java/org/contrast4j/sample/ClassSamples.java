package org.contrast4j.sample;

import org.contrast4j.internal.Checks;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassLossResult;
import org.contrast4j.loss.ClassScoringLoss;

/**
 * The convenience path of the sampled class-scoring losses ({@link org.contrast4j.loss.Nce},
 * {@link org.contrast4j.loss.NegativeSampling}, {@link org.contrast4j.loss.SampledSoftmax}): draws a
 * {@link ClassBatch}'s sampled classes with a seeded {@link Sampler} and attaches the expected counts of that draw
 * (TF's {@code true_expected_count} for each target and {@code sampled_expected_count} for each sampled id: k·q(c)
 * with replacement, 1 − (1 − q(c))^tries for unique sampling; see {@link NoiseDistribution}).
 *
 * <pre>
 *   ClassBatch base = ClassBatch.builder(queries, classes).targets(targets).build();
 *   Sampler sampler = Unigram.of(counts).sampler(seed);              // one per thread
 *   ClassBatch batch = ClassSamples.shared(base, sampler, 64, true); // 64 distinct ids for the whole batch
 *   ClassLossResult r = SampledSoftmax.builder().build().compute(batch);
 * </pre>
 *
 * The same seed gives the same ids, so a result is reproducible; the returned batch holds everything else of the base
 * batch unchanged (any samples or counts it had are replaced). The sampler's vocabulary must be the batch's V.
 */
public final class ClassSamples {
    private ClassSamples() {
    }

    /**
     * One row of k ids shared by every query, as TF's candidate samplers draw them for a batch (with replacement, or
     * k distinct ids when {@code unique}).
     *
     * @throws IllegalArgumentException if the sampler's V differs from the batch's, k &lt; 1, or unique and fewer
     *     than k ids can be drawn
     */
    public static ClassBatch shared(ClassBatch batch, Sampler sampler, int k, boolean unique) {
        checkVocabulary(batch, sampler);
        Draws draws = sampler.draw(k, unique);
        int[] targets = batch.targets();
        double[] targetCounts = new double[targets.length];
        for (int i = 0; i < targets.length; i++) {
            targetCounts[i] = draws.expectedCount(0, targets[i]);
        }
        return batch.toBuilder().sharedSamples(draws.ids())
                .expectedCounts(targetCounts, draws.sampledExpectedCounts()).build();
    }

    /**
     * k ids per query, each query's drawn independently (with replacement, or k distinct ids when {@code unique}).
     *
     * @throws IllegalArgumentException if the sampler's V differs from the batch's, k &lt; 1, or unique and fewer
     *     than k ids can be drawn
     */
    public static ClassBatch perQuery(ClassBatch batch, Sampler sampler, int k, boolean unique) {
        checkVocabulary(batch, sampler);
        return paired(batch, sampler.draw(batch.size(), k, unique));
    }

    /**
     * k distinct ids per query, none of them the query's target ({@link Sampler#drawNegatives}: unique sampling
     * avoiding the target, so there are no accidental hits).
     *
     * @throws IllegalArgumentException if the sampler's V differs from the batch's, k &lt; 1, or fewer than k ids
     *     other than a target can be drawn
     */
    public static ClassBatch negatives(ClassBatch batch, Sampler sampler, int k) {
        checkVocabulary(batch, sampler);
        return paired(batch, sampler.drawNegatives(batch.targets(), k));
    }

    /** Draws k ids per query with {@link #perQuery} and computes {@code loss} on them. */
    public static ClassLossResult compute(ClassScoringLoss loss, ClassBatch batch, Sampler sampler, int k,
                                          boolean unique) {
        return loss.compute(perQuery(batch, sampler, k, unique));
    }

    private static ClassBatch paired(ClassBatch batch, Draws draws) {
        int[] targets = batch.targets();
        double[] targetCounts = new double[targets.length];
        for (int i = 0; i < targets.length; i++) {
            targetCounts[i] = draws.expectedCount(i, targets[i]);
        }
        return batch.toBuilder().pairedSamples(draws.ids(), draws.k())
                .expectedCounts(targetCounts, draws.sampledExpectedCounts()).build();
    }

    private static void checkVocabulary(ClassBatch batch, Sampler sampler) {
        Checks.notNull(batch, "batch");
        Checks.notNull(sampler, "sampler");
        int v = sampler.distribution().size();
        if (v != batch.classCount()) {
            throw new IllegalArgumentException("the sampler draws from " + v + " ids but the batch has "
                    + batch.classCount() + " classes (classes " + batch.classes().shape() + ")");
        }
    }
}
