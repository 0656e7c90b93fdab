package org.contrast4j.io;

import java.io.IOException;

/**
 * A file whose content breaks its format, or holds what this library does not read: a wrong magic number, a
 * truncated file, a malformed header, sizes that do not match the file's length, an unsupported element type. The
 * message is one line, {@code "FILE: PROBLEM"}, e.g. {@code "A.npy: truncated: header says 8×16 float32 (512 bytes of
 * data), file has 300"}.
 *
 * <p>Problems of the file system itself (a missing file, no permission) are the JDK's own {@link IOException}s
 * ({@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException}), whose messages also start
 * with the file.
 */
public final class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /**
     * @param file the file as the user named it
     * @param problem what is wrong, one line
     */
    public FileFormatException(String file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file the file as the user named it
     * @param problem what is wrong, one line
     * @param cause the underlying exception, or null
     */
    public FileFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file as the user named it. */
    public String file() {
        return file;
    }

    /** What is wrong with it (the message without the file name). */
    public String problem() {
        return problem;
    }
}
