/**
 * Embeddings and text in a Lucene index ({@link org.contrast4j.lucene.VectorIndex}): approximate k-nearest-neighbour
 * search on Lucene's HNSW graph (Malkov &amp; Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", TPAMI 2018), its recall against
 * {@link org.contrast4j.retrieval.ExactSearch}, and Okapi BM25 (Robertson &amp; Zaragoza 2009) over the stored text, each
 * returned as a {@link org.contrast4j.retrieval.TopK} for {@link org.contrast4j.retrieval.RetrievalEvaluation}.
 */
package org.contrast4j.lucene;
