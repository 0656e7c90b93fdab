#!/usr/bin/env python3
"""Writes the Fashion-MNIST slice embedded in the command line for `contrast4j demo`.

Source: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist, IDX files, MIT licence, Zalando Research).
The slice is the first TRAIN images of the training set and the first TEST images of the test set (both sets are
shuffled by their authors, so a prefix is class-balanced within a few percent), rewritten as gzipped IDX files with
their headers updated to the new counts. Deterministic: gzip mtime 0.
Usage: scripts/make_demo_slice.py [SOURCE_DIR] [OUT_DIR]
"""
import gzip
import struct
import sys

TRAIN, TEST = 5000, 1000
src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
out = sys.argv[2] if len(sys.argv) > 2 else "cli/src/main/resources/demo"


def read(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(data)


for split, n in (("train", TRAIN), ("t10k", TEST)):
    images = read(f"{src}/{split}-images-idx3-ubyte.gz")
    labels = read(f"{src}/{split}-labels-idx1-ubyte.gz")
    magic, count, rows, cols = struct.unpack(">IIII", images[:16])
    assert magic == 0x803 and count >= n, (magic, count)
    lmagic, lcount = struct.unpack(">II", labels[:8])
    assert lmagic == 0x801 and lcount == count, (lmagic, lcount)
    write(f"{out}/{split}-images-idx3-ubyte.gz",
          struct.pack(">IIII", magic, n, rows, cols) + images[16:16 + n * rows * cols])
    write(f"{out}/{split}-labels-idx1-ubyte.gz", struct.pack(">II", lmagic, n) + labels[8:8 + n])
    counts = [labels[8:8 + n].count(bytes([c])) for c in range(10)]
    print(split, n, "images, per class", counts)
