package org.contrast4j.cli;

import java.util.List;
import java.util.Locale;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.SentenceEncoder;

/**
 * TEST ONLY — a deterministic stand-in for a sentence encoder, so the text commands can be tested without a model:
 * each lower-cased word adds ±1 to one of D coordinates chosen by a hash of the word (the "hashing trick"), and the
 * row is L2-normalised. Texts that share no word get (nearly) orthogonal embeddings, which is what the adapter tests
 * need: a task whose two sides use different words is one the frozen "encoder" cannot solve and a linear adapter can.
 */
final class HashedBagOfWordsTestEncoder implements SentenceEncoder {
    static final String NAME = "test-hashed-bag-of-words";
    private final int dimension;

    HashedBagOfWordsTestEncoder(int dimension) {
        this.dimension = dimension;
    }

    /** Registers the encoder under {@link #NAME} for {@code --encoder}. */
    static void register(int dimension) {
        SentenceEncoders.registerForTests(NAME, () -> new HashedBagOfWordsTestEncoder(dimension));
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String id() {
        return NAME + "/d=" + dimension;
    }

    @Override
    public Matrix encode(List<String> sentences) {
        float[] out = new float[sentences.size() * dimension];
        for (int i = 0; i < sentences.size(); i++) {
            for (String w : sentences.get(i).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (w.isEmpty()) {
                    continue;
                }
                long h = w.hashCode() * 0x9E3779B97F4A7C15L;
                h ^= h >>> 29;
                int bucket = (int) Math.floorMod(h, (long) dimension);
                out[i * dimension + bucket] += (h & (1L << 40)) == 0 ? 1f : -1f;
            }
            double s = 0;
            for (int j = 0; j < dimension; j++) {
                s += out[i * dimension + j] * out[i * dimension + j];
            }
            if (s == 0) {
                out[i * dimension] = 1f;
            } else {
                for (int j = 0; j < dimension; j++) {
                    out[i * dimension + j] = (float) (out[i * dimension + j] / Math.sqrt(s));
                }
            }
        }
        return Matrix.of(sentences.size(), dimension, out);
    }

    @Override
    public void close() {
    }
}
