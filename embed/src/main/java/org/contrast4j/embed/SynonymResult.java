package org.contrast4j.embed;

/**
 * The outcome of {@link Evaluation#synonyms}: how close synonym pairs lie and how spread the words are, on the
 * unit-normalised word vectors.
 *
 * @param alignment {@link org.contrast4j.metric.Alignment} (α = 2) of the pairs used: (1/P) Σ ‖â − b̂‖², in [0, 4],
 *     lower = synonyms closer; NaN when no pair was used
 * @param uniformity {@link org.contrast4j.metric.Uniformity} (t = 2) of the distinct words of the pairs used:
 *     log mean_{i&lt;j} exp(−2‖x̂_i − x̂_j‖²), ≤ 0, lower = more spread, 0 = collapsed; NaN when no pair was used
 * @param recallAt10 the share of (pair, direction) where the partner is among the 10 nearest neighbours (cosine,
 *     whole vocabulary, the word itself excluded): each pair counts a → b and b → a, half each; NaN when no pair was
 *     used
 * @param used pairs whose two words are both in the vocabulary
 * @param unknown pairs skipped because at least one word is not in the vocabulary
 */
public record SynonymResult(double alignment, double uniformity, double recallAt10, int used, int unknown) {

    /** All pairs given, used + unknown. */
    public int total() {
        return used + unknown;
    }
}
