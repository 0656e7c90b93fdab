package org.contrast4j.text;

import java.util.List;
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

    /** Releases the model's native resources. */
    @Override
    void close();
}
