/**
 * Adapters on frozen embeddings: small linear or residual-MLP maps, one per side (query / document) or shared,
 * trained with the core contrastive losses (symmetric InfoNCE / CLIP with a learnable temperature, id masking, mined
 * hard negatives, GISTEmbed filtering, Matryoshka) so the embeddings of any frozen encoder fit a retrieval task.
 * {@link org.contrast4j.text.adapter.TextPairs} reads sentence-transformers pair / triplet TSV files,
 * {@link org.contrast4j.text.adapter.AdapterTrainer} trains, {@link org.contrast4j.text.adapter.Adapter} applies and
 * saves the result.
 */
package org.contrast4j.text.adapter;
