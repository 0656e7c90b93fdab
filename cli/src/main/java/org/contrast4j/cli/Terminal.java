package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether progress bars may be drawn: only when stderr is a terminal. A log file or a pipe gets plain lines (a bar's
 * carriage returns would fill it with partial lines).
 *
 * <p>The {@code ./contrast4j} launcher pipes stderr through a filter, so it tests the real stderr ({@code [ -t 2 ]})
 * and passes the answer as {@code -Dcontrast4j.stderr.terminal=true|false}. Without it (the jar run directly), stderr
 * is a terminal when {@code /proc/self/fd/2} links to a tty device (Linux); elsewhere it is taken not to be one.
 */
final class Terminal {
    /** The system property the launcher sets. */
    static final String PROPERTY = "contrast4j.stderr.terminal";

    private Terminal() {
    }

    /** True if stderr is a terminal (see the class comment). */
    static boolean stderr() {
        String given = System.getProperty(PROPERTY);
        if (given != null) {
            return Boolean.parseBoolean(given);
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
