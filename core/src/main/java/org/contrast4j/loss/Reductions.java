package org.contrast4j.loss;

/** Applies a {@link Reduction}: the weight of each valid row in the value, and the value itself. */
final class Reductions {
    private Reductions() {
    }

    /** The factor each valid row's loss (and gradient) is multiplied by: 1/valid for MEAN, 1 for SUM and NONE. */
    static double rowWeight(Reduction reduction, int validRows) {
        return reduction == Reduction.MEAN ? 1.0 / validRows : 1.0;
    }

    /** The reduced value of per-row losses, skipped rows (null = none skipped) left out. */
    static double value(Reduction reduction, double[] perRow, boolean[] skipped) {
        double sum = 0;
        int valid = 0;
        for (int i = 0; i < perRow.length; i++) {
            if (skipped == null || !skipped[i]) {
                sum += perRow[i];
                valid++;
            }
        }
        if (reduction != Reduction.MEAN) {
            return sum;
        }
        return valid == 0 ? 0.0 : sum / valid;
    }
}
