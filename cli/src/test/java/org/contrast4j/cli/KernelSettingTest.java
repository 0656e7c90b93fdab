package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad {@code -Dcontrast4j.kernel} is the user's to fix: one line naming the valid values, exit 2, nothing written —
 * never an internal error. Child JVMs, because the kernel is chosen once per JVM.
 */
class KernelSettingTest {
    @TempDir
    Path dir;

    @Test
    void unknownKernelIsABadInputWithOneLine() throws Exception {
        Path out = dir.resolve("out");
        Result r = run("-Dcontrast4j.kernel=fast", "metrics", "--x", write("x.npy"), "--out", out.toString());
        assertEquals(2, r.code, r.output);
        List<String> lines = r.output.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(1, lines.size(), r.output);
        assertTrue(lines.get(0).startsWith("contrast4j metrics: "), r.output);
        assertTrue(lines.get(0).contains("auto, scalar, vector, blas") && lines.get(0).contains("'fast'"), r.output);
        assertFalse(Files.exists(out), "nothing may be written");
    }

    @Test
    void helpStillWorksWithABadKernelSetting() throws Exception {
        Result r = run("-Dcontrast4j.kernel=fast", "metrics", "--help");
        assertEquals(0, r.code, r.output);
        assertTrue(r.output.contains("--x"), r.output);
    }

    private String write(String name) throws IOException {
        Path file = dir.resolve(name);
        org.contrast4j.io.Npy.write(file, new int[] {3, 2}, new float[] {1, 0, 0, 1, 1, 1});
        return file.toString();
    }

    private record Result(int code, String output) {
    }

    private Result run(String property, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add(property);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Path log = dir.resolve("log.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
