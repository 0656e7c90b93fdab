/** contrast4j embed: skip-gram word and item embeddings (five objectives), corpora, word2vec files, evaluation. */
module org.contrast4j.embed {
    requires transitive org.contrast4j.core;
    requires static jdk.incubator.vector;

    exports org.contrast4j.embed;
}
