package org.contrast4j.loss;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.contrast4j.similarity.Similarity;

/**
 * Builds the contrast4j loss a fixture describes, through the public builders only. Every key of the fixture's
 * config must be consumed: an option the script sets but this factory ignores fails the test instead of being
 * silently dropped.
 */
final class FixtureLosses {
    /**
     * The CLI loss names, align-uniform and matryoshka (over an inner loss); the fixture directory must hold at least
     * one fixture of each.
     */
    static final Set<String> LOSS_NAMES = Set.of("infonce", "clip", "ntxent", "supcon", "siglip", "dcl", "dclw",
            "margin", "triplet", "align-uniform", "matryoshka");

    private FixtureLosses() {
    }

    static ContrastiveLoss build(String loss, JsonNode config) {
        return build(loss, config, Engine.AUTO);
    }

    /** As {@link #build(String, JsonNode)}, with the InfoNCE losses (infonce, clip) on {@code engine}. */
    static ContrastiveLoss build(String loss, JsonNode config, Engine engine) {
        Config c = new Config(config);
        ContrastiveLoss built = switch (loss) {
            case "infonce" -> InfoNce.builder()
                    .temperature(c.dbl("temperature"))
                    .learnableTemperature(c.bool("learnable_temperature"))
                    .maxLogitScale(c.maxLogitScale())
                    .symmetric(c.bool("symmetric"))
                    .similarity(c.similarity())
                    .reduction(c.reduction())
                    .engine(engine)
                    .guideMargin(c.has("guide_margin") ? c.dbl("guide_margin") : 0.0)
                    .build();
            case "clip" -> clip(c, engine);
            case "ntxent" -> NtXent.builder()
                    .temperature(c.dbl("temperature"))
                    .learnableTemperature(c.bool("learnable_temperature"))
                    .similarity(c.similarity())
                    .reduction(c.reduction())
                    .guideMargin(c.has("guide_margin") ? c.dbl("guide_margin") : 0.0)
                    .build();
            case "supcon" -> {
                SupCon.Builder b = SupCon.builder()
                        .temperature(c.dbl("temperature"))
                        .learnableTemperature(c.bool("learnable_temperature"))
                        .similarity(c.similarity())
                        .reduction(c.reduction())
                        .guideMargin(c.has("guide_margin") ? c.dbl("guide_margin") : 0.0);
                JsonNode base = c.take("base_temperature");
                if (!base.isNull()) {
                    b.baseTemperature(base.doubleValue());
                }
                yield b.build();
            }
            case "siglip" -> SigLip.builder()
                    .temperature(c.dbl("temperature"))
                    .bias(c.dbl("bias"))
                    .learnableTemperature(c.bool("learnable_temperature"))
                    .learnableBias(c.bool("learnable_bias"))
                    .similarity(c.similarity())
                    .reduction(c.reduction())
                    .build();
            case "dcl", "dclw" -> {
                boolean weighted = c.bool("weighted");
                if (weighted != loss.equals("dclw")) {
                    throw new IllegalArgumentException(loss + " fixture has weighted=" + weighted);
                }
                yield Dcl.builder()
                        .temperature(c.dbl("temperature"))
                        .weighted(weighted)
                        .sigma(c.dbl("sigma"))
                        .learnableTemperature(c.bool("learnable_temperature"))
                        .similarity(c.similarity())
                        .reduction(c.reduction())
                        .guideMargin(c.has("guide_margin") ? c.dbl("guide_margin") : 0.0)
                        .build();
            }
            case "margin" -> MarginContrastive.builder()
                    .positiveMargin(c.dbl("positive_margin"))
                    .negativeMargin(c.dbl("negative_margin"))
                    .similarity(c.similarity())
                    .reduction(c.reduction())
                    .build();
            case "triplet" -> Triplet.builder()
                    .margin(c.dbl("margin"))
                    .softplus(c.bool("softplus"))
                    .similarity(c.similarity())
                    .reduction(c.reduction())
                    .build();
            case "align-uniform" -> AlignUniform.builder()
                    .alpha(c.dbl("alpha"))
                    .t(c.dbl("t"))
                    .lambda(c.dbl("lambda"))
                    .normalize(c.bool("normalize"))
                    .build();
            case "matryoshka" -> matryoshka(c, config, engine);
            default -> throw new IllegalArgumentException("no factory for loss " + loss);
        };
        c.requireAllUsed(loss);
        return built;
    }

    /**
     * The CLIP preset: {@link InfoNce#clip()} with only the fixture's "overrides" applied, so the preset's own
     * temperature, learnability, clamp and symmetry are what the fixture's full config (computed by torch) checks.
     * The rest of the config documents the preset and is not applied.
     */
    private static ContrastiveLoss clip(Config c, Engine engine) {
        InfoNce.Builder b = InfoNce.clip().engine(engine);
        JsonNode overrides = c.take("overrides");
        Config o = new Config(overrides);
        for (Iterator<String> it = overrides.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            switch (key) {
                case "temperature" -> b.temperature(o.dbl(key));
                case "similarity" -> b.similarity(o.similarity());
                case "reduction" -> b.reduction(o.reduction());
                case "learnable_temperature" -> b.learnableTemperature(o.bool(key));
                case "symmetric" -> b.symmetric(o.bool(key));
                case "max_logit_scale" -> b.maxLogitScale(o.maxLogitScale());
                default -> throw new IllegalArgumentException("unknown CLIP override " + key);
            }
        }
        for (String key : Set.of("temperature", "learnable_temperature", "max_logit_scale", "symmetric",
                "similarity", "reduction")) {
            c.take(key); // documented preset values, verified through the numbers
        }
        return b.build();
    }

    /**
     * Matryoshka over the loss named by "inner", whose options are the rest of the config (every one of them
     * consumed by the inner loss's own factory).
     */
    private static ContrastiveLoss matryoshka(Config c, JsonNode config, Engine engine) {
        String inner = c.take("inner").asText();
        JsonNode dimsNode = c.take("dims");
        JsonNode weightsNode = c.take("weights");
        int[] dims = new int[dimsNode.size()];
        double[] weights = new double[weightsNode.size()];
        for (int k = 0; k < dims.length; k++) {
            dims[k] = dimsNode.get(k).asInt();
        }
        for (int k = 0; k < weights.length; k++) {
            weights[k] = weightsNode.get(k).doubleValue();
        }
        com.fasterxml.jackson.databind.node.ObjectNode rest = config.deepCopy();
        rest.remove(java.util.List.of("inner", "dims", "weights"));
        for (Iterator<String> it = rest.fieldNames(); it.hasNext(); ) {
            c.take(it.next()); // consumed by the inner factory, which checks them all
        }
        return Matryoshka.of(build(inner, rest, engine)).dims(dims).weights(weights).build();
    }

    /** The temperature whose logit scale the fixture runs at: 1/τ, clamped at max_logit_scale if set. */
    static double logitScale(JsonNode config) {
        JsonNode tau = config.get("temperature");
        if (tau == null) {
            return 1.0; // no temperature (margin, triplet)
        }
        double scale = 1.0 / tau.doubleValue();
        JsonNode max = config.get("max_logit_scale");
        if (max != null && !max.isNull()) {
            scale = Math.min(scale, max.doubleValue());
        }
        return scale;
    }

    /** Reads config keys and remembers which were used. */
    private static final class Config {
        private final JsonNode node;
        private final Set<String> used = new LinkedHashSet<>();

        Config(JsonNode node) {
            this.node = node;
        }

        JsonNode take(String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                throw new IllegalArgumentException("fixture config has no " + key + ": " + node);
            }
            used.add(key);
            return v;
        }

        boolean has(String key) {
            return node.has(key);
        }

        double dbl(String key) {
            return take(key).doubleValue();
        }

        boolean bool(String key) {
            JsonNode v = take(key);
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(key + " is not a boolean: " + v);
            }
            return v.booleanValue();
        }

        double maxLogitScale() {
            JsonNode v = take("max_logit_scale");
            return v.isNull() ? Double.POSITIVE_INFINITY : v.doubleValue();
        }

        Similarity similarity() {
            return Similarity.valueOf(take("similarity").asText().toUpperCase(Locale.ROOT));
        }

        Reduction reduction() {
            return Reduction.valueOf(take("reduction").asText().toUpperCase(Locale.ROOT));
        }

        void requireAllUsed(String loss) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!used.contains(key)) {
                    throw new IllegalArgumentException(loss + " fixture option " + key + " is not applied by "
                            + "FixtureLosses");
                }
            }
        }
    }
}
