package org.contrast4j.djl.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The encoder architecture of the {@link ImageTrainer} (all ReLU, PyTorch's default initialisation, no
 * normalisation layers, so an image's embedding never depends on the rest of its batch):
 * <ul>
 *   <li>{@link #MLP}: flatten → Linear(hidden) → ReLU → Linear(hidden) → ReLU → Linear(embedding);</li>
 *   <li>{@link #CNN}: Conv 3×3 (16 filters, padding 1) → ReLU → max-pool 2×2 → Conv 3×3 (32, padding 1) → ReLU →
 *       max-pool 2×2 → flatten (32·⌊H/4⌋·⌊W/4⌋) → Linear(hidden) → ReLU → Linear(embedding).</li>
 * </ul>
 */
public enum EncoderKind {
    /** A multilayer perceptron on the flattened pixels. */
    MLP("mlp"),
    /** A small convolutional network. */
    CNN("cnn");

    private final String key;

    EncoderKind(String key) {
        this.key = key;
    }

    /** The name used on the command line and in JSON: {@code mlp} or {@code cnn}. */
    public String key() {
        return key;
    }

    /**
     * The encoder named {@code key} (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static EncoderKind of(String key) {
        for (EncoderKind e : values()) {
            if (e.key.equals(key.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown encoder '" + key + "': expected one of "
                + Arrays.stream(values()).map(EncoderKind::key).collect(Collectors.joining(", ")));
    }
}
