package org.contrast4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The atomic writer: complete new content or the old file, never a temporary file left behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    List<Path> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesReplacesAndLeavesOnlyTheTarget() throws IOException {
        Path p = dir.resolve("a.txt");
        AtomicFiles.writeString(p, "first");
        assertEquals("first", Files.readString(p));
        AtomicFiles.write(p, "second, longer".getBytes(StandardCharsets.UTF_8));
        assertEquals("second, longer", Files.readString(p));
        AtomicFiles.write(p, out -> out.write(new byte[0]));
        assertEquals(0, Files.size(p));
        assertEquals(List.of(p), files(dir));
    }

    @Test
    void aFailedBodyKeepsThePreviousFileAndLeavesNoTemporary() throws IOException {
        Path p = dir.resolve("state.bin");
        AtomicFiles.writeString(p, "previous");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
            out.write(new byte[300_000]);
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("previous", Files.readString(p));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(p, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the body");
        }));
        assertEquals("previous", Files.readString(p));
        assertEquals(List.of(p), files(dir));
    }

    @Test
    void theNextWriteRemovesTheTemporaryOfAKilledOne() throws IOException {
        Path p = dir.resolve("ck.bin");
        AtomicFiles.writeString(p, "old");
        Path stale = Files.writeString(dir.resolve(".ck.bin.12345678901234.tmp"), "half of a write killed by SIGKILL");
        Path other = Files.writeString(dir.resolve(".other.bin.1.tmp"), "another target's");
        Path notOurs = Files.writeString(dir.resolve(".ck.bin.notdigits.tmp"), "not a temporary of ours");
        AtomicFiles.writeString(p, "new");
        assertEquals("new", Files.readString(p));
        assertEquals(List.of(notOurs, p, other).stream().sorted().toList(), files(dir));
        assertTrue(!Files.exists(stale));
    }

    @Test
    void permissionsAreReadableByAll() throws IOException {
        Path p = dir.resolve("r.txt");
        AtomicFiles.writeString(p, "x");
        if (Files.getFileStore(p).supportsFileAttributeView("posix")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
    }

    @Test
    void createsMissingParentsAndRefusesADirectoryTarget() throws IOException {
        Path p = dir.resolve("x/y/z.bin");
        AtomicFiles.write(p, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(p));
        String m = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(dir.resolve("x"), "no"))
                .getMessage();
        assertTrue(m.endsWith("is a directory"), m);
        assertEquals(List.of(dir.resolve("x/y")), files(dir.resolve("x")));
    }

    @Test
    void aBodyMayCloseItsStream() throws IOException {
        Path p = dir.resolve("d.bin");
        AtomicFiles.write(p, out -> {
            try (DataOutputStream d = new DataOutputStream(out)) {
                d.writeInt(0x01020304);
            }
        });
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(p));
    }

    @Test
    void aReadOnlyDirectoryFailsWithoutTouchingTheOldFile() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path p = ro.resolve("f.txt");
        AtomicFiles.writeString(p, "old");
        if (!Files.getFileStore(ro).supportsFileAttributeView("posix")) {
            return;
        }
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (Files.isWritable(ro)) {
                return; // root ignores permissions
            }
            assertThrows(IOException.class, () -> AtomicFiles.writeString(p, "new"));
            assertEquals("old", Files.readString(p));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void nullArgumentsAreNamed() {
        assertEquals("target must not be null",
                assertThrows(NullPointerException.class, () -> AtomicFiles.writeString(null, "x")).getMessage());
        assertEquals("text must not be null",
                assertThrows(NullPointerException.class, () -> AtomicFiles.writeString(dir.resolve("n"), null))
                        .getMessage());
    }
}
