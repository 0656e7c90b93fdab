package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which kernels exist, how one is chosen, and that the library runs without the incubator module. */
class KernelSelectionTest {
    private static final String FALLBACK_MESSAGE = "jdk.incubator.vector is not available";

    @Test
    void testJvmHasExactlyTheScalarAndVectorKernels() {
        // The test JVM runs with --add-modules jdk.incubator.vector (surefire argLine), so every variant is available.
        // Adding a kernel must update this list, so that no variant escapes KernelGemmTest / KernelVectorOpsTest.
        List<String> names = Kernels.available().stream().map(Kernel::name).toList();
        assertEquals(List.of("scalar", "vector"), names);
    }

    @Test
    void autoPicksTheVectorKernelWhenTheModuleIsPresent() {
        assertTrue(Kernels.vectorApiPresent());
        assertEquals("vector", Kernels.select("auto").name());
        // the facade of this JVM: vector unless the build forces a kernel (core/pom.xml reruns some tests on scalar)
        String requested = System.getProperty(Kernels.PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        assertEquals(requested.equals("auto") ? "vector" : requested, Kernels.name());
    }

    @Test
    void propertyValueForcesAKernelIgnoringCaseAndSpaces() {
        assertEquals("scalar", Kernels.select("scalar").name());
        assertEquals("scalar", Kernels.select(" Scalar ").name());
        assertEquals("vector", Kernels.select("VECTOR").name());
    }

    @Test
    void invalidPropertyValueIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.select("blas"));
        assertEquals("-Dcontrast4j.kernel must be auto, vector or scalar, was 'blas'", e.getMessage());
    }

    @Test
    void childJvmWithoutTheIncubatorModuleFallsBackToScalarAndSaysSoOnce() throws Exception {
        Result r = runProbe();
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=scalar"), r.output);
        assertTrue(r.output.contains("product ok"), r.output);
        assertEquals(1, count(r.output, FALLBACK_MESSAGE), "fallback message count in:\n" + r.output);
    }

    @Test
    void childJvmPropertyForcesScalarEvenWithTheModule() throws Exception {
        Result r = runProbe("--add-modules", "jdk.incubator.vector", "-D" + Kernels.PROPERTY + "=scalar");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=scalar"), r.output);
        assertEquals(0, count(r.output, FALLBACK_MESSAGE), r.output);
    }

    @Test
    void childJvmWithTheModulePicksVector() throws Exception {
        Result r = runProbe("--add-modules", "jdk.incubator.vector");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=vector"), r.output);
        assertEquals(0, count(r.output, FALLBACK_MESSAGE), r.output);
    }

    @Test
    void childJvmForcingVectorWithoutTheModuleFailsWithTheReason() throws Exception {
        Result r = runProbe("-D" + Kernels.PROPERTY + "=vector");
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("-Dcontrast4j.kernel=vector, but the Vector API is not available: "
                + "start the JVM with --add-modules jdk.incubator.vector"), r.output);
    }

    @Test
    void childJvmWithAnInvalidPropertyFailsWithTheReason() throws Exception {
        Result r = runProbe("-D" + Kernels.PROPERTY + "=fastest");
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("-Dcontrast4j.kernel must be auto, vector or scalar, was 'fastest'"), r.output);
    }

    private record Result(int exit, String output) {
    }

    /** Runs {@link KernelProbe} in a fresh JVM of the same JDK and class path, with only {@code jvmArgs} added. */
    private static Result runProbe(String... jvmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(List.of(jvmArgs));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KernelProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + command);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
