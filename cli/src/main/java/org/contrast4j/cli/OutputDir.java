package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command's output directory ({@code --out DIR}), prepared before any work and owned for the rest of the run.
 *
 * <ul>
 *   <li>{@link #prepare} refuses a path that is a file, creates the directory (and any missing parents), and writes
 *       and deletes a probe file there, so an unwritable {@code --out} is a one-line error before the computation,
 *       not an I/O error naming a hidden temporary file after it;</li>
 *   <li>it then deletes the files a previous run of the same command left there under the names this command writes
 *       (its {@code owned} patterns, e.g. {@code grad_*.npy}), so a reused directory holds only this run's files —
 *       no stale {@code grad_negatives.npy} from a run that had negatives — and never touches any other file;</li>
 *   <li>if the run then fails, {@link #abandonAll} (called by {@link Main}) removes the directories this run created,
 *       unless one holds a checkpoint a {@code --resume} can continue from.</li>
 * </ul>
 *
 * <p>The directories of the current run are kept per thread; {@link Main} starts and ends each run.
 */
final class OutputDir {
    /** The checkpoint file name of the trainers, kept when a failed run created its directory. */
    static final String CHECKPOINT = "checkpoint.bin";

    private static final ThreadLocal<List<OutputDir>> RUN = ThreadLocal.withInitial(ArrayList::new);

    private final Path dir;
    /** The topmost directory this run created (dir itself or an ancestor), or null if dir existed. */
    private final Path created;

    private OutputDir(Path dir, Path created) {
        this.dir = dir;
        this.created = created;
    }

    /**
     * Prepares {@code dir} for this run's outputs (see the class comment).
     *
     * @param option the option that named it, for messages
     * @param owned the file names this command writes: exact names, or glob patterns such as {@code grad_*.npy};
     *     files matching them are deleted now, along with interrupted atomic writes ({@code .NAME.*.tmp})
     * @throws InputException if it is not a directory, cannot be created, or files cannot be written there
     */
    static Path prepare(String option, Path dir, String... owned) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InputException(option + " " + dir + ": exists and is not a directory");
        }
        Path abs = dir.toAbsolutePath().normalize();
        Path first = null;
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
            first = p;
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new InputException(option + " " + dir + ": cannot create the directory (" + reason(e) + ")", e);
        }
        OutputDir d = new OutputDir(abs, first);
        RUN.get().add(d);
        try {
            Path probe = Files.createTempFile(abs, ".write-check.", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new InputException(option + " " + dir + ": cannot write there (" + reason(e) + ")", e);
        }
        if (!Files.isWritable(abs)) {
            throw new InputException(option + " " + dir + ": cannot write there (not writable)");
        }
        d.deleteOwned(option, owned);
        return dir;
    }

    private void deleteOwned(String option, String... owned) {
        List<String> patterns = new ArrayList<>(List.of(owned));
        patterns.add(".*.tmp");
        for (String pattern : patterns) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, pattern)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(f);
                    }
                }
            } catch (IOException e) {
                throw new InputException(option + " " + dir + ": cannot remove the previous run's " + pattern + " ("
                        + reason(e) + ")", e);
            }
        }
    }

    /** Starts a run: forgets the directories of any previous run on this thread. */
    static void begin() {
        RUN.get().clear();
    }

    /** Ends a successful run. */
    static void end() {
        RUN.get().clear();
    }

    /**
     * After a failed run, removes each directory the run created (with what it wrote there), unless it holds a
     * checkpoint; directories that existed before are left as they are. Never throws.
     */
    static void abandonAll() {
        List<OutputDir> dirs = RUN.get();
        for (OutputDir d : dirs) {
            if (d.created != null && !Files.exists(d.dir.resolve(CHECKPOINT))) {
                deleteTree(d.created);
            }
        }
        dirs.clear();
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the run's own error is what the user needs to see
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        String name = e.getClass().getSimpleName();
        return m == null ? name : name + ": " + m;
    }
}
