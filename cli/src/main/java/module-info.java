/** contrast4j command line: {@code ./contrast4j <command>}; not a library (no package is exported). */
module org.contrast4j.cli {
    requires org.contrast4j.core;
    requires org.contrast4j.embed;
    requires org.contrast4j.experiments;
    requires org.contrast4j.djl;
    requires org.contrast4j.lucene;
    requires org.contrast4j.text;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires org.knowm.xchart;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;
    requires jdk.management;
    requires java.logging;

    opens org.contrast4j.cli to info.picocli;
}
