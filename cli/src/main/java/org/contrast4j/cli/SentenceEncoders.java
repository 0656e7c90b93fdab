package org.contrast4j.cli;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.contrast4j.text.MiniLm;
import org.contrast4j.text.SentenceEncoder;

/**
 * The sentence encoders the text commands can open by name ({@code --encoder NAME}). Tests register their own small
 * deterministic encoders here ({@link #registerForTests}); the command line never does.
 */
final class SentenceEncoders {
    /** The encoder the commands use without {@code --encoder}. */
    static final String DEFAULT = "minilm-q";

    private static final Map<String, Supplier<SentenceEncoder>> TEST_ONLY = new ConcurrentHashMap<>();

    private SentenceEncoders() {
    }

    /** Makes {@code name} open {@code encoder} (test sources only: a fixture, never a real model). */
    static void registerForTests(String name, Supplier<SentenceEncoder> encoder) {
        TEST_ONLY.put(name, encoder);
    }

    /**
     * Opens the encoder named {@code name}: {@code minilm-q} (all-MiniLM-L6-v2, int8 quantised) or {@code minilm}
     * (float32), on {@code threads} ONNX Runtime threads.
     *
     * @throws InputException if there is no such encoder (naming the ones there are)
     */
    static SentenceEncoder open(String option, String name, int threads) {
        Supplier<SentenceEncoder> test = TEST_ONLY.get(name);
        if (test != null) {
            return test.get();
        }
        return switch (name) {
            case "minilm-q" -> MiniLm.quantized().threads(threads).build();
            case "minilm" -> MiniLm.full().threads(threads).build();
            default -> throw new InputException(option + " must be minilm-q or minilm, was '" + name + "'");
        };
    }
}
