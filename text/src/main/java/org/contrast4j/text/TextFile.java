package org.contrast4j.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.contrast4j.internal.Checks;
import org.contrast4j.io.FileFormatException;

/**
 * A UTF-8 text file read as one sentence per line, with the SHA-256 of its bytes (the key of the
 * {@link EmbeddingCache}).
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped (Windows files), a final line end adds no empty row,
 * and a UTF-8 byte-order mark at the start is skipped. Every other line is a row, empty ones included (their
 * embedding is that of {@code [CLS] [SEP]}). Bytes that are not UTF-8 are an error naming the line and byte offset.
 *
 * @param path the file as given
 * @param lines its lines, in order
 * @param sha256 the SHA-256 of its bytes, 64 lower-case hex digits
 * @param bytes its size
 */
public record TextFile(Path path, List<String> lines, String sha256, long bytes) {

    /** Checks and copies the lines. */
    public TextFile {
        Checks.notNull(path, "path");
        lines = List.copyOf(lines);
        Checks.notNull(sha256, "sha256");
    }

    /**
     * Reads {@code file}.
     *
     * @throws FileFormatException when a byte sequence is not UTF-8 ("FILE: line L: not UTF-8 at byte B")
     * @throws IOException when the file cannot be read (the JDK's message, which names the file)
     */
    public static TextFile read(Path file) throws IOException {
        Checks.notNull(file, "file");
        byte[] data = Files.readAllBytes(file);
        String text = decode(file, data);
        List<String> lines = new ArrayList<>();
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(text.substring(start, stop));
            start = end + 1;
        }
        return new TextFile(file, lines, sha256(data), data.length);
    }

    /** The number of lines (rows). */
    public int size() {
        return lines.size();
    }

    private static String decode(Path file, byte[] data) throws FileFormatException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(data);
        CharBuffer out = CharBuffer.allocate(data.length);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (data[i] == '\n') {
                    line++;
                }
            }
            throw new FileFormatException(file.toString(), String.format(
                    "line %d: not UTF-8 at byte %d (0x%02x): save the file as UTF-8", line, at, data[at] & 0xff));
        }
        r = dec.flush(out);
        if (r.isError()) {
            throw new FileFormatException(file.toString(), "not UTF-8 at its end");
        }
        out.flip();
        return out.toString();
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
