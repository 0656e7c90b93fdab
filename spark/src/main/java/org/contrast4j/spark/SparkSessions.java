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
     * {@code spark://127.0.0.1:7077}, …) bound to 127.0.0.1.
     */
    public static SparkSession loopback(String master, String appName) {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(appName, "appName");
        return SparkSession.builder()
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
}
