package org.contrast4j.embed;

import org.contrast4j.linalg.Kernels;
import org.contrast4j.linalg.Matrix;

/**
 * Brute-force scoring of query rows against the first {@code words} rows of a (normalised) vocabulary matrix: blocks of
 * queries times tiles of words, each block product one {@link Kernels#gemm}, handed tile by tile to a consumer that
 * keeps what it needs (a running top-k or argmax per query). Words are visited in increasing index order, so a
 * consumer that only replaces on a strictly greater score keeps the most frequent word among equal scores.
 */
final class Search {
    /** Rows of queries per block. */
    static final int QUERY_BLOCK = 128;
    /** Words per tile. */
    static final int WORD_TILE = 2048;

    /** Receives the scores of one block of queries against one tile of words. */
    @FunctionalInterface
    interface Tile {
        /**
         * @param query the index (in the query matrix) of the first query row of this block
         * @param rows the number of query rows in the block
         * @param word the vocabulary index of the first word of the tile
         * @param width the number of words in the tile
         * @param scores rows×width, row-major: scores[r·width + c] = ⟨query + r, word + c⟩
         */
        void accept(int query, int rows, int word, int width, float[] scores);
    }

    private final Matrix[] tiles;
    private final int words;

    /** Prepares the tiles of the first {@code words} rows of {@code vocabulary}. */
    Search(Matrix vocabulary, int words) {
        if (words < 1 || words > vocabulary.rows()) {
            throw new IllegalArgumentException("words must be in [1, " + vocabulary.rows() + "], was " + words);
        }
        this.words = words;
        int n = (words + WORD_TILE - 1) / WORD_TILE;
        tiles = new Matrix[n];
        for (int t = 0; t < n; t++) {
            tiles[t] = vocabulary.copyRows(t * WORD_TILE, Math.min(words, (t + 1) * WORD_TILE));
        }
    }

    int words() {
        return words;
    }

    /** Scores every row of {@code queries} (Q×D) against every word, in blocks of {@value #QUERY_BLOCK} rows. */
    void scores(Matrix queries, Tile consumer) {
        Matrix buffer = null;
        for (int q0 = 0; q0 < queries.rows(); q0 += QUERY_BLOCK) {
            int q1 = Math.min(queries.rows(), q0 + QUERY_BLOCK);
            Matrix block = q0 == 0 && q1 == queries.rows() ? queries : queries.copyRows(q0, q1);
            for (int t = 0; t < tiles.length; t++) {
                Matrix tile = tiles[t];
                if (buffer == null || buffer.rows() != q1 - q0 || buffer.cols() != tile.rows()) {
                    buffer = Matrix.zeros(q1 - q0, tile.rows());
                }
                Kernels.gemm(false, true, 1f, block, tile, 0f, buffer);
                consumer.accept(q0, q1 - q0, t * WORD_TILE, tile.rows(), buffer.data());
            }
        }
    }

    /**
     * The best {@code k} (score, index) of a stream of candidates offered in increasing index order; a candidate
     * replaces only on a strictly greater score, so among equal scores the lower index wins.
     */
    static final class TopK {
        final float[] scores;
        final int[] indices;
        int size;

        TopK(int k) {
            scores = new float[k];
            indices = new int[k];
        }

        void offer(float score, int index) {
            int k = scores.length;
            if (size == k && !(score > scores[k - 1])) {
                return;
            }
            int pos = size == k ? k - 1 : size++;
            while (pos > 0 && score > scores[pos - 1]) {
                scores[pos] = scores[pos - 1];
                indices[pos] = indices[pos - 1];
                pos--;
            }
            scores[pos] = score;
            indices[pos] = index;
        }

        boolean contains(int index) {
            for (int i = 0; i < size; i++) {
                if (indices[i] == index) {
                    return true;
                }
            }
            return false;
        }
    }
}
