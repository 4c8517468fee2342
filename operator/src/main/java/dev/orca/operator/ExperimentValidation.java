package dev.orca.operator;

import dev.orca.operator.config.OperatorConfig;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.SpecValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that makes an experiment unrunnable here: the spec rules every runner applies
 * ({@link SpecValidation}, also enforced by the CRD's schema where it can express them) plus what only a
 * cluster knows: the operator's GPU limit, that pvc:// data lives on the mounted claim, that hub checkpoints
 * need a volume to be staged on, and name lengths that derived objects can carry.
 */
public final class ExperimentValidation {
    /** Job names become pod labels (63 characters); the trainer Job adds "-trainer" plus the pod suffix. */
    static final int MAX_NAME = 40;

    private ExperimentValidation() {}

    public static List<SpecValidation.Violation> validate(OrcaExperiment experiment, OperatorConfig config) {
        OrcaExperimentSpec spec = experiment.getSpec();
        List<SpecValidation.Violation> out = new ArrayList<>(SpecValidation.validate(spec));
        String name = experiment.getMetadata().getName();
        if (name.length() > MAX_NAME) {
            out.add(new SpecValidation.Violation("metadata.name", "must be at most " + MAX_NAME
                    + " characters (the trainer Job and its pods carry it), got " + name.length()));
        }
        if (spec == null) {
            return out;
        }
        out.addAll(TenantCeiling.check(spec, config));
        if (spec.resources != null && spec.resources.gpus > config.maxGpusPerExperiment()) {
            out.add(new SpecValidation.Violation("spec.resources.gpus", "asks for " + spec.resources.gpus
                    + " GPUs; this operator allows at most " + config.maxGpusPerExperiment() + " per experiment"));
        }
        String claim = spec.storage == null ? null : spec.storage.claimName;
        if (spec.task != null && spec.task.data != null && spec.task.data.files != null) {
            OrcaExperimentSpec.Files f = spec.task.data.files;
            claimOf(f.train, claim, "spec.task.data.files.train", out);
            claimOf(f.test, claim, "spec.task.data.files.test", out);
            claimOf(f.trainLabels, claim, "spec.task.data.files.trainLabels", out);
            claimOf(f.testLabels, claim, "spec.task.data.files.testLabels", out);
        }
        List<String> bodies = new java.util.ArrayList<>();
        if (spec.body != null && spec.body.checkpoint != null) {
            bodies.add(spec.body.checkpoint);
        }
        if (spec.body != null && spec.body.candidates != null) {
            bodies.addAll(spec.body.candidates);
        }
        bodies.stream().filter(b -> b != null && b.startsWith("hf:")).findFirst().filter(b -> claim == null).ifPresent(b ->
                out.add(new SpecValidation.Violation("spec.storage.claimName", "is required for " + b
                        + ": hub checkpoints are staged on the volume (the cluster has no internet access to assume)")));
        return out;
    }

    private static void claimOf(String location, String claim, String field, List<SpecValidation.Violation> out) {
        if (location == null || !location.startsWith("pvc://")) {
            return;
        }
        String named = location.substring("pvc://".length()).split("/", 2)[0];
        if (!named.equals(claim)) {
            out.add(new SpecValidation.Violation(field, location + " is on claim '" + named + "' but the experiment mounts "
                    + (claim == null ? "no claim (spec.storage.claimName)" : "'" + claim + "'")));
        }
    }
}
