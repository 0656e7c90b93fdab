package org.contrast4j.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * NumPy {@code .npy} files: reads format versions 1.0, 2.0 and 3.0 holding a little-endian float32, float64, int32
 * or int64 array in C order with 1, 2 or 3 dimensions (float64 values are kept at full precision as well, for inputs
 * such as probabilities that need it); writes float32 C-order arrays as version 1.0.
 *
 * <p>The format (numpy {@code lib/format.py}): the magic {@code \x93NUMPY}, a major and a minor version byte, the
 * header length (uint16 little-endian in 1.0, uint32 in 2.0 and 3.0), then the header — a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (8, 16), }} in latin-1 (UTF-8 in 3.0), padded with
 * spaces and ended by a newline so that the data starts on a 64-byte boundary — then the raw data.
 *
 * <p>Every problem is reported as an {@link InputException} whose one-line message names the file and what is wrong.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy refuses headers longer than this by default ({@code max_header_size}); we allow much more. */
    private static final int MAX_HEADER = 1 << 20;
    private static final int CHUNK = 1 << 16;

    /** The element types we read. */
    enum DType {
        FLOAT32("<f4", 4, "float32"),
        FLOAT64("<f8", 8, "float64"),
        INT32("<i4", 4, "int32"),
        INT64("<i8", 8, "int64");

        final String descr;
        final int size;
        final String pretty;

        DType(String descr, int size, String pretty) {
            this.descr = descr;
            this.size = size;
            this.pretty = pretty;
        }

        boolean isFloat() {
            return this == FLOAT32 || this == FLOAT64;
        }
    }

    /**
     * An array read from a file: its shape, its stored dtype and its values (float32 or int64 widened; a float64 file
     * also keeps its double values).
     */
    static final class Array {
        private final String name;
        private final int[] shape;
        private final DType dtype;
        private final float[] floats;
        private final double[] doubles;
        private final long[] longs;

        Array(String name, int[] shape, DType dtype, float[] floats, double[] doubles, long[] longs) {
            this.name = name;
            this.shape = shape.clone();
            this.dtype = dtype;
            this.floats = floats;
            this.doubles = doubles;
            this.longs = longs;
        }

        /** The file as the user named it. */
        String name() {
            return name;
        }

        int[] shape() {
            return shape.clone();
        }

        int ndim() {
            return shape.length;
        }

        int dim(int axis) {
            return shape[axis];
        }

        DType dtype() {
            return dtype;
        }

        /** "8×16", "8×4×16", "8". */
        String shapeString() {
            return Npy.shapeString(shape);
        }

        /** The values of a float32 or float64 file, as float32 (row-major). */
        float[] floats() {
            if (floats == null) {
                throw new InputException(name + ": holds " + dtype.pretty + " ('" + dtype.descr
                        + "') but embeddings must be float32 ('<f4') or float64 ('<f8')");
            }
            return floats;
        }

        /**
         * The values of a float file in double: a float64 file's own values, a float32 file's widened (a new array).
         */
        double[] doubles() {
            if (doubles != null) {
                return doubles;
            }
            float[] f = floats();
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }

        /** The values of an int32 or int64 file. */
        long[] longs() {
            if (longs == null) {
                throw new InputException(name + ": holds " + dtype.pretty + " ('" + dtype.descr
                        + "') but labels must be int32 ('<i4') or int64 ('<i8')");
            }
            return longs;
        }

        /** The C-order index of flat position {@code flat}, e.g. "[2, 5]". */
        String index(long flat) {
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
    }

    private Npy() {
    }

    static String shapeString(int[] shape) {
        StringJoiner j = new StringJoiner("×");
        for (int s : shape) {
            j.add(Integer.toString(s));
        }
        return j.toString();
    }

    /** Reads {@code file}; every problem becomes an {@link InputException} naming the file. */
    static Array read(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new InputException(name + ": is a directory, not a .npy file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(name, ch);
        } catch (NoSuchFileException e) {
            throw new InputException(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new InputException(name + ": permission denied");
        } catch (IOException e) {
            throw new InputException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Array read(String name, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        int got = readFully(ch, pre);
        if (got < MAGIC.length + 2 || !startsWithMagic(pre)) {
            throw new InputException(name + ": not a .npy file (no \\x93NUMPY magic at the start"
                    + (fileSize < 8 ? ", the file has only " + fileSize + " bytes)" : ")"));
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        int lenBytes;
        if (major == 1) {
            lenBytes = 2;
        } else if (major == 2 || major == 3) {
            lenBytes = 4;
        } else {
            throw new InputException(name + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (minor != 0) {
            throw new InputException(name + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (got < 8 + lenBytes) {
            throw new InputException(name + ": truncated: the file ends inside the header length field ("
                    + fileSize + " bytes)");
        }
        long headerLen = lenBytes == 2 ? pre.getShort(8) & 0xffff : pre.getInt(8) & 0xffffffffL;
        long headerStart = 8 + lenBytes;
        if (headerLen > MAX_HEADER) {
            throw new InputException(name + ": header length " + headerLen + " bytes is implausibly large"
                    + " (more than " + MAX_HEADER + ")");
        }
        if (headerStart + headerLen > fileSize) {
            throw new InputException(name + ": truncated: header says it is " + headerLen + " bytes long, the file"
                    + " has " + (fileSize - headerStart) + " bytes after the header length field");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        ch.position(headerStart);
        readFully(ch, hb);
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(name, header);

        long count = 1;
        for (int s : h.shape) {
            count *= s;
            if (count > Integer.MAX_VALUE - 8) {
                throw new InputException(name + ": shape " + shapeString(h.shape) + " has more than 2^31 elements,"
                        + " too many for one Java array");
            }
        }
        long dataStart = headerStart + headerLen;
        long expected = count * h.dtype.size;
        long have = fileSize - dataStart;
        String says = "header says " + shapeString(h.shape) + " " + h.dtype.pretty + " (" + expected
                + " bytes of data)";
        if (have < expected) {
            throw new InputException(name + ": truncated: " + says + ", file has " + have);
        }
        if (have > expected) {
            throw new InputException(name + ": " + (have - expected) + " unexpected bytes after the data: " + says
                    + ", file has " + have);
        }
        ch.position(dataStart);
        int n = (int) count;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
        float[] floats = h.dtype.isFloat() ? new float[n] : null;
        double[] doubles = h.dtype == DType.FLOAT64 ? new double[n] : null;
        long[] longs = h.dtype.isFloat() ? null : new long[n];
        int done = 0;
        while (done < n) {
            int take = Math.min(CHUNK, n - done);
            buf.clear();
            buf.limit(take * h.dtype.size);
            if (readFully(ch, buf) != take * h.dtype.size) {
                throw new EOFException("file shrank while reading");
            }
            buf.flip();
            switch (h.dtype) {
                case FLOAT32 -> buf.asFloatBuffer().get(floats, done, take);
                case FLOAT64 -> {
                    for (int i = 0; i < take; i++) {
                        double v = buf.getDouble();
                        float f = (float) v;
                        if (Float.isInfinite(f) && Double.isFinite(v)) {
                            throw new InputException(name + ": element " + index(h.shape, done + i) + " = " + v
                                    + " overflows float32");
                        }
                        floats[done + i] = f;
                        doubles[done + i] = v;
                    }
                }
                case INT32 -> {
                    for (int i = 0; i < take; i++) {
                        longs[done + i] = buf.getInt();
                    }
                }
                case INT64 -> buf.asLongBuffer().get(longs, done, take);
            }
            done += take;
        }
        return new Array(name, h.shape, h.dtype, floats, doubles, longs);
    }

    private static String index(int[] shape, long flat) {
        return new Array("", shape, DType.FLOAT32, null, null, null).index(flat);
    }

    private static boolean startsWithMagic(ByteBuffer b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static int readFully(FileChannel ch, ByteBuffer b) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int r = ch.read(b);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    // ---------------------------------------------------------------- header

    private record Header(DType dtype, int[] shape) {
    }

    /** A Python tuple in a header. */
    private record Tuple(List<Object> items) {
        /** The items as dimensions, or null if one is not a non-negative integer that fits an int. */
        int[] asShape() {
            int[] shape = new int[items.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(items.get(i) instanceof Long l) || l > Integer.MAX_VALUE) {
                    return null;
                }
                shape[i] = (int) (long) l;
            }
            return shape;
        }
    }

    private static Header parseHeader(String name, String header) {
        Map<String, Object> dict = new HeaderParser(name, header).parse();
        for (String key : dict.keySet()) {
            if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                throw new InputException(name + ": bad header: unexpected key '" + key + "' in " + quote(header));
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new InputException(name + ": bad header: no '" + key + "' in " + quote(header));
            }
        }
        int[] shape = dict.get("shape") instanceof Tuple t ? t.asShape() : null;
        if (shape == null) {
            throw new InputException(name + ": bad header: 'shape' must be a tuple of integers, was "
                    + describe(dict.get("shape")));
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new InputException(name + ": bad header: 'fortran_order' must be True or False, was "
                    + describe(dict.get("fortran_order")));
        }
        Object descr = dict.get("descr");
        if (descr instanceof List<?>) {
            throw new InputException(name + ": structured dtype " + describe(descr) + " is not supported: need"
                    + " float32 '<f4', float64 '<f8', int32 '<i4' or int64 '<i8'");
        }
        if (!(descr instanceof String d)) {
            throw new InputException(name + ": bad header: 'descr' must be a string, was " + describe(descr));
        }
        DType dtype = dtypeOf(name, d);
        if (shape.length == 0) {
            throw new InputException(name + ": 0-D array (a scalar, shape ()) is not supported: need 1, 2 or 3"
                    + " dimensions");
        }
        if (shape.length > 3) {
            throw new InputException(name + ": " + shape.length + "-D array (shape " + shapeString(shape)
                    + ") is not supported: need 1, 2 or 3 dimensions");
        }
        if (fortran && shape.length > 1) {
            throw new InputException(name + ": Fortran-order array (shape " + shapeString(shape) + ") is not"
                    + " supported: save np.ascontiguousarray(a) instead");
        }
        return new Header(dtype, shape);
    }

    private static DType dtypeOf(String name, String d) {
        for (DType t : DType.values()) {
            if (t.descr.equals(d)) {
                return t;
            }
        }
        if (d.length() >= 2 && d.charAt(0) == '>') {
            for (DType t : DType.values()) {
                if (t.descr.substring(1).equals(d.substring(1))) {
                    throw new InputException(name + ": big-endian " + t.pretty + " ('" + d + "') is not supported:"
                            + " save it little-endian, e.g. a.astype('" + t.descr + "')");
                }
            }
        }
        throw new InputException(name + ": dtype '" + d + "' is not supported: need float32 '<f4', float64 '<f8',"
                + " int32 '<i4' or int64 '<i8'");
    }

    private static String describe(Object v) {
        if (v instanceof Tuple t) {
            StringJoiner j = new StringJoiner(", ", "(", t.items().size() == 1 ? ",)" : ")");
            for (Object o : t.items()) {
                j.add(describe(o));
            }
            return j.toString();
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof List<?> l) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (Object o : l) {
                j.add(describe(o));
            }
            return j.toString();
        }
        return String.valueOf(v);
    }

    static String quote(String header) {
        String h = header.strip().replace("\n", "\\n").replace("\r", "\\r");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < h.length() && sb.length() < 120; i++) {
            char c = h.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        if (sb.length() >= 120) {
            sb.append("…");
        }
        return "\"" + sb + "\"";
    }

    /**
     * A strict parser for the subset of Python literals a {@code .npy} header uses: a dict of string keys to
     * strings, True/False, tuples of non-negative integers (an optional {@code L} suffix from Python 2 allowed) and
     * lists (structured dtypes, which are then rejected with a clear message).
     */
    private static final class HeaderParser {
        private final String name;
        private final String s;
        private int pos;

        HeaderParser(String name, String s) {
            this.name = name;
            this.s = s;
        }

        Map<String, Object> parse() {
            ws();
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            ws();
            while (peek() != '}') {
                int keyAt = pos;
                Object key = value();
                if (!(key instanceof String k)) {
                    throw fail("a dict key must be a string", keyAt);
                }
                ws();
                expect(':');
                ws();
                Object v = value();
                if (dict.put(k, v) != null) {
                    throw fail("key '" + k + "' appears twice", keyAt);
                }
                ws();
                if (peek() == ',') {
                    pos++;
                    ws();
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}'", pos);
                }
            }
            pos++;
            ws();
            if (pos != s.length()) {
                throw fail("unexpected text after the closing '}'", pos);
            }
            return dict;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                return list();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c >= '0' && c <= '9') {
                return integer();
            }
            throw fail("expected a string, a tuple, True or False", pos);
        }

        private String string() {
            char q = s.charAt(pos);
            int start = ++pos;
            while (pos < s.length() && s.charAt(pos) != q) {
                if (s.charAt(pos) == '\\') {
                    throw fail("escapes in strings are not supported", pos);
                }
                pos++;
            }
            if (pos >= s.length()) {
                throw fail("unterminated string", start - 1);
            }
            return s.substring(start, pos++);
        }

        private Tuple tuple() {
            expect('(');
            List<Object> items = new ArrayList<>();
            ws();
            boolean sawComma = false;
            while (peek() != ')') {
                items.add(value());
                ws();
                if (peek() == ',') {
                    pos++;
                    sawComma = true;
                    ws();
                } else {
                    sawComma = false;
                    if (peek() != ')') {
                        throw fail("expected ',' or ')'", pos);
                    }
                }
            }
            pos++;
            if (items.size() == 1 && !sawComma) {
                throw fail("a one-element tuple needs a trailing comma, e.g. (8,)", pos - 1);
            }
            return new Tuple(items);
        }

        private List<Object> list() {
            expect('[');
            List<Object> items = new ArrayList<>();
            ws();
            while (peek() != ']') {
                items.add(value());
                ws();
                if (peek() == ',') {
                    pos++;
                    ws();
                } else if (peek() != ']') {
                    throw fail("expected ',' or ']'", pos);
                }
            }
            pos++;
            return items;
        }

        private Long integer() {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos - start > 18) {
                throw fail("integer too large", start);
            }
            long v = Long.parseLong(s.substring(start, pos));
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++;
            }
            return v;
        }

        private void ws() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t'
                    || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw fail("unexpected end of header", pos);
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'", pos);
            }
            pos++;
        }

        private InputException fail(String what, int at) {
            return new InputException(name + ": bad header: " + what + " at character " + at + " of "
                    + quote(s));
        }
    }

    // ---------------------------------------------------------------- write

    /** Writes a float32 C-order array as a version-1.0 {@code .npy} file, atomically. */
    static void write(Path file, int[] shape, float[] data) throws IOException {
        long count = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= s;
        }
        if (shape.length == 0 || count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count
                    + " values, got " + data.length);
        }
        byte[] head = header(shape);
        AtomicFiles.write(file, out -> {
            out.write(head);
            writeFloats(out, data);
        });
    }

    /** Magic, version 1.0, header length and the padded header of a float32 array. */
    static byte[] header(int[] shape) {
        StringJoiner j = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
        for (int s : shape) {
            j.add(Integer.toString(s));
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + j + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        if (header.length() > 0xffff) {
            throw new IllegalArgumentException("header too long for .npy version 1.0");
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < data.length; ) {
            int take = Math.min(CHUNK, data.length - done);
            buf.clear();
            buf.asFloatBuffer().put(data, done, take);
            out.write(buf.array(), 0, take * 4);
            done += take;
        }
    }
}
