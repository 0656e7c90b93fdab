package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.contrast4j.linalg.Kernels;
import org.junit.jupiter.api.Test;

/** The loss tests run twice (see core/pom.xml): this proves each run used the kernel it was meant to. */
class KernelInUseTest {
    @Test
    void theRequestedKernelIsTheOneInUse() {
        String requested = System.getProperty(Kernels.PROPERTY, "auto");
        String expected = requested.equals("auto") ? "vector" : requested; // tests run with the incubator module
        assertEquals(expected, Kernels.name());
    }
}
