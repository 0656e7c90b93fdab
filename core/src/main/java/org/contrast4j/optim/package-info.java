/**
 * Optimisers for parameters held in plain arrays: {@link org.contrast4j.optim.Adam} (Kingma &amp; Ba 2015), the one
 * Adam of contrast4j, used by the experiments, the image trainer (through a thin adapter over DJL parameters) and
 * any trainer whose parameters are {@code float[]} or {@code double[]} vectors.
 */
package org.contrast4j.optim;
