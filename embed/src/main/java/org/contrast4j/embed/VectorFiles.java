package org.contrast4j.embed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.contrast4j.linalg.Matrix;

/** Reading and writing the word2vec formats for {@link WordVectors}. */
final class VectorFiles {
    /** The longest header line read. */
    private static final int HEADER_LIMIT = 256;
    /** The longest word accepted in a binary file, in bytes. */
    private static final int WORD_LIMIT = 100_000;

    private VectorFiles() {
    }

    /** A buffered byte reader that knows its offset. */
    private static final class Bytes implements AutoCloseable {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;
        private long offset;
        /** Whether the last {@link #line} ended with '\n' (false when it ended at the end of the input). */
        boolean lineEnded;

        Bytes(InputStream in) {
            this.in = in;
        }

        /** The next byte, or −1 at the end. */
        int read() throws IOException {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return -1;
                }
            }
            offset++;
            return buf[pos++] & 0xFF;
        }

        /** Reads up to {@code n} bytes into {@code dst}; returns how many (fewer only at the end). */
        int read(byte[] dst, int n) throws IOException {
            int got = 0;
            while (got < n) {
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        break;
                    }
                }
                int m = Math.min(n - got, end - pos);
                System.arraycopy(buf, pos, dst, got, m);
                pos += m;
                got += m;
                offset += m;
            }
            return got;
        }

        /**
         * The bytes up to the next '\n' (excluded), or null at the end of the input; at most {@code limit} bytes are
         * kept (longer lines come back cut, with {@code cut} set).
         */
        byte[] line(int limit, boolean[] cut) throws IOException {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
            cut[0] = false;
            int b = read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                if (line.size() < limit) {
                    line.write(b);
                } else {
                    cut[0] = true;
                }
                b = read();
            }
            lineEnded = b == '\n';
            return line.toByteArray();
        }

        long offset() {
            return offset;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Decodes strict UTF-8, or returns null when the bytes are not valid UTF-8. */
    private static String utf8(byte[] bytes, int from, int to) {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from));
            return c.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }

    static WordVectors read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("vectors " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("vectors " + file + ": is a directory, expected a word2vec file");
        }
        int[] header;
        boolean text;
        boolean mayBeBinary;
        boolean[] cut = new boolean[1];
        try (Bytes in = new Bytes(Files.newInputStream(file))) {
            header = header(file, in.line(HEADER_LIMIT, cut), cut[0]);
            byte[] first = in.line(lineLimit(header[1]), cut);
            if (first == null) {
                throw new IllegalArgumentException("vectors " + file + " line 2: the file ends after the header;"
                        + " the header declares " + header[0] + " words");
            }
            text = looksLikeText(first);
            // a binary record can only look like a text line if a '\n' among its float bytes ended the line
            mayBeBinary = text && in.lineEnded && !isTextRow(first, header[1])
                    && couldStartBinaryRecord(first, header[1]);
        }
        if (!mayBeBinary) {
            return read(file, text, header);
        }
        // The first row looks like text but is not a row of a word and D numbers, and it could be the start of a
        // binary record (its float bytes printable up to one that is '\n'): try binary first, then report the text
        // error if that fails too.
        try {
            return read(file, false, header);
        } catch (IllegalArgumentException binaryError) {
            try {
                return read(file, true, header);
            } catch (IllegalArgumentException textError) {
                textError.addSuppressed(binaryError);
                throw textError;
            }
        }
    }

    /** Whether {@code line} is a well-formed text row: a word and {@code d} numbers. */
    private static boolean isTextRow(byte[] line, int d) {
        String s = utf8(line, 0, line.length);
        String[] f = s == null ? new String[0] : fields(s);
        if (f.length != d + 1) {
            return false;
        }
        for (int c = 1; c <= d; c++) {
            try {
                Float.parseFloat(f[c]);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code line} could be a word, a space and at most 4·D float bytes (a '\n' among them ended it). */
    private static boolean couldStartBinaryRecord(byte[] line, int d) {
        for (int i = 0; i < line.length; i++) {
            if (line[i] == ' ') {
                return i > 0 && line.length - (i + 1) <= 4L * d;
            }
        }
        return false;
    }

    private static WordVectors read(Path file, boolean text, int[] header) throws IOException {
        try (Bytes in = new Bytes(Files.newInputStream(file))) {
            in.line(HEADER_LIMIT, new boolean[1]);
            return text ? readText(file, in, header[0], header[1])
                    : readBinary(file, in, header[0], header[1], Files.size(file) - in.offset());
        }
    }

    /** The longest text row accepted for dimension d: 64 bytes per value and 64 KiB for the word. */
    private static int lineLimit(int d) {
        return (int) Math.min(64L * d + (1 << 16), Integer.MAX_VALUE - 8);
    }

    /**
     * Room for {@code need} more elements in {@code a} (of at most {@code max}): the arrays grow with what the file
     * really holds, never to the size its header merely declares.
     */
    private static float[] room(float[] a, int used, long need, long max) {
        if (used + need <= a.length) {
            return a;
        }
        long n = Math.min(max, Math.max(used + need, 2L * a.length));
        return java.util.Arrays.copyOf(a, (int) n);
    }

    /** [V, D] from the header line. */
    private static int[] header(Path file, byte[] line, boolean cut) {
        if (line == null) {
            throw new IllegalArgumentException("vectors " + file + " is empty: expected a header line"
                    + " '<number of words> <dimension>'");
        }
        String s = utf8(line, 0, line.length);
        String shown = s == null ? "(not UTF-8 text)" : "'" + shorten(s.strip()) + "'";
        String[] parts = s == null || cut ? new String[0] : s.strip().split("[ \\t]+");
        if (parts.length == 2) {
            try {
                long v = Long.parseLong(parts[0]);
                long d = Long.parseLong(parts[1]);
                if (v < 1 || d < 1 || v > Integer.MAX_VALUE || d > Integer.MAX_VALUE || v * d > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("vectors " + file + " line 1: the header declares " + v
                            + " words of dimension " + d + ": both must be >= 1 and V·D at most "
                            + Integer.MAX_VALUE);
                }
                return new int[] {(int) v, (int) d};
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("vectors " + file + " line 1: the header must be '<number of words>"
                + " <dimension>' (two positive integers), was " + shown + (parts.length > 2
                ? " — a file without a header (GloVe's format) needs the line 'V D' added first" : ""));
    }

    /** A text row: valid UTF-8 without control characters other than tab and CR. */
    private static boolean looksLikeText(byte[] line) {
        String s = utf8(line, 0, line.length);
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static WordVectors readText(Path file, Bytes in, int v, int d) throws IOException {
        String[] words = new String[Math.min(v, 1 << 16)];
        long total = (long) v * d;
        float[] data = new float[(int) Math.min(total, 1 << 16)];
        Map<String, Integer> seen = new HashMap<>();
        boolean[] cut = new boolean[1];
        int limit = lineLimit(d);
        for (int i = 0; i < v; i++) {
            long lineNo = i + 2L;
            byte[] bytes = in.line(limit, cut);
            if (bytes == null) {
                throw new IllegalArgumentException("vectors " + file + " line " + lineNo + ": the file ends after "
                        + i + " rows but the header declares " + v + " words");
            }
            String where = "vectors " + file + " line " + lineNo;
            if (cut[0]) {
                throw new IllegalArgumentException(where + ": the line is longer than " + limit + " bytes");
            }
            String line = utf8(bytes, 0, bytes.length);
            if (line == null) {
                throw new IllegalArgumentException(where + ": not valid UTF-8 (is this a binary file with a "
                        + "text-looking first row?)");
            }
            String[] parts = fields(line);
            if (parts.length != d + 1) {
                throw new IllegalArgumentException(where + ": expected a word and " + d + " values but found "
                        + (parts.length == 1 && parts[0].isEmpty() ? "an empty line" : parts.length - 1 + " values"
                        + " after '" + shorten(parts[0]) + "'"));
            }
            if (i == words.length) {
                words = java.util.Arrays.copyOf(words, (int) Math.min(v, 2L * i));
            }
            words[i] = word(where, parts[0], i, seen);
            data = room(data, i * d, d, total);
            for (int c = 0; c < d; c++) {
                float x;
                try {
                    x = Float.parseFloat(parts[c + 1]);
                } catch (NumberFormatException e) {
                    x = Float.NaN;
                }
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(where + ": value " + (c + 1) + " of '" + shorten(parts[0])
                            + "' is '" + shorten(parts[c + 1]) + "', not a finite number");
                }
                data[i * d + c] = x;
            }
            if (i == v - 1 && !in.lineEnded) {
                throw new IllegalArgumentException(where + ": the last row has no line end, so the file looks cut"
                        + " short (a complete word2vec text file ends with a newline)");
            }
        }
        long lineNo = v + 2L;
        byte[] extra;
        while ((extra = in.line(limit, cut)) != null) {
            String s = utf8(extra, 0, extra.length);
            if (s == null || !s.isBlank()) {
                throw new IllegalArgumentException("vectors " + file + " line " + lineNo + ": a row after the "
                        + v + " words the header declares");
            }
            lineNo++;
        }
        return WordVectors.trusted(words, Matrix.of(v, d, data));
    }

    /** The fields of a line separated by runs of spaces and tabs, ignoring leading and trailing white space. */
    static String[] fields(String line) {
        int n = line.length();
        int count = 0;
        for (int i = 0; i < n; ) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i < n) {
                count++;
                while (i < n && !isBlank(line.charAt(i))) {
                    i++;
                }
            }
        }
        if (count == 0) {
            return new String[] {""};
        }
        String[] out = new String[count];
        int f = 0;
        for (int i = 0; i < n; ) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isBlank(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out[f++] = line.substring(start, i);
            }
        }
        return out;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static String word(String where, String w, int i, Map<String, Integer> seen) {
        String problem = WordVectors.wordProblem(w);
        if (problem != null) {
            throw new IllegalArgumentException(where + ": the word " + problem);
        }
        Integer before = seen.putIfAbsent(w, i);
        if (before != null) {
            throw new IllegalArgumentException(where + ": the word '" + shorten(w) + "' repeats the word of row "
                    + (before + 1) + ": words must be distinct");
        }
        return w;
    }

    private static WordVectors readBinary(Path file, Bytes in, int v, int d, long rest) throws IOException {
        // a record is at least one byte of word, a space and 4·D bytes of floats
        if ((2 + 4L * d) * v > rest) {
            throw new IllegalArgumentException("vectors " + file + " (binary): the header declares " + v + " records"
                    + " of dimension " + d + ", at least " + v + "·(2 + 4·" + d + ") = " + (2 + 4L * d) * v
                    + " bytes, but the file has " + rest + " after the header");
        }
        String[] words = new String[v];
        float[] data = new float[v * d];
        Map<String, Integer> seen = new HashMap<>(2 * v);
        byte[] word = new byte[256];
        byte[] row = new byte[4 * d];
        ByteBuffer rb = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v; i++) {
            long start = in.offset();
            String where = "vectors " + file + " (binary) record " + (i + 1) + " of " + v + " at byte " + start;
            int b = in.read();
            while (b == '\n') {
                b = in.read();
            }
            int n = 0;
            while (b >= 0 && b != ' ') {
                if (n == WORD_LIMIT) {
                    throw new IllegalArgumentException(where + ": no space after the word within " + WORD_LIMIT
                            + " bytes");
                }
                if (n == word.length) {
                    word = java.util.Arrays.copyOf(word, 2 * n);
                }
                word[n++] = (byte) b;
                b = in.read();
            }
            if (b < 0) {
                throw new IllegalArgumentException(where + ": the file ends " + (n == 0 ? "before the record"
                        : "inside the word") + " but the header declares " + v + " words");
            }
            String w = utf8(word, 0, n);
            if (w == null) {
                throw new IllegalArgumentException(where + ": the word is not valid UTF-8");
            }
            String problem = WordVectors.wordProblem(w);
            if (problem != null) {
                throw new IllegalArgumentException(where + ": the word " + problem);
            }
            words[i] = word(where, w, i, seen);
            int got = in.read(row, row.length);
            if (got < row.length) {
                throw new IllegalArgumentException(where + ": the file ends inside the vector of '" + shorten(w)
                        + "' (" + got + " of " + row.length + " bytes = " + d + " float32)");
            }
            for (int c = 0; c < d; c++) {
                float x = rb.getFloat(4 * c);
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(where + ": value " + (c + 1) + " of '" + shorten(w)
                            + "' is " + x + ", not finite");
                }
                data[i * d + c] = x;
            }
        }
        long start = in.offset();
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '\n' && b != '\r' && b != ' ') {
                throw new IllegalArgumentException("vectors " + file + " (binary) byte " + start + ": data after"
                        + " the " + v + " records the header declares");
            }
        }
        return WordVectors.trusted(words, Matrix.of(v, d, data));
    }
}
