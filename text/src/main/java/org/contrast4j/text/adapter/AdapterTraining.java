package org.contrast4j.text.adapter;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.contrast4j.internal.Checks;
import org.contrast4j.io.AtomicFiles;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.Scalar;
import org.contrast4j.optim.Adam;
import org.contrast4j.retrieval.MinedNegatives;

/**
 * A run of {@link AdapterTrainer}: the adapter's parameters, the optimiser's state, the temperature, the best epoch so
 * far and the history, advanced one epoch at a time ({@link #runEpoch()}) and saved to a checkpoint
 * ({@link #checkpoint(Path)}) that {@link AdapterTrainer#resume} continues exactly.
 *
 * <p><b>Why a resumed run is bit-identical to an uninterrupted one.</b> Both run the same code on the same values:
 * an epoch depends only on the parameters, Adam's moments and step count (doubles), log τ and its Adam state, the
 * epoch number (the shuffle is a permutation seeded by the seed and the epoch, not a generator carried from epoch to
 * epoch) and the hard negatives, which are mined from the parameters (or, fixed, from the frozen embeddings) at the
 * start of the epoch. The checkpoint stores every one of those values with its exact bits (floats as floats, doubles
 * as doubles), so the resumed epoch sees the same inputs and makes the same floating-point operations in the same
 * order — given the same kernel and thread count (OpenBLAS is deterministic for fixed arguments and threads).
 *
 * <p>Mutable and not thread-safe.
 */
public final class AdapterTraining {
    private static final String MAGIC = "contrast4j-adapter-checkpoint";
    private static final int VERSION = 1;

    /**
     * One epoch: its mean training loss, the temperature at its end, the validation scores of the adapter at its end,
     * its optimiser steps, the rows the loss skipped (GIST leaving a row no negative), the batches skipped (every
     * pair with the same document), the queries that got fewer mined negatives than asked, and its wall time.
     */
    public record Epoch(int epoch, double loss, double temperature, RetrievalScores validation, int steps,
                        int skippedRows, int skippedBatches, int shortQueries, double seconds) {
    }

    /** Called after every optimiser step of an epoch. */
    @FunctionalInterface
    public interface StepListener {
        /** Step {@code done} of {@code total} finished with loss {@code loss}. */
        void step(int done, int total, double loss);
    }

    private final AdapterTrainer config;
    private final Pairs train;
    private final Pairs valid;
    private final Adapter template;
    private final float[] params;
    private final Adam adam;
    private final Adam adamTau;
    private double logTau;
    private float[] bestParams;
    private double bestLogTau;
    private int bestEpoch;
    private RetrievalScores best;
    private final RetrievalScores frozen;
    private final RetrievalScores initial;
    private final List<Epoch> history = new ArrayList<>();
    private int epochsDone;
    private boolean stoppedEarly;
    private double seconds;
    private MinedNegatives fixedNegatives;
    private int[][] positiveSets;

    private AdapterTraining(AdapterTrainer config, Pairs train, Pairs valid) {
        Checks.notNull(config, "config");
        Checks.notNull(train, "train");
        Checks.notNull(valid, "valid");
        int d = train.dimension();
        Checks.argument(valid.dimension() == d, "training and validation embeddings must have the same dimension: "
                + "training %s, validation %s", train.queries().shape(), valid.queries().shape());
        Checks.argument(train.size() >= 2, "training needs at least 2 pairs (in-batch negatives), had %d",
                train.size());
        int out = config.outputDimension(d);
        int[] dims = config.matryoshka;
        Checks.argument(dims == null || dims[dims.length - 1] <= out,
                "Matryoshka dimension %d exceeds the adapter's output dimension %d",
                dims == null ? 0 : dims[dims.length - 1], out);
        this.config = config;
        this.train = train;
        this.valid = valid;
        this.template = config.kind == AdapterKind.LINEAR ? Adapter.linear(d, out, config.shared)
                : Adapter.mlp(d, config.hidden(d), config.shared, config.seed);
        this.params = template.parameters();
        this.adam = Adam.builder().learningRate(config.learningRate).build(params.length);
        this.adamTau = Adam.builder().learningRate(config.learningRate).build(1);
        this.logTau = Math.log(config.temperature);
        this.frozen = RetrievalScores.of(valid.queries(), valid.documents(), valid.positivesView(), config.threads);
        this.initial = validate();
        this.best = initial;
        this.bestParams = params.clone();
        this.bestLogTau = logTau;
    }

    static AdapterTraining start(AdapterTrainer config, Pairs train, Pairs valid) {
        return new AdapterTraining(config, train, valid);
    }

    /** Whether the run is over: all epochs done, or stopped early. */
    public boolean done() {
        return epochsDone >= config.epochs || stoppedEarly;
    }

    /** Runs the next epoch. */
    public Epoch runEpoch() {
        return runEpoch(null);
    }

    /**
     * Runs the next epoch, telling {@code listener} (may be null) after each step.
     *
     * @throws IllegalStateException if the run is {@link #done()}
     */
    public Epoch runEpoch(StepListener listener) {
        Checks.state(!done(), "the run is over: %d of %d epochs done%s", epochsDone, config.epochs,
                stoppedEarly ? " (stopped early)" : "");
        long t0 = System.nanoTime();
        int epoch = epochsDone + 1;
        int n = train.size();
        int[] order = permutation(n, config.seed, epoch);
        MinedNegatives mined = mine();
        int batches = (n + config.batchSize - 1) / config.batchSize;
        batches = Math.min(batches, n / 2);
        double lossSum = 0;
        int lossRows = 0;
        int skippedRows = 0;
        int skippedBatches = 0;
        int steps = 0;
        for (int b = 0; b < batches; b++) {
            int from = (int) ((long) b * n / batches);
            int to = (int) ((long) (b + 1) * n / batches);
            int[] rows = java.util.Arrays.copyOfRange(order, from, to);
            Step s = step(rows, mined, true);
            if (s == null) {
                skippedBatches++;
            } else {
                lossSum += s.loss * rows.length;
                lossRows += rows.length;
                skippedRows += s.skipped;
                steps++;
            }
            if (listener != null) {
                listener.step(b + 1, batches, s == null ? Double.NaN : s.loss);
            }
        }
        RetrievalScores v = validate();
        if (v.betterThan(best)) {
            best = v;
            bestEpoch = epoch;
            bestParams = params.clone();
            bestLogTau = logTau;
        }
        epochsDone = epoch;
        if (config.patience > 0 && epoch - bestEpoch >= config.patience) {
            stoppedEarly = true;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        seconds += secs;
        Epoch e = new Epoch(epoch, lossRows == 0 ? Double.NaN : lossSum / lossRows, Math.exp(logTau), v, steps,
                skippedRows, skippedBatches, mined == null ? 0 : mined.shortQueries(), secs);
        history.add(e);
        return e;
    }

    /** The loss and skipped rows of one step. */
    record Step(double loss, int skipped, float[] gradient, double logTauGradient) {
    }

    /**
     * One minibatch: forward through the towers, the loss, the exact backward into one gradient vector, then (if
     * {@code update}) the Adam steps. Null when every pair of the batch has the same document (no negative).
     */
    Step step(int[] rows, MinedNegatives mined, boolean update) {
        int n = rows.length;
        int[] pos = train.positivesView();
        long[] labels = new long[n];
        boolean allSame = true;
        for (int i = 0; i < n; i++) {
            labels[i] = pos[rows[i]];
            allSame &= labels[i] == labels[0];
        }
        if (allSame) {
            return null;
        }
        // the pooled negatives: explicit, then mined, each corpus row once, in order of first appearance
        java.util.LinkedHashSet<Integer> pool = new java.util.LinkedHashSet<>();
        int[][] explicit = train.negativesView();
        for (int r : rows) {
            for (int j : explicit[r]) {
                pool.add(j);
            }
            if (mined != null) {
                for (int k = 0; k < mined.numNegatives(); k++) {
                    int j = mined.negative(r, k);
                    if (j >= 0) {
                        pool.add(j);
                    }
                }
            }
        }
        int m = pool.size();
        int[] docs = new int[n + m];
        long[] negLabels = new long[m];
        for (int i = 0; i < n; i++) {
            docs[i] = pos[rows[i]];
        }
        int k = 0;
        for (int j : pool) {
            docs[n + k] = j;
            negLabels[k++] = j;
        }
        Matrix xq = gather(train.queries(), rows);
        Matrix xd = gather(train.documents(), docs);
        Tower tq = template.tower(Side.QUERY);
        Tower td = template.tower(Side.DOCUMENT);
        Tower.Cache cq = tq.forward(params, xq);
        Tower.Cache cd = td.forward(params, xd);
        Matrix yd = cd.y();
        Batch.Builder bb = Batch.builder(cq.y()).positives(m == 0 ? yd : yd.copyRows(0, n)).labels(labels);
        if (m > 0) {
            bb.sharedNegatives(yd.copyRows(n, n + m), negLabels);
        }
        if (config.gist) {
            bb.guide(xq, xd.copyRows(0, n));
        }
        ContrastiveLoss loss = config.loss(Math.exp(logTau));
        LossResult r = loss.compute(bb.build());
        Matrix gd = r.gradient(Input.POSITIVES);
        if (m > 0) {
            Matrix gn = r.gradient(Input.NEGATIVES);
            float[] all = new float[(n + m) * gd.cols()];
            System.arraycopy(gd.data(), 0, all, 0, gd.data().length);
            System.arraycopy(gn.data(), 0, all, gd.data().length, gn.data().length);
            gd = Matrix.of(n + m, gd.cols(), all);
        }
        float[] grad = new float[params.length];
        tq.backward(params, cq, r.gradient(Input.ANCHORS), grad);
        td.backward(params, cd, gd, grad);
        double gTau = r.scalarGradients().getOrDefault(Scalar.LOG_TEMPERATURE, 0.0);
        if (update) {
            adam.step(params, grad);
            if (config.learnableTemperature) {
                logTau = Math.max(adamTau.step(logTau, gTau), -Math.log(AdapterTrainer.MAX_LOGIT_SCALE));
            }
        }
        return new Step(r.value(), r.skippedRows(), grad, gTau);
    }

    /** The mined negatives for this epoch, or null without mining. */
    private MinedNegatives mine() {
        if (config.miner == null) {
            return null;
        }
        if (positiveSets == null) {
            positiveSets = positiveSets(train);
        }
        if (config.mining == AdapterTrainer.Mining.FIXED) {
            if (fixedNegatives == null) {
                fixedNegatives = config.miner.mine(train.queries(), train.documents(), positiveSets);
            }
            return fixedNegatives;
        }
        Adapter now = current();
        return config.miner.mine(now.raw(train.queries(), Side.QUERY), now.raw(train.documents(), Side.DOCUMENT),
                positiveSets);
    }

    /**
     * The positives the miner must not return for each query: its own, and those of every query with the same
     * embedding (the same text asked twice with two answers, as sentence-transformers groups them).
     */
    static int[][] positiveSets(Pairs pairs) {
        int n = pairs.size();
        int d = pairs.dimension();
        float[] q = pairs.queries().data();
        int[] pos = pairs.positivesView();
        // group rows with bit-identical embeddings: a hash of the row's bits, then exact comparison in the bucket
        Map<Long, List<int[]>> buckets = new java.util.HashMap<>();
        int[] group = new int[n];
        List<java.util.TreeSet<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long h = 0xcbf29ce484222325L;
            for (int j = 0; j < d; j++) {
                h = (h ^ Float.floatToRawIntBits(q[i * d + j])) * 0x100000001b3L;
            }
            List<int[]> bucket = buckets.computeIfAbsent(h, k -> new ArrayList<>());
            int g = -1;
            for (int[] member : bucket) {
                if (java.util.Arrays.equals(q, member[0] * d, member[0] * d + d, q, i * d, i * d + d)) {
                    g = member[1];
                    break;
                }
            }
            if (g < 0) {
                g = groups.size();
                groups.add(new java.util.TreeSet<>());
                bucket.add(new int[] {i, g});
            }
            group[i] = g;
            groups.get(g).add(pos[i]);
        }
        int[][] sets = new int[n][];
        for (int i = 0; i < n; i++) {
            sets[i] = groups.get(group[i]).stream().mapToInt(Integer::intValue).toArray();
        }
        return sets;
    }

    private RetrievalScores validate() {
        Adapter now = Adapter.withParameters(template, params, Math.exp(logTau));
        return RetrievalScores.of(now.apply(valid.queries(), Side.QUERY), now.apply(valid.documents(), Side.DOCUMENT),
                valid.positivesView(), config.threads);
    }

    /** A seeded permutation of 0 … n−1 for {@code epoch} (Fisher–Yates), independent of earlier epochs. */
    static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static Matrix gather(Matrix x, int[] rows) {
        int d = x.cols();
        float[] out = new float[Checks.product(rows.length, d, "a batch", 4)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x.data(), rows[i] * d, out, i * d, d);
        }
        return Matrix.of(rows.length, d, out);
    }

    /** The parameters themselves, query tower first (for tests). */
    float[] parameterArray() {
        return params;
    }

    /** The adapter with the current parameters (a copy). */
    public Adapter current() {
        return Adapter.withParameters(template, params.clone(), Math.exp(logTau));
    }

    /** The adapter of the best epoch by validation recall@1 (then MRR@10); the initial adapter if none was better. */
    public Adapter best() {
        return Adapter.withParameters(template, bestParams.clone(), Math.exp(bestLogTau));
    }

    /** The epoch of {@link #best()} (0: the initial adapter). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The validation scores of {@link #best()}. */
    public RetrievalScores bestValidation() {
        return best;
    }

    /** The validation scores of the frozen embeddings, without any adapter. */
    public RetrievalScores frozenValidation() {
        return frozen;
    }

    /** The validation scores of the initial adapter (epoch 0; the frozen ones when it is the identity). */
    public RetrievalScores initialValidation() {
        return initial;
    }

    /** The epochs run so far, including those before a resume. */
    public List<Epoch> epochs() {
        return Collections.unmodifiableList(history);
    }

    public int epochsDone() {
        return epochsDone;
    }

    /** Whether the run stopped before its last epoch because validation stopped improving. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** The current temperature τ. */
    public double temperature() {
        return Math.exp(logTau);
    }

    /** Seconds spent in epochs, before a resume included. */
    public double seconds() {
        return seconds;
    }

    public AdapterTrainer config() {
        return config;
    }

    /**
     * Writes the whole state atomically ({@link AtomicFiles}) to {@code file}: a reader, or a run killed at any
     * moment, sees the previous checkpoint or this one, never a torn file. A CRC-32 guards against corruption.
     *
     * @throws IOException if it cannot be written
     */
    public void checkpoint(Path file) throws IOException {
        Checks.notNull(file, "file");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeUTF(MAGIC);
            o.writeInt(VERSION);
            o.writeUTF(config.settingsKey(train.dimension()));
            o.writeLong(train.fingerprint());
            o.writeLong(valid.fingerprint());
            o.writeInt(epochsDone);
            o.writeBoolean(stoppedEarly);
            o.writeDouble(seconds);
            o.writeDouble(logTau);
            writeAdam(o, adamTau);
            writeAdam(o, adam);
            writeFloats(o, params);
            o.writeInt(bestEpoch);
            o.writeDouble(bestLogTau);
            writeFloats(o, bestParams);
            writeScores(o, best);
            o.writeInt(history.size());
            for (Epoch e : history) {
                o.writeInt(e.epoch());
                o.writeDouble(e.loss());
                o.writeDouble(e.temperature());
                writeScores(o, e.validation());
                o.writeInt(e.steps());
                o.writeInt(e.skippedRows());
                o.writeInt(e.skippedBatches());
                o.writeInt(e.shortQueries());
                o.writeDouble(e.seconds());
            }
        }
        CRC32 crc = new CRC32();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        AtomicFiles.write(file, out -> {
            out.write(body);
            new DataOutputStream(out).writeLong(crc.getValue());
        });
    }

    static AdapterTraining resume(AdapterTrainer config, Path file, Pairs train, Pairs valid) throws IOException {
        Checks.notNull(file, "checkpoint");
        byte[] all = Files.readAllBytes(file);
        String where = file.toString();
        Checks.argument(all.length > 8, "%s: not an adapter checkpoint (%d bytes)", where, all.length);
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        AdapterTraining t = new AdapterTraining(config, train, valid);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException | RuntimeException e) {
                magic = null;
            }
            Checks.argument(MAGIC.equals(magic), "%s: not an adapter checkpoint", where);
            Checks.argument(stored == crc.getValue(), "%s: corrupt (checksum mismatch)", where);
            int version = in.readInt();
            Checks.argument(version == VERSION, "%s: checkpoint version %d, this library reads %d", where, version,
                    VERSION);
            String key = in.readUTF();
            String now = config.settingsKey(train.dimension());
            Checks.argument(key.equals(now), "%s: written with other settings: checkpoint {%s}, now {%s}", where, key,
                    now);
            Checks.argument(in.readLong() == train.fingerprint(), "%s: written for other training pairs (their "
                    + "embeddings, positives or negatives differ)", where);
            Checks.argument(in.readLong() == valid.fingerprint(), "%s: written for other validation pairs", where);
            t.epochsDone = in.readInt();
            t.stoppedEarly = in.readBoolean();
            t.seconds = in.readDouble();
            t.logTau = in.readDouble();
            readAdam(in, t.adamTau);
            readAdam(in, t.adam);
            readFloats(in, t.params, where);
            t.bestEpoch = in.readInt();
            t.bestLogTau = in.readDouble();
            float[] bp = new float[t.params.length];
            readFloats(in, bp, where);
            t.bestParams = bp;
            t.best = readScores(in);
            int epochs = in.readInt();
            for (int i = 0; i < epochs; i++) {
                t.history.add(new Epoch(in.readInt(), in.readDouble(), in.readDouble(), readScores(in), in.readInt(),
                        in.readInt(), in.readInt(), in.readInt(), in.readDouble()));
            }
            Checks.argument(in.available() == 0, "%s: %d unexpected bytes at the end", where, in.available());
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException(where + ": truncated adapter checkpoint", e);
        }
        // more epochs than the checkpoint's run had, or another patience, may continue a run that had ended
        t.stoppedEarly = config.patience > 0 && t.epochsDone - t.bestEpoch >= config.patience;
        return t;
    }

    private static void writeAdam(DataOutputStream o, Adam a) throws IOException {
        o.writeLong(a.steps());
        for (double v : a.firstMoment()) {
            o.writeDouble(v);
        }
        for (double v : a.secondMoment()) {
            o.writeDouble(v);
        }
    }

    private static void readAdam(DataInputStream in, Adam a) throws IOException {
        long steps = in.readLong();
        double[] m = new double[a.size()];
        double[] v = new double[a.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = in.readDouble();
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readDouble();
        }
        a.restore(steps, m, v);
    }

    private static void writeFloats(DataOutputStream o, float[] a) throws IOException {
        o.writeInt(a.length);
        for (float v : a) {
            o.writeFloat(v);
        }
    }

    private static void readFloats(DataInputStream in, float[] into, String where) throws IOException {
        int n = in.readInt();
        Checks.argument(n == into.length, "%s: %d parameters, the adapter has %d", where, n, into.length);
        for (int i = 0; i < n; i++) {
            into[i] = in.readFloat();
        }
    }

    private static void writeScores(DataOutputStream o, RetrievalScores s) throws IOException {
        o.writeDouble(s.recallAt1());
        o.writeDouble(s.recallAt10());
        o.writeDouble(s.mrrAt10());
        o.writeInt(s.queries());
    }

    private static RetrievalScores readScores(DataInputStream in) throws IOException {
        return new RetrievalScores(in.readDouble(), in.readDouble(), in.readDouble(), in.readInt());
    }

    @Override
    public String toString() {
        return "AdapterTraining{epochs=" + epochsDone + "/" + config.epochs + ", bestEpoch=" + bestEpoch
                + ", bestRecallAt1=" + best.recallAt1() + (stoppedEarly ? ", stopped early" : "") + "}";
    }
}
