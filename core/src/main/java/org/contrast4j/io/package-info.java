/**
 * Exchanging arrays with NumPy, and writing files safely.
 *
 * <ul>
 *   <li>{@link org.contrast4j.io.Npy} reads and writes NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0;
 *       float32, float64, int32 and int64; either byte order; C or Fortran order; any number of dimensions) as an
 *       immutable {@link org.contrast4j.io.NpyArray}, or straight into a {@link org.contrast4j.linalg.Matrix};</li>
 *   <li>{@link org.contrast4j.io.AtomicFiles} writes a file atomically and durably (temporary file, fsync, rename,
 *       fsync of the directory): every writer in contrast4j uses it;</li>
 *   <li>{@link org.contrast4j.io.FileFormatException} is the one exception for a file whose content is wrong,
 *       with a one-line message naming the file and the problem.</li>
 * </ul>
 *
 * <p>Readers check every size a file declares against the file's length before they allocate, so a corrupt or
 * hostile file gets a {@code FileFormatException}, never an {@link OutOfMemoryError}.
 */
package org.contrast4j.io;
