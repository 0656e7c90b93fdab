package org.contrast4j.io;

import java.util.Arrays;
import java.util.StringJoiner;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * An immutable n-dimensional array as NumPy stores it: a shape, an element type ({@link DType}) and the values in C
 * (row-major) order — element {@code [i₀, …, iₖ]} is at flat position {@code ((i₀·d₁ + i₁)·d₂ + …)·dₖ + iₖ}.
 *
 * <p>Built by {@link Npy#read} or by the {@code of…} factories (which copy their arguments); the {@code to…}
 * accessors return fresh arrays, so an instance never changes and may be shared between threads. A 0-dimensional
 * array (shape {@code ()}) holds one value.
 */
public final class NpyArray {
    /** The largest number of elements one array may hold (one Java array). */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** The largest number of dimensions, as NumPy 2 ({@code NPY_MAXDIMS}). */
    public static final int MAX_DIMS = 64;

    /** The element types: NumPy's {@code float32}, {@code float64}, {@code int32} and {@code int64}. */
    public enum DType {
        /** IEEE 754 single precision, {@code '<f4'}. */
        FLOAT32("<f4", 4, "float32"),
        /** IEEE 754 double precision, {@code '<f8'}. */
        FLOAT64("<f8", 8, "float64"),
        /** 32-bit two's-complement integer, {@code '<i4'}. */
        INT32("<i4", 4, "int32"),
        /** 64-bit two's-complement integer, {@code '<i8'}. */
        INT64("<i8", 8, "int64");

        private final String descr;
        private final int bytes;
        private final String pretty;

        DType(String descr, int bytes, String pretty) {
            this.descr = descr;
            this.bytes = bytes;
            this.pretty = pretty;
        }

        /** NumPy's little-endian type string, e.g. {@code "<f4"} (the form this library writes). */
        public String descr() {
            return descr;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** Whether this is float32 or float64. */
        public boolean isFloat() {
            return this == FLOAT32 || this == FLOAT64;
        }

        /** NumPy's name, e.g. {@code "float32"}. */
        @Override
        public String toString() {
            return pretty;
        }
    }

    private final int[] shape;
    private final DType dtype;
    /** A float[], double[], int[] or long[] of {@link #size()} elements, matching {@link #dtype}; never exposed. */
    private final Object data;

    /** Wraps {@code data} without copying (the caller hands it over). */
    NpyArray(int[] shape, DType dtype, Object data) {
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
    }

    /** A float32 array of {@code shape} holding a copy of {@code values} (C order). */
    public static NpyArray ofFloats(int[] shape, float[] values) {
        Checks.notNull(values, "values");
        return new NpyArray(checkShape(shape, values.length), DType.FLOAT32, values.clone());
    }

    /** A float64 array of {@code shape} holding a copy of {@code values} (C order). */
    public static NpyArray ofDoubles(int[] shape, double[] values) {
        Checks.notNull(values, "values");
        return new NpyArray(checkShape(shape, values.length), DType.FLOAT64, values.clone());
    }

    /** An int32 array of {@code shape} holding a copy of {@code values} (C order). */
    public static NpyArray ofInts(int[] shape, int[] values) {
        Checks.notNull(values, "values");
        return new NpyArray(checkShape(shape, values.length), DType.INT32, values.clone());
    }

    /** An int64 array of {@code shape} holding a copy of {@code values} (C order). */
    public static NpyArray ofLongs(int[] shape, long[] values) {
        Checks.notNull(values, "values");
        return new NpyArray(checkShape(shape, values.length), DType.INT64, values.clone());
    }

    /** A 2-D float32 array, rows×cols, holding a copy of the matrix. */
    public static NpyArray of(Matrix matrix) {
        Checks.notNull(matrix, "matrix");
        return new NpyArray(new int[] {matrix.rows(), matrix.cols()}, DType.FLOAT32, matrix.data().clone());
    }

    /**
     * Checks a shape against a number of values and returns a copy of it.
     *
     * @throws NullPointerException if {@code shape} is null
     * @throws IllegalArgumentException for a negative dimension, more than {@value #MAX_DIMS} dimensions or a
     *     product of the dimensions other than {@code count}
     */
    static int[] checkShape(int[] shape, long count) {
        Checks.notNull(shape, "shape");
        Checks.argument(shape.length <= MAX_DIMS, "shape has %d dimensions, at most %d are allowed", shape.length,
                MAX_DIMS);
        long n = 1;
        for (int s : shape) {
            Checks.argument(s >= 0, "shape %s has a negative dimension", Arrays.toString(shape));
            n = n == 0 || s == 0 ? 0 : n > Integer.MAX_VALUE ? n : n * s; // once beyond any count, n stays there
        }
        Checks.argument(n == count, "shape %s needs %d values, got %d", Arrays.toString(shape), n, count);
        return shape.clone();
    }

    /** The dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions (0 for a scalar). */
    public int ndim() {
        return shape.length;
    }

    /** The size of dimension {@code axis}. */
    public int dim(int axis) {
        Checks.index(axis, shape.length, "axis");
        return shape[axis];
    }

    /** The number of elements (the product of the dimensions; 1 for a scalar). */
    public int size() {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data).length;
            case FLOAT64 -> ((double[]) data).length;
            case INT32 -> ((int[]) data).length;
            case INT64 -> ((long[]) data).length;
        };
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /**
     * The values of a float32 array, or of a float64 array rounded to float32 (a new array, C order).
     *
     * @throws IllegalStateException if the array holds integers
     * @throws ArithmeticException if a finite float64 value is beyond the float32 range (naming its index)
     */
    public float[] toFloats() {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data).clone();
            case FLOAT64 -> {
                double[] d = (double[]) data;
                float[] out = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    float f = (float) d[i];
                    if (Float.isInfinite(f) && Double.isFinite(d[i])) {
                        throw new ArithmeticException("element " + index(i) + " = " + d[i] + " overflows float32");
                    }
                    out[i] = f;
                }
                yield out;
            }
            default -> throw wrongType("toFloats()", "a floating-point");
        };
    }

    /**
     * The values of a float64 array, or of a float32 array widened (exactly) to double (a new array, C order).
     *
     * @throws IllegalStateException if the array holds integers
     */
    public double[] toDoubles() {
        return switch (dtype) {
            case FLOAT64 -> ((double[]) data).clone();
            case FLOAT32 -> {
                float[] f = (float[]) data;
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
                yield out;
            }
            default -> throw wrongType("toDoubles()", "a floating-point");
        };
    }

    /**
     * The values of an int64 array, or of an int32 array widened (a new array, C order).
     *
     * @throws IllegalStateException if the array holds floating-point values
     */
    public long[] toLongs() {
        return switch (dtype) {
            case INT64 -> ((long[]) data).clone();
            case INT32 -> {
                int[] v = (int[]) data;
                long[] out = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                yield out;
            }
            default -> throw wrongType("toLongs()", "an integer");
        };
    }

    /**
     * The values of an int32 array, or of an int64 array whose values all fit in an int (a new array, C order).
     *
     * @throws IllegalStateException if the array holds floating-point values
     * @throws ArithmeticException if an int64 value does not fit in an int (naming its index)
     */
    public int[] toInts() {
        return switch (dtype) {
            case INT32 -> ((int[]) data).clone();
            case INT64 -> {
                long[] v = (long[]) data;
                int[] out = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    if ((int) v[i] != v[i]) {
                        throw new ArithmeticException("element " + index(i) + " = " + v[i] + " does not fit in an"
                                + " int32");
                    }
                    out[i] = (int) v[i];
                }
                yield out;
            }
            default -> throw wrongType("toInts()", "an integer");
        };
    }

    /**
     * The values as a float32 {@link Matrix} (a new one): a 2-D N×D array as it is, a 3-D N×M×D array as the
     * (N·M)×D matrix of the library's convention (rows i·M … i·M+M−1 belong to row i).
     *
     * @throws IllegalStateException if the array holds integers or does not have 2 or 3 dimensions
     * @throws ArithmeticException as {@link #toFloats()}
     */
    public Matrix toMatrix() {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalStateException("a " + shape.length + "-D array (shape " + shapeString() + ") is not a"
                    + " matrix: need 2 dimensions (N×D) or 3 (N×M×D)");
        }
        long rows = shape.length == 2 ? shape[0] : (long) shape[0] * shape[1];
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalStateException("shape " + shapeString() + " has " + rows + " rows, more than a Matrix"
                    + " holds");
        }
        return Matrix.of((int) rows, shape[shape.length - 1], toFloats());
    }

    private IllegalStateException wrongType(String method, String need) {
        return new IllegalStateException(method + " needs " + need + " array, this one holds " + dtype + " ('"
                + dtype.descr + "')");
    }

    /** The shape as people write it: {@code "8×16"}, {@code "8"} for 1-D, {@code "()"} for a scalar. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(int[] shape) {
        if (shape.length == 0) {
            return "()";
        }
        StringJoiner j = new StringJoiner("×");
        for (int s : shape) {
            j.add(Integer.toString(s));
        }
        return j.toString();
    }

    /**
     * The multi-index of flat C-order position {@code flat}, e.g. {@code "[2, 5]"} — the form error messages use to
     * name an element.
     */
    public String index(long flat) {
        return index(shape, flat);
    }

    static String index(int[] shape, long flat) {
        long[] idx = new long[shape.length];
        long rest = flat;
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = shape[a] == 0 ? 0 : rest % shape[a];
            rest = shape[a] == 0 ? 0 : rest / shape[a];
        }
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long v : idx) {
            j.add(Long.toString(v));
        }
        return j.toString();
    }

    /** The raw values, not copied (for {@link Npy}'s writer). */
    Object data() {
        return data;
    }

    /** Equal shape, dtype and values (float values compared bit for bit, as {@link Arrays#equals(float[], float[])}). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray a) || dtype != a.dtype || !Arrays.equals(shape, a.shape)) {
            return false;
        }
        return switch (dtype) {
            case FLOAT32 -> Arrays.equals((float[]) data, (float[]) a.data);
            case FLOAT64 -> Arrays.equals((double[]) data, (double[]) a.data);
            case INT32 -> Arrays.equals((int[]) data, (int[]) a.data);
            case INT64 -> Arrays.equals((long[]) data, (long[]) a.data);
        };
    }

    @Override
    public int hashCode() {
        int h = 31 * Arrays.hashCode(shape) + dtype.hashCode();
        return 31 * h + switch (dtype) {
            case FLOAT32 -> Arrays.hashCode((float[]) data);
            case FLOAT64 -> Arrays.hashCode((double[]) data);
            case INT32 -> Arrays.hashCode((int[]) data);
            case INT64 -> Arrays.hashCode((long[]) data);
        };
    }

    /** {@code "NpyArray[float32 8×16]"}. */
    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + shapeString() + "]";
    }
}
