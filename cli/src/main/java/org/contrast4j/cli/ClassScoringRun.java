package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassLossResult;
import org.contrast4j.loss.ClassScoringLoss;
import org.contrast4j.loss.FullSoftmax;
import org.contrast4j.loss.Nce;
import org.contrast4j.loss.NegativeSampling;
import org.contrast4j.loss.SampledSoftmax;
import org.contrast4j.loss.Scalar;

/**
 * {@code contrast4j loss --loss softmax|nce|neg|sampled-softmax}: queries (B×D) against a class table (V×D) with an
 * optional bias (V), targets (B), sampled ids (k shared or B×k) and the noise q (V). Writes result.json like every
 * loss ({@code skipped_rows} is always 0: no query is ever skipped), plus {@code touched_classes}, and
 * grad_queries.npy (B×D), grad_classes.npy (V×D, dense: the library's sparse rows expanded, zero elsewhere) and
 * grad_class_bias.npy (V, when a bias was given), all float32.
 */
final class ClassScoringRun {
    private ClassScoringRun() {
    }

    /** The loaded files (by input key: queries, classes, class_bias, targets, samples, noise) and the batch. */
    record Inputs(ClassBatch batch, Map<String, InputFiles.Loaded> files) {
    }

    static void run(LossCommand c) throws IOException {
        ClassScoringLoss built = build(c);
        Inputs in = Options.check(null, () -> load(c));
        OutputDir.prepare("--out", c.out, LossCommand.OUTPUTS);
        ClassLossResult result = Options.check(null, () -> built.compute(in.batch));
        write(c, built, in, result);
    }

    static ClassScoringLoss build(LossCommand c) {
        return switch (c.loss) {
            case SOFTMAX -> {
                FullSoftmax.Builder b = FullSoftmax.builder();
                LossCommand.set("--reduction", c.reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case NCE -> {
                Nce.Builder b = Nce.builder();
                LossCommand.set("--remove-accidental-hits", c.removeAccidentalHits, b::removeAccidentalHits);
                LossCommand.set("--log-normaliser", c.logNormaliser, b::logNormaliser);
                LossCommand.set("--learnable-log-normaliser", c.learnableLogNormaliser, b::learnableLogNormaliser);
                LossCommand.set("--reduction", c.reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case NEG -> {
                NegativeSampling.Builder b = NegativeSampling.builder();
                LossCommand.set("--remove-accidental-hits", c.removeAccidentalHits, b::removeAccidentalHits);
                LossCommand.set("--reduction", c.reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            case SAMPLED_SOFTMAX -> {
                SampledSoftmax.Builder b = SampledSoftmax.builder();
                LossCommand.set("--remove-accidental-hits", c.removeAccidentalHits, b::removeAccidentalHits);
                LossCommand.set("--reduction", c.reduction, b::reduction);
                yield Options.check(null, b::build);
            }
            default -> throw new IllegalStateException(c.loss.key + " is not a class-scoring loss");
        };
    }

    static Inputs load(LossCommand c) {
        Map<String, InputFiles.Loaded> files = new LinkedHashMap<>();
        InputFiles.Loaded h = InputFiles.embeddings("--queries", c.queries, false, "2-D, B×D");
        InputFiles.Loaded w = InputFiles.embeddings("--classes", c.classes, false, "2-D, V×D");
        if (w.dim(1) != h.dim(1)) {
            throw new InputException(w.label() + " is " + w.shapeString() + " but " + h.label() + " is "
                    + h.shapeString() + ": classes must be V×" + h.dim(1) + " (the queries' dimension)");
        }
        files.put("queries", h);
        files.put("classes", w);
        int b = h.dim(0);
        int v = w.dim(0);
        ClassBatch.Builder builder = ClassBatch.builder(h.matrix(), w.matrix());
        if (c.classBias != null) {
            InputFiles.Loaded bias = InputFiles.vector("--class-bias", c.classBias, v, "a class bias", w);
            files.put("class_bias", bias);
            builder.bias(bias.array().toFloats());
        }
        InputFiles.Loaded t = InputFiles.classIds("--targets", c.targets, false, "1-D, one class id per query", w);
        if (t.dim(0) != b) {
            throw new InputException(t.label() + " has " + t.dim(0) + " targets but " + h.label() + " has " + b
                    + " queries (" + h.shapeString() + "): give one target per query");
        }
        files.put("targets", t);
        builder.targets(InputFiles.ints(t));
        if (c.samples != null) {
            InputFiles.Loaded s = InputFiles.classIds("--samples", c.samples, true,
                    "k ids (1-D, shared) or B×k (2-D, per query)", w);
            int k = s.dim(s.ndim() - 1);
            if (k == 0) {
                throw new InputException(s.label() + " is " + s.shapeString() + ": k must be >= 1 (at least one"
                        + " sampled class per query)");
            }
            if (s.ndim() == 2 && s.dim(0) != b) {
                throw new InputException(s.label() + " is " + s.shapeString() + " but " + h.label() + " has " + b
                        + " queries: per-query samples must be " + b + "×k");
            }
            files.put("samples", s);
            if (s.ndim() == 1) {
                builder.sharedSamples(InputFiles.ints(s));
            } else {
                builder.pairedSamples(InputFiles.ints(s), k);
            }
        }
        if (c.noise != null) {
            InputFiles.Loaded q = InputFiles.vector("--noise", c.noise, v, "noise probabilities", w);
            double[] p = q.array().toDoubles();
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                if (p[i] < 0) {
                    throw new InputException(q.label() + ": element [" + i + "] is " + p[i] + ": probabilities must"
                            + " be >= 0");
                }
                sum += p[i];
            }
            if (!(Math.abs(sum - 1) <= ClassBatch.NOISE_SUM_TOLERANCE)) {
                throw new InputException(q.label() + " sums to " + sum + ": the noise probabilities must sum to 1"
                        + " within " + ClassBatch.NOISE_SUM_TOLERANCE + " (normalise them first)");
            }
            files.put("noise", q);
            builder.noise(p);
        }
        return new Inputs(builder.build(), files);
    }

    private static void write(LossCommand c, ClassScoringLoss built, Inputs in, ClassLossResult result)
            throws IOException {
        Path out = c.out;
        List<String> written = new ArrayList<>();
        ObjectNode gradFiles = Output.object();
        ClassBatch batch = in.batch;
        Matrix gq = result.queryGradient();
        written.add(gradient(out, gradFiles, "queries", new int[] {batch.size(), batch.dimension()}, gq.data()));
        written.add(gradient(out, gradFiles, "classes", new int[] {batch.classCount(), batch.dimension()},
                result.classGradient().toDense().data()));
        if (result.biasGradient().isPresent()) {
            double[] db = result.biasGradient().get().toDense();
            float[] f = new float[db.length];
            for (int i = 0; i < db.length; i++) {
                f[i] = (float) db[i];
            }
            written.add(gradient(out, gradFiles, "class_bias", new int[] {batch.classCount()}, f));
        }

        ObjectNode json = Output.object();
        json.put("loss", c.loss.key);
        json.put("config", built.toString());
        json.put("value", result.value());
        ArrayNode perRow = json.putArray("per_row");
        for (double v : result.perRow()) {
            perRow.add(v);
        }
        json.put("skipped_rows", 0); // a class-scoring loss never skips a query
        ObjectNode scalars = json.putObject("scalar_gradients");
        for (Map.Entry<Scalar, Double> e : result.scalarGradients().entrySet()) {
            scalars.put(e.getKey().key(), e.getValue());
        }
        ObjectNode terms = json.putObject("terms");
        for (Map.Entry<String, Double> e : result.terms().entrySet()) {
            terms.put(e.getKey(), e.getValue());
        }
        json.put("touched_classes", result.classGradient().size());
        ObjectNode inputs = json.putObject("inputs");
        for (Map.Entry<String, InputFiles.Loaded> e : in.files.entrySet()) {
            ObjectNode f = inputs.putObject(e.getKey());
            f.put("file", e.getValue().name());
            ArrayNode shape = f.putArray("shape");
            for (int s : e.getValue().shape()) {
                shape.add(s);
            }
        }
        json.set("gradient_files", gradFiles);
        Path resultFile = out.resolve("result.json");
        Output.writeJson(resultFile, json);
        written.addFirst(resultFile.toString());

        Output.Table t = new Output.Table()
                .row("loss", c.loss.key)
                .row("settings", Output.settings(built))
                .row("batch", Output.settings(batch))
                .row("value", result.value())
                .row("rows", result.perRow().length)
                .row("touched classes", result.classGradient().size() + " of " + batch.classCount());
        for (Map.Entry<Scalar, Double> e : result.scalarGradients().entrySet()) {
            t.row("∂L/∂" + e.getKey().key(), e.getValue());
        }
        for (Map.Entry<String, Double> e : result.terms().entrySet()) {
            t.row("term " + e.getKey(), e.getValue());
        }
        t.row("wrote", String.join(", ", written));
        PrintWriter o = c.spec.commandLine().getOut();
        t.print(o);
    }

    private static String gradient(Path out, ObjectNode gradFiles, String key, int[] shape, float[] data)
            throws IOException {
        String file = "grad_" + key + ".npy";
        Npy.write(out.resolve(file), shape, data);
        gradFiles.put(key, file);
        return out.resolve(file).toString();
    }
}
