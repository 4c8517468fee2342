package dev.orca.crd;

import dev.orca.crd.OrcaExperimentSpec.Metric;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks that JSON Schema cannot express (or that the CLI must make without an API server), each
 * violation naming its field by path. Both the operator (before it creates a Job) and {@code orca run}
 * (before it loads any data) call this.
 */
public final class SpecValidation {
    private SpecValidation() {}

    /** One problem: the field's path ({@code spec.task.numClasses}) and what is wrong with it. */
    public record Violation(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    private static final List<String> GENERATORS = alternatives(OrcaExperimentSpec.GENERATOR_PATTERN);
    private static final List<String> FORMATS = alternatives(OrcaExperimentSpec.FORMAT_PATTERN);

    /** The names of a {@code ^(a|b|c)$} pattern. */
    private static List<String> alternatives(String pattern) {
        return List.of(pattern.substring(2, pattern.length() - 2).split("\\|"));
    }

    public static List<Violation> validate(OrcaExperimentSpec spec) {
        List<Violation> out = new ArrayList<>();
        if (spec == null) {
            out.add(new Violation("spec", "is required"));
            return out;
        }
        task(spec, out);
        body(spec, out);
        if (spec.mode == null) {
            out.add(new Violation("spec.mode", "is required (orca, orca-layernorm, finetune, finetune-layernorm, scratch)"));
        } else if (spec.mode.aligns() || (spec.compare != null && spec.compare.modes != null
                && spec.compare.modes.stream().anyMatch(m -> m != null && m.aligns()))) {
            alignment(spec, out);
        }
        finetune(spec, out);
        search(spec, out);
        compare(spec, out);
        tracking(spec, out);
        check(out, spec.seed >= 0, "spec.seed", "must be >= 0, got " + spec.seed);
        if (spec.resources != null) {
            check(out, spec.resources.gpus >= 0, "spec.resources.gpus", "must be >= 0, got " + spec.resources.gpus);
            check(out, spec.resources.cpu == null || spec.resources.cpu.matches(OrcaExperimentSpec.QUANTITY_PATTERN),
                    "spec.resources.cpu", "must be a Kubernetes quantity such as 4 or 500m, got " + spec.resources.cpu);
            check(out, spec.resources.memory == null || spec.resources.memory.matches(OrcaExperimentSpec.QUANTITY_PATTERN),
                    "spec.resources.memory", "must be a Kubernetes quantity such as 16Gi, got " + spec.resources.memory);
            // The pattern admits 0; a request of nothing is not a pod that can train.
            check(out, spec.resources.cpu == null || !zero(spec.resources.cpu), "spec.resources.cpu", "must be greater than 0");
            check(out, spec.resources.memory == null || !zero(spec.resources.memory), "spec.resources.memory", "must be greater than 0");
        }
        if (spec.storage != null && spec.storage.subPath != null) {
            String sub = spec.storage.subPath;
            check(out, !sub.startsWith("/") && !java.util.Arrays.asList(sub.split("/")).contains(".."), "spec.storage.subPath",
                    "must be a relative path inside the claim (no leading / or ..), got " + sub);
        }
        OrcaExperimentSpec.RunPolicy policy = spec.runPolicy;
        if (policy != null) {
            check(out, policy.backoffLimit >= 0, "spec.runPolicy.backoffLimit", "must be >= 0, got " + policy.backoffLimit);
            check(out, policy.activeDeadlineSeconds == null || policy.activeDeadlineSeconds > 0,
                    "spec.runPolicy.activeDeadlineSeconds", "must be > 0, got " + policy.activeDeadlineSeconds);
            check(out, policy.ttlSecondsAfterFinished == null || policy.ttlSecondsAfterFinished >= 0,
                    "spec.runPolicy.ttlSecondsAfterFinished", "must be >= 0, got " + policy.ttlSecondsAfterFinished);
        }
        // The schema's bounds last: where a check above already named a field (in words meant for people, e.g. "a
        // Kubernetes quantity such as 4 or 500m" rather than the pattern), the first word on it is kept.
        SchemaBounds.check(spec, "spec", out);
        java.util.Set<String> seen = new java.util.HashSet<>();
        out.removeIf(v -> !seen.add(v.field()));
        return out;
    }

    /** Whether a quantity that matched QUANTITY_PATTERN is zero (its number part has no non-zero digit). */
    private static boolean zero(String quantity) {
        String number = quantity.replaceFirst("(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)$", "");
        return number.chars().noneMatch(c -> c >= '1' && c <= '9');
    }

    private static void task(OrcaExperimentSpec spec, List<Violation> out) {
        OrcaExperimentSpec.Task task = spec.task;
        if (task == null) {
            out.add(new Violation("spec.task", "is required"));
            return;
        }
        if (task.type == null) {
            out.add(new Violation("spec.task.type", "is required (classification, multilabel, dense)"));
        }
        List<Long> in = task.inputShape;
        boolean shapeOk = in != null && (in.size() == 2 || in.size() == 3) && in.stream().allMatch(d -> d != null && d > 0);
        check(out, shapeOk, "spec.task.inputShape", "must be [C, L] or [C, H, W] with positive sizes, got " + in);
        if (shapeOk && in.stream().allMatch(d -> d <= OrcaExperimentSpec.MAX_AXIS)) {
            long values = in.stream().reduce(1L, (a, b) -> a * b);
            check(out, values <= OrcaExperimentSpec.MAX_VALUES_PER_EXAMPLE, "spec.task.inputShape",
                    "holds at most 2^27 values per example, got " + values + " for " + in);
        }
        if (task.type == TaskType.CLASSIFICATION || task.type == TaskType.MULTILABEL) {
            int least = task.type == TaskType.CLASSIFICATION ? 2 : 1;
            check(out, task.numClasses != null && task.numClasses >= least, "spec.task.numClasses",
                    "must be >= " + least + " for " + OrcaExperimentSpec.wireName(task.type) + " tasks, got " + task.numClasses);
        }
        if (task.type == TaskType.DENSE) {
            List<Long> o = task.outputShape;
            if (o == null || o.isEmpty()) {
                out.add(new Violation("spec.task.outputShape", "is required for dense tasks"));
            } else if (shapeOk && (o.size() != in.size() || !o.subList(1, o.size()).equals(in.subList(1, in.size()))
                    || o.get(0) == null || o.get(0) < 1)) {
                out.add(new Violation("spec.task.outputShape", "must be [K, spatial sizes of inputShape], got " + o
                        + " for inputShape " + in));
            }
        }
        if (task.metric == null) {
            out.add(new Violation("spec.task.metric", "is required"));
        } else if (task.type != null && !fits(task.metric, task.type)) {
            out.add(new Violation("spec.task.metric", OrcaExperimentSpec.wireName(task.metric) + " does not apply to " + OrcaExperimentSpec.wireName(task.type) + " tasks"));
        }
        data(task.data, out);
    }

    private static boolean fits(Metric metric, TaskType type) {
        return switch (metric) {
            case ZERO_ONE_ERROR, ONE_MINUS_F1 -> type == TaskType.CLASSIFICATION;
            // Dense AUROC is per pixel over all pixels (NAS-Bench-360's Cosmic).
            case ONE_MINUS_AUROC -> true;
            case ONE_MINUS_MAP -> type == TaskType.MULTILABEL || type == TaskType.CLASSIFICATION;
            case MAE8, RELATIVE_L2 -> type == TaskType.DENSE;
            case NLL -> type == TaskType.DENSE || type == TaskType.MULTILABEL;
        };
    }

    private static void data(OrcaExperimentSpec.Data data, List<Violation> out) {
        if (data == null || (data.generator == null) == (data.files == null)) {
            out.add(new Violation("spec.task.data", "needs exactly one of generator and files"));
            return;
        }
        if (data.generator != null) {
            check(out, data.generator.name != null && GENERATORS.contains(data.generator.name), "spec.task.data.generator.name",
                    "must be one of " + GENERATORS + ", got " + data.generator.name);
            check(out, data.generator.samples == null || data.generator.samples >= 10, "spec.task.data.generator.samples",
                    "must be >= 10, got " + data.generator.samples);
            check(out, data.generator.resolution == null || data.generator.resolution >= 5, "spec.task.data.generator.resolution",
                    "must be >= 5, got " + data.generator.resolution);
        } else {
            check(out, data.files.train != null && !data.files.train.isBlank(), "spec.task.data.files.train", "is required");
            check(out, data.files.format != null && FORMATS.contains(data.files.format), "spec.task.data.files.format",
                    "must be one of " + FORMATS + ", got " + data.files.format);
        }
        check(out, data.validationFraction >= 0 && data.validationFraction <= 0.5, "spec.task.data.validationFraction",
                "must be in [0, 0.5], got " + data.validationFraction);
        check(out, data.testFraction >= 0 && data.testFraction <= 0.5, "spec.task.data.testFraction",
                "must be in [0, 0.5], got " + data.testFraction);
        check(out, data.trainFraction > 0 && data.trainFraction <= 1, "spec.task.data.trainFraction",
                "must be in (0, 1], got " + data.trainFraction);
    }

    private static void body(OrcaExperimentSpec spec, List<Violation> out) {
        if (spec.body == null || spec.body.checkpoint == null || spec.body.checkpoint.isBlank()) {
            out.add(new Violation("spec.body.checkpoint", "is required (e.g. bundled:all-minilm-l6-v2)"));
            return;
        }
        String c = spec.body.checkpoint;
        check(out, !c.contains(":") || c.startsWith("bundled:") || c.startsWith("hf:") || c.startsWith("file:"),
                "spec.body.checkpoint", "must start with bundled:, hf: or file:, got " + c);
        List<String> candidates = spec.body.candidates;
        if (candidates != null) {
            check(out, candidates.size() >= 2 && candidates.size() <= 8, "spec.body.candidates",
                    "must list 2 to 8 checkpoints, got " + candidates.size());
            check(out, candidates.stream().distinct().count() == candidates.size(), "spec.body.candidates",
                    "must not repeat a checkpoint, got " + candidates);
            for (int i = 0; i < candidates.size(); i++) {
                String b = candidates.get(i);
                check(out, b != null && !b.isBlank() && (!b.contains(":") || b.startsWith("bundled:") || b.startsWith("hf:")
                        || b.startsWith("file:")), "spec.body.candidates[" + i + "]", "must start with bundled:, hf: or file:, got " + b);
            }
            check(out, spec.mode == null || spec.mode.aligns(), "spec.body.candidates",
                    "are chosen by their alignment distance: the mode must align (orca, orca-layernorm)");
        }
        check(out, "mean".equals(spec.body.pooling) || "cls".equals(spec.body.pooling), "spec.body.pooling",
                "must be mean or cls, got " + spec.body.pooling);
    }

    private static void compare(OrcaExperimentSpec spec, List<Violation> out) {
        OrcaExperimentSpec.Compare c = spec.compare;
        if (c == null) {
            return;
        }
        if (c.modes == null || c.modes.isEmpty() || c.modes.size() > OrcaExperimentSpec.Compare.MAX_MODES) {
            out.add(new Violation("spec.compare.modes", "must list 1 to " + OrcaExperimentSpec.Compare.MAX_MODES + " modes, got "
                    + (c.modes == null ? "none" : c.modes.size())));
        } else {
            check(out, c.modes.stream().distinct().count() == c.modes.size(), "spec.compare.modes", "must not repeat a mode");
            check(out, !c.modes.contains(spec.mode), "spec.compare.modes",
                    "are compared with mode: list the other modes only, got " + OrcaExperimentSpec.wireName(spec.mode));
        }
        check(out, c.seeds >= 2 && c.seeds <= OrcaExperimentSpec.Compare.MAX_SEEDS, "spec.compare.seeds",
                "must be in [2, " + OrcaExperimentSpec.Compare.MAX_SEEDS + "], got " + c.seeds);
        check(out, spec.search == null && (spec.body == null || spec.body.candidates == null), "spec.compare",
                "runs the experiment as written in each mode and does not combine with search or body.candidates");
    }

    private static void tracking(OrcaExperimentSpec spec, List<Violation> out) {
        if (spec.tracking == null) {
            return;
        }
        OrcaExperimentSpec.Mlflow m = spec.tracking.mlflow;
        if (m == null) {
            out.add(new Violation("spec.tracking.mlflow", "is required in tracking (the tracker Orca talks to)"));
            return;
        }
        check(out, m.uri != null && m.uri.length() <= 512 && m.uri.matches(OrcaExperimentSpec.Mlflow.URI_PATTERN), "spec.tracking.mlflow.uri",
                "must be an http(s)://host[:port][/path] URL of at most 512 characters, got " + m.uri);
        check(out, m.experiment == null || (!m.experiment.isBlank() && m.experiment.length() <= 256), "spec.tracking.mlflow.experiment",
                "must be 1 to 256 characters");
        check(out, m.credentialsSecret == null || m.credentialsSecret.matches("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"),
                "spec.tracking.mlflow.credentialsSecret", "must be a Secret's name, got " + m.credentialsSecret);
    }

    private static void alignment(OrcaExperimentSpec spec, List<Violation> out) {
        if (spec.source == null || spec.source.dataset == null || spec.source.dataset.isBlank()) {
            out.add(new Violation("spec.source.dataset", "is required when mode " + OrcaExperimentSpec.wireName(spec.mode)
                    + " aligns (or a mode of spec.compare does)"));
        }
        if (spec.source != null) {
            check(out, spec.source.samples >= 10, "spec.source.samples", "must be >= 10, got " + spec.source.samples);
        }
        OrcaExperimentSpec.Alignment a = spec.alignment;
        if (a == null) {
            out.add(new Violation("spec.alignment", "is required when the mode aligns"));
            return;
        }
        check(out, a.metric != null, "spec.alignment.metric", "is required");
        check(out, a.epochs >= 1, "spec.alignment.epochs", "must be >= 1, got " + a.epochs);
        check(out, a.samplesPerClass >= 2, "spec.alignment.samplesPerClass", "must be >= 2, got " + a.samplesPerClass);
        check(out, a.rounds >= 1, "spec.alignment.rounds", "must be >= 1, got " + a.rounds);
        check(out, a.pseudoLabels == null || a.pseudoLabels >= 2, "spec.alignment.pseudoLabels", "must be >= 2, got " + a.pseudoLabels);
        check(out, a.epsilon > 0, "spec.alignment.epsilon", "must be > 0, got " + a.epsilon);
        if (a.optimizer != null) {
            optimizer(a.optimizer, "spec.alignment.optimizer", out);
        }
    }

    private static void finetune(OrcaExperimentSpec spec, List<Violation> out) {
        OrcaExperimentSpec.Finetune f = spec.finetune;
        if (f == null) {
            out.add(new Violation("spec.finetune", "is required"));
            return;
        }
        check(out, f.epochs >= 1, "spec.finetune.epochs", "must be >= 1, got " + f.epochs);
        check(out, f.batchSize >= 1, "spec.finetune.batchSize", "must be >= 1, got " + f.batchSize);
        check(out, f.gradientAccumulation >= 1, "spec.finetune.gradientAccumulation", "must be >= 1, got " + f.gradientAccumulation);
        check(out, f.clipNorm >= 0, "spec.finetune.clipNorm", "must be >= 0, got " + f.clipNorm);
        // dropout's and warmupEpochs' ranges are their schema bounds (SchemaBounds); what the annotations cannot say is here.
        if (f.schedule != null) {
            check(out, f.schedule.decayEpochs == null || f.schedule.decayEpochs > f.schedule.warmupEpochs,
                    "spec.finetune.schedule.decayEpochs", "must be greater than warmupEpochs (" + f.schedule.warmupEpochs + "), got "
                            + f.schedule.decayEpochs);
        }
        optimizer(f.optimizer, "spec.finetune.optimizer", out);
    }

    private static void search(OrcaExperimentSpec spec, List<Violation> out) {
        OrcaExperimentSpec.Search s = spec.search;
        if (s == null) {
            return;
        }
        int maxTrials = OrcaExperimentStatus.MAX_TRIALS;
        check(out, s.trials >= 1 && s.trials <= maxTrials, "spec.search.trials", "must be in [1, " + maxTrials + "], got " + s.trials);
        check(out, spec.task == null || spec.task.data == null || spec.task.data.validationFraction > 0,
                "spec.task.data.validationFraction", "must be > 0 when spec.search is set: trials are ranked on the validation"
                        + " split (the default 0 trains on the whole training split, as the official code)");
        check(out, s.parallelism >= 1 && s.parallelism <= 64, "spec.search.parallelism", "must be in [1, 64], got " + s.parallelism);
        check(out, s.reductionFactor >= 2, "spec.search.reductionFactor", "must be >= 2, got " + s.reductionFactor);
        check(out, s.minEpochs >= 1, "spec.search.minEpochs", "must be >= 1, got " + s.minEpochs);
        check(out, s.maxEpochs == null || s.maxEpochs >= s.minEpochs, "spec.search.maxEpochs",
                "must be at least minEpochs (" + s.minEpochs + "), got " + s.maxEpochs);
        OrcaExperimentSpec.Space space = s.space;
        if (space == null) {
            out.add(new Violation("spec.search.space", "is required"));
            return;
        }
        int batch = spec.finetune == null ? 1 : Math.max(1, spec.finetune.batchSize);
        if (space.batchSizes != null) {
            check(out, !space.batchSizes.isEmpty(), "spec.search.space.batchSizes", "must not be empty");
            check(out, space.batchSizes.stream().allMatch(b -> b != null && b >= 1 && b % batch == 0), "spec.search.space.batchSizes",
                    "must be multiples of finetune.batchSize (" + batch + "; reached by gradient accumulation), got " + space.batchSizes);
        }
        int max = OrcaExperimentSpec.Space.MAX_VALUES;
        check(out, space.batchSizes == null || space.batchSizes.size() <= max, "spec.search.space.batchSizes",
                "must list at most " + max + " values, got " + (space.batchSizes == null ? 0 : space.batchSizes.size()));
        check(out, space.optimizers == null || space.optimizers.size() <= 3, "spec.search.space.optimizers",
                "must list at most 3 optimizers, got " + (space.optimizers == null ? 0 : space.optimizers.size()));
        check(out, space.learningRates == null || space.learningRates.size() <= max, "spec.search.space.learningRates",
                "must list at most " + max + " values, got " + (space.learningRates == null ? 0 : space.learningRates.size()));
        check(out, space.weightDecays == null || space.weightDecays.size() <= max, "spec.search.space.weightDecays",
                "must list at most " + max + " values, got " + (space.weightDecays == null ? 0 : space.weightDecays.size()));
        check(out, space.optimizers != null && !space.optimizers.isEmpty() && !space.optimizers.contains(null),
                "spec.search.space.optimizers", "must list at least one of sgd, adam, adamw");
        check(out, space.learningRates != null && !space.learningRates.isEmpty()
                        && space.learningRates.stream().allMatch(v -> v != null && v > 0 && Double.isFinite(v)),
                "spec.search.space.learningRates", "must list positive learning rates, got " + space.learningRates);
        check(out, space.weightDecays != null && !space.weightDecays.isEmpty()
                        && space.weightDecays.stream().allMatch(v -> v != null && v >= 0 && Double.isFinite(v)),
                "spec.search.space.weightDecays", "must list weight decays >= 0, got " + space.weightDecays);
    }

    private static void optimizer(OrcaExperimentSpec.Optimizer o, String path, List<Violation> out) {
        if (o == null) {
            out.add(new Violation(path, "is required"));
            return;
        }
        check(out, o.name != null, path + ".name", "is required (sgd, adam, adamw)");
        check(out, o.lr > 0 && Double.isFinite(o.lr), path + ".lr", "must be > 0, got " + o.lr);
        check(out, o.weightDecay >= 0, path + ".weightDecay", "must be >= 0, got " + o.weightDecay);
        check(out, o.momentum >= 0 && o.momentum < 1, path + ".momentum", "must be in [0, 1), got " + o.momentum);
        check(out, o.betas != null && o.betas.size() == 2 && o.betas.stream().allMatch(b -> b != null && b >= 0 && b < 1),
                path + ".betas", "must be two values in [0, 1), got " + o.betas);
    }

    private static void check(List<Violation> out, boolean ok, String field, String message) {
        if (!ok) {
            out.add(new Violation(field, message));
        }
    }
}
