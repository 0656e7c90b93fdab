/**
 * contrast4j core: float32 matrices and the kernel provider, similarities, every contrastive and NCE-family loss
 * with exact gradients, representation metrics, samplers, Adam, exact top-k search with retrieval metrics and
 * hard-negative mining, NumPy .npy files and atomic writes (io), and the tiled InfoNCE engine (internal, reached
 * through {@link org.contrast4j.loss.InfoNce}). No runtime dependency beyond EJML (eigenvalues for the effective
 * rank).
 */
module org.contrast4j.core {
    requires static jdk.incubator.vector;
    requires ejml.core;
    requires ejml.ddense;

    exports org.contrast4j.linalg;
    exports org.contrast4j.similarity;
    exports org.contrast4j.loss;
    exports org.contrast4j.metric;
    exports org.contrast4j.sample;
    exports org.contrast4j.optim;
    exports org.contrast4j.retrieval;
    exports org.contrast4j.io;

    exports org.contrast4j.internal to
            org.contrast4j.embed, org.contrast4j.experiments, org.contrast4j.djl, org.contrast4j.lucene,
            org.contrast4j.text, org.contrast4j.cli;
}
