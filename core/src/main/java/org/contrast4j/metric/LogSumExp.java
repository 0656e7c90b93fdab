package org.contrast4j.metric;

/**
 * A streaming log Σ exp(v) in double: keeps the running maximum m and s = Σ exp(v − m), rescaling s when a larger
 * value arrives, so no term overflows and the largest term is never lost to underflow.
 */
final class LogSumExp {
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long count;

    /** Adds one value. */
    void add(double v) {
        count++;
        if (v <= max) {
            sum += Math.exp(v - max);
        } else {
            sum = sum * Math.exp(max - v) + 1.0;
            max = v;
        }
    }

    /** Adds a partial result holding log Σ exp = {@code blockMax} + log {@code blockSum} over {@code n} values. */
    void merge(double blockMax, double blockSum, long n) {
        count += n;
        if (n == 0) {
            return;
        }
        if (blockMax <= max) {
            sum += blockSum * Math.exp(blockMax - max);
        } else {
            sum = sum * Math.exp(max - blockMax) + blockSum;
            max = blockMax;
        }
    }

    long count() {
        return count;
    }

    /** log Σ exp(v); −∞ when empty. */
    double value() {
        return count == 0 ? Double.NEGATIVE_INFINITY : max + Math.log(sum);
    }

    /** log of the mean of exp(v): log Σ exp(v) − log(count). */
    double logMean() {
        return value() - Math.log(count);
    }
}
