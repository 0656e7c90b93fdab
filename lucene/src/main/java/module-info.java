/**
 * contrast4j lucene: embeddings in a Lucene index — HNSW vector search measured against core's exact search, and a
 * BM25 baseline over stored text evaluated with the same retrieval metrics.
 */
module org.contrast4j.lucene {
    requires transitive org.contrast4j.core;
    requires org.apache.lucene.core;

    exports org.contrast4j.lucene;
}
