package org.contrast4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.contrast4j.internal.KernelChoice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernel provider: which kernels exist, how one is chosen, the line it logs, a bad setting (a clear error on every
 * call), and that the library runs without the incubator module or OpenBLAS — on the class path and on the module path.
 */
class KernelSelectionTest {
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    private static final String ADD_VECTOR = "--add-modules=jdk.incubator.vector";
    /** Every line the provider logs starts so. */
    private static final String LOG_PREFIX = "contrast4j: kernel ";
    private static final String NO_NATIVE_ACCESS = "OpenBLAS is not used: native access is not enabled (start the JVM "
            + "with " + NATIVE_ACCESS + ")";
    private static final String NO_VECTOR_MODULE = "module jdk.incubator.vector is not loaded (start the JVM with "
            + "--add-modules jdk.incubator.vector)";
    private static final String BAD_VALUE = "-Dcontrast4j.kernel must be one of auto, scalar, vector, blas; was ";

    /**
     * Whether Debian's OpenBLAS is installed (CI installs libopenblas0-pthread, see .ci/run): then the blas kernel
     * is required, not merely allowed. Checked on the file system, independently of the kernel's own search.
     */
    static boolean debianOpenBlasInstalled() {
        return Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"));
    }

    @Test
    void testJvmHasOneKernelOfEveryKind() {
        // The test JVM runs with --add-modules jdk.incubator.vector and --enable-native-access=ALL-UNNAMED (surefire
        // argLine), so every variant whose prerequisites are installed is available, one per KernelKind. A new kind
        // fails this test until it has a kernel, and so cannot escape KernelGemmTest / KernelVectorOpsTest.
        List<KernelKind> kinds = KernelProvider.available().stream().map(Kernel::kind).toList();
        assertEquals(3, KernelKind.values().length, "a new kernel kind needs its kernel and its tests");
        if (debianOpenBlasInstalled()) {
            assertEquals(List.of(KernelKind.values()), kinds, "OpenBLAS is installed but: "
                    + KernelProvider.blasProblem());
        } else {
            // without the Debian package OpenBLAS may still be found elsewhere (LD_LIBRARY_PATH, java.library.path)
            assertTrue(kinds.equals(List.of(KernelKind.SCALAR, KernelKind.VECTOR))
                    || kinds.equals(List.of(KernelKind.values())), kinds.toString());
        }
    }

    /** The kernel auto selection must pick in this JVM: the fastest available. */
    static KernelKind best() {
        List<Kernel> all = KernelProvider.available();
        return all.get(all.size() - 1).kind();
    }

    @Test
    void autoPicksTheFastestAvailableKernel() {
        assertNull(KernelProvider.vectorProblem());
        KernelProvider.Choice auto = KernelProvider.choose("auto");
        assertEquals(KernelProvider.blasProblem() == null ? KernelKind.BLAS : KernelKind.VECTOR, auto.kernel().kind());
        assertEquals(best(), auto.kernel().kind());
        assertEquals(best(), KernelProvider.choose(null).kernel().kind());
        assertEquals(KernelKind.VECTOR, auto.elementwise());
        // the facade of this JVM: the best unless the build forces a kernel (core/pom.xml reruns tests on others)
        String requested = System.getProperty(Kernels.PROPERTY, "auto").trim().toUpperCase(java.util.Locale.ROOT);
        assertEquals(requested.equals("AUTO") ? best() : KernelKind.valueOf(requested), Kernels.kind());
        assertEquals(Kernels.kind() == KernelKind.SCALAR ? KernelKind.SCALAR : KernelKind.VECTOR,
                KernelChoice.elementwise());
    }

    @Test
    void theLogLineSaysWhatWasChosenAndWhy() {
        KernelProvider.Choice auto = KernelProvider.choose("auto");
        if (KernelProvider.blasProblem() == null) {
            // the fastest was taken: nothing to report at INFO
            assertEquals(System.Logger.Level.DEBUG, auto.level());
            assertTrue(auto.message().startsWith(LOG_PREFIX + "blas (auto), OpenBLAS "), auto.message());
            assertTrue(auto.message().endsWith("dot products, axpy and element-wise work on the Vector API"),
                    auto.message());
            // OpenBLAS kernels narrower than the Vector API's vectors: the large products run there too, said so
            BlasKernel blas = BlasKernelTest.blas();
            boolean wide = KernelProvider.vectorProblem() == null
                    && BlasKernel.coreBits(blas.core()) < VectorKernel.preferredBits();
            assertEquals(wide, auto.message().contains("whose " + blas.core() + " kernels use narrower vectors than"
                    + " the Vector API's " + (wide ? VectorKernel.preferredBits() : "") ), auto.message());
        } else {
            assertEquals(System.Logger.Level.INFO, auto.level());
            assertEquals(LOG_PREFIX + "vector (auto); OpenBLAS is not used: " + KernelProvider.blasProblem(),
                    auto.message());
        }
        KernelProvider.Choice scalar = KernelProvider.choose("scalar");
        assertEquals(System.Logger.Level.DEBUG, scalar.level());
        assertEquals(LOG_PREFIX + "scalar (-Dcontrast4j.kernel=scalar)", scalar.message());
    }

    @Test
    void propertyValueForcesAKernelIgnoringCaseAndSpaces() {
        assertEquals(KernelKind.SCALAR, KernelProvider.choose("scalar").kernel().kind());
        assertEquals(KernelKind.SCALAR, KernelProvider.choose(" Scalar ").kernel().kind());
        assertEquals(KernelKind.SCALAR, KernelProvider.choose("scalar").elementwise());
        assertEquals(KernelKind.VECTOR, KernelProvider.choose("VECTOR").kernel().kind());
        assertEquals(KernelKind.VECTOR, KernelProvider.choose("vector").elementwise());
        for (KernelKind kind : KernelKind.values()) {
            // every kind can be forced by its id
            KernelProvider.Choice choice = KernelProvider.choose(kind.id());
            if (choice.kernel() != null) {
                assertEquals(kind, choice.kernel().kind());
            }
        }
        if (KernelProvider.blasProblem() == null) {
            assertEquals(KernelKind.BLAS, KernelProvider.choose(" BLAS").kernel().kind());
            assertEquals(KernelKind.VECTOR, KernelProvider.choose("blas").elementwise());
        } else {
            KernelProvider.Choice blas = KernelProvider.choose("blas");
            IllegalStateException e = assertThrows(IllegalStateException.class, blas::kernelOrThrow);
            assertEquals("-Dcontrast4j.kernel=blas, but OpenBLAS is not available: " + KernelProvider.blasProblem(),
                    e.getMessage());
        }
    }

    @Test
    void invalidPropertyValueIsAClearErrorOnEveryCall() {
        KernelProvider.Choice bad = KernelProvider.choose("mkl");
        for (int call = 0; call < 2; call++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::kernelOrThrow);
            assertEquals(BAD_VALUE + "'mkl'", e.getMessage());
        }
        assertNull(bad.kernel());
    }

    @Test
    void childJvmWithoutTheIncubatorModuleOrNativeAccessFallsBackToScalarAndSaysWhyOnce() throws Exception {
        Result r = runProbe();
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=scalar\nelementwise=scalar\n"), r.output);
        assertTrue(r.output.contains("product ok"), r.output);
        assertEquals(1, count(r.output, LOG_PREFIX), r.output);
        assertEquals(1, count(r.output, LOG_PREFIX + "scalar (auto); " + NO_NATIVE_ACCESS
                + "; the Vector API is not used: " + NO_VECTOR_MODULE), r.output);
    }

    @Test
    void childJvmPropertyForcesScalarEvenWithTheModuleAndNativeAccess() throws Exception {
        Result r = runProbe(ADD_VECTOR, NATIVE_ACCESS, "-D" + Kernels.PROPERTY + "=scalar");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=scalar\nelementwise=scalar\n"), r.output);
        assertEquals(0, count(r.output, LOG_PREFIX), r.output); // logged at DEBUG: nothing was given up
    }

    @Test
    void childJvmWithTheModuleButNoNativeAccessPicksVectorAndSaysWhyNotBlasOnce() throws Exception {
        Result r = runProbe(ADD_VECTOR);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=vector\nelementwise=vector\n"), r.output);
        assertEquals(1, count(r.output, LOG_PREFIX), r.output);
        assertEquals(1, count(r.output, LOG_PREFIX + "vector (auto); " + NO_NATIVE_ACCESS), r.output);
    }

    @Test
    void childJvmWithAMissingLibraryPicksVectorAndNamesThePath() throws Exception {
        Result r = runProbe(ADD_VECTOR, NATIVE_ACCESS, "-Dcontrast4j.openblas=/nonexistent/libopenblas.so.0");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=vector"), r.output);
        assertEquals(1, count(r.output, LOG_PREFIX + "vector (auto); OpenBLAS is not used: "
                + "-Dcontrast4j.openblas=/nonexistent/libopenblas.so.0 cannot be used: "), r.output);
    }

    @Test
    void childJvmForcingBlasWithAMissingLibraryNamesTheLibraryOnEveryCall() throws Exception {
        Result r = runProbe(ADD_VECTOR, NATIVE_ACCESS, "-D" + Kernels.PROPERTY + "=blas",
                "-Dcontrast4j.openblas=/nonexistent/libopenblas.so.0");
        assertEquals(3, r.exit, r.output);
        assertEquals(3, count(r.output, "error: java.lang.IllegalStateException: -Dcontrast4j.kernel=blas, but "
                + "OpenBLAS is not available: -Dcontrast4j.openblas=/nonexistent/libopenblas.so.0 cannot be used: "),
                r.output);
    }

    @Test
    void childJvmWithANonBlasLibraryRejectsIt() throws Exception {
        // libc exists on every Linux and is not a BLAS: the symbol check must catch it and name the missing symbol
        Path libc = Stream.of("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")
                .map(Path::of).filter(Files::exists).findFirst().orElse(null);
        Assumptions.assumeTrue(libc != null, "no libc.so.6 at the Debian paths");
        Result r = runProbe(NATIVE_ACCESS, "-D" + Kernels.PROPERTY + "=blas", "-Dcontrast4j.openblas=" + libc);
        assertEquals(3, r.exit, r.output);
        assertTrue(r.output.contains("-Dcontrast4j.kernel=blas, but OpenBLAS is not available: -Dcontrast4j.openblas="
                + libc + " cannot be used: " + libc + " does not export cblas_sgemm (not OpenBLAS?)"), r.output);
    }

    @Test
    void childJvmWithNativeAccessPicksBlasWhenInstalled() throws Exception {
        Assumptions.assumeTrue(debianOpenBlasInstalled(), "OpenBLAS is not installed");
        Result r = runProbe(ADD_VECTOR, NATIVE_ACCESS);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("kernel=blas\nelementwise=vector\n"), r.output);
        assertTrue(r.output.contains("product ok"), r.output);
        assertEquals(0, count(r.output, LOG_PREFIX), r.output); // the fastest was taken: logged at DEBUG
        // OpenBLAS without the Vector API: blas still wins; dot, axpy and element-wise work fall back to plain loops,
        // which the provider says once
        Result noVector = runProbe(NATIVE_ACCESS);
        assertEquals(0, noVector.exit, noVector.output);
        assertTrue(noVector.output.contains("kernel=blas\nelementwise=scalar\n"), noVector.output);
        assertEquals(1, count(noVector.output, LOG_PREFIX), noVector.output);
        assertTrue(noVector.output.contains("; dot products, axpy and element-wise work on the scalar kernel: the "
                + "Vector API is not used: " + NO_VECTOR_MODULE), noVector.output);
    }

    @Test
    void childJvmForcingBlasWithoutNativeAccessFailsWithTheReason() throws Exception {
        Result r = runProbe(ADD_VECTOR, "-D" + Kernels.PROPERTY + "=blas");
        assertEquals(3, r.exit, r.output);
        assertTrue(r.output.contains("error: java.lang.IllegalStateException: -Dcontrast4j.kernel=blas, but OpenBLAS "
                + "is not available: native access is not enabled (start the JVM with " + NATIVE_ACCESS + ")"),
                r.output);
    }

    @Test
    void childJvmForcingVectorWithoutTheModuleFailsWithTheReason() throws Exception {
        Result r = runProbe("-D" + Kernels.PROPERTY + "=vector");
        assertEquals(3, r.exit, r.output);
        assertEquals(3, count(r.output, "error: java.lang.IllegalStateException: -Dcontrast4j.kernel=vector, but the "
                + "Vector API is not available: " + NO_VECTOR_MODULE + "\n"), r.output);
    }

    @Test
    void childJvmWithAnInvalidPropertyGivesTheSameClearErrorOnEveryCall() throws Exception {
        Result r = runProbe(ADD_VECTOR, "-D" + Kernels.PROPERTY + "=fastest");
        assertEquals(3, r.exit, r.output);
        // the first call, a second one, and one through the element-wise hook: the same exception and message, never
        // ExceptionInInitializerError then NoClassDefFoundError
        assertEquals(3, count(r.output, "error: java.lang.IllegalArgumentException: " + BAD_VALUE + "'fastest'\n"),
                r.output);
        assertFalse(r.output.contains("ExceptionInInitializerError"), r.output);
        assertFalse(r.output.contains("NoClassDefFoundError"), r.output);
        assertFalse(r.output.contains("no error on a later call"), r.output);
    }

    @Test
    void childJvmOnTheModulePathUsesTheVectorApiOnlyWhenTheModuleIsAdded() throws Exception {
        // core as a named module: it `requires static jdk.incubator.vector`, so the module is there only when added
        Result without = runModuleProbe();
        assertEquals(0, without.exit, without.output);
        assertTrue(without.output.contains("module=org.contrast4j.core\n"), without.output);
        assertTrue(without.output.contains("kernel=scalar\nelementwise=scalar\ndot=32.0"), without.output);
        assertEquals(1, count(without.output, LOG_PREFIX + "scalar (auto); OpenBLAS is not used: native access is not "
                + "enabled (start the JVM with --enable-native-access=org.contrast4j.core); the Vector API is not used: "
                + NO_VECTOR_MODULE), without.output);
        Result with = runModuleProbe(ADD_VECTOR);
        assertEquals(0, with.exit, with.output);
        assertTrue(with.output.contains("module=org.contrast4j.core\n"), with.output);
        assertTrue(with.output.contains("kernel=vector\nelementwise=vector\ndot=32.0"), with.output);
        if (debianOpenBlasInstalled()) {
            Result blas = runModuleProbe(ADD_VECTOR, "--enable-native-access=org.contrast4j.core");
            assertEquals(0, blas.exit, blas.output);
            assertTrue(blas.output.contains("kernel=blas\nelementwise=vector\n"), blas.output);
            assertEquals(0, count(blas.output, LOG_PREFIX), blas.output);
        }
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
        return run(command);
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + command);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * Runs {@link org.contrast4j.kernelprobe.ModuleKernelProbe} in a fresh JVM with core's classes and EJML on the
     * module path and the test classes on the class path.
     */
    private static Result runModuleProbe(String... jvmArgs) throws IOException, InterruptedException {
        String core = Path.of(URI.create(Kernels.class.getProtectionDomain().getCodeSource().getLocation().toString()))
                .toString();
        String tests = Path.of(URI.create(KernelSelectionTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toString())).toString();
        List<String> modulePath = new ArrayList<>(List.of(core));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith("ejml-")) {
                modulePath.add(entry);
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "org.contrast4j.core",
                "--add-exports", "org.contrast4j.core/org.contrast4j.internal=ALL-UNNAMED",
                "-cp", tests, "org.contrast4j.kernelprobe.ModuleKernelProbe"));
        return run(command);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
