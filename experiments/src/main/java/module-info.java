/** contrast4j experiments: the article's claims as seeded experiments (NCE against k, the InfoNCE MI bound). */
module org.contrast4j.experiments {
    requires transitive org.contrast4j.core;

    exports org.contrast4j.experiment;
}
