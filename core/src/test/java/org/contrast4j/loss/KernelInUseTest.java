package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;
import org.junit.jupiter.api.Test;

/** The loss tests run more than once (see core/pom.xml): this proves each run used the kernel it was meant to. */
class KernelInUseTest {
    @Test
    void theRequestedKernelIsTheOneInUse() {
        String requested = System.getProperty(Kernels.PROPERTY, "auto").trim().toUpperCase(Locale.ROOT);
        // auto is the best available: the tests run with the incubator module and native access, so that is blas
        // where OpenBLAS is installed (CI installs Debian's libopenblas0-pthread), vector otherwise
        boolean openBlas = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"));
        if (requested.equals("AUTO") && !openBlas && Kernels.kind() == KernelKind.BLAS) {
            return; // OpenBLAS found outside the Debian paths (LD_LIBRARY_PATH, java.library.path): also the best
        }
        KernelKind expected = requested.equals("AUTO") ? (openBlas ? KernelKind.BLAS : KernelKind.VECTOR)
                : KernelKind.valueOf(requested);
        assertEquals(expected, Kernels.kind());
    }
}
