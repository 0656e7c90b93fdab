package org.contrast4j.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.contrast4j.FloatBounds;

/**
 * Test support: a stack of dense layers (x ↦ W·x + b, optionally followed by ReLU) evaluated and back-propagated in
 * double, independently of DJL, with the float32 error bounds ({@link FloatBounds}, Higham's γ_n = n·u/(1 − n·u),
 * u = 2⁻²⁴) of any float32 evaluation of the same network: the reference for "the parameter gradients that
 * back-propagating a given output gradient G must give".
 *
 * <p><b>Forward.</b> Layer l maps a (n×in, float32 in the network, within E of the double reference a*) to
 * z = a·Wᵀ + b. A float32 evaluation in any order (GEMM blocking, FMA, chunked rows) is within
 * γ_{in+1}·(|W|·(|a*| + E) + |b|) of the exact product of its own input, which is within |W|·E of the exact product
 * of a*; the double reference is within γ64_{in+1}·(|W||a*| + |b|) of that. So every pre-activation is within
 * zErr = γ_{in+1}·(|W|(|a*| + E) + |b|) + |W|·E + γ64_{in+1}·(|W||a*| + |b|) of the reference, and ReLU being
 * 1-Lipschitz, its output within the same E' = zErr. A ReLU unit whose reference |z| ≤ zErr could be on in one
 * float32 evaluation and off in another, which would switch its back-propagated δ between 0 and Σ_o W·δ — a whole
 * row's contribution: the tests pick inputs where no unit is that close and assert it
 * ({@link #assertNoReluWithinRounding}), so every float32 evaluation has the reference's ReLU mask.
 *
 * <p><b>Backward</b> of an output gradient G (the reference takes δ_L = G exactly): per layer, over the n rows,
 * <pre>
 *   ∂W[o, i] = Σ_r δ[r, o]·a[r, i],   ∂b[o] = Σ_r δ[r, o],   δ_prev[r, i] = mask[r, i]·Σ_o W[o, i]·δ[r, o]
 * </pre>
 * A float32 back-propagation of a G̃ with |G̃ − G| ≤ dG (per entry) sums the same terms in any order (one GEMM, or
 * chunk by chunk with the chunks' sums accumulated into the parameter's gradient): with δ̃ within D of δ and ã
 * within E of a,
 * <pre>
 *   |∂W̃ − ∂W| ≤ γ_n·Σ_r (|δ| + D)(|a| + E) + Σ_r (D·(|a| + E) + |δ|·E)          (the sum's rounding, then the inputs')
 *   |∂b̃ − ∂b| ≤ γ_n·Σ_r (|δ| + D) + Σ_r D
 *   D_prev[r, i] = mask·(γ_out·Σ_o |W|(|δ| + D) + Σ_o |W|·D)
 * </pre>
 * plus γ64 of the double reference's own sums. Each bound is γ × Σ|terms| (the sum of the absolute values of the
 * summed contributions, computed here in double) plus the propagated input errors.
 */
public final class MlpReference {
    /** A dense layer: W (out×in, row-major, DJL's layout), b (out), ReLU after it or not. */
    public record Layer(float[] w, float[] b, boolean relu) {
        int out() {
            return b.length;
        }

        int in() {
            return w.length / b.length;
        }
    }

    /** Reference parameter gradients (per layer: weight then bias, DJL's parameter order) and their bounds. */
    public record Gradients(List<double[]> reference, List<double[]> bound, List<double[]> magnitude) {
        /**
         * |actual − reference| ≤ bound for every entry of every parameter (the parameters in {@link Layer} order,
         * weight then bias).
         */
        public void assertWithin(List<float[]> actual, String what) {
            assertEquals(reference.size(), actual.size(), what + ": parameter count");
            for (int k = 0; k < reference.size(); k++) {
                double[] ref = reference.get(k);
                double[] b = bound.get(k);
                float[] a = actual.get(k);
                assertEquals(ref.length, a.length, what + ": parameter " + k + " size");
                for (int i = 0; i < ref.length; i++) {
                    double err = Math.abs(a[i] - ref[i]);
                    int p = k;
                    int e = i;
                    assertTrue(err <= b[i], () -> what + ": parameter " + p + " entry " + e + ": " + a[e]
                            + " vs reference " + ref[e] + " (|diff| " + err + " > bound " + b[e] + ")");
                }
            }
        }

        /** The largest |actual − reference| / bound (≤ 1 when {@link #assertWithin} passes), for reports. */
        public double largestRatio(List<float[]> actual) {
            double max = 0;
            for (int k = 0; k < reference.size(); k++) {
                for (int i = 0; i < reference.get(k).length; i++) {
                    double diff = Math.abs(actual.get(k)[i] - reference.get(k)[i]);
                    if (diff > 0) {
                        max = Math.max(max, diff / bound.get(k)[i]);
                    }
                }
            }
            return max;
        }

        /** Parameter k's largest bound relative to its largest Σ_r |δ_r||a_r| (the bound's size, for reports). */
        public double boundOverMagnitude(int k) {
            return FloatBounds.maxAbs(bound.get(k)) / FloatBounds.maxAbs(magnitude.get(k));
        }
    }

    private final List<Layer> layers;
    private final int n;
    /** a[l]: input of layer l (a[0] = x), a[L] the output; double reference. */
    private final double[][] a;
    /** err[l]: bound on |float32 a[l] − a[l]| per entry. */
    private final double[][] err;
    /** Pre-activations and their error bounds, per layer. */
    private final double[][] z;
    private final double[][] zErr;

    private MlpReference(List<Layer> layers, float[] x, int n) {
        this.layers = List.copyOf(layers);
        this.n = n;
        int count = layers.size();
        a = new double[count + 1][];
        err = new double[count + 1][];
        z = new double[count][];
        zErr = new double[count][];
        a[0] = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            a[0][k] = x[k];
        }
        err[0] = new double[x.length];
        for (int l = 0; l < count; l++) {
            Layer layer = layers.get(l);
            int in = layer.in();
            int out = layer.out();
            if (a[l].length != n * in) {
                throw new IllegalArgumentException("layer " + l + " expects " + in + " inputs per row, got "
                        + a[l].length / n);
            }
            z[l] = new double[n * out];
            zErr[l] = new double[n * out];
            a[l + 1] = new double[n * out];
            double g = FloatBounds.gamma(in + 1L);
            double g64 = FloatBounds.gamma64(in + 1L);
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < out; o++) {
                    double s = layer.b()[o];
                    double abs = Math.abs(layer.b()[o]);
                    double absErr = 0;
                    double prop = 0;
                    for (int i = 0; i < in; i++) {
                        double w = layer.w()[o * in + i];
                        double ai = a[l][r * in + i];
                        s += w * ai;
                        abs += Math.abs(w * ai);
                        absErr += Math.abs(w) * err[l][r * in + i];
                        prop += Math.abs(w) * err[l][r * in + i];
                    }
                    z[l][r * out + o] = s;
                    zErr[l][r * out + o] = g * (abs + absErr) + prop + g64 * abs;
                    a[l + 1][r * out + o] = layer.relu() ? Math.max(0, s) : s;
                }
            }
            err[l + 1] = zErr[l];
        }
    }

    /** The network's layers evaluated in double on n rows of x (n × in₀, row-major). */
    public static MlpReference of(List<Layer> layers, float[] x, int n) {
        return new MlpReference(layers, x, n);
    }

    /** The reference output (n × out, double). */
    public double[] output() {
        return a[layers.size()].clone();
    }

    /** The bound on |float32 output − reference output| per entry. */
    public double[] outputBound() {
        return err[layers.size()].clone();
    }

    /** The smallest |z|/zErr over every ReLU pre-activation (&gt; 1: no unit can switch between evaluations). */
    public double smallestReluMargin() {
        double min = Double.POSITIVE_INFINITY;
        for (int l = 0; l < layers.size(); l++) {
            if (layers.get(l).relu()) {
                for (int k = 0; k < z[l].length; k++) {
                    min = Math.min(min, Math.abs(z[l][k]) / zErr[l][k]);
                }
            }
        }
        return min;
    }

    /**
     * Asserts that every ReLU pre-activation is farther from 0 than its float32 error bound, so every float32
     * evaluation of the network (any chunking, any kernel) has the reference's ReLU mask.
     */
    public void assertNoReluWithinRounding(String what) {
        double m = smallestReluMargin();
        assertTrue(m > 1, () -> what + ": a ReLU pre-activation is within its float32 error bound of 0 (|z|/bound = "
                + m + "): its unit could switch between evaluations; choose other inputs or seeds");
    }

    /** Every float32 output entry is within {@link #outputBound} of the reference. */
    public void assertOutput(float[] actual, String what) {
        double[] ref = a[layers.size()];
        double[] b = err[layers.size()];
        assertEquals(ref.length, actual.length, what + ": output size");
        for (int k = 0; k < ref.length; k++) {
            double e = Math.abs(actual[k] - ref[k]);
            int kk = k;
            assertTrue(e <= b[k], () -> what + ": output entry " + kk + ": " + actual[kk] + " vs reference " + ref[kk]
                    + " (bound " + b[kk] + ")");
        }
    }

    /**
     * The reference parameter gradients of back-propagating {@code g} (n × out_L) and the bound on any float32
     * back-propagation of an output gradient within {@code dg} (per entry; null: exactly g) of it.
     */
    public Gradients backward(float[] g, double[] dg) {
        if (smallestReluMargin() <= 1) {
            throw new IllegalStateException("a ReLU unit is within its float32 error bound of 0 (|z|/bound = "
                    + smallestReluMargin() + "): no backward bound without knowing its mask; choose other inputs");
        }
        int count = layers.size();
        int outL = layers.get(count - 1).out();
        if (g.length != n * outL) {
            throw new IllegalArgumentException("output gradient has " + g.length + " entries, expected " + n * outL);
        }
        double[] delta = new double[g.length];
        double[] dd = new double[g.length];
        for (int k = 0; k < g.length; k++) {
            delta[k] = g[k];
            dd[k] = dg == null ? 0 : dg[k];
        }
        double[][] refs = new double[2 * count][];
        double[][] bounds = new double[2 * count][];
        double[][] mags = new double[2 * count][];
        double gn = FloatBounds.gamma(n);
        for (int l = count - 1; l >= 0; l--) {
            Layer layer = layers.get(l);
            int in = layer.in();
            int out = layer.out();
            // the double reference's own sums: γ64 of the widest sum in the whole chain, generously
            double g64 = FloatBounds.gamma64(4L * (n + in + out));
            double[] dw = new double[out * in];
            double[] dwB = new double[out * in];
            double[] db = new double[out];
            double[] dbB = new double[out];
            double[] dwM = new double[out * in];
            double[] dbM = new double[out];
            double[] ai = a[l];
            double[] ei = err[l];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double s = 0;
                    double terms = 0;
                    double prop = 0;
                    double mag = 0;
                    for (int r = 0; r < n; r++) {
                        double d = delta[r * out + o];
                        double x = ai[r * in + i];
                        double e = ei[r * in + i];
                        double dErr = dd[r * out + o];
                        s += d * x;
                        mag += Math.abs(d * x);
                        terms += (Math.abs(d) + dErr) * (Math.abs(x) + e);
                        prop += dErr * (Math.abs(x) + e) + Math.abs(d) * e;
                    }
                    dw[o * in + i] = s;
                    dwM[o * in + i] = mag;
                    dwB[o * in + i] = gn * terms + prop + g64 * terms;
                }
                double s = 0;
                double terms = 0;
                double prop = 0;
                for (int r = 0; r < n; r++) {
                    s += delta[r * out + o];
                    dbM[o] += Math.abs(delta[r * out + o]);
                    terms += Math.abs(delta[r * out + o]) + dd[r * out + o];
                    prop += dd[r * out + o];
                }
                db[o] = s;
                dbB[o] = gn * terms + prop + g64 * terms;
            }
            refs[2 * l] = dw;
            refs[2 * l + 1] = db;
            bounds[2 * l] = dwB;
            bounds[2 * l + 1] = dbB;
            mags[2 * l] = dwM;
            mags[2 * l + 1] = dbM;
            if (l > 0) {
                boolean relu = layers.get(l - 1).relu();
                double[] zPrev = z[l - 1];
                double[] next = new double[n * in];
                double[] nextErr = new double[n * in];
                double gOut = FloatBounds.gamma(out);
                for (int r = 0; r < n; r++) {
                    for (int i = 0; i < in; i++) {
                        if (relu && zPrev[r * in + i] <= 0) {
                            continue; // mask 0 in every float32 evaluation (assertNoReluWithinRounding): δ = 0
                        }
                        double s = 0;
                        double terms = 0;
                        double prop = 0;
                        for (int o = 0; o < out; o++) {
                            double w = layer.w()[o * in + i];
                            s += w * delta[r * out + o];
                            terms += Math.abs(w) * (Math.abs(delta[r * out + o]) + dd[r * out + o]);
                            prop += Math.abs(w) * dd[r * out + o];
                        }
                        next[r * in + i] = s;
                        nextErr[r * in + i] = gOut * terms + prop + g64 * terms;
                    }
                }
                delta = next;
                dd = nextErr;
            }
        }
        return new Gradients(List.of(refs), List.of(bounds), List.of(mags));
    }
}
