/**
 * Image data for the trainer: the IDX reader ({@link org.contrast4j.djl.data.Idx}) and Fashion-MNIST's file layout
 * ({@link org.contrast4j.djl.data.FashionMnist}) into {@link org.contrast4j.djl.data.LabeledImages}, and the seeded
 * SimCLR augmentations for small grayscale images ({@link org.contrast4j.djl.data.SimClrAugment}).
 */
package org.contrast4j.djl.data;
