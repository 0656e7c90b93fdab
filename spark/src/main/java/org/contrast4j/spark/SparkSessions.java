package org.contrast4j.spark;

import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * Spark sessions bound to the loopback interface: the driver's host and bind address are 127.0.0.1 (Spark would
 * otherwise bind to the machine's network address), the web UI is off, and executors get the JDK 25
 * {@code --add-opens} flags Spark needs. For {@code local[N]} and for a standalone cluster on 127.0.0.1.
 */
public final class SparkSessions {
    /** The {@code --add-opens} flags Spark needs on JDK 25 (the JVM running the driver must have them too). */
    public static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"
            + " --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
            + " --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
            + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED";

    private SparkSessions() {
    }

    /**
     * A session (new, or the active one with the same master) on {@code master} ({@code local[2]},
     * {@code spark://127.0.0.1:7077}, …) bound to 127.0.0.1; on a {@code spark://} master the jars holding this
     * library (contrast4j-spark, -embed, -core, or the CLI's jar that contains them) are shipped to the executors.
     */
    public static SparkSession loopback(String master, String appName) {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(appName, "appName");
        SparkSession.Builder b = SparkSession.builder();
        if (master.startsWith("spark://")) {
            // a cluster's executors need this library's classes: ship the jars they come from
            String jars = jarsOf(SparkSessions.class, org.contrast4j.embed.SkipGram.class,
                    org.contrast4j.sample.Unigram.class);
            if (!jars.isEmpty()) {
                b.config("spark.jars", jars);
            }
        }
        return b
                .master(master)
                .appName(appName)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.executor.extraJavaOptions", ADD_OPENS
                        + " --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED")
                .getOrCreate();
    }

    /** The distinct jar files the classes were loaded from (directories, as in a build tree, are left out). */
    static String jarsOf(Class<?>... classes) {
        java.util.LinkedHashSet<String> jars = new java.util.LinkedHashSet<>();
        for (Class<?> c : classes) {
            java.security.CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null) {
                continue;
            }
            try {
                java.nio.file.Path path = java.nio.file.Path.of(source.getLocation().toURI());
                if (java.nio.file.Files.isRegularFile(path)) {
                    jars.add(path.toString());
                }
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                // not a file: nothing to ship
            }
        }
        return String.join(",", jars);
    }
}
