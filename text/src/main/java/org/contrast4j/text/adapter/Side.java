package org.contrast4j.text.adapter;

/**
 * Which tower of an {@link Adapter} an embedding goes through: queries (the anchors of training) or documents (their
 * positives and negatives). A shared adapter has one tower for both.
 */
public enum Side {
    /** The query tower: the anchors of the training pairs. */
    QUERY,
    /** The document tower: the positives and negatives of the training pairs, and the corpus searched. */
    DOCUMENT;

    /** "query" or "document", as the command line and the adapter's files name it. */
    public String key() {
        return this == QUERY ? "query" : "document";
    }

    /**
     * The side named {@code name} ("query" or "document", any case).
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static Side parse(String name) {
        if (name != null) {
            for (Side s : values()) {
                if (s.key().equalsIgnoreCase(name.strip())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("side must be query or document, was " + name);
    }
}
