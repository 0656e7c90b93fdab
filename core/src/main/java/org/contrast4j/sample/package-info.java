/**
 * Noise samplers for the NCE family and a negative queue for InfoNCE.
 *
 * <table>
 *   <caption>Distributions (all {@link org.contrast4j.sample.NoiseDistribution}: q(c) and O(1) draws)</caption>
 *   <tr><th>class</th><th>q(c)</th><th>source</th></tr>
 *   <tr><td>{@link org.contrast4j.sample.AliasTable}</td><td>w_c / Σ w, any finite weights ≥ 0</td>
 *       <td>Vose 1991, "A linear algorithm for generating random numbers with a given distribution"</td></tr>
 *   <tr><td>{@link org.contrast4j.sample.Unigram}</td><td>n_c^α / Σ n^α, α = 0.75 by default</td>
 *       <td>Mikolov et al. 2013 (word2vec)</td></tr>
 *   <tr><td>{@link org.contrast4j.sample.LogUniform}</td><td>(log(r+2) − log(r+1)) / log(V+1) over ranks r</td>
 *       <td>TensorFlow {@code log_uniform_candidate_sampler}; Jean et al. 2015</td></tr>
 * </table>
 *
 * <p>A {@link org.contrast4j.sample.Sampler} (seeded, one per thread: {@code noise.sampler(seed, thread)}) draws one
 * id, k ids into an array, or rows×k ids ({@link org.contrast4j.sample.Draws}), with replacement or unique
 * (TensorFlow's {@code unique=True}: draw until k distinct ids, optionally avoiding excluded ids such as the
 * target), and reports TensorFlow's expected counts: E(c) = k·q(c) when the k ids took k draws, else
 * 1 − (1 − q(c))^tries.
 *
 * <p>{@link org.contrast4j.sample.ClassSamples} draws the sampled classes of a {@link org.contrast4j.loss.ClassBatch}
 * (shared, per query, or negatives avoiding the target) with a seeded sampler and attaches the draw's expected counts,
 * for {@link org.contrast4j.loss.Nce}, {@link org.contrast4j.loss.NegativeSampling} and
 * {@link org.contrast4j.loss.SampledSoftmax}.
 *
 * <p>{@link org.contrast4j.sample.NegativeQueue}: MoCo's FIFO of the K latest keys (He et al. 2020), optionally
 * labelled, handed to {@link org.contrast4j.loss.InfoNce} as shared negatives with same-label entries masked per
 * anchor.
 *
 * <p>{@link org.contrast4j.sample.FrequencyEstimator}: per-batch item frequencies q(y) from the stream of batches —
 * exact counts, or the streaming hashed estimator of Yi et al. 2019 — whose log q corrects the sampling bias of
 * in-batch negatives ({@link org.contrast4j.loss.Batch.Builder#logQ}).
 *
 * <p>Bad input (k &lt; 1, a vocabulary too small for unique sampling, weights or counts negative, NaN, infinite or
 * all zero, ids out of range, keys of the wrong dimension) → {@link java.lang.IllegalArgumentException} naming the
 * value. Distributions are immutable and thread-safe; samplers and queues are not thread-safe.
 */
package org.contrast4j.sample;
