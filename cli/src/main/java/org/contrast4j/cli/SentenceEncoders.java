package org.contrast4j.cli;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.contrast4j.text.SentenceEncoder;

/**
 * The sentence encoders the text commands can open by name ({@code --encoder NAME}). Tests register their own small
 * deterministic encoders here ({@link #registerForTests}); the command line never does.
 */
final class SentenceEncoders {
    /** The encoder the commands use without {@code --encoder}. */
    static final String DEFAULT = "minilm-q";

    private static final Map<String, Supplier<SentenceEncoder>> TEST_ONLY = new ConcurrentHashMap<String, Supplier<SentenceEncoder>>();

    private SentenceEncoders() {
    }

    /** Makes {@code name} open {@code encoder} (test sources only: a fixture, never a real model). */
    static void registerForTests(String name, Supplier<SentenceEncoder> encoder) {
        TEST_ONLY.put(name, encoder);
    }

    /**
     * Opens the encoder named {@code name}.
     *
     * @throws InputException if there is no such encoder (naming the ones there are)
     */
    static SentenceEncoder open(String option, String name) {
        Supplier<SentenceEncoder> test = TEST_ONLY.get(name);
        if (test != null) {
            return test.get();
        }
        TreeSet<String> known = new TreeSet<>(TEST_ONLY.keySet());
        known.add(DEFAULT);
        if (name.equals(DEFAULT)) {
            throw new InputException(option + " " + name + ": the MiniLM encoder (issue 12, module text) is not in "
                    + "this build yet");
        }
        throw new InputException(option + " " + name + ": unknown encoder; known: " + String.join(", ", known));
    }
}
