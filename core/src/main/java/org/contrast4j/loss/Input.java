package org.contrast4j.loss;

import java.util.Locale;

/** The raw inputs of a {@link Batch}; a {@link LossResult} holds one gradient per input the loss used. */
public enum Input {
    ANCHORS, POSITIVES, NEGATIVES;

    /** The lower-case name used in files and JSON ({@code "anchors"}, …). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
