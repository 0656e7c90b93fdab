/**
 * Skip-gram word and item embeddings on Apache Spark: {@link org.contrast4j.spark.SparkSkipGram} trains the
 * objectives of {@code org.contrast4j.embed.SkipGram} (negative sampling, NCE, sampled softmax, InfoNCE) by
 * stratified model-parallel SGD, the vectors partitioned over the executors and never gathered on the driver;
 * {@link org.contrast4j.spark.SparkSkipGramModel} holds the result. {@link org.contrast4j.spark.SparkSessions} makes
 * sessions bound to 127.0.0.1.
 *
 * <p>Module name {@code org.contrast4j.spark} (an {@code Automatic-Module-Name}: Spark's jars cannot be on the module
 * path — names such as {@code spark-core_2.13} derive no valid module name — so this module cannot require them).
 */
package org.contrast4j.spark;
