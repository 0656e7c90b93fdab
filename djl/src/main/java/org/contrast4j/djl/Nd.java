package org.contrast4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.contrast4j.similarity.Similarity;

/**
 * The NDArray building blocks the DJL losses share. Everything here is an engine-neutral NDArray operation, so it runs
 * on whichever engine and device the embeddings live on and autograd differentiates it.
 */
final class Nd {
    /** Fill for masked logits: exp(MASKED − max) is exactly 0 for any finite row maximum, so it never makes NaN. */
    static final float MASKED = -1e30f;
    /** (1e-12)², the squared norm floor: ‖x‖ = sqrt(max(‖x‖², ε²)) is F.normalize's max(‖x‖, ε) with no 0/0 in backward. */
    private static final float NORM_FLOOR_SQUARED = (float) (Similarity.NORM_FLOOR * Similarity.NORM_FLOOR);
    private static final int[] ROWS = {1};

    private Nd() {
    }

    /**
     * The rows the similarity is a dot product of: x / max(‖x‖₂, 1e-12) for COSINE (as {@code F.normalize}: a zero row
     * stays zero and gets the gradient g/ε), x itself for DOT.
     */
    static NDArray prepare(NDArray x, Similarity similarity) {
        if (similarity == Similarity.DOT) {
            return x;
        }
        NDArray norm = x.square().sum(ROWS, true).maximum(NORM_FLOOR_SQUARED).sqrt();
        return x.div(norm);
    }

    /**
     * Row-wise log Σ_c exp(x_rc) over the columns where {@code candidates} is true (null = every column), with the
     * row maximum (treated as a constant) subtracted first. Masked entries are replaced by {@link #MASKED} before the
     * exponential, so they contribute exactly 0 and receive a zero gradient; every row needs at least one candidate.
     *
     * @return shape (rows)
     */
    static NDArray logSumExp(NDArray x, NDArray candidates) {
        NDArray masked = candidates == null ? x : NDArrays.where(candidates, x, fill(x));
        NDArray max = masked.max(ROWS, true).stopGradient();
        return masked.sub(max).exp().sum(ROWS, true).log().add(max).squeeze(1);
    }

    /** softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|): no overflow for any x. */
    static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(x.abs().neg().exp().add(1f).log());
    }

    /** Σ_c x_rc·w_rc per row (w a constant weight matrix, e.g. a one-hot of the positives). */
    static NDArray rowSum(NDArray x, NDArray weights) {
        return x.mul(weights).sum(ROWS);
    }

    /** An n×n boolean identity on {@code like}'s device. */
    static NDArray eye(NDArray like, int n) {
        NDManager m = like.getManager();
        NDArray idx = m.arange(0, n, 1, DataType.INT32).toDevice(like.getDevice(), false);
        return idx.reshape(n, 1).eq(idx.reshape(1, n));
    }

    /**
     * For z = [a; p] (2N rows): the boolean 2N×2N matrix whose row k is true at its partner k ± N.
     */
    static NDArray partners(NDArray like, int n) {
        NDManager m = like.getManager();
        int rows = 2 * n;
        NDArray idx = m.arange(0, rows, 1, DataType.INT32).toDevice(like.getDevice(), false);
        return idx.reshape(rows, 1).sub(idx.reshape(1, rows)).abs().eq(n); // |k − l| = N
    }

    /** The boolean matrix as 0/1 in the data type of {@code like}. */
    static NDArray asWeights(NDArray mask, NDArray like) {
        return mask.toType(like.getDataType(), false);
    }

    /**
     * The N×D embeddings at the head of the predictions, checked: between {@code min} and {@code max} of them before
     * {@code scalars} trailing scalar predictions, each 2-D, all of the same shape, with at least {@code minRows} rows
     * and a dimension ≥ 1. Messages name the loss, the positions and the shapes.
     */
    static NDArray[] embeddings(String display, NDList predictions, int scalars, String scalarNames, int min, int max,
                                int minRows) {
        if (predictions == null) {
            throw new IllegalArgumentException(display + ": predictions must not be null");
        }
        int count = predictions.size() - scalars;
        if (count < min || count > max) {
            String expected = min == max ? String.valueOf(min) : min + " or " + max;
            throw new IllegalArgumentException(display + " expects " + expected + " embedding arrays"
                    + (scalars > 0 ? " followed by " + scalars + " learnable scalar" + (scalars > 1 ? "s" : "")
                    + " (" + scalarNames + ")" : "") + " in the predictions, got " + predictions.size()
                    + " arrays " + shapes(predictions));
        }
        NDArray[] out = new NDArray[count];
        Shape first = null;
        for (int i = 0; i < count; i++) {
            NDArray e = predictions.get(i);
            Shape s = e.getShape();
            if (s.dimension() != 2) {
                throw new IllegalArgumentException(display + ": prediction " + i + " must be an N×D embedding matrix, "
                        + "its shape is " + s);
            }
            if (first == null) {
                first = s;
            } else if (!first.equals(s)) {
                throw new IllegalArgumentException(display + ": prediction " + i + " has shape " + s
                        + " but prediction 0 has shape " + first + ": embeddings must have the same shape");
            }
            out[i] = e;
        }
        if (first.get(0) < minRows) {
            throw new IllegalArgumentException(display + " needs N >= " + minRows + " rows, the embeddings are " + first);
        }
        if (first.get(1) < 1) {
            throw new IllegalArgumentException(display + ": embeddings have dimension 0 (" + first + ")");
        }
        return out;
    }

    private static String shapes(NDList list) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(list.get(i).getShape());
        }
        return sb.append(']').toString();
    }

    private static NDArray fill(NDArray like) {
        return like.getManager().full(like.getShape(), MASKED, like.getDataType(), like.getDevice());
    }
}
