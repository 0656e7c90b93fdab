/** contrast4j DJL: the core losses as DJL {@code Loss}es, the GradCache bridge, image data and the image trainer. */
module org.contrast4j.djl {
    requires transitive org.contrast4j.core;
    requires transitive ai.djl.api;

    exports org.contrast4j.djl;
    exports org.contrast4j.djl.data;
    exports org.contrast4j.djl.train;
}
