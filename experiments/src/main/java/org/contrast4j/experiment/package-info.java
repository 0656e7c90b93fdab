/**
 * Experiments that check the theory on synthetic data with a known answer, as small seeded, deterministic runs that
 * the command line ({@code contrast4j experiment mi|nce}) and the tests call directly.
 *
 * <table>
 *   <caption>Experiments</caption>
 *   <tr><th>class</th><th>what it measures</th><th>claim</th></tr>
 *   <tr><td>{@link org.contrast4j.experiment.MiExperiment}</td>
 *       <td>the InfoNCE bound log N − L of a trained critic on held-out correlated Gaussians, beside the true
 *       I = −(d/2)·log(1 − ρ²) and log N</td>
 *       <td>the bound stays below min(I, log N) and rises with N (van den Oord et al. 2018; Poole et al.
 *       2019)</td></tr>
 *   <tr><td>{@link org.contrast4j.experiment.NceExperiment}</td>
 *       <td>KL(p ‖ softmax(s)) and log Z of free logits fitted to samples of a known Zipf distribution by the full
 *       softmax, NCE, negative sampling and sampled softmax, for good and bad noise and several k</td>
 *       <td>NCE's error falls with k and depends less on the noise as k grows, and NCE self-normalises (Gutmann
 *       &amp; Hyvärinen 2010; Mnih &amp; Teh 2012); negative sampling learns log p − log(k·q) (Levy &amp; Goldberg
 *       2014)</td></tr>
 * </table>
 *
 * <p>The optimiser is core's {@link org.contrast4j.optim.Adam} (Kingma &amp; Ba 2015) on double parameters;
 * configurations are immutable and built by builders whose setters validate at once ({@link java.lang.IllegalArgumentException} naming the value);
 * every random stream derives from the configured seed.
 */
package org.contrast4j.experiment;
