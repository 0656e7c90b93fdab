"""Writes the .npy files NpyNumpyFilesTest reads, with numpy's own writer.

Run from this directory with Debian's numpy: /usr/bin/python3 make.py
Every value is a simple formula of its index, so the test recomputes it independently.
"""
import numpy as np

i2, j2 = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")          # 3×4
np.save("f4_2d.npy", (i2 * 10 + j2 + 0.25).astype("<f4"))                # exact in float32
np.save("f8_2d.npy", ((i2 - j2) / 7.0).astype("<f8"))                    # rounded to float32 by the reader
np.save("i4_1d.npy", np.array([3, -1, 0, 2147483647, -2147483648], dtype="<i4"))
np.save("i8_1d.npy", np.array([7, -9000000000, 0, 42], dtype="<i8"))
i3, j3, k3 = np.meshgrid(np.arange(2), np.arange(3), np.arange(5), indexing="ij")  # 2×3×5
np.save("f4_3d.npy", (i3 * 100 + j3 * 10 + k3).astype("<f4"))
np.save("f4_1d.npy", (np.arange(6) * 0.5).astype("<f4"))
np.save("fortran.npy", np.asfortranarray((i2 * 10 + j2).astype("<f4")))  # rejected: Fortran order
np.save("big_endian.npy", (i2 * 10 + j2).astype(">f4"))                  # rejected: big-endian
np.save("f2.npy", (i2 * 10 + j2).astype("<f2"))                          # rejected: float16
np.save("scalar.npy", np.float32(1.5))                                    # rejected: 0-D
for version in [(2, 0), (3, 0)]:
    with open("f4_2d_v%d.npy" % version[0], "wb") as f:
        np.lib.format.write_array(f, (i2 * 10 + j2 + 0.25).astype("<f4"), version=version)
