package org.contrast4j.djl.data;

import java.util.SplittableRandom;

/**
 * SimCLR-style random augmentation of one small grayscale image (Chen et al. 2020, "A Simple Framework for
 * Contrastive Learning of Visual Representations", §3 and Appendix A), adapted to 28×28 grayscale: no colour
 * distortion, lighter crops. Applied in this order to an image of floats in [0, 1]:
 * <ol>
 *   <li><b>random resized crop</b> (torchvision's {@code RandomResizedCrop} algorithm): up to 10 tries draw an area
 *       fraction s ~ U[{@code cropScaleMin}, 1] and a log-uniform aspect ratio r in [3/4, 4/3]; the box
 *       w = round(√(s·A·r)), h = round(√(s·A/r)) is placed uniformly when it fits, else the whole image is used;
 *       the box is resized back to the full size by bilinear interpolation (half-pixel centres, as
 *       {@code align_corners=False}). Default {@code cropScaleMin} 0.35 (SimCLR's 0.08 is meant for 224×224 photos);</li>
 *   <li><b>horizontal flip</b> with probability {@code flipProbability} (default 0.5);</li>
 *   <li><b>translation</b> by an integer offset in [−{@code maxShift}, {@code maxShift}]² pixels, filling with 0
 *       (default 2);</li>
 *   <li><b>Gaussian noise</b> N(0, {@code noiseStd}²) added to every pixel, the result clamped to [0, 1] (default
 *       σ = 0.05);</li>
 *   <li><b>random erasing</b> (Zhong et al. 2020, "Random Erasing Data Augmentation"; torchvision's defaults) with
 *       probability {@code eraseProbability} (default 0.25): a box of area fraction U[0.02, 0.2] and log-uniform
 *       aspect in [0.3, 3.3] set to 0.</li>
 * </ol>
 * The output has the input's shape and stays in [0, 1]. All randomness comes from the {@link SplittableRandom} the
 * caller passes: the same generator state gives the same output, so a caller that derives one generator per
 * (seed, epoch, image, view) gets results independent of batch order and threads. Immutable and thread-safe.
 */
public final class SimClrAugment {
    private static final double LOG_RATIO_MIN = Math.log(3.0 / 4.0);
    private static final double LOG_RATIO_MAX = Math.log(4.0 / 3.0);
    private static final double ERASE_AREA_MIN = 0.02;
    private static final double ERASE_AREA_MAX = 0.2;
    private static final double LOG_ERASE_RATIO_MIN = Math.log(0.3);
    private static final double LOG_ERASE_RATIO_MAX = Math.log(3.3);

    private final int rows;
    private final int cols;
    private final double cropScaleMin;
    private final double flipProbability;
    private final int maxShift;
    private final double noiseStd;
    private final double eraseProbability;

    private SimClrAugment(Builder b) {
        this.rows = b.rows;
        this.cols = b.cols;
        this.cropScaleMin = b.cropScaleMin;
        this.flipProbability = b.flipProbability;
        this.maxShift = b.maxShift;
        this.noiseStd = b.noiseStd;
        this.eraseProbability = b.eraseProbability;
    }

    /** A builder for {@code rows}×{@code cols} images with the defaults above. */
    public static Builder builder(int rows, int cols) {
        return new Builder(rows, cols);
    }

    /** The defaults for 28×28 images. */
    public static SimClrAugment defaults28() {
        return builder(28, 28).build();
    }

    /** Image height. */
    public int rows() {
        return rows;
    }

    /** Image width. */
    public int cols() {
        return cols;
    }

    /**
     * Augments one image.
     *
     * @param src rows·cols floats in [0, 1] from {@code srcOff}
     * @param dst receives rows·cols floats from {@code dstOff}; must not overlap {@code src}'s image
     * @param rng the randomness; advanced by this call
     */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, SplittableRandom rng) {
        int n = rows * cols;
        if (srcOff < 0 || srcOff + n > src.length || dstOff < 0 || dstOff + n > dst.length) {
            throw new IllegalArgumentException("an image of " + rows + "×" + cols + " = " + n + " floats does not fit"
                    + " at source offset " + srcOff + " (length " + src.length + ") or destination offset " + dstOff
                    + " (length " + dst.length + ")");
        }
        float[] crop = new float[n];
        resizedCrop(src, srcOff, crop, rng);
        boolean flip = rng.nextDouble() < flipProbability;
        int dy = maxShift == 0 ? 0 : rng.nextInt(-maxShift, maxShift + 1);
        int dx = maxShift == 0 ? 0 : rng.nextInt(-maxShift, maxShift + 1);
        for (int y = 0; y < rows; y++) {
            int sy = y - dy;
            for (int x = 0; x < cols; x++) {
                int sx = x - dx;
                float v = 0f;
                if (sy >= 0 && sy < rows && sx >= 0 && sx < cols) {
                    v = crop[sy * cols + (flip ? cols - 1 - sx : sx)];
                }
                if (noiseStd > 0) {
                    v += (float) (noiseStd * rng.nextGaussian());
                    v = Math.min(1f, Math.max(0f, v));
                }
                dst[dstOff + y * cols + x] = v;
            }
        }
        if (rng.nextDouble() < eraseProbability) {
            erase(dst, dstOff, rng);
        }
    }

    /** Augments one image into a new array (rows·cols floats). */
    public float[] apply(float[] image, SplittableRandom rng) {
        float[] out = new float[rows * cols];
        apply(image, 0, out, 0, rng);
        return out;
    }

    private void resizedCrop(float[] src, int off, float[] out, SplittableRandom rng) {
        int area = rows * cols;
        int h = rows;
        int w = cols;
        int top = 0;
        int left = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (cropScaleMin + (1 - cropScaleMin) * rng.nextDouble());
            double ratio = Math.exp(LOG_RATIO_MIN + (LOG_RATIO_MAX - LOG_RATIO_MIN) * rng.nextDouble());
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && cw <= cols && ch > 0 && ch <= rows) {
                h = ch;
                w = cw;
                top = rng.nextInt(rows - ch + 1);
                left = rng.nextInt(cols - cw + 1);
                break;
            }
        }
        double sy = (double) h / rows;
        double sx = (double) w / cols;
        for (int y = 0; y < rows; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < cols; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                int r0 = off + (top + y0) * cols + left;
                int r1 = off + (top + y1) * cols + left;
                double v = (1 - wy) * ((1 - wx) * src[r0 + x0] + wx * src[r0 + x1])
                        + wy * ((1 - wx) * src[r1 + x0] + wx * src[r1 + x1]);
                out[y * cols + x] = (float) v;
            }
        }
    }

    private void erase(float[] img, int off, SplittableRandom rng) {
        int area = rows * cols;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (ERASE_AREA_MIN + (ERASE_AREA_MAX - ERASE_AREA_MIN) * rng.nextDouble());
            double ratio = Math.exp(LOG_ERASE_RATIO_MIN + (LOG_ERASE_RATIO_MAX - LOG_ERASE_RATIO_MIN)
                    * rng.nextDouble());
            int h = (int) Math.round(Math.sqrt(target * ratio));
            int w = (int) Math.round(Math.sqrt(target / ratio));
            if (h > 0 && h < rows && w > 0 && w < cols) {
                int top = rng.nextInt(rows - h + 1);
                int left = rng.nextInt(cols - w + 1);
                for (int y = top; y < top + h; y++) {
                    java.util.Arrays.fill(img, off + y * cols + left, off + y * cols + left + w, 0f);
                }
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "SimClrAugment{" + rows + "×" + cols + ", cropScaleMin=" + cropScaleMin + ", flipProbability="
                + flipProbability + ", maxShift=" + maxShift + ", noiseStd=" + noiseStd + ", eraseProbability="
                + eraseProbability + "}";
    }

    /** Builds a {@link SimClrAugment}; every setter validates its argument at once. */
    public static final class Builder {
        private final int rows;
        private final int cols;
        private double cropScaleMin = 0.35;
        private double flipProbability = 0.5;
        private int maxShift = 2;
        private double noiseStd = 0.05;
        private double eraseProbability = 0.25;

        private Builder(int rows, int cols) {
            if (rows < 2 || cols < 2) {
                throw new IllegalArgumentException("images must be at least 2×2, were " + rows + "×" + cols);
            }
            this.rows = rows;
            this.cols = cols;
        }

        /** Smallest crop area fraction, in (0, 1] (default 0.35; 1 keeps the whole image). */
        public Builder cropScaleMin(double v) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("cropScaleMin must be in (0, 1], was " + v);
            }
            cropScaleMin = v;
            return this;
        }

        /** Probability of a horizontal flip, in [0, 1] (default 0.5). */
        public Builder flipProbability(double v) {
            flipProbability = probability("flipProbability", v);
            return this;
        }

        /** Largest translation in pixels, in [0, min(rows, cols)/2] (default 2). */
        public Builder maxShift(int v) {
            if (v < 0 || 2 * v > Math.min(rows, cols)) {
                throw new IllegalArgumentException("maxShift must be in [0, " + Math.min(rows, cols) / 2
                        + "] for " + rows + "×" + cols + " images, was " + v);
            }
            maxShift = v;
            return this;
        }

        /** Standard deviation of the additive Gaussian noise, ≥ 0 and finite (default 0.05). */
        public Builder noiseStd(double v) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("noiseStd must be >= 0 and finite, was " + v);
            }
            noiseStd = v;
            return this;
        }

        /** Probability of random erasing, in [0, 1] (default 0.25). */
        public Builder eraseProbability(double v) {
            eraseProbability = probability("eraseProbability", v);
            return this;
        }

        private static double probability(String name, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], was " + v);
            }
            return v;
        }

        public SimClrAugment build() {
            return new SimClrAugment(this);
        }
    }
}
