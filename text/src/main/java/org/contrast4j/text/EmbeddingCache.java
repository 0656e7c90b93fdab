package org.contrast4j.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntConsumer;
import org.contrast4j.internal.Checks;
import org.contrast4j.io.AtomicFiles;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;

/**
 * Sentence embeddings cached on disk, so that a second run over the same text with the same encoder loads them
 * instead of encoding again.
 *
 * <p>An entry is two files in the cache directory, named after the text and a hash of its path (or name) and the
 * encoder's {@link SentenceEncoder#id() id}: {@code NAME.HASH.npy} (float32, one row per sentence) and
 * {@code NAME.HASH.json}, a manifest of the format, the encoder id (which names every setting that changes the
 * numbers), the SHA-256 of the text, the rows, the dimension, the SHA-256 of the embedding values, and the encoder's
 * other settings (for the record). An entry is used only when all of these match the text and encoder of the request
 * and the {@code .npy} reads back with the recorded shape and checksum; otherwise the text is encoded again and the
 * entry rewritten, and {@link Entry#reason()} says why (the text changed, a file is missing, truncated or corrupt, …).
 * A damaged cache therefore costs an encoding, never wrong numbers. Both files are written atomically
 * ({@link AtomicFiles}), the embeddings first: a crash between the two leaves a manifest whose checksum no longer
 * matches, which the next run detects.
 */
public final class EmbeddingCache {
    /** The manifest's format tag. */
    public static final String FORMAT = "contrast4j-embedding-cache/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    private EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    /** A cache in {@code dir} (created on the first write). */
    public static EmbeddingCache at(Path dir) {
        return new EmbeddingCache(Checks.notNull(dir, "dir"));
    }

    /** The cache directory. */
    public Path directory() {
        return dir;
    }

    /**
     * The entry of the lines of {@code text} under {@code encoder}: looks it up and verifies it (reading the cached
     * embeddings if the manifest matches).
     */
    public Entry entry(TextFile text, SentenceEncoder encoder) {
        Checks.notNull(text, "text");
        Checks.notNull(encoder, "encoder");
        Path abs = text.path().toAbsolutePath().normalize();
        return new Entry(fileName(text.path()), abs.toString(), text.lines(), text.sha256(), encoder);
    }

    /**
     * The entry of {@code sentences} under {@code encoder}, named {@code name} (the key, with the encoder id, so
     * one name holds one list at a time); the text hash is the SHA-256 of the sentences, each as its UTF-8 length
     * (8 bytes, big-endian) followed by its bytes.
     */
    public Entry entry(String name, List<String> sentences, SentenceEncoder encoder) {
        Checks.notNull(name, "name");
        Checks.notNull(sentences, "sentences");
        Checks.notNull(encoder, "encoder");
        MessageDigest md = TextFile.digest();
        ByteBuffer len = ByteBuffer.allocate(Long.BYTES);
        for (int i = 0; i < sentences.size(); i++) {
            String s = sentences.get(i);
            if (s == null) {
                throw new NullPointerException("sentences[" + i + "] is null");
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            md.update(len.clear().putLong(b.length).array());
            md.update(b);
        }
        return new Entry(name, name, List.copyOf(sentences), HexFormat.of().formatHex(md.digest()), encoder);
    }

    /** Shortcut: {@code entry(text, encoder).embeddings(progress)}. */
    public Matrix embed(TextFile text, SentenceEncoder encoder, IntConsumer progress) throws IOException {
        return entry(text, encoder).embeddings(progress);
    }

    /** A text under an encoder in this cache: either verified and loaded, or to be encoded (and why). */
    public final class Entry {
        private final String source;
        private final List<String> sentences;
        private final String textSha;
        private final SentenceEncoder encoder;
        private final Path npy;
        private final Path manifest;
        private Matrix cached;
        private final String reason;
        private boolean fromCache;

        private Entry(String name, String source, List<String> sentences, String textSha, SentenceEncoder encoder) {
            this.source = source;
            this.sentences = sentences;
            this.textSha = textSha;
            this.encoder = encoder;
            String key = HexFormat.of().formatHex(TextFile.digest().digest(
                    (source + "\n" + encoder.id()).getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            String stem = safe(name) + "." + key;
            this.npy = dir.resolve(stem + ".npy");
            this.manifest = dir.resolve(stem + ".json");
            this.reason = lookUp();
        }

        /** True if the cached embeddings matched and were loaded. */
        public boolean cached() {
            return cached != null;
        }

        /**
         * Why the entry is or is not used, one line: "loaded from DIR/…" or, e.g., "kjv.txt changed since it was
         * cached (sha256 3fa9c2e1… was 0b1d7744…): encoding".
         */
        public String reason() {
            return reason;
        }

        /** The number of sentences (rows). */
        public int sentences() {
            return sentences.size();
        }

        /** The cached embeddings file. */
        public Path npy() {
            return npy;
        }

        /** The manifest file. */
        public Path manifest() {
            return manifest;
        }

        /** True after {@link #embeddings} returned the cached matrix rather than encoding. */
        public boolean fromCache() {
            return fromCache;
        }

        /**
         * The embeddings: the cached ones if they were verified, else encoded now (reporting progress as
         * {@link SentenceEncoder#encode(List, IntConsumer)}) and written to the cache.
         *
         * @throws IOException when the cache files cannot be written (the embeddings are then not returned)
         */
        public Matrix embeddings(IntConsumer progress) throws IOException {
            Checks.notNull(progress, "progress");
            if (cached != null) {
                fromCache = true;
                progress.accept(cached.rows());
                return cached;
            }
            long t0 = System.nanoTime();
            Matrix m = encoder.encode(sentences, progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Checks.state(m.rows() == sentences.size() && m.cols() == encoder.dimension(),
                    "%s returned %s for %d sentences of dimension %d", encoder.id(), m.shape(), sentences.size(),
                    encoder.dimension());
            Npy.write(npy, m);
            ObjectNode o = JSON.createObjectNode();
            o.put("format", FORMAT);
            o.put("model", encoder.id());
            o.put("source", source);
            o.put("textSha256", textSha);
            o.put("rows", m.rows());
            o.put("dimension", m.cols());
            o.put("embeddings", npy.getFileName().toString());
            o.put("embeddingsSha256", valuesSha(m));
            ObjectNode settings = o.putObject("settings");
            if (encoder instanceof MiniLm e) {
                settings.put("quantized", e.isQuantized());
                settings.put("maxTokens", e.maxTokens());
                settings.put("batchSize", e.batchSize());
                settings.put("threads", e.threads());
            }
            o.put("encodingSeconds", seconds);
            o.put("created", Instant.now().toString());
            AtomicFiles.writeString(manifest, JSON.writeValueAsString(o) + "\n");
            return m;
        }

        private String lookUp() {
            String what = "embeddings of " + source + " with " + encoder.id();
            if (!Files.exists(manifest)) {
                return "no cached " + what + " in " + dir + ": encoding";
            }
            JsonNode o;
            try {
                o = JSON.readTree(manifest.toFile());
            } catch (IOException e) {
                return "the cache manifest " + manifest + " is unreadable (" + oneLine(e) + "): encoding";
            }
            if (o == null || !o.isObject()) {
                return "the cache manifest " + manifest + " is not a JSON object: encoding";
            }
            String format = o.path("format").asText("");
            if (!FORMAT.equals(format)) {
                return "the cache manifest " + manifest + " has format '" + format + "', expected '" + FORMAT
                        + "': encoding";
            }
            String model = o.path("model").asText("");
            if (!encoder.id().equals(model)) {
                return "the cache entry " + manifest + " holds " + model + " embeddings, not " + encoder.id()
                        + ": encoding";
            }
            String sha = o.path("textSha256").asText("");
            if (!textSha.equals(sha)) {
                return source + " changed since it was cached (sha256 " + abbreviate(textSha) + " was "
                        + abbreviate(sha) + "): encoding";
            }
            int rows = o.path("rows").asInt(-1);
            int dim = o.path("dimension").asInt(-1);
            if (rows != sentences.size() || dim != encoder.dimension()) {
                return "the cache manifest " + manifest + " says " + rows + "×" + dim + " but the text has "
                        + sentences.size() + " rows of dimension " + encoder.dimension() + ": encoding";
            }
            if (!Files.exists(npy)) {
                return "the cached embeddings " + npy + " are missing: encoding";
            }
            Matrix m;
            try {
                m = Npy.readMatrix(npy);
            } catch (IOException | RuntimeException e) {
                return "the cached embeddings are unreadable (" + oneLine(e) + "): encoding";
            }
            if (m.rows() != rows || m.cols() != dim) {
                return "the cached embeddings " + npy + " hold " + m.shape() + " but the manifest says " + rows
                        + "×" + dim + ": encoding";
            }
            if (!valuesSha(m).equals(o.path("embeddingsSha256").asText(""))) {
                return "the cached embeddings " + npy + " do not match the checksum in " + manifest
                        + " (corrupt or overwritten): encoding";
            }
            cached = m;
            return "loaded " + rows + " cached embeddings from " + npy;
        }
    }

    /** SHA-256 of the values as little-endian float32, row-major. */
    static String valuesSha(Matrix m) {
        MessageDigest md = TextFile.digest();
        float[] v = m.data();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; ) {
            buf.clear();
            while (i < v.length && buf.remaining() >= Float.BYTES) {
                buf.putFloat(v[i++]);
            }
            md.update(buf.array(), 0, buf.position());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String fileName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? "text" : f.toString();
    }

    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.startsWith(".")) {
            s = "_" + s.substring(1);
        }
        return s.length() > 80 ? s.substring(0, 80) : s;
    }

    private static String abbreviate(String sha) {
        return sha.length() > 8 ? sha.substring(0, 8) + "…" : sha.isEmpty() ? "(none)" : sha;
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
