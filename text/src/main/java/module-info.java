/**
 * contrast4j text: a frozen pretrained sentence encoder with an on-disk embedding cache, and adapters trained on its
 * embeddings with the core losses.
 */
module org.contrast4j.text {
    requires transitive org.contrast4j.core;

    exports org.contrast4j.text;
    exports org.contrast4j.text.adapter;
}
