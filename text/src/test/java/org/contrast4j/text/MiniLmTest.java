package org.contrast4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MiniLm} against an independent reference: langchain4j's own pipeline over the same ONNX graphs (its model
 * classes {@code AllMiniLmL6V2[Quantized]EmbeddingModel}, one sentence per call, and its generic
 * {@code OnnxEmbeddingModel} with the jar's tokenizer.json set to truncate at 256 instead of 128 tokens, for sentences
 * longer than 128 tokens). This checks tokenisation (special tokens, truncation, lower-casing, accents), mean pooling
 * over the mask, normalisation, and batching with padding and the restoring of the input order.
 *
 * <p><b>The bound.</b> Both sides run the same graph on the same token ids; what may differ is the order of float32
 * summations (ONNX Runtime's kernels block a padded batch and split work over threads differently) and the pooling
 * (ours sums in double). The longest reduction in the graph has K = 1536 terms (the feed-forward layer), so each
 * layer's output carries a relative error of at most about γ_K; six layers give a relative error of the hidden states,
 * and of the pooled embedding, r ≤ 6·γ_1536 + γ_256 (the pooling over at most 256 tokens). Two unit vectors a, b with
 * ‖a − b‖ ≤ 2r have 1 − cos(a, b) = ‖a − b‖²/2 ≤ 2r² ≈ 6·10⁻⁷. Padding adds only exact zeros: padded keys get
 * attention weight exp(−∞) = 0 and padded positions are outside the pooling mask. (LayerNorm and softmax could amplify
 * an error; the observed differences are ≤ 10⁻¹³, far inside the bound, so the bound has room for that.)
 *
 * <p><b>The quantised model batched.</b> Its graph quantises each matrix product's input with one uint8 scale for the
 * whole batch tensor ({@code DynamicQuantizeLinear}), so batch companions change the rounding: not a float32 effect.
 * There the test checks that each batched row is nearer its own reference than any other sentence's, and that its
 * angle to the float32 model's embedding is at most twice the largest angle the artifact's own quantised embedding has
 * to it on the same sentences (batching re-draws the quantisation rounding, it must not add error of another order).
 */
class MiniLmTest {
    /** 1 − cos bound of two float32 runs of the same graph in different summation orders (see the class comment). */
    static final double BOUND;

    static {
        double r = 6 * FloatBounds.gamma(1536) + FloatBounds.gamma(256);
        BOUND = 2 * r * r;
    }

    static final List<String> SENTENCES = new ArrayList<>(List.of(
            "In the beginning God created the heaven and the earth.",
            "Jesus wept.",
            "a",
            "Hello, world!",
            "The quick brown fox jumps over the lazy dog.",
            "Contrastive learning pulls positive pairs together and pushes negatives apart.",
            "And God said, Let there be light: and there was light.",
            "En el principio creó Dios los cielos y la tierra.",
            "Y dijo Dios: Sea la luz; y fué la luz.",
            "El niño pequeño comió una manzana en el jardín, ¿verdad? ¡Sí!",
            "Señor, ¿adónde iremos? Tú tienes palabras de vida eterna.",
            "Über den Wolken muß die Freiheit wohl grenzenlos sein.",
            "Ο Θεός είναι αγάπη.",
            "天地玄黄，宇宙洪荒。",
            "Emoji 🙂 and symbols ∑ ∞ ≤ ≥ → ←",
            "naïve café résumé façade coöperate",
            "   leading and trailing spaces   ",
            "UPPER CASE AND lower case And Mixed Case",
            "Numbers 3.14159, 2,718 and 1e-10 are not words.",
            "tab\tseparated\twords and a\nnewline inside",
            "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "http://example.org/path?query=1&other=2 is a URL",
            "Blessed are the meek: for they shall inherit the earth.",
            "Bienaventurados los mansos: porque ellos recibirán la tierra por heredad.",
            "For God so loved the world, that he gave his only begotten Son, that whosoever believeth in him should"
                    + " not perish, but have everlasting life.",
            "Porque de tal manera amó Dios al mundo, que haya dado á su Hijo unigénito, para que todo aquel que en"
                    + " él cree, no se pierda, mas tenga vida eterna."));

    /** Sentences of about 150 to 200 tokens: truncated at 128 by the artifact's class, whole at 256. */
    static final List<String> MEDIUM = List.of(repeat(
            "And the earth was without form, and void; and darkness was upon the face of the deep. ", 8),
            repeat("Y la tierra estaba desordenada y vacía, y las tinieblas estaban sobre la haz del abismo. ", 7));

    /** Sentences of more than 256 tokens. */
    static final List<String> LONG = List.of(
            repeat("And the Spirit of God moved upon the face of the waters, and God saw the light, that it was good;"
                    + " and God divided the light from the darkness. ", 12),
            repeat("Y el Espíritu de Dios se movía sobre la haz de las aguas; y vió Dios que la luz era buena, y"
                    + " apartó Dios la luz de las tinieblas. Ñandú, pingüino, corazón. ", 10));

    static AllMiniLmL6V2QuantizedEmbeddingModel classQ;
    /** Ours, float32, batches of 5: over 30 sentences of 2 to 256 tokens every batch is padded and rows reordered. */
    static MiniLm full;
    /** The references' embeddings of {@link #all}, one sentence per call: the class at 128 tokens, the rest at 256. */
    static float[][] classQ128;
    static float[][] refQ256;
    static float[][] refFull256;
    static List<String> all;

    @BeforeAll
    static void references(@TempDir Path dir) throws IOException {
        // the reference must not call home either (MiniLm sets this itself in its static initialiser)
        System.setProperty("ai.djl.offline", "true");
        classQ = new AllMiniLmL6V2QuantizedEmbeddingModel();
        full = MiniLm.full().batchSize(5).threads(2).build();
        Path q = copy("all-minilm-l6-v2-q.onnx", dir);
        Path fullOnnx = copy("all-minilm-l6-v2.onnx", dir);
        Path tok = dir.resolve("tokenizer-256.json");
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = resource("all-minilm-l6-v2-q-tokenizer.json")) {
            ObjectNode root = (ObjectNode) json.readTree(in);
            assertEquals(128, root.path("truncation").path("max_length").asInt(), "the jar's tokenizer truncation");
            ((ObjectNode) root.get("truncation")).put("max_length", 256);
            json.writeValue(tok.toFile(), root);
        }
        all = new ArrayList<>(SENTENCES);
        all.addAll(MEDIUM);
        all.addAll(LONG);
        classQ128 = embedEach(classQ, all);
        refQ256 = embedEach(new OnnxEmbeddingModel(q, tok, PoolingMode.MEAN), all);
        refFull256 = embedEach(new OnnxEmbeddingModel(fullOnnx, tok, PoolingMode.MEAN), all);
    }

    @AfterAll
    static void release() {
        classQ = null;
        classQ128 = null;
        full.close();
        refQ256 = null;
        refFull256 = null;
    }

    @Test
    void theTestSentencesCoverShortMediumAndLong() {
        try (MiniLm m = MiniLm.quantized().maxTokens(512).build()) {
            for (String s : MEDIUM) {
                int n = m.tokenize(List.of(s))[0].length;
                assertTrue(n > 128 && n <= 256, "medium sentence has " + n + " tokens");
            }
            for (String s : LONG) {
                int n = m.tokenize(List.of(s))[0].length;
                assertTrue(n > 256, "long sentence has " + n + " tokens");
            }
        }
    }

    @Test
    void quantizedOneAtATimeMatchesTheArtifactsClassAt128Tokens() {
        try (MiniLm m = MiniLm.quantized().batchSize(1).maxTokens(128).threads(2).build()) {
            assertMatches(m.encode(all), classQ128, all, BOUND);
        }
    }

    @Test
    void quantizedOneAtATimeMatchesTheArtifactAt256Tokens() {
        try (MiniLm m = MiniLm.quantized().batchSize(1).threads(2).build()) {
            assertEquals("all-MiniLM-L6-v2-q/max-tokens=256/batch-size=1", m.id());
            assertMatches(m.encode(all), refQ256, all, BOUND);
        }
    }

    @Test
    void fullBatchedWithPaddingMatchesTheArtifactOneAtATime() {
        assertEquals("all-MiniLM-L6-v2/max-tokens=256", full.id());
        assertMatches(full.encode(all), refFull256, all, BOUND);
    }

    @Test
    void quantizedBatchedStaysWithinTheQuantisationErrorAndInOrder() {
        Matrix batched;
        try (MiniLm m = MiniLm.quantized().batchSize(5).threads(2).build()) {
            batched = m.encode(all);
        }
        int n = all.size();
        float[][] refQ = refQ256;
        float[][] refFull = refFull256;
        double worstArtifact = 0;
        for (int i = 0; i < n; i++) {
            worstArtifact = Math.max(worstArtifact, angle(refQ[i], refFull[i]));
        }
        for (int i = 0; i < n; i++) {
            double own = 1 - cos(batched.row(i), refQ[i]);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double other = 1 - cos(batched.row(i), refQ[j]);
                    assertTrue(own < other, "row " + i + " is nearer the reference of sentence " + j + " ("
                            + other + ") than its own (" + own + ")");
                }
            }
            double a = angle(batched.row(i), refFull[i]);
            assertTrue(a <= 2 * worstArtifact, "sentence " + i + ": angle to the float32 model " + a
                    + " > twice the artifact's own worst " + worstArtifact);
        }
    }

    @Test
    void blankTextGivesTheClsSepEmbeddingWhichTheArtifactRefuses() {
        assertThrows(IllegalArgumentException.class, () -> classQ.embed(""));
        assertThrows(IllegalArgumentException.class, () -> classQ.embed("   "));
        {
            MiniLm m = full;
            assertArrayEquals(new int[] {101, 102}, m.tokenize(List.of(""))[0]);
            assertArrayEquals(new int[] {101, 102}, m.tokenize(List.of(" \t "))[0]);
            List<String> mixed = new ArrayList<>(LONG.subList(0, 1));
            mixed.add("");
            mixed.addAll(SENTENCES.subList(0, 5));
            mixed.add(" \t ");
            Matrix batched = m.encode(mixed);
            Matrix alone = m.encode(List.of(""));
            float[] e = alone.row(0);
            double norm = 0;
            for (float v : e) {
                assertTrue(Float.isFinite(v));
                norm += (double) v * v;
            }
            assertEquals(1.0, Math.sqrt(norm), 8 * FloatBounds.U * MiniLm.DIMENSION);
            assertTrue(1 - cos(batched.row(1), e) <= BOUND);
            assertTrue(1 - cos(batched.row(mixed.size() - 1), e) <= BOUND);
        }
    }

    @Test
    void emptyListAndBadArguments() {
        try (MiniLm m = MiniLm.quantized().build()) {
            assertEquals(0, m.encode(List.of()).rows());
            assertEquals(384, m.dimension());
            List<String> withNull = new ArrayList<>(List.of("a", "b"));
            withNull.add(null);
            NullPointerException npe = assertThrows(NullPointerException.class, () -> m.encode(withNull));
            assertTrue(npe.getMessage().contains("sentences[2]"), npe.getMessage());
            int[] seen = {0};
            m.encode(List.of("x", "y", "z"), done -> seen[0] = done);
            assertEquals(3, seen[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> MiniLm.quantized().threads(0));
        assertThrows(IllegalArgumentException.class, () -> MiniLm.quantized().batchSize(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MiniLm.quantized().maxTokens(513));
        assertTrue(e.getMessage().contains("513"), e.getMessage());
        MiniLm closed = MiniLm.quantized().build();
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.encode(List.of("a")));
    }

    @Test
    void progressReportsEachBatchInOrder() {
        List<Integer> seen = new ArrayList<>();
        try (MiniLm m = MiniLm.quantized().batchSize(4).build()) {
            m.encode(SENTENCES.subList(0, 10), seen::add);
        }
        assertEquals(List.of(4, 8, 10), seen);
    }

    static float[][] embedEach(EmbeddingModel model, List<String> sentences) {
        float[][] out = new float[sentences.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = model.embed(sentences.get(i)).content().vector();
        }
        return out;
    }

    static void assertMatches(Matrix mine, float[][] ref, List<String> sentences, double bound) {
        assertEquals(sentences.size(), mine.rows());
        assertEquals(384, mine.cols());
        for (int i = 0; i < sentences.size(); i++) {
            float[] r = ref[i];
            double d = 1 - cos(mine.row(i), r);
            assertTrue(d <= bound, "sentence " + i + " (" + abbreviate(sentences.get(i)) + "): 1 - cos = " + d
                    + " > " + bound);
        }
    }

    static double cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double angle(float[] a, float[] b) {
        return Math.acos(Math.min(1, cos(a, b)));
    }

    static String repeat(String s, int n) {
        return s.repeat(n).strip();
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    static InputStream resource(String name) {
        InputStream in = MiniLmTest.class.getClassLoader().getResourceAsStream(name);
        assertTrue(in != null, name + " on the class path");
        return in;
    }

    static Path copy(String name, Path dir) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = resource(name)) {
            Files.copy(in, out);
        }
        return out;
    }
}
