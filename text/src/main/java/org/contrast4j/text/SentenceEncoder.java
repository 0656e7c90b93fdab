package org.contrast4j.text;

import java.util.List;
import java.util.function.IntConsumer;
import org.contrast4j.linalg.Matrix;

/**
 * A frozen text encoder: each sentence to one embedding row, L2-normalised, of {@link #dimension()} floats.
 */
public interface SentenceEncoder extends AutoCloseable {

    /** The embedding dimension D. */
    int dimension();

    /**
     * A stable identifier of the model and of every setting that changes its output (for caches and reports), e.g.
     * {@code all-MiniLM-L6-v2-q/max-tokens=256}.
     */
    String id();

    /** The embeddings of {@code sentences}, one row each in order: a sentences.size() × D matrix. */
    Matrix encode(List<String> sentences);

    /**
     * {@link #encode(List)} reporting progress: {@code progress} receives the number of sentences encoded so far, from
     * the calling thread, at least once at the end. This default encodes in one call and reports once.
     */
    default Matrix encode(List<String> sentences, IntConsumer progress) {
        Matrix m = encode(sentences);
        progress.accept(sentences.size());
        return m;
    }

    /** Releases the model's native resources. */
    @Override
    void close();
}
