package org.contrast4j.embed;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.contrast4j.io.AtomicFiles;

/**
 * The checkpoint file of a {@link SkipGramTraining}: a binary file (big-endian, {@link DataOutputStream}) holding
 * <pre>
 *   magic "contrast4j-skipgram", version 2,
 *   settings (objective key, k, noise power, D, window, epochs, sample, lr₀, τ, batch size, threads, seed, step key;
 *   version 1 files have no step key and are read as step pair),
 *   vocabulary (V, then each word and count, min count), corpus (tokens, sentences, fingerprint),
 *   finished epochs (number, seconds, words, words/s, loss, pairs each), random states (one per thread),
 *   input table, output table (V·D floats each), CRC-32 of everything before it
 * </pre>
 * written with {@link AtomicFiles} (temporary file, fsync, atomic rename, fsync of the directory), so neither a crash
 * nor a power cut leaves a torn checkpoint.
 */
final class SkipGramCheckpoint {
    private static final String MAGIC = "contrast4j-skipgram";
    private static final int VERSION = 2;
    /** Version 1 had no step: its runs were trained with {@link SkipGram.Step#PAIR}. */
    private static final int VERSION_WITHOUT_STEP = 1;

    private SkipGramCheckpoint() {
    }

    static void write(SkipGramTraining run, Path file) throws IOException {
        AtomicFiles.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream o = new DataOutputStream(new CheckedOutputStream(raw, crc));
            writeBody(run, o);
            o.flush();
            new DataOutputStream(raw).writeLong(crc.getValue());
        });
    }

    private static void writeBody(SkipGramTraining run, DataOutputStream o) throws IOException {
        SkipGram c = run.config();
        o.writeUTF(MAGIC);
        o.writeInt(VERSION);
        o.writeUTF(c.objective().key());
        o.writeInt(c.negatives());
        o.writeDouble(c.noisePower());
        o.writeInt(c.dimension());
        o.writeInt(c.window());
        o.writeInt(c.epochs());
        o.writeDouble(c.sample());
        o.writeDouble(c.learningRate());
        o.writeDouble(c.temperature());
        o.writeInt(c.batchSize());
        o.writeInt(c.threads());
        o.writeLong(c.seed());
        o.writeUTF(c.step().key());
        Vocabulary v = run.vocabulary();
        o.writeInt(v.size());
        o.writeInt(v.minCount());
        for (int i = 0; i < v.size(); i++) {
            o.writeUTF(v.word(i));
            o.writeLong(v.count(i));
        }
        o.writeLong(run.corpus.tokens());
        o.writeInt(run.corpus.sentences());
        o.writeLong(run.corpus.fingerprint());
        List<SkipGramTraining.Epoch> epochs = run.epochs();
        o.writeInt(epochs.size());
        for (SkipGramTraining.Epoch e : epochs) {
            o.writeInt(e.epoch());
            o.writeDouble(e.seconds());
            o.writeLong(e.words());
            o.writeDouble(e.wordsPerSecond());
            o.writeDouble(e.loss());
            o.writeLong(e.pairs());
        }
        o.writeInt(run.randomStates.length);
        for (long s : run.randomStates) {
            o.writeLong(s);
        }
        writeFloats(o, run.in);
        writeFloats(o, run.out);
    }

    private static void writeFloats(DataOutputStream o, float[] a) throws IOException {
        o.writeInt(a.length);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < a.length; ) {
            buf.clear();
            int n = Math.min(a.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(a, i, n);
            o.write(buf.array(), 0, n * 4);
            i += n;
        }
    }

    /**
     * Reads a checkpoint: first the magic, then the CRC-32 over the whole file (so a damaged file is reported as such,
     * not as a settings or corpus mismatch), then the content, every declared count checked against the bytes left
     * before anything is allocated.
     *
     * @throws IllegalArgumentException naming the file: not a checkpoint, truncated, corrupt, another version, or
     *     written for other settings or another corpus
     * @throws IOException when the file cannot be read
     */
    static SkipGramTraining read(Path file, SkipGramCorpus corpus, SkipGram expected) throws IOException {
        long size = Files.size(file);
        byte[] magic = magicBytes();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(magic.length);
            if (!java.util.Arrays.equals(head, magic)) {
                throw new IllegalArgumentException(file + ": not a contrast4j skip-gram checkpoint");
            }
        }
        if (size < magic.length + 4 + 8) {
            throw new IllegalArgumentException(file + ": truncated skip-gram checkpoint (" + size + " bytes)");
        }
        long body = size - 8;
        CRC32 crc = new CRC32();
        long stored;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            for (long left = body; left > 0; ) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IllegalArgumentException(file + ": the file shrank while it was read");
                }
                crc.update(buf, 0, r);
                left -= r;
            }
            stored = new DataInputStream(in).readLong();
        }
        if (stored != crc.getValue()) {
            throw new IllegalArgumentException(file + ": corrupt or truncated skip-gram checkpoint (CRC-32 "
                    + Long.toHexString(crc.getValue()) + " but the file says " + Long.toHexString(stored) + ")");
        }
        try (Budget budget = new Budget(new BufferedInputStream(Files.newInputStream(file), 1 << 16), body)) {
            DataInputStream i = new DataInputStream(budget);
            SkipGramTraining run;
            try {
                run = readBody(file, i, budget, corpus, expected);
            } catch (EOFException e) {
                throw new IllegalArgumentException(file + ": corrupt skip-gram checkpoint (its content ends before"
                        + " the CRC)", e);
            } catch (java.io.UTFDataFormatException e) {
                throw new IllegalArgumentException(file + ": corrupt skip-gram checkpoint (a string is not valid"
                        + " modified UTF-8)", e);
            }
            if (budget.left() != 0) {
                throw new IllegalArgumentException(file + ": corrupt skip-gram checkpoint (" + budget.left()
                        + " unexpected bytes before the CRC)");
            }
            return run;
        }
    }

    private static byte[] magicBytes() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(b)) {
            o.writeUTF(MAGIC);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** A stream of at most {@code limit} bytes that knows how many are left (reading past the limit is an EOF). */
    private static final class Budget extends java.io.FilterInputStream {
        private long left;

        Budget(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        long left() {
            return left;
        }

        /** Throws unless {@code count} items of at least {@code bytesEach} bytes fit in what is left. */
        void need(Path file, long count, long bytesEach, String what) {
            if (count < 0 || count > left / bytesEach) {
                throw new IllegalArgumentException(file + ": corrupt skip-gram checkpoint (" + count + " " + what
                        + " of at least " + bytesEach + " bytes each do not fit in the " + left + " bytes left)");
            }
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int r = super.read(b, off, (int) Math.min(len, left));
            if (r > 0) {
                left -= r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long r = super.skip(Math.min(n, left));
            left -= r;
            return r;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static SkipGramTraining readBody(Path file, DataInputStream i, Budget budget, SkipGramCorpus corpus,
                                             SkipGram expected) throws IOException {
        if (!MAGIC.equals(i.readUTF())) {
            throw new IllegalArgumentException(file + ": not a contrast4j skip-gram checkpoint");
        }
        int version = i.readInt();
        if (version != VERSION && version != VERSION_WITHOUT_STEP) {
            throw new IllegalArgumentException(file + ": checkpoint version " + version + ", this library reads "
                    + VERSION);
        }
        SkipGram config;
        try {
            config = SkipGram.builder().objective(Objective.parse(i.readUTF())).negatives(i.readInt())
                    .noisePower(i.readDouble()).dimension(i.readInt()).window(i.readInt()).epochs(i.readInt())
                    .sample(i.readDouble()).learningRate(i.readDouble()).temperature(i.readDouble())
                    .batchSize(i.readInt()).threads(i.readInt()).seed(i.readLong())
                    .step(version == VERSION_WITHOUT_STEP ? SkipGram.Step.PAIR : SkipGram.Step.parse(i.readUTF()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": invalid settings in the checkpoint: " + e.getMessage(), e);
        }
        if (expected != null) {
            // more (or the same number of) epochs may be asked for; every other setting must be the checkpoint's
            List<String> diff = expected.differences(config).stream().filter(d -> !d.startsWith("epochs ")).toList();
            if (!diff.isEmpty()) {
                throw new IllegalArgumentException(file + ": the checkpoint was trained with other settings ("
                        + String.join(", ", diff).replace(" vs ", " requested, checkpoint has ") + ")");
            }
        }
        int v = i.readInt();
        int minCount = i.readInt();
        if (v < 1 || minCount < 1) {
            throw new IllegalArgumentException(file + ": corrupt checkpoint (V = " + v + ", minCount = " + minCount
                    + ")");
        }
        budget.need(file, v, 2 + 8, "vocabulary entries");
        String[] words = new String[v];
        long[] counts = new long[v];
        for (int w = 0; w < v; w++) {
            words[w] = i.readUTF();
            counts[w] = i.readLong();
        }
        Vocabulary vocab = corpus.vocabulary();
        if (vocab.size() != v || vocab.minCount() != minCount) {
            throw new IllegalArgumentException(file + ": the checkpoint was written for another corpus: its vocabulary"
                    + " has " + v + " words (min count " + minCount + "), this corpus's " + vocab.size()
                    + " (min count " + vocab.minCount() + ")");
        }
        for (int w = 0; w < v; w++) {
            if (!words[w].equals(vocab.word(w)) || counts[w] != vocab.count(w)) {
                throw new IllegalArgumentException(file + ": the checkpoint was written for another corpus: word "
                        + w + " is '" + words[w] + "' (" + counts[w] + "×) there, '" + vocab.word(w) + "' ("
                        + vocab.count(w) + "×) here");
            }
        }
        long tokens = i.readLong();
        int sentences = i.readInt();
        long fingerprint = i.readLong();
        if (tokens != corpus.tokens() || sentences != corpus.sentences() || fingerprint != corpus.fingerprint()) {
            throw new IllegalArgumentException(file + ": the checkpoint was written for another corpus with the same"
                    + " vocabulary (" + tokens + " tokens in " + sentences + " sentences there, " + corpus.tokens()
                    + " in " + corpus.sentences() + " here, or the same sizes in another order)");
        }
        int ne = i.readInt();
        if (ne < 0 || ne > config.epochs()) {
            throw new IllegalArgumentException(file + ": corrupt checkpoint (" + ne + " epochs done of "
                    + config.epochs() + ")");
        }
        budget.need(file, ne, 44, "epoch records");
        if (expected != null && ne > expected.epochs()) {
            throw new IllegalArgumentException(file + ": the checkpoint has " + ne + " epochs done, more than the "
                    + expected.epochs() + " requested (ask for " + ne + " or more)");
        }
        if (expected != null) {
            config = expected; // equal but for the epochs: the run goes on to the epochs requested
        }
        List<SkipGramTraining.Epoch> epochs = new ArrayList<>();
        for (int e = 0; e < ne; e++) {
            epochs.add(new SkipGramTraining.Epoch(i.readInt(), i.readDouble(), i.readLong(), i.readDouble(),
                    i.readDouble(), i.readLong()));
        }
        int nr = i.readInt();
        if (nr != config.threads()) {
            throw new IllegalArgumentException(file + ": corrupt checkpoint (" + nr + " random states for "
                    + config.threads() + " threads)");
        }
        budget.need(file, nr, 8, "random states");
        long[] states = new long[nr];
        for (int s = 0; s < nr; s++) {
            states[s] = i.readLong();
        }
        long size = (long) v * config.dimension();
        budget.need(file, size, 2 * 4, "input and output vectors (V·D = " + v + "·" + config.dimension() + ")");
        float[] in = readFloats(file, i, (int) size);
        float[] out = readFloats(file, i, (int) size);
        return new SkipGramTraining(config, corpus, in, out, states, epochs);
    }

    private static float[] readFloats(Path file, DataInputStream i, int expected) throws IOException {
        int n = i.readInt();
        if (n != expected) {
            throw new IllegalArgumentException(file + ": corrupt checkpoint (a table of " + n + " floats, V·D = "
                    + expected + ")");
        }
        float[] a = new float[n];
        byte[] bytes = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        for (int at = 0; at < n; ) {
            int m = Math.min(n - at, bytes.length / 4);
            i.readFully(bytes, 0, m * 4);
            buf.clear();
            buf.asFloatBuffer().get(a, at, m);
            at += m;
        }
        return a;
    }
}
