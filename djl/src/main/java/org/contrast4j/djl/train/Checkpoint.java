package org.contrast4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.contrast4j.io.AtomicFiles;

/**
 * Everything a run needs to continue exactly after epoch {@link #epoch}: every parameter, Adam's moments and step
 * count, the log-temperature and its moments, the history, and the configuration fingerprint (a resumed run must use
 * the same settings, only the number of epochs may grow). Random draws need no saved state: each is seeded from the
 * run's seed and what it is for ({@link Seeds}).
 *
 * <p>File format (big-endian, {@link DataOutputStream}): the magic string, a version, the fingerprint, the epoch,
 * the scalar state, the history, then per parameter its name, shape, its value (floats) and Adam's mean and
 * variance (doubles); finally the CRC-32 of all preceding bytes. Written with {@link AtomicFiles} (fsync, atomic
 * rename, fsync of the directory), so the file on disk is always the last complete checkpoint; a file that fails its
 * checksum is rejected.
 */
final class Checkpoint {
    private static final String MAGIC = "contrast4j image-trainer checkpoint";
    private static final int VERSION = 2; // 2: Adam's moments in double (core's Adam keeps them in double)

    final String fingerprint;
    final int epoch;
    final double logTemperature;
    final long adamSteps;
    final double scalarMean;
    final double scalarVariance;
    final List<EpochRecord> history;
    final List<String> names;
    final List<long[]> shapes;
    final List<float[]> values;
    final List<double[]> means;
    final List<double[]> variances;

    Checkpoint(String fingerprint, int epoch, double logTemperature, long adamSteps, double scalarMean,
               double scalarVariance, List<EpochRecord> history, List<String> names, List<long[]> shapes,
               List<float[]> values, List<double[]> means, List<double[]> variances) {
        this.fingerprint = fingerprint;
        this.epoch = epoch;
        this.logTemperature = logTemperature;
        this.adamSteps = adamSteps;
        this.scalarMean = scalarMean;
        this.scalarVariance = scalarVariance;
        this.history = List.copyOf(history);
        this.names = names;
        this.shapes = shapes;
        this.values = values;
        this.means = means;
        this.variances = variances;
    }

    static Checkpoint capture(String fingerprint, int epoch, double logTemperature, Adam adam, Model model,
                              List<EpochRecord> history) {
        List<long[]> shapes = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        List<double[]> variances = new ArrayList<>();
        for (int k = 0; k < model.parameters.size(); k++) {
            NDArray w = model.parameters.get(k).getArray();
            shapes.add(w.getShape().getShape());
            values.add(w.toFloatArray());
            means.add(adam.weights.get(k).firstMoment());
            variances.add(adam.weights.get(k).secondMoment());
        }
        return new Checkpoint(fingerprint, epoch, logTemperature, adam.steps(), adam.scalar.firstMoment()[0],
                adam.scalar.secondMoment()[0], history, model.names, shapes, values, means, variances);
    }

    /** Copies the parameters and Adam's state into a freshly built model and optimiser of the same configuration. */
    void restore(Model model, Adam adam, Path file) {
        if (!model.names.equals(names)) {
            throw new IllegalArgumentException(file + ": the checkpoint's parameters " + names
                    + " differ from the network's " + model.names);
        }
        for (int k = 0; k < names.size(); k++) {
            NDArray w = model.parameters.get(k).getArray();
            if (!Arrays.equals(w.getShape().getShape(), shapes.get(k))) {
                throw new IllegalArgumentException(file + ": parameter " + names.get(k) + " has shape "
                        + new Shape(shapes.get(k)) + " in the checkpoint, " + w.getShape() + " in the network");
            }
            w.set(values.get(k));
            adam.weights.get(k).restore(adamSteps, means.get(k), variances.get(k));
        }
        // the scalar is stepped with the network whenever it is learned (and never otherwise)
        adam.scalar.restore(adamSteps, new double[] {scalarMean}, new double[] {scalarVariance});
    }

    void write(Path file) throws IOException {
        AtomicFiles.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(raw, crc));
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(fingerprint);
            out.writeInt(epoch);
            out.writeDouble(logTemperature);
            out.writeLong(adamSteps);
            out.writeDouble(scalarMean);
            out.writeDouble(scalarVariance);
            out.writeInt(history.size());
            for (EpochRecord r : history) {
                Evaluation e = r.evaluation();
                out.writeInt(r.epoch());
                for (double v : new double[] {r.loss(), r.temperature(), r.seconds(), e.knnAccuracy(),
                        e.linearProbeAccuracy(), e.alignment(), e.uniformity(), e.effectiveRank(),
                        e.effectiveNegatives(), e.temperature()}) {
                    out.writeDouble(v);
                }
            }
            out.writeInt(names.size());
            for (int k = 0; k < names.size(); k++) {
                out.writeUTF(names.get(k));
                out.writeInt(shapes.get(k).length);
                for (long s : shapes.get(k)) {
                    out.writeLong(s);
                }
                writeFloats(out, values.get(k));
                writeDoubles(out, means.get(k));
                writeDoubles(out, variances.get(k));
            }
            out.flush();
            new DataOutputStream(raw).writeLong(crc.getValue());
        });
    }

    private static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v.length);
        for (double d : v) {
            out.writeDouble(d);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IllegalArgumentException when the file is missing, not a checkpoint, of another version, truncated or
     *     fails its checksum
     */
    static Checkpoint read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no checkpoint to resume from (no such file)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the checkpoint (" + e.getMessage() + ")", e);
        }
        if (bytes.length < 8) {
            throw new IllegalArgumentException(file + ": not a checkpoint (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException(file + ": not a contrast4j image-trainer checkpoint");
            }
            if (stored != crc.getValue()) {
                throw new IllegalArgumentException(file + ": corrupt checkpoint (checksum mismatch)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(file + ": checkpoint version " + version + ", this build reads "
                        + VERSION);
            }
            String fingerprint = in.readUTF();
            int epoch = in.readInt();
            double logTau = in.readDouble();
            long steps = in.readLong();
            double sm = in.readDouble();
            double sv = in.readDouble();
            int nh = in.readInt();
            if (nh < 0 || nh > in.available() / (4 + 10 * 8)) {
                throw new IllegalArgumentException(file + ": corrupt checkpoint (" + nh + " history records, "
                        + in.available() + " bytes are left)");
            }
            List<EpochRecord> history = new ArrayList<>();
            for (int i = 0; i < nh; i++) {
                int e = in.readInt();
                double[] v = new double[10];
                for (int j = 0; j < v.length; j++) {
                    v[j] = in.readDouble();
                }
                history.add(new EpochRecord(e, v[0], v[1], v[2], new Evaluation(v[3], v[4], v[5], v[6], v[7], v[8],
                        v[9])));
            }
            int np = in.readInt();
            if (np < 0 || np > in.available() / (2 + 4 + 3 * 4)) {
                throw new IllegalArgumentException(file + ": corrupt checkpoint (" + np + " parameters, "
                        + in.available() + " bytes are left)");
            }
            List<String> names = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            List<double[]> means = new ArrayList<>();
            List<double[]> variances = new ArrayList<>();
            for (int k = 0; k < np; k++) {
                names.add(in.readUTF());
                int ndim = in.readInt();
                if (ndim < 0 || ndim > in.available() / 8) {
                    throw new IllegalArgumentException(file + ": corrupt checkpoint (parameter " + k + " declares "
                            + ndim + " dimensions, " + in.available() + " bytes are left)");
                }
                long[] shape = new long[ndim];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                shapes.add(shape);
                values.add(readFloats(in));
                means.add(readDoubles(in));
                variances.add(readDoubles(in));
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException(file + ": corrupt checkpoint (" + in.available()
                        + " unexpected bytes)");
            }
            return new Checkpoint(fingerprint, epoch, logTau, steps, sm, sv, history, names, shapes, values, means,
                    variances);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": truncated or corrupt checkpoint (" + e + ")", e);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 8) {
            throw new IOException("array of " + n + " doubles does not fit in the " + in.available()
                    + " remaining bytes");
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readDouble();
        }
        return v;
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 4) {
            throw new IOException("array of " + n + " floats does not fit in the " + in.available()
                    + " remaining bytes");
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
