package org.contrast4j.text.adapter;

/**
 * The adapter training loss written straight from its formula, in double, with plain loops: the towers
 * (LINEAR y = W·x + b; MLP y = x + W₂·relu(W₁·x + b₁) + b₂, parameters in the documented layout), cosine
 * similarities of each Matryoshka prefix, and the symmetric InfoNCE with id masks, pooled shared negatives (masked
 * when their id is the anchor's label), GISTEmbed guide masks from the frozen inputs, rows without a negative skipped.
 * The independent reference of the gradient tests (its gradient is taken by central finite differences).
 */
final class ReferenceLoss {
    final AdapterKind kind;
    final boolean shared;
    final int in;
    final int out;
    final int hidden;
    final double[][] xq;    // N×D frozen queries
    final double[][] xd;    // (N+M)×D frozen positives then pooled negatives
    final long[] labels;    // N positive ids
    final long[] negIds;    // M negative ids
    final int[] dims;       // Matryoshka prefixes (or {out})
    final boolean gist;
    final double margin;

    ReferenceLoss(AdapterKind kind, boolean shared, int in, int out, int hidden, double[][] xq, double[][] xd,
                  long[] labels, long[] negIds, int[] dims, boolean gist, double margin) {
        this.kind = kind;
        this.shared = shared;
        this.in = in;
        this.out = out;
        this.hidden = hidden;
        this.xq = xq;
        this.xd = xd;
        this.labels = labels;
        this.negIds = negIds;
        this.dims = dims;
        this.gist = gist;
        this.margin = margin;
    }

    int towerSize() {
        return kind == AdapterKind.LINEAR ? out * in + out : 2 * hidden * in + hidden + in;
    }

    double[] tower(double[] p, int off, double[] x) {
        double[] y = new double[out];
        if (kind == AdapterKind.LINEAR) {
            for (int i = 0; i < out; i++) {
                double s = p[off + out * in + i];
                for (int j = 0; j < in; j++) {
                    s += p[off + i * in + j] * x[j];
                }
                y[i] = s;
            }
            return y;
        }
        int b1 = off + hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + in * hidden;
        double[] a = new double[hidden];
        for (int h = 0; h < hidden; h++) {
            double s = p[b1 + h];
            for (int j = 0; j < in; j++) {
                s += p[off + h * in + j] * x[j];
            }
            a[h] = Math.max(0, s);
        }
        for (int i = 0; i < in; i++) {
            double s = x[i] + p[b2 + i];
            for (int h = 0; h < hidden; h++) {
                s += p[w2 + i * hidden + h] * a[h];
            }
            y[i] = s;
        }
        return y;
    }

    static double cos(double[] a, double[] b, int m) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < m; k++) {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }
        return ab / (Math.max(Math.sqrt(aa), 1e-12) * Math.max(Math.sqrt(bb), 1e-12));
    }

    /** The loss at parameters p and log τ. */
    double value(double[] p, double logTau) {
        int n = xq.length;
        int mNeg = negIds.length;
        int docOff = shared ? 0 : towerSize();
        double[][] yq = new double[n][];
        double[][] yd = new double[n + mNeg][];
        for (int i = 0; i < n; i++) {
            yq[i] = tower(p, 0, xq[i]);
        }
        for (int i = 0; i < n + mNeg; i++) {
            yd[i] = tower(p, docOff, xd[i]);
        }
        double s = Math.exp(-logTau);
        double total = 0;
        for (int m : dims) {
            double fwd = 0;
            int fwdRows = 0;
            double rev = 0;
            int revRows = 0;
            for (int i = 0; i < n; i++) {
                // anchor i against in-batch documents j and the pooled negatives
                double pos = s * cos(yq[i], yd[i], m);
                double sum = 0;
                boolean negative = false;
                for (int j = 0; j < n; j++) {
                    if (j != i && (labels[j] == labels[i] || guideMasked(i, j))) {
                        continue;
                    }
                    negative |= j != i;
                    sum += Math.exp(s * cos(yq[i], yd[j], m) - pos);
                }
                for (int k = 0; k < mNeg; k++) {
                    if (negIds[k] != labels[i]) {
                        negative = true;
                        sum += Math.exp(s * cos(yq[i], yd[n + k], m) - pos);
                    }
                }
                if (negative) {
                    fwd += Math.log(sum);
                    fwdRows++;
                }
                // document i against the in-batch queries
                double posR = s * cos(yd[i], yq[i], m);
                double sumR = 0;
                boolean negR = false;
                for (int j = 0; j < n; j++) {
                    if (j != i && (labels[j] == labels[i] || reverseGuideMasked(i, j))) {
                        continue;
                    }
                    negR |= j != i;
                    sumR += Math.exp(s * cos(yd[i], yq[j], m) - posR);
                }
                if (negR) {
                    rev += Math.log(sumR);
                    revRows++;
                }
            }
            total += 0.5 * ((fwdRows == 0 ? 0 : fwd / fwdRows) + (revRows == 0 ? 0 : rev / revRows));
        }
        return total;
    }

    /** GIST: candidate document j (≠ i) leaves query i's candidates when cos(gq_i, gd_j) > cos(gq_i, gd_i) − m. */
    private boolean guideMasked(int i, int j) {
        return gist && j != i && cos(xq[i], xd[j], in) > cos(xq[i], xd[i], in) - margin;
    }

    /** GIST, reverse: query j (≠ i) leaves document i's candidates when cos(gq_j, gd_i) > cos(gq_i, gd_i) − m. */
    private boolean reverseGuideMasked(int i, int j) {
        return gist && j != i && cos(xq[j], xd[i], in) > cos(xq[i], xd[i], in) - margin;
    }
}
