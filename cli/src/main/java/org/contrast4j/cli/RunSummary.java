package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.contrast4j.djl.train.EpochRecord;
import org.contrast4j.djl.train.Evaluation;
import org.contrast4j.djl.train.TrainingResult;

/**
 * One row of an image run's summary: a trained run, the untrained encoder or raw pixels.
 *
 * @param name the run's name ({@code untrained} and {@code raw-pixels} for the baselines)
 * @param objective the objective's key, or null for a baseline
 * @param temperature the training τ (the final one when learnable), or null when the objective has none
 * @param embeddingDim the dimension kNN and the probe see (784 for raw pixels)
 * @param evaluation the final held-out evaluation
 * @param seconds wall time of the run (training and every evaluation)
 * @param history the epochs, empty for raw pixels
 * @param headOutputs the final head outputs of the two test views, or null
 */
record RunSummary(String name, String objective, Double temperature, int embeddingDim, Evaluation evaluation,
                  double seconds, List<EpochRecord> history, TrainingResult.HeadOutputs headOutputs) {

    /** The summary.json entry: exactly the documented keys. */
    ObjectNode json() {
        ObjectNode o = Output.object();
        o.put("name", name);
        o.put("objective", objective);
        if (temperature == null) {
            o.putNull("temperature");
        } else {
            o.put("temperature", temperature);
        }
        o.put("embedding_dim", embeddingDim);
        o.put("knn_accuracy", evaluation.knnAccuracy());
        o.put("linear_probe_accuracy", evaluation.linearProbeAccuracy());
        o.put("alignment", evaluation.alignment());
        o.put("uniformity", evaluation.uniformity());
        o.put("effective_rank", evaluation.effectiveRank());
        o.put("seconds", seconds);
        return o;
    }

    /** The history.json entry: the name and every epoch's numbers. */
    ObjectNode historyJson() {
        ObjectNode o = Output.object();
        o.put("name", name);
        ArrayNode epochs = o.putArray("epochs");
        for (EpochRecord r : history) {
            Evaluation e = r.evaluation();
            ObjectNode n = epochs.addObject();
            n.put("epoch", r.epoch());
            if (Double.isNaN(r.loss())) {
                n.putNull("loss");
            } else {
                n.put("loss", r.loss());
            }
            n.put("temperature", r.temperature());
            n.put("seconds", r.seconds());
            n.put("knn_accuracy", e.knnAccuracy());
            n.put("linear_probe_accuracy", e.linearProbeAccuracy());
            n.put("alignment", e.alignment());
            n.put("uniformity", e.uniformity());
            n.put("effective_rank", e.effectiveRank());
            n.put("effective_negatives", e.effectiveNegatives());
        }
        return o;
    }
}
