package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;
import org.contrast4j.linalg.Matrix;

/**
 * Loads the {@code .npy} inputs of a command and checks what the library cannot name as well: the option and file
 * behind each array, its number of dimensions, and the N-D index of a non-finite value.
 */
final class InputFiles {
    private InputFiles() {
    }

    /** An input array with the option and file it came from, e.g. {@code --anchors A.npy}. */
    record Loaded(String option, String name, NpyArray array) {
        /** "--anchors A.npy". */
        String label() {
            return option + " " + name;
        }

        int[] shape() {
            return array.shape();
        }

        String shapeString() {
            return array.shapeString();
        }

        int ndim() {
            return array.ndim();
        }

        int dim(int axis) {
            return array.dim(axis);
        }

        /** The values as a Matrix: 2-D as is, 3-D N×M×D as (N·M)×D. */
        Matrix matrix() {
            return array.toMatrix();
        }
    }

    /** Reads {@code file}, naming the option in any error: "--anchors A.npy: truncated: …". */
    static Loaded read(String option, Path file) {
        try {
            return new Loaded(option, file.toString(), Npy.read(file));
        } catch (IOException e) {
            // FileFormatException, NoSuchFileException, AccessDeniedException…: one line "FILE: problem"
            throw new InputException(option + " " + e.getMessage(), e);
        }
    }

    /** Reads a float array with 2 dimensions (or 2 or 3 when {@code allow3d}) and only finite values. */
    static Loaded embeddings(String option, Path file, boolean allow3d, String expected) {
        Loaded in = read(option, file);
        if (!in.array().dtype().isFloat()) {
            throw new InputException(in.label() + ": holds " + in.array().dtype() + " ('"
                    + in.array().dtype().descr() + "') but embeddings must be float32 ('<f4') or float64 ('<f8')");
        }
        if (in.ndim() != 2 && !(allow3d && in.ndim() == 3)) {
            throw new InputException(in.label() + " is " + in.ndim() + "-D (" + in.shapeString() + "): "
                    + option.substring(2) + " must be " + expected);
        }
        float[] v;
        try {
            v = in.array().toFloats();
        } catch (ArithmeticException e) {
            throw new InputException(in.label() + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new InputException(in.label() + ": element " + in.array().index(i) + " is " + v[i]
                        + ": inputs must be finite");
            }
        }
        return in;
    }

    /** Reads 1-D int32/int64 labels, one per row of {@code rowsOf}. */
    static long[] labels(String option, Path file, Loaded rowsOf) {
        Loaded in = read(option, file);
        if (in.array().dtype().isFloat()) {
            throw new InputException(in.label() + ": holds " + in.array().dtype() + " ('"
                    + in.array().dtype().descr() + "') but labels must be int32 ('<i4') or int64 ('<i8')");
        }
        if (in.ndim() != 1) {
            throw new InputException(in.label() + " is " + in.ndim() + "-D (" + in.shapeString() + "): labels must"
                    + " be 1-D, one class id per row");
        }
        long[] labels = in.array().toLongs();
        if (labels.length != rowsOf.dim(0)) {
            throw new InputException(in.label() + " has " + labels.length + " labels but " + rowsOf.label()
                    + " has " + rowsOf.dim(0) + " rows (" + rowsOf.shapeString() + "): give one label per row");
        }
        return labels;
    }

    /**
     * Reads int32/int64 class ids: 1-D, or 1-D or 2-D when {@code allow2d}, every id within [0, V) where V is the
     * number of rows of {@code classes}.
     */
    static Loaded classIds(String option, Path file, boolean allow2d, String expected, Loaded classes) {
        Loaded in = read(option, file);
        if (in.array().dtype().isFloat()) {
            throw new InputException(in.label() + ": holds " + in.array().dtype() + " ('"
                    + in.array().dtype().descr() + "') but class ids must be int32 ('<i4') or int64 ('<i8')");
        }
        if (in.ndim() != 1 && !(allow2d && in.ndim() == 2)) {
            throw new InputException(in.label() + " is " + in.ndim() + "-D (" + in.shapeString() + "): "
                    + option.substring(2) + " must be " + expected);
        }
        long[] ids = in.array().toLongs();
        int v = classes.dim(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) {
                throw new InputException(in.label() + ": element " + in.array().index(i) + " = " + ids[i]
                        + " is outside [0, " + v + "): " + classes.label() + " has " + v + " classes");
            }
        }
        return in;
    }

    /** The ids of a {@link #classIds} array as ints (each already checked to lie in [0, V)). */
    static int[] ints(Loaded ids) {
        long[] v = ids.array().toLongs();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** Reads a 1-D float array of {@code length} finite values ({@code what} says what it holds, for messages). */
    static Loaded vector(String option, Path file, int length, String what, Loaded lengthOf) {
        Loaded in = read(option, file);
        if (!in.array().dtype().isFloat()) {
            throw new InputException(in.label() + ": holds " + in.array().dtype() + " ('"
                    + in.array().dtype().descr() + "') but " + what + " must be float32 ('<f4') or float64 ('<f8')");
        }
        if (in.ndim() != 1) {
            throw new InputException(in.label() + " is " + in.ndim() + "-D (" + in.shapeString() + "): "
                    + what + " must be 1-D, one value per class");
        }
        if (in.dim(0) != length) {
            throw new InputException(in.label() + " has " + in.dim(0) + " values but " + lengthOf.label() + " has "
                    + length + " classes (" + lengthOf.shapeString() + "): give one value per class");
        }
        double[] v = in.array().toDoubles();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new InputException(in.label() + ": element " + in.array().index(i) + " is " + v[i]
                        + ": inputs must be finite");
            }
        }
        return in;
    }

    /** Requires {@code other} to have the same shape as {@code ref}. */
    static void sameShape(Loaded other, Loaded ref) {
        if (!java.util.Arrays.equals(other.shape(), ref.shape())) {
            throw new InputException(other.label() + " is " + other.shapeString() + " but " + ref.label() + " is "
                    + ref.shapeString() + ": they must have the same shape");
        }
    }
}
