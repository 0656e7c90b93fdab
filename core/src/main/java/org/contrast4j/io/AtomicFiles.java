package org.contrast4j.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.contrast4j.internal.Checks;

/**
 * Durable, atomic file writes: a reader — or the machine after a crash or a power cut — sees either the complete old
 * file or the complete new one, never a torn or empty file.
 *
 * <p>{@link #write(Path, Body)} does what POSIX needs for that (the recipe of SQLite, LevelDB and Lucene):
 * <ol>
 *   <li>write the content into a new temporary file {@code .NAME.RANDOM.tmp} in the target's own directory (so the
 *       rename below never crosses a file system);</li>
 *   <li>{@code fsync} the temporary file (its data and metadata reach the disk);</li>
 *   <li>give it the permissions {@code rw-r--r--} (where the file system has POSIX permissions);</li>
 *   <li>rename it over the target with {@code rename(2)}, which is atomic;</li>
 *   <li>{@code fsync} the directory, so that the rename itself survives a power cut.</li>
 * </ol>
 * Missing parent directories are created first (and their parents synced as well). If the body or any step fails, the
 * temporary file is deleted and the previous file, if any, is left as it was. A write killed outright (SIGKILL, power
 * cut) cannot delete its temporary file; the next successful write of the same target does.
 *
 * <p>Every file contrast4j writes (arrays, word vectors, checkpoints, reports) goes through this class.
 */
public final class AtomicFiles {
    private static final String TMP = ".tmp";
    private static final Set<PosixFilePermission> RW_R_R = PosixFilePermissions.fromString("rw-r--r--");
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("windows");

    /** The content of a write, streamed into a buffered stream that the writer closes. */
    @FunctionalInterface
    public interface Body {
        /** Writes the whole content into {@code out} (closing it is allowed and has no effect beyond a flush). */
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically and durably through {@code body} (see the class comment).
     *
     * @throws NullPointerException if an argument is null
     * @throws IOException when the body fails or the file cannot be written; {@code target} is then unchanged
     */
    public static void write(Path target, Body body) throws IOException {
        Checks.notNull(target, "target");
        Checks.notNull(body, "body");
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new FileSystemException(target.toString(), null, "not a file path");
        }
        createDirectories(dir);
        if (Files.isDirectory(abs)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        String prefix = "." + abs.getFileName() + ".";
        Path tmp = Files.createTempFile(dir, prefix, TMP);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                // a body that closes its stream (a wrapper in try-with-resources) must not close the channel
                body.write(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush();
                    }
                });
                out.flush();
                ch.force(true);
            }
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, RW_R_R);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
        removeStaleTemporaries(dir, prefix);
    }

    /**
     * Deletes the temporary files of earlier writes of the same target that were killed before they could clean up
     * (SIGKILL, a power cut): {@code .NAME.DIGITS.tmp}. Writers of one target must not run at the same time (the last
     * rename would win anyway); best effort, a file that cannot be deleted is left.
     */
    private static void removeStaleTemporaries(Path dir, String prefix) {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.length() > prefix.length() + TMP.length() && n.startsWith(prefix) && n.endsWith(TMP)
                    && n.substring(prefix.length(), n.length() - TMP.length()).chars().allMatch(Character::isDigit);
        })) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: the new content is in place; a leftover temporary file is harmless
        }
    }

    /** Writes {@code bytes} to {@code target} atomically and durably, as {@link #write(Path, Body)}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Checks.notNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically and durably, as {@link #write(Path, Body)}. */
    public static void writeString(Path target, String text) throws IOException {
        Checks.notNull(text, "text");
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates {@code dir} and its missing parents, syncing the parent of each directory created. */
    private static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        Files.createDirectories(dir);
        for (Path p : missing) {
            if (p.getParent() != null) {
                syncDirectory(p.getParent());
            }
        }
    }

    /**
     * fsyncs a directory, making the creation, rename or removal of its entries durable. Windows cannot open a
     * directory for this (and needs no such step); elsewhere a failure is an error.
     */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!WINDOWS) {
                throw e;
            }
        }
    }
}
