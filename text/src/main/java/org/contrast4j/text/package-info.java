/**
 * Sentence encoders: text to L2-normalised embedding rows ({@link org.contrast4j.text.SentenceEncoder}).
 */
package org.contrast4j.text;
