package org.contrast4j.djl.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
 * Learning Algorithms", arXiv:1708.07747; MIT licence, Zalando Research): 70,000 grayscale 28×28 images of 10
 * clothing classes, 60,000 for training and 10,000 for testing, as four IDX files
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each optionally gzipped ({@code .gz}).
 *
 * <p>On Debian, {@code apt-get install dataset-fashion-mnist} installs them in {@link #DEFAULT_DIRECTORY}.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** Image side in pixels. */
    public static final int SIDE = 28;
    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two halves of the data set, by file prefix. */
    public enum Split {
        /** The 60,000 training images ({@code train-*}). */
        TRAIN("train"),
        /** The 10,000 test images ({@code t10k-*}). */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** The file name prefix: {@code train} or {@code t10k}. */
        public String prefix() {
            return prefix;
        }
    }

    private FashionMnist() {
    }

    /**
     * Reads one split from {@code directory}, preferring the {@code .gz} file when both forms exist.
     *
     * @throws IllegalArgumentException when the directory or a file is missing (with how to install the data), or a
     *     file is invalid (see {@link Idx})
     */
    public static LabeledImages load(Path directory, Split split) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(directory + ": no such directory" + installHint(directory));
        }
        Path images = find(directory, split.prefix + "-images-idx3-ubyte");
        Path labels = find(directory, split.prefix + "-labels-idx1-ubyte");
        return Idx.read(images, labels);
    }

    private static Path find(Path directory, String base) {
        Path gz = directory.resolve(base + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        Path raw = directory.resolve(base);
        if (Files.exists(raw)) {
            return raw;
        }
        throw new IllegalArgumentException(directory + ": neither " + base + ".gz nor " + base + " is there"
                + installHint(directory));
    }

    private static String installHint(Path directory) {
        return directory.toAbsolutePath().normalize().equals(DEFAULT_DIRECTORY)
                ? " (install the data with: apt-get install dataset-fashion-mnist)" : "";
    }
}
