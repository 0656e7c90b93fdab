package org.contrast4j.text.adapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.contrast4j.internal.Checks;
import org.contrast4j.io.AtomicFiles;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;
import org.contrast4j.linalg.Matrix;

/**
 * A small trainable map applied to frozen embeddings — of any encoder — before retrieval: one tower for queries and
 * one for documents, or one shared tower, each {@link AdapterKind#LINEAR} (y = W·x + b) or {@link AdapterKind#MLP}
 * (y = x + W₂·relu(W₁·x + b₁) + b₂), followed by L2 normalisation:
 * <pre>
 *   adapter(x) = y / max(‖y‖₂, 10⁻¹²)
 * </pre>
 * Both kinds start as the identity (W = I, b = 0; W₂ = 0, b₂ = 0), so an untrained adapter with D' = D returns the
 * normalised input. Trained by {@link AdapterTrainer} with the core contrastive losses; the idea is the projection
 * heads of CLIP (Radford et al. 2021) and the linear / residual adapters practitioners put on a frozen sentence
 * encoder (e.g. sentence-transformers' {@code Dense} and adapter modules) when they cannot retrain it.
 *
 * <p>On disk ({@link #save}, {@link #load}) an adapter is a directory: {@code adapter.json} (kind, dimensions, shared,
 * the training temperature, the encoder id) and one float32 {@code .npy} per weight, named
 * {@code <tower>_weight.npy}, {@code <tower>_bias.npy} (linear) or {@code <tower>_w1.npy}, {@code _b1}, {@code _w2},
 * {@code _b2} (MLP), with tower {@code query}, {@code document} or {@code shared}; the weights are stored as PyTorch's
 * {@code nn.Linear} stores them (out × in), so {@code y = x @ W.T + b} in NumPy.
 * <pre>{@code
 * Adapter adapter = Adapter.load(Path.of("runs/kjv-web"));
 * Matrix q = adapter.apply(encoder.encode(queries), Side.QUERY);      // N×D', rows of norm 1
 * Matrix d = adapter.apply(encoder.encode(documents), Side.DOCUMENT);
 * }</pre>
 * Immutable and thread-safe.
 */
public final class Adapter {
    /** The JSON file of an adapter directory. */
    public static final String JSON = "adapter.json";
    static final String FORMAT = "contrast4j-adapter";
    static final int VERSION = 1;

    private final AdapterKind kind;
    private final boolean shared;
    private final int in;
    private final int out;
    private final int hidden;
    private final float[] params;
    private final Tower query;
    private final Tower document;
    private final double temperature;
    private final String encoder;

    private Adapter(AdapterKind kind, boolean shared, int in, int out, int hidden, float[] params,
                    double temperature, String encoder) {
        this.kind = kind;
        this.shared = shared;
        this.in = in;
        this.out = out;
        this.hidden = hidden;
        this.query = new Tower(kind, in, out, hidden, 0);
        this.document = shared ? query : new Tower(kind, in, out, hidden, query.size());
        int size = query.size() + (shared ? 0 : document.size());
        Checks.argument(params.length == size, "an adapter of this shape has %d parameters, got %d", size,
                params.length);
        this.params = params;
        this.temperature = temperature;
        this.encoder = encoder;
    }

    /**
     * A linear adapter D → D' at its initial state, W_ij = [i = j] and b = 0: the identity when D' = D (otherwise
     * the first min(D, D') coordinates, zero-padded).
     *
     * @param shared one tower for queries and documents (true) or one each (false)
     * @throws IllegalArgumentException if a dimension is &lt; 1 or the parameters would not fit an array
     */
    public static Adapter linear(int inputDimension, int outputDimension, boolean shared) {
        Checks.atLeast(inputDimension, 1, "inputDimension");
        Checks.atLeast(outputDimension, 1, "outputDimension");
        return initial(AdapterKind.LINEAR, shared, inputDimension, outputDimension, 0, 0L);
    }

    /**
     * A residual MLP adapter D → D with {@code hidden} units at its initial state (W₂ = 0, b₂ = 0: the identity; W₁,
     * b₁ uniform in ±1/√D from {@code seed}).
     *
     * @throws IllegalArgumentException if a dimension is &lt; 1 or the parameters would not fit an array
     */
    public static Adapter mlp(int dimension, int hidden, boolean shared, long seed) {
        Checks.atLeast(dimension, 1, "dimension");
        Checks.atLeast(hidden, 1, "hidden");
        return initial(AdapterKind.MLP, shared, dimension, dimension, hidden, seed);
    }

    private static Adapter initial(AdapterKind kind, boolean shared, int in, int out, int hidden, long seed) {
        long towerSize = kind == AdapterKind.LINEAR ? (long) out * in + out : 2L * hidden * in + hidden + in;
        int size = Checks.product(shared ? 1 : 2, towerSize, "the adapter's parameters", 4);
        float[] p = new float[size];
        Tower q = new Tower(kind, in, out, hidden, 0);
        q.initialise(p, seed);
        if (!shared) {
            new Tower(kind, in, out, hidden, q.size()).initialise(p, seed ^ 0x5DEECE66DL);
        }
        return new Adapter(kind, shared, in, out, hidden, p, Double.NaN, null);
    }

    /** An adapter of the same shape as {@code like} with other parameters (not copied) and temperature. */
    static Adapter withParameters(Adapter like, float[] params, double temperature) {
        return new Adapter(like.kind, like.shared, like.in, like.out, like.hidden, params, temperature, like.encoder);
    }

    /**
     * The adapted, L2-normalised embeddings of {@code embeddings} (N×D) on {@code side}: N×D'.
     *
     * @throws IllegalArgumentException if the dimension is not {@link #inputDimension()} or an entry is not finite
     *     (naming it)
     */
    public Matrix apply(Matrix embeddings, Side side) {
        Checks.notNull(embeddings, "embeddings");
        Checks.notNull(side, "side");
        Checks.argument(embeddings.cols() == in, "the adapter takes embeddings of dimension %d, got %s", in,
                embeddings.shape());
        Checks.finite(embeddings, "embeddings");
        Matrix y = raw(embeddings, side);
        normalise(y);
        return y;
    }

    /** The unnormalised tower output y (N×D'), no checks. */
    Matrix raw(Matrix x, Side side) {
        return tower(side).forward(params, x).y();
    }

    Tower tower(Side side) {
        return side == Side.QUERY ? query : document;
    }

    /** Divides each row by max(‖row‖, 10⁻¹²), the norm in double. */
    static void normalise(Matrix y) {
        int d = y.cols();
        float[] a = y.data();
        for (int i = 0; i < y.rows(); i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = a[i * d + j];
                s += v * v;
            }
            double inv = 1.0 / Math.max(Math.sqrt(s), 1e-12);
            for (int j = 0; j < d; j++) {
                a[i * d + j] = (float) (a[i * d + j] * inv);
            }
        }
    }

    public AdapterKind kind() {
        return kind;
    }

    /** Whether queries and documents share one tower. */
    public boolean shared() {
        return shared;
    }

    /** D, the dimension of the embeddings the adapter takes. */
    public int inputDimension() {
        return in;
    }

    /** D', the dimension of its output (D for an MLP). */
    public int outputDimension() {
        return out;
    }

    /** H, the hidden units of an MLP tower; 0 for a linear one. */
    public int hidden() {
        return hidden;
    }

    /** The number of trainable parameters (both towers). */
    public int parameterCount() {
        return params.length;
    }

    /** The temperature τ the adapter was trained with (its last value, when learnable); NaN if untrained. */
    public double temperature() {
        return temperature;
    }

    /** The id of the encoder whose embeddings the adapter was trained on, if recorded. */
    public Optional<String> encoder() {
        return Optional.ofNullable(encoder);
    }

    /** This adapter with the encoder id recorded (saved in {@code adapter.json}; null clears it). */
    public Adapter withEncoder(String encoderId) {
        return new Adapter(kind, shared, in, out, hidden, params, temperature, encoderId);
    }

    /** A copy of all parameters, the query tower first. */
    float[] parameters() {
        return params.clone();
    }

    /** The parameters themselves (not copied; never modified). */
    float[] parametersView() {
        return params;
    }

    /**
     * Writes the adapter into {@code dir} (created if missing): the weights first, then {@code adapter.json}, each
     * file atomically ({@link AtomicFiles}), so a directory with an {@code adapter.json} holds a complete adapter.
     *
     * @throws IOException if a file cannot be written
     */
    public void save(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        Files.createDirectories(dir);
        for (Side side : towers()) {
            for (Weight w : weights(tower(side))) {
                float[] v = Arrays.copyOfRange(params, w.offset, w.offset + w.size());
                Npy.write(dir.resolve(prefix(side) + "_" + w.name + ".npy"), w.shape, v);
            }
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format", FORMAT);
        j.put("version", VERSION);
        j.put("kind", kind.key());
        j.put("shared", shared);
        j.put("input_dimension", in);
        j.put("output_dimension", out);
        j.put("hidden", hidden);
        j.put("normalized", true);
        j.put("temperature", temperature);
        j.put("encoder", encoder);
        j.put("formula", kind == AdapterKind.LINEAR ? "y = x @ weight.T + bias; output y / max(|y|, 1e-12)"
                : "y = x + relu(x @ w1.T + b1) @ w2.T + b2; output y / max(|y|, 1e-12)");
        AtomicFiles.writeString(dir.resolve(JSON), Json.write(j));
    }

    /**
     * Reads an adapter written by {@link #save}.
     *
     * @throws IOException if a file cannot be read (a missing {@code adapter.json} is a {@link NoSuchFileException})
     * @throws IllegalArgumentException if {@code adapter.json} is not an adapter's, or a weight file has the wrong
     *     shape or a non-finite value (naming the file)
     */
    public static Adapter load(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        Path jsonFile = dir.resolve(JSON);
        if (!Files.isRegularFile(jsonFile)) {
            throw new NoSuchFileException(jsonFile.toString(), null, "not an adapter directory: no " + JSON);
        }
        String where = jsonFile.toString();
        Map<String, Object> j = Json.parseObject(Files.readString(jsonFile, StandardCharsets.UTF_8));
        Checks.argument(FORMAT.equals(j.get("format")), "%s: not a contrast4j adapter (format %s, expected %s)",
                where, j.get("format"), FORMAT);
        int version = Json.integer(j, "version", where);
        Checks.argument(version == VERSION, "%s: adapter format version %d, this library reads %d", where, version,
                VERSION);
        AdapterKind kind;
        try {
            kind = AdapterKind.parse(Json.string(j, "kind", where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        boolean shared = Json.bool(j, "shared", where);
        int in = Json.integer(j, "input_dimension", where);
        int out = Json.integer(j, "output_dimension", where);
        int hidden = Json.integer(j, "hidden", where);
        Checks.argument(in >= 1 && out >= 1, "%s: dimensions must be >= 1, were %d → %d", where, in, out);
        Checks.argument(kind == AdapterKind.LINEAR ? hidden == 0 : hidden >= 1 && out == in,
                "%s: a %s adapter with input %d, output %d and hidden %d is not possible", where, kind.key(), in, out,
                hidden);
        Object t = j.get("temperature");
        double temperature = t instanceof Double d ? d : Double.NaN;
        Object e = j.get("encoder");
        Adapter a = kind == AdapterKind.LINEAR ? linear(in, out, shared) : mlp(in, hidden, shared, 0L);
        float[] p = new float[a.params.length];
        for (Side side : a.towers()) {
            for (Weight w : weights(a.tower(side))) {
                Path f = dir.resolve(prefix(side, shared) + "_" + w.name + ".npy");
                NpyArray arr = Npy.read(f);
                Checks.argument(Arrays.equals(arr.shape(), w.shape) && arr.dtype().isFloat(),
                        "%s: expected a float array of shape %s, found %s %s", f, Arrays.toString(w.shape),
                        arr.dtype(), arr.shapeString());
                float[] v = arr.toFloats();
                for (int i = 0; i < v.length; i++) {
                    Checks.argument(Float.isFinite(v[i]), "%s: element %s is %s, weights must be finite", f,
                            arr.index(i), v[i]);
                }
                System.arraycopy(v, 0, p, w.offset, v.length);
            }
        }
        return new Adapter(kind, shared, in, out, hidden, p, temperature, e instanceof String s ? s : null);
    }

    private Side[] towers() {
        return shared ? new Side[] {Side.QUERY} : new Side[] {Side.QUERY, Side.DOCUMENT};
    }

    private String prefix(Side side) {
        return prefix(side, shared);
    }

    private static String prefix(Side side, boolean shared) {
        return shared ? "shared" : side.key();
    }

    private record Weight(String name, int offset, int[] shape) {
        int size() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
    }

    private static Weight[] weights(Tower t) {
        int o = t.offset;
        if (t.kind == AdapterKind.LINEAR) {
            return new Weight[] {new Weight("weight", o, new int[] {t.out, t.in}),
                new Weight("bias", o + t.out * t.in, new int[] {t.out})};
        }
        int b1 = o + t.hidden * t.in;
        int w2 = b1 + t.hidden;
        int b2 = w2 + t.in * t.hidden;
        return new Weight[] {new Weight("w1", o, new int[] {t.hidden, t.in}),
            new Weight("b1", b1, new int[] {t.hidden}), new Weight("w2", w2, new int[] {t.in, t.hidden}), new Weight("b2", b2, new int[] {t.in})};
    }

    @Override
    public String toString() {
        return "Adapter{kind=" + kind + ", shared=" + shared + ", inputDimension=" + in + ", outputDimension=" + out
                + (kind == AdapterKind.MLP ? ", hidden=" + hidden : "") + ", parameters=" + params.length
                + (Double.isNaN(temperature) ? "" : ", temperature=" + temperature)
                + (encoder == null ? "" : ", encoder=" + encoder) + "}";
    }
}
