package org.contrast4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;

/**
 * NumPy's {@code .npy} file format, read and written without NumPy: {@code np.save(f, a)} in Python and
 * {@link #read(Path)} in Java, or {@link #write(Path, NpyArray)} in Java and {@code np.load(f)} in Python.
 *
 * <p><b>Format</b> (NEP 1 and numpy {@code lib/format.py}): the magic {@code \x93NUMPY}, a major and a minor version
 * byte, the header length (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0), then the header — a Python
 * dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (8, 16), }} in Latin-1 (UTF-8 in
 * 3.0), padded with spaces and ended by a newline so that the data starts on a 64-byte boundary — then the raw
 * elements.
 *
 * <p><b>Read</b>: versions 1.0, 2.0 and 3.0; float32, float64, int32 and int64 ({@code '<f4' '<f8' '<i4' '<i8'} and
 * their big-endian forms {@code '>f4'} …); C or Fortran order (a Fortran-order array is returned in C order); 0 to
 * {@value NpyArray#MAX_DIMS} dimensions, at most {@value NpyArray#MAX_ELEMENTS} elements. <b>Written</b>: version 1.0
 * (2.0 when the header needs it), little-endian, C order, as {@code np.save} does.
 *
 * <p><b>Errors.</b> A file whose content is wrong gets a {@link FileFormatException} whose one-line message names the
 * file and the problem: no magic, an unsupported version, a truncated or malformed header, an unsupported dtype, data
 * shorter or longer than the shape declares. Every declared size is checked against the file's length before
 * anything is allocated. A missing file is a {@link NoSuchFileException}, an unreadable one an
 * {@link AccessDeniedException}, a directory a {@link FileSystemException}; their messages are "FILE: reason" too.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy refuses headers longer than 10,000 bytes by default ({@code max_header_size}); we allow 1 MiB. */
    private static final int MAX_HEADER = 1 << 20;
    private static final int CHUNK = 1 << 16;
    private static final String SUPPORTED = "float32 '<f4', float64 '<f8', int32 '<i4' or int64 '<i8'";

    private Npy() {
    }

    // ---------------------------------------------------------------- read

    /**
     * Reads a {@code .npy} file.
     *
     * @throws FileFormatException when the file is not a valid {@code .npy} file or holds an array this reader does
     *     not read (see the class comment)
     * @throws IOException when the file is missing (NoSuchFileException), unreadable (AccessDeniedException), a
     *     directory (FileSystemException) or a read fails
     */
    public static NpyArray read(Path file) throws IOException {
        Checks.notNull(file, "file");
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new FileSystemException(name, null, "is a directory, not a .npy file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(name, ch);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "no such file");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(name, null, "permission denied");
        } catch (FileFormatException | FileSystemException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a float32 or float64 array of 2 dimensions (N×D), or 3 (N×M×D, returned as the (N·M)×D matrix of the
     * library's convention), as a float32 {@link Matrix}; float64 values are rounded to float32.
     *
     * @throws FileFormatException as {@link #read}, and when the array holds integers, has another number of
     *     dimensions, or a float64 value beyond the float32 range (naming its index)
     * @throws IOException as {@link #read}
     */
    public static Matrix readMatrix(Path file) throws IOException {
        NpyArray a = read(file);
        String name = file.toString();
        if (!a.dtype().isFloat()) {
            throw new FileFormatException(name, "holds " + a.dtype() + " ('" + a.dtype().descr() + "'), a matrix"
                    + " needs float32 ('<f4') or float64 ('<f8')");
        }
        if (a.ndim() != 2 && a.ndim() != 3) {
            throw new FileFormatException(name, "is " + a.ndim() + "-D (shape " + a.shapeString() + "), a matrix"
                    + " needs 2 dimensions (N×D) or 3 (N×M×D)");
        }
        try {
            return a.toMatrix();
        } catch (ArithmeticException | IllegalStateException e) {
            throw new FileFormatException(name, e.getMessage(), e);
        }
    }

    /**
     * Reads the values of an int32 or int64 array of any shape, in C order (use {@link #read} for the shape), e.g.
     * class labels.
     *
     * @throws FileFormatException as {@link #read}, and when the array holds floating-point values
     * @throws IOException as {@link #read}
     */
    public static long[] readLongs(Path file) throws IOException {
        NpyArray a = read(file);
        if (a.dtype().isFloat()) {
            throw new FileFormatException(file.toString(), "holds " + a.dtype() + " ('" + a.dtype().descr()
                    + "'), integers need int32 ('<i4') or int64 ('<i8')");
        }
        return a.toLongs();
    }

    private static NpyArray read(String name, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        int got = readFully(ch, pre);
        if (got < MAGIC.length + 2 || !startsWithMagic(pre)) {
            throw new FileFormatException(name, "not a .npy file (no \\x93NUMPY magic at the start"
                    + (fileSize < 8 ? ", the file has only " + fileSize + " bytes)" : ")"));
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new FileFormatException(name, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        if (got < 8 + lenBytes) {
            throw new FileFormatException(name, "truncated: the file ends inside the header length field ("
                    + fileSize + " bytes)");
        }
        long headerLen = lenBytes == 2 ? pre.getShort(8) & 0xffff : pre.getInt(8) & 0xffffffffL;
        long headerStart = 8 + lenBytes;
        if (headerLen > MAX_HEADER) {
            throw new FileFormatException(name, "header length " + headerLen + " bytes is implausibly large"
                    + " (more than " + MAX_HEADER + ")");
        }
        if (headerStart + headerLen > fileSize) {
            throw new FileFormatException(name, "truncated: header says it is " + headerLen + " bytes long, the file"
                    + " has " + (fileSize - headerStart) + " bytes after the header length field");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        ch.position(headerStart);
        if (readFully(ch, hb) != headerLen) {
            throw new FileFormatException(name, "the file shrank while it was read");
        }
        String header = major == 3 ? utf8(name, hb.array())
                : new String(hb.array(), StandardCharsets.ISO_8859_1);
        Header h = parseHeader(name, header);

        long count = 1;
        for (int s : h.shape) {
            count = count == 0 || s == 0 ? 0 : count * s;
            if (count > NpyArray.MAX_ELEMENTS) {
                // a later 0 would make it empty: look before refusing
                boolean empty = false;
                for (int t : h.shape) {
                    empty |= t == 0;
                }
                if (!empty) {
                    throw new FileFormatException(name, "shape " + NpyArray.shapeString(h.shape) + " has more than "
                            + NpyArray.MAX_ELEMENTS + " elements, too many for one Java array");
                }
                count = 0;
                break;
            }
        }
        long dataStart = headerStart + headerLen;
        long expected = count * h.dtype.bytes();
        long have = fileSize - dataStart;
        String says = "header says " + NpyArray.shapeString(h.shape) + " " + h.dtype + " (" + expected
                + " bytes of data)";
        if (have < expected) {
            throw new FileFormatException(name, "truncated: " + says + ", file has " + have);
        }
        if (have > expected) {
            throw new FileFormatException(name, (have - expected) + " unexpected bytes after the data: " + says
                    + ", file has " + have);
        }
        ch.position(dataStart);
        Object data = readData(name, ch, h.dtype, h.order, (int) count);
        if (h.fortran && h.shape.length > 1) {
            data = fortranToC(data, h.shape);
        }
        return new NpyArray(h.shape, h.dtype, data);
    }

    private static Object readData(String name, FileChannel ch, NpyArray.DType dtype, ByteOrder order, int n)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(order);
        Object data = switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
        for (int done = 0; done < n; ) {
            int take = Math.min(CHUNK, n - done);
            buf.clear();
            buf.limit(take * dtype.bytes());
            if (readFully(ch, buf) != take * dtype.bytes()) {
                throw new FileFormatException(name, "the file shrank while it was read");
            }
            buf.flip();
            switch (dtype) {
                case FLOAT32 -> buf.asFloatBuffer().get((float[]) data, done, take);
                case FLOAT64 -> buf.asDoubleBuffer().get((double[]) data, done, take);
                case INT32 -> buf.asIntBuffer().get((int[]) data, done, take);
                case INT64 -> buf.asLongBuffer().get((long[]) data, done, take);
            }
            done += take;
        }
        return data;
    }

    /** Reorders Fortran-order (first index fastest) values into C order (last index fastest). */
    private static Object fortranToC(Object src, int[] shape) {
        int n = java.lang.reflect.Array.getLength(src);
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), n);
        if (n == 0) {
            return dst;
        }
        int k = shape.length;
        long[] fStride = new long[k];
        fStride[0] = 1;
        for (int a = 1; a < k; a++) {
            fStride[a] = fStride[a - 1] * shape[a - 1];
        }
        int[] idx = new int[k];
        long f = 0;
        for (int c = 0; c < n; c++) {
            System.arraycopy(src, (int) f, dst, c, 1);
            for (int a = k - 1; a >= 0; a--) {
                if (++idx[a] < shape[a]) {
                    f += fStride[a];
                    break;
                }
                idx[a] = 0;
                f -= fStride[a] * (shape[a] - 1);
            }
        }
        return dst;
    }

    private static String utf8(String name, byte[] bytes) throws FileFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new FileFormatException(name, "bad header: not valid UTF-8 (version 3.0 headers are UTF-8)");
        }
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

    private record Header(NpyArray.DType dtype, ByteOrder order, boolean fortran, int[] shape) {
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

    private static Header parseHeader(String name, String header) throws FileFormatException {
        Map<String, Object> dict = new HeaderParser(name, header).parse();
        for (String key : dict.keySet()) {
            if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                throw new FileFormatException(name, "bad header: unexpected key '" + key + "' in " + quote(header));
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new FileFormatException(name, "bad header: no '" + key + "' in " + quote(header));
            }
        }
        int[] shape = dict.get("shape") instanceof Tuple t ? t.asShape() : null;
        if (shape == null) {
            throw new FileFormatException(name, "bad header: 'shape' must be a tuple of integers, was "
                    + describe(dict.get("shape")));
        }
        if (shape.length > NpyArray.MAX_DIMS) {
            throw new FileFormatException(name, "bad header: 'shape' has " + shape.length + " dimensions, at most "
                    + NpyArray.MAX_DIMS + " are allowed");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new FileFormatException(name, "bad header: 'fortran_order' must be True or False, was "
                    + describe(dict.get("fortran_order")));
        }
        Object descr = dict.get("descr");
        if (descr instanceof List<?>) {
            throw new FileFormatException(name, "structured dtype " + describe(descr) + " is not supported: need "
                    + SUPPORTED);
        }
        if (!(descr instanceof String d)) {
            throw new FileFormatException(name, "bad header: 'descr' must be a string, was " + describe(descr));
        }
        if (d.length() == 3 && (d.charAt(0) == '<' || d.charAt(0) == '>')) {
            for (NpyArray.DType t : NpyArray.DType.values()) {
                if (t.descr().substring(1).equals(d.substring(1))) {
                    ByteOrder order = d.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                    return new Header(t, order, fortran, shape);
                }
            }
        }
        throw new FileFormatException(name, "dtype '" + d + "' is not supported: need " + SUPPORTED
                + " (or big-endian '>f4', '>f8', '>i4', '>i8')");
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

    /** The header for a message: stripped, control characters escaped, cut at 120 characters. */
    static String quote(String header) {
        String h = header.strip();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < h.length() && sb.length() < 120; i++) {
            char c = h.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        if (sb.length() >= 120) {
            sb.append("…");
        }
        return "\"" + sb + "\"";
    }

    /**
     * A strict parser for the subset of Python literals a {@code .npy} header uses: a dict of string keys to
     * strings, True/False, tuples of non-negative integers (an optional {@code L} suffix from Python 2 allowed) and
     * lists (structured dtypes, which are then rejected with a clear message). Nesting is limited, so a hostile
     * header cannot overflow the stack.
     */
    private static final class HeaderParser {
        private static final int MAX_DEPTH = 32;
        private final String name;
        private final String s;
        private int pos;
        private int depth;

        HeaderParser(String name, String s) {
            this.name = name;
            this.s = s;
        }

        Map<String, Object> parse() throws FileFormatException {
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

        private Object value() throws FileFormatException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw fail("nested more than " + MAX_DEPTH + " deep", pos);
                }
                Object v = c == '(' ? tuple() : list();
                depth--;
                return v;
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

        private String string() throws FileFormatException {
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

        private Tuple tuple() throws FileFormatException {
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

        private List<Object> list() throws FileFormatException {
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

        private Long integer() throws FileFormatException {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
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

        private char peek() throws FileFormatException {
            if (pos >= s.length()) {
                throw fail("unexpected end of header", pos);
            }
            return s.charAt(pos);
        }

        private void expect(char c) throws FileFormatException {
            if (peek() != c) {
                throw fail("expected '" + c + "'", pos);
            }
            pos++;
        }

        private FileFormatException fail(String what, int at) {
            return new FileFormatException(name, "bad header: " + what + " at character " + at + " of " + quote(s));
        }
    }

    // ---------------------------------------------------------------- write

    /**
     * Writes {@code array} as a {@code .npy} file (version 1.0, little-endian, C order), atomically and durably
     * ({@link AtomicFiles}).
     *
     * @throws IOException when the file cannot be written (a previous file is then unchanged)
     */
    public static void write(Path file, NpyArray array) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(array, "array");
        writeData(file, array.shape(), array.dtype(), array.data());
    }

    /** Writes {@code matrix} as a 2-D float32 {@code .npy} file, as {@link #write(Path, NpyArray)}. */
    public static void write(Path file, Matrix matrix) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(matrix, "matrix");
        writeData(file, new int[] {matrix.rows(), matrix.cols()}, NpyArray.DType.FLOAT32, matrix.data());
    }

    /**
     * Writes float32 {@code values} (C order, not copied) of {@code shape}, as {@link #write(Path, NpyArray)}.
     *
     * @throws IllegalArgumentException if the shape has a negative dimension or does not hold values.length values
     */
    public static void write(Path file, int[] shape, float[] values) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(values, "values");
        writeData(file, NpyArray.checkShape(shape, values.length), NpyArray.DType.FLOAT32, values);
    }

    /**
     * Writes int64 {@code values} (C order, not copied) of {@code shape}, e.g. labels, as
     * {@link #write(Path, NpyArray)}.
     *
     * @throws IllegalArgumentException if the shape has a negative dimension or does not hold values.length values
     */
    public static void write(Path file, int[] shape, long[] values) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(values, "values");
        writeData(file, NpyArray.checkShape(shape, values.length), NpyArray.DType.INT64, values);
    }

    private static void writeData(Path file, int[] shape, NpyArray.DType dtype, Object data) throws IOException {
        byte[] head = header(shape, dtype);
        AtomicFiles.write(file, out -> {
            out.write(head);
            writeValues(out, dtype, data);
        });
    }

    /** Magic, version, header length and the padded header (data aligned to 64 bytes, as numpy writes it). */
    static byte[] header(int[] shape, NpyArray.DType dtype) {
        StringJoiner j = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
        for (int s : shape) {
            j.add(Integer.toString(s));
        }
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + j + ", }";
        int lenBytes = MAGIC.length + 2 + 2 + dict.length() + 1 <= 0xffff ? 2 : 4;
        int unpadded = MAGIC.length + 2 + lenBytes + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lenBytes + header.length())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (lenBytes == 2 ? 1 : 2)).put((byte) 0);
        if (lenBytes == 2) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static void writeValues(OutputStream out, NpyArray.DType dtype, Object data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
        int n = java.lang.reflect.Array.getLength(data);
        for (int done = 0; done < n; ) {
            int take = Math.min(CHUNK, n - done);
            buf.clear();
            switch (dtype) {
                case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, done, take);
                case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, done, take);
                case INT32 -> buf.asIntBuffer().put((int[]) data, done, take);
                case INT64 -> buf.asLongBuffer().put((long[]) data, done, take);
            }
            out.write(buf.array(), 0, take * dtype.bytes());
            done += take;
        }
    }
}
