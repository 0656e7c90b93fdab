package org.contrast4j.loss;

import org.contrast4j.linalg.Matrix;

/** Checks that a batch holds exactly the inputs a loss uses, with messages naming the loss and the input. */
final class Inputs {
    private Inputs() {
    }

    static Matrix requirePositives(Batch batch, String loss) {
        Matrix p = batch.positivesOrNull();
        if (p == null) {
            throw new IllegalArgumentException(loss + " needs positives (N×D, row i the positive of anchor i)");
        }
        return p;
    }

    static Matrix requireNegatives(Batch batch, String loss) {
        Matrix n = batch.negativesOrNull();
        if (n == null) {
            throw new IllegalArgumentException(loss + " needs explicit negatives (M×D shared or N×M×D paired)");
        }
        return n;
    }

    static long[] requireLabels(Batch batch, String loss) {
        long[] labels = batch.labelsOrNull();
        if (labels == null) {
            throw new IllegalArgumentException(loss + " needs labels (one per anchor)");
        }
        return labels;
    }

    static void rejectNegatives(Batch batch, String loss) {
        if (batch.negativesOrNull() != null) {
            throw new IllegalArgumentException(loss + " does not use explicit negatives; the batch has "
                    + batch.negativesOrNull().shape());
        }
    }

    static void rejectLabels(Batch batch, String loss) {
        if (batch.labelsOrNull() != null) {
            throw new IllegalArgumentException(loss + " does not use labels; the batch has "
                    + batch.labelsOrNull().length);
        }
    }

    /** For losses that take shared negatives but have no use for their labels (which would silently do nothing). */
    static void rejectNegativeLabels(Batch batch, String loss) {
        if (batch.negativeLabelsOrNull() != null) {
            throw new IllegalArgumentException(loss + " does not use negative labels (its explicit negatives are "
                    + "always negatives); the batch has " + batch.negativeLabelsOrNull().length);
        }
    }

    /**
     * For every loss but InfoNCE, NT-Xent, DCL and SupCon: a guide or log q in the batch would silently do nothing.
     */
    static void rejectInfoNceOnly(Batch batch, String loss) {
        if (batch.guideAnchorsOrNull() != null) {
            throw new IllegalArgumentException(loss + " does not use a guide model (InfoNce, NtXent, Dcl and SupCon "
                    + "mask by a guide); the batch has guide embeddings " + batch.guideAnchorsOrNull().shape());
        }
        rejectLogQ(batch, loss);
    }

    /** For every loss but InfoNCE: log q in the batch would silently do nothing. */
    static void rejectLogQ(Batch batch, String loss) {
        if (batch.logQOrNull() != null) {
            throw new IllegalArgumentException(loss + " does not use logQ (only InfoNce corrects by log q); the batch "
                    + "has " + batch.logQOrNull().length + " values");
        }
    }

    static void rejectPositives(Batch batch, String loss) {
        if (batch.positivesOrNull() != null) {
            throw new IllegalArgumentException(loss + " does not use positives; the batch has "
                    + batch.positivesOrNull().shape());
        }
    }
}
