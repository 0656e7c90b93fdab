package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which kernels exist, how one is chosen, and that the library runs without the incubator module or OpenBLAS. */
class KernelSelectionTest {
    private static final String FALLBACK_MESSAGE = "jdk.incubator.vector is not available";
    private static final String BLAS_FALLBACK_MESSAGE = "contrast4j: OpenBLAS is not used: ";
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * Whether Debian's OpenBLAS is installed (CI installs libopenblas0-pthread, see .ci/run): then the blas kernel
     * is required, not merely allowed. Checked on the file system, independently of the kernel's own search.
     */
    static boolean debianOpenBlasInstalled() {
        return Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"));
    }

    @Test
    void testJvmHasExactlyTheExpectedKernels() {
        // The test JVM runs with --add-modules jdk.incubator.vector and --enable-native-access=ALL-UNNAMED (surefire
        // argLine), so every variant whose prerequisites are installed is available. Adding a kernel must update
        // this list, so that no variant escapes KernelGemmTest / KernelVectorOpsTest.
        List<String> names = Kernels.available().stream().map(Kernel::name).toList();
        if (debianOpenBlasInstalled()) {
            assertEquals(List.of("scalar", "vector", "blas"), names, "OpenBLAS is installed but: "
                    + Kernels.blasFailure());
        } else {
            // without the Debian package OpenBLAS may still be found elsewhere (LD_LIBRARY_PATH, java.library.path)
            assertTrue(names.equals(List.of("scalar", "vector")) || names.equals(List.of("scalar", "vector", "blas")),
                    names.toString());
        }
    }

    /** The kernel auto selection must pick in this JVM: the fastest available. */
    static String best() {
        List<Kernel> all = Kernels.available();
        return all.get(all.size() - 1).name();
    }

    @Test
    void autoPicksTheFastestAvailableKernel() {
        assertTrue(Kernels.vectorApiPresent());
        assertEquals(Kernels.blasFailure() == null ? "blas" : "vector", Kernels.select("auto").name());
        assertEquals(best(), Kernels.select("auto").name());
        // the facade of this JVM: the best unless the build forces a kernel (core/pom.xml reruns tests on others)
        String requested = System.getProperty(Kernels.PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        assertEquals(requested.equals("auto") ? best() : requested, Kernels.name());
    }

    @Test
    void propertyValueForcesAKernelIgnoringCaseAndSpaces() {
        assertEquals("scalar", Kernels.select("scalar").name());
        assertEquals("scalar", Kernels.select(" Scalar ").name());
        assertEquals("vector", Kernels.select("VECTOR").name());
        if (Kernels.blasFailure() == null) {
            assertEquals("blas", Kernels.select(" BLAS").name());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernels.select("blas"));
            assertEquals("-Dcontrast4j.kernel=blas, but OpenBLAS is not available: " + Kernels.blasFailure(),
                    e.getMessage());
        }
    }

    @Test
    void invalidPropertyValueIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.select("mkl"));
        assertEquals("-Dcontrast4j.kernel must be auto, blas, vector or scalar, was 'mkl'", e.getMessage());
    }

    @Test
    void childJvmWithoutTheIncubatorModuleOrNativeAccessFallsBackToScalarAndSaysSoOnce() throws Exception {
        Result r = runProbe();
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=scalar"), r.output);
        assertTrue(r.output.contains("product ok"), r.output);
        assertEquals(1, count(r.output, FALLBACK_MESSAGE), "fallback message count in:\n" + r.output);
        assertEquals(1, count(r.output, BLAS_FALLBACK_MESSAGE + "native access is not enabled (start the JVM with "
                + NATIVE_ACCESS + ")"), r.output);
    }

    @Test
    void childJvmPropertyForcesScalarEvenWithTheModuleAndNativeAccess() throws Exception {
        Result r = runProbe("--add-modules", "jdk.incubator.vector", NATIVE_ACCESS,
                "-D" + Kernels.PROPERTY + "=scalar");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=scalar"), r.output);
        assertEquals(0, count(r.output, FALLBACK_MESSAGE), r.output);
        assertEquals(0, count(r.output, BLAS_FALLBACK_MESSAGE), r.output);
    }

    @Test
    void childJvmWithTheModuleButNoNativeAccessPicksVectorAndSaysWhyNotBlasOnce() throws Exception {
        Result r = runProbe("--add-modules", "jdk.incubator.vector");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=vector"), r.output);
        assertEquals(0, count(r.output, FALLBACK_MESSAGE), r.output);
        assertEquals(1, count(r.output, BLAS_FALLBACK_MESSAGE), r.output);
    }

    @Test
    void childJvmWithAMissingLibraryPicksVectorAndNamesThePath() throws Exception {
        Result r = runProbe("--add-modules", "jdk.incubator.vector", NATIVE_ACCESS,
                "-Dcontrast4j.openblas=/nonexistent/libopenblas.so.0");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=vector"), r.output);
        assertEquals(1, count(r.output, BLAS_FALLBACK_MESSAGE
                + "-Dcontrast4j.openblas=/nonexistent/libopenblas.so.0 cannot be used: "), r.output);
    }

    @Test
    void childJvmWithANonBlasLibraryRejectsIt() throws Exception {
        // libc exists on every Linux and is not a BLAS: the symbol check must catch it and name the missing symbol
        Path libc = Stream.of("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")
                .map(Path::of).filter(Files::exists).findFirst().orElse(null);
        Assumptions.assumeTrue(libc != null, "no libc.so.6 at the Debian paths");
        Result r = runProbe(NATIVE_ACCESS, "-D" + Kernels.PROPERTY + "=blas", "-Dcontrast4j.openblas=" + libc);
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("-Dcontrast4j.kernel=blas, but OpenBLAS is not available: -Dcontrast4j.openblas="
                + libc + " cannot be used: " + libc + " does not export cblas_sgemm (not OpenBLAS?)"), r.output);
    }

    @Test
    void childJvmWithNativeAccessPicksBlasWhenInstalled() throws Exception {
        Assumptions.assumeTrue(debianOpenBlasInstalled(), "OpenBLAS is not installed");
        Result r = runProbe("--add-modules", "jdk.incubator.vector", NATIVE_ACCESS);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=blas"), r.output);
        assertTrue(r.output.contains("product ok"), r.output);
        assertEquals(0, count(r.output, BLAS_FALLBACK_MESSAGE), r.output);
        // OpenBLAS without the Vector API: blas still wins (dot and axpy fall back to the scalar kernel), no message
        Result noVector = runProbe(NATIVE_ACCESS);
        assertEquals(0, noVector.exit, noVector.output);
        assertTrue(noVector.output.contains("kernel=blas"), noVector.output);
        assertEquals(0, count(noVector.output, FALLBACK_MESSAGE), noVector.output);
    }

    @Test
    void childJvmForcingBlasWithoutNativeAccessFailsWithTheReason() throws Exception {
        Result r = runProbe("--add-modules", "jdk.incubator.vector", "-D" + Kernels.PROPERTY + "=blas");
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("-Dcontrast4j.kernel=blas, but OpenBLAS is not available: native access is not "
                + "enabled (start the JVM with " + NATIVE_ACCESS + ")"), r.output);
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
        assertTrue(r.output.contains("-Dcontrast4j.kernel must be auto, blas, vector or scalar, was 'fastest'"),
                r.output);
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
