package org.contrast4j.tiled;

import java.lang.ref.SoftReference;

/**
 * The stored-logits path's N×(N + 16) float array, kept between calls: one per calling thread, softly referenced (the
 * collector may free it whenever memory runs short), never shrunk (the largest batch so far sets its size). Allocating
 * it on every call costs the zeroing of 4·N·(N + 16) bytes (16 MiB at N = 2048, 64 MiB at 4096) and, with G1, a
 * humongous object per call; a batch loop computes the loss over and over on the same thread, so the array is reused.
 * Its contents between calls are garbage: the path writes every entry it reads.
 *
 * <p>{@link #take} removes the array from the thread's slot while it is in use and {@link #give} puts it back, so a
 * nested call on the same thread (a worker body that computes another loss) gets a fresh array rather than the one in
 * use.
 */
final class Workspace {
    private static final ThreadLocal<SoftReference<float[]>> HELD = new ThreadLocal<>();

    private Workspace() {
    }

    /** An array of at least {@code length} floats (contents undefined): this thread's, if large enough, else new. */
    static float[] take(int length) {
        SoftReference<float[]> ref = HELD.get();
        float[] held = ref == null ? null : ref.get();
        if (held != null && held.length >= length) {
            HELD.remove();
            return held;
        }
        return new float[length];
    }

    /** Returns an array to this thread's slot, where it replaces a smaller one (or none). */
    static void give(float[] array) {
        SoftReference<float[]> ref = HELD.get();
        float[] held = ref == null ? null : ref.get();
        if (held == null || held.length < array.length) {
            HELD.set(new SoftReference<>(array));
        }
    }

    /** The length of this thread's held array, or 0 (for tests). */
    static int heldLength() {
        SoftReference<float[]> ref = HELD.get();
        float[] held = ref == null ? null : ref.get();
        return held == null ? 0 : held.length;
    }
}
