package org.contrast4j.embed;

import java.util.Locale;

/**
 * What a {@link SkipGram} trainer minimises for each (center, context) pair — the NCE family of the library on word
 * pairs. Scores are dot products of an input vector (the word vectors the trainer returns) and an output vector,
 * s(c|h) = h·W_c, with no bias. q is the noise distribution, the unigram counts raised to the noise power
 * (word2vec's n^0.75 by default), and k the number of noise samples per pair.
 *
 * <table>
 *   <caption>Objectives (ℓ per pair; σ the logistic function)</caption>
 *   <tr><th>objective</th><th>ℓ</th><th>cost per pair</th><th>library loss</th></tr>
 *   <tr><td>{@link #NEGATIVE_SAMPLING} ({@code neg})</td>
 *       <td>−log σ(s(t)) − Σ_j log σ(−s(c_j)); samples equal to the target skipped (as word2vec)</td>
 *       <td>O(k·D)</td><td>{@code NegativeSampling}, accidental hits removed</td></tr>
 *   <tr><td>{@link #NCE} ({@code nce})</td>
 *       <td>Δ(c) = s(c) − log(k·q(c)); −log σ(Δ(t)) − Σ_j log σ(−Δ(c_j)) (Gutmann &amp; Hyvärinen 2010; Mnih &amp;
 *       Teh 2012, self-normalised: log Z = 0)</td><td>O(k·D)</td><td>{@code Nce}, accidental hits kept</td></tr>
 *   <tr><td>{@link #SAMPLED_SOFTMAX} ({@code sampled-softmax})</td>
 *       <td>softmax cross-entropy over the target and its k samples with logits s(c) − log(k·q(c)) (Jean et al.
 *       2015); samples equal to the target removed</td><td>O(k·D)</td><td>{@code SampledSoftmax}</td></tr>
 *   <tr><td>{@link #SOFTMAX} ({@code softmax})</td>
 *       <td>−s(t) + log Σ_{c=0..V−1} e^{s(c)}, exact</td><td>O(V·D) — thousands of times slower than the
 *       sampled objectives for a real vocabulary; for small corpora and as the reference</td>
 *       <td>{@code FullSoftmax}</td></tr>
 *   <tr><td>{@link #INFONCE} ({@code infonce})</td>
 *       <td>in a batch of B pairs (a_i = input vector of the center, p_i = output vector of the context),
 *       −s_ii/τ + log Σ_j e^{s_ij/τ}; the other pairs' contexts are the negatives, except those with the same
 *       context word or the same center word (false negatives, masked); a thread's windows are pooled over 64 batches and
 *       shuffled first, so a batch mixes sentences while a center's pairs stay together (van den Oord et al.
 *       2018)</td>
 *       <td>O(U·D) for a batch's U distinct centers (about B/5 with the default window)</td><td>{@code InfoNce}, dot similarity, labels = context ids</td></tr>
 * </table>
 *
 * <p>neg, NCE and sampled softmax step either pair by pair or window by window with shared samples
 * ({@link SkipGram.Step}); the loss of each pair is the one above either way.
 *
 * <p>Roles: the per-pair objectives follow word2vec.c and gensim — the context word's input vector is the query and
 * the center word the target class. The batched ones (softmax, InfoNCE) use the center word's input vector as the
 * query and the context words as targets, so that the contexts of one center share one query row; the set of pairs is
 * the same (the window is symmetric).
 */
public enum Objective {
    /** word2vec's negative sampling (SGNS). */
    NEGATIVE_SAMPLING("neg"),
    /** Noise-contrastive estimation, self-normalised. */
    NCE("nce"),
    /** Sampled softmax with the log(k·q) correction. */
    SAMPLED_SOFTMAX("sampled-softmax"),
    /** The exact softmax over the whole vocabulary (O(V·D) per pair: slow). */
    SOFTMAX("softmax"),
    /** InfoNCE with in-batch negatives and a temperature. */
    INFONCE("infonce");

    private final String key;

    Objective(String key) {
        this.key = key;
    }

    /** The short name used on the command line and in reports: {@code neg}, {@code nce}, … */
    public String key() {
        return key;
    }

    /** Whether the objective draws k noise samples per pair from q. */
    public boolean sampled() {
        return this == NEGATIVE_SAMPLING || this == NCE || this == SAMPLED_SOFTMAX;
    }

    /**
     * The objective named {@code name}: its {@link #key()} or its enum name, case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted keys
     */
    public static Objective parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Objective o : values()) {
                if (o.key.equals(n) || o.name().toLowerCase(Locale.ROOT).equals(n)) {
                    return o;
                }
            }
        }
        throw new IllegalArgumentException("unknown objective '" + name + "': use neg, nce, sampled-softmax, softmax"
                + " or infonce");
    }
}
