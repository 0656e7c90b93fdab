/**
 * The {@code contrast4j} command line (entry point {@link org.contrast4j.cli.Main}): contrastive losses with their
 * exact gradients ({@code contrast4j loss}) and representation metrics ({@code contrast4j metrics}) on NumPy
 * {@code .npy} files, so every number can be checked from Python; word vectors: nearest neighbours in a word2vec
 * file ({@code contrast4j neighbours}) and the skip-gram objectives compared on one corpus
 * ({@code contrast4j compare words}: a table, {@code compare.json} and a self-contained HTML report with XChart plots).
 *
 * <p>Inputs are {@code .npy} files read by {@link org.contrast4j.io.Npy} (format 1.0–3.0, float32 or float64
 * embeddings, int32 or int64 labels, either byte order, C or Fortran order; 1–3 dimensions as each option needs);
 * outputs are float32 {@code .npy} gradients shaped like their inputs and a JSON document, each written atomically
 * ({@link org.contrast4j.io.AtomicFiles}). Every problem with the input — an unreadable or malformed file, shapes that
 * disagree, a NaN, an option that does not apply to the chosen loss, a value the library rejects — ends the program
 * with exit code 2 and one line on stderr naming the option, the file and what is wrong. Everything but
 * {@link org.contrast4j.cli.Main} is package-private.
 */
package org.contrast4j.cli;
