package org.contrast4j.sample;

/** Argument checks shared by the samplers, with messages naming the value. */
final class Checks {
    private Checks() {
    }

    static void k(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k (samples per draw) must be >= 1, was " + k);
        }
    }

    static void id(int id, int size) {
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException("id " + id + " is outside [0, " + size + ")");
        }
    }
}
