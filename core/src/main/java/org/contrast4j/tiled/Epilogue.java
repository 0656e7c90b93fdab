package org.contrast4j.tiled;

import org.contrast4j.internal.KernelChoice;
import org.contrast4j.linalg.KernelKind;

/**
 * The element-wise work on one row of a similarity tile while it is in cache: maxima, sums of exponentials and the
 * gradient weights. Entries of −∞ are masked candidates: they never win a maximum, add 0 to every sum and get weight
 * 0. Exponentials are taken in float (their arguments are ≤ 0 and, where the result matters, of order 100 at most, so
 * float keeps ~1e-7 relative accuracy); every sum is accumulated in double.
 *
 * <p>Two implementations: {@link ScalarEpilogue} (plain loops and {@link Math#exp}, always available) and
 * {@code VectorEpilogue} (Vector API lanes with an exponential built from IEEE operations: 0.6 ns per sum-of-exp entry
 * against 5.5 ns for Math.exp on AVX-512). Both compute the same formulas and give the same bits on every run; they
 * differ from each other in the last bits.
 */
interface Epilogue {

    /** {@link KernelKind#VECTOR} or {@link KernelKind#SCALAR}. */
    KernelKind kind();

    /** {@link #kind()}'s id, "vector" or "scalar", for messages. */
    default String name() {
        return kind().id();
    }

    /** max over x[off .. off+len) (−∞ for an all-masked range). */
    float max(float[] x, int off, int len);

    /** colMax[cOff + c] = max(colMax[cOff + c], x[off + c]) for c &lt; len. */
    void columnMax(float[] x, int off, int len, float[] colMax, int cOff);

    /** Σ_c exp((x[off + c] − shift)·scale), in double. */
    double sumExp(float[] x, int off, int len, float shift, float scale);

    /** sum[sOff + c] += exp((x[off + c] − shift[sOff + c])·scale) for c &lt; len. */
    void columnSumExp(float[] x, int off, int len, float[] shift, float scale, double[] sum, int sOff);

    /**
     * Overwrites the tile row x[off .. off+len) — similarities s_c of row i against columns j = j0 + c — with the
     * gradient weights of the loss with respect to the similarities, the diagonal's −1 excepted (the caller rewrites
     * the diagonal entry):
     * <pre>
     *   p_c = exp((s_c − rowShift)·scale − rowLog)                        (forward softmax)
     *   q_c = exp((s_c − colShift[j])·scale − colLog[j])                   (reverse softmax, only if colLog != null)
     *   x[off + c] = weight·(p_c + q_c)
     *   colDot[j] += q_c·(s_c − diag[j])                                   (only if colLog != null)
     * </pre>
     * and returns Σ_c p_c·(s_c − rowDiag) in double. A masked entry (−∞) gets weight 0 and adds nothing.
     * {@code scratch} holds at least {@code len} floats the implementation may overwrite.
     */
    double gradientRow(float[] x, int off, int len, int j0, float rowShift, float rowLog, float rowDiag,
                       float[] colShift, float[] colLog, float[] diag, double[] colDot, float scale, float weight,
                       float[] scratch);

    /**
     * One fixed shift for every row and column (see the package documentation, "one shift"): with
     * e_c = exp((x[off + c] − shift)·scale), adds e_c to colSum[cOff + c] (when colSum != null) and returns Σ_c e_c,
     * both in double. {@code scratch} holds at least {@code len} floats the implementation may overwrite.
     */
    double sumExpFixed(float[] x, int off, int len, float shift, float scale, double[] colSum, int cOff,
                       float[] scratch);

    /**
     * The gradient weights with one fixed shift: with e_c = exp((s_c − shift)·scale), p_c = e_c·rowInv and
     * q_c = e_c·colInv[j] (only if colInv != null), j = j0 + c,
     * <pre>
     *   x[off + c] = weight·(p_c + q_c),   colDot[j] += q_c·(s_c − diag[j])
     * </pre>
     * returning Σ_c p_c·(s_c − rowDiag) in double — {@link #gradientRow} with the softmax normalisers given as
     * reciprocals, one exponential per entry for both directions.
     */
    double gradientRowFixed(float[] x, int off, int len, int j0, float shift, float scale, float rowInv,
                            float rowDiag, float[] colInv, float[] diag, double[] colDot, float weight,
                            float[] scratch);

    /**
     * {@link #sumExpFixed} that keeps the exponentials: x[off + c] := e_c = exp((x[off + c] − shift)·scale), adds
     * e_c to colSum[cOff + c] and returns Σ_c e_c, both in double — the same e_c and sums as {@link #sumExpFixed}.
     * For the stored path when Σ (∂L/∂l)·l is not wanted, so that {@link #weightsFromExp} needs no second
     * exponential.
     */
    double expFixedInPlace(float[] x, int off, int len, float shift, float scale, double[] colSum, int cOff);

    /**
     * The gradient weights of {@link #gradientRowFixed} (with colInv) from the exponentials {@link #expFixedInPlace}
     * left in x: x[off + c] := weight·(e_c·rowInv + e_c·colInv[j0 + c]), the same floats, without the sums
     * {@link #gradientRowFixed} adds for Σ (∂L/∂l)·l.
     */
    void weightsFromExp(float[] x, int off, int len, int j0, float rowInv, float[] colInv, float weight);

    /**
     * The epilogue the kernel provider chose ({@link KernelChoice#elementwise()}): the Vector API one when the kernel
     * is {@code vector}, or {@code blas} with the Vector API available; else the scalar one.
     *
     * @throws IllegalArgumentException if {@code -Dcontrast4j.kernel} has an unknown value (on every call)
     * @throws IllegalStateException    if it forces a kernel that cannot run (on every call)
     */
    static Epilogue select() {
        return switch (KernelChoice.elementwise()) {
            case VECTOR -> Vectorized.EPILOGUE;
            case SCALAR -> Scalar.EPILOGUE;
            case BLAS -> throw new IllegalStateException("the provider chose BLAS for element-wise work");
        };
    }

    /** The scalar epilogue, made once. */
    final class Scalar {
        static final Epilogue EPILOGUE = new ScalarEpilogue();

        private Scalar() {
        }
    }

    /** The Vector API epilogue, made once, on first use (only after the provider found the Vector API usable). */
    final class Vectorized {
        static final Epilogue EPILOGUE = vector();

        private Vectorized() {
        }
    }

    /** Loaded reflectively so that no Vector API class is touched unless the module is present. */
    static Epilogue vector() {
        try {
            return (Epilogue) Class.forName("org.contrast4j.tiled.VectorEpilogue").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the Vector API epilogue", e);
        }
    }
}
