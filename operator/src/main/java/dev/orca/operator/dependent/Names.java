package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.ProgressReport;
import java.util.Map;

/** Names and labels of the objects an experiment owns: one place, so that dependents, informers and tests agree. */
public final class Names {
    private Names() {}

    public static final String EXPERIMENT_LABEL = "orca.dev/experiment";
    public static final String ROLE_LABEL = "orca.dev/role";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "orca-operator";
    /** Where the experiment file is mounted in the trainer. */
    public static final String SPEC_DIR = "/etc/orca";
    public static final String SPEC_FILE = "experiment.yaml";

    public static String spec(OrcaExperiment e) {
        return e.getMetadata().getName() + "-spec";
    }

    public static String progress(OrcaExperiment e) {
        return ProgressReport.configMapName(e.getMetadata().getName());
    }

    /** ServiceAccount, Role, RoleBinding and Job of the trainer share this name. */
    public static String trainer(OrcaExperiment e) {
        return e.getMetadata().getName() + "-trainer";
    }

    public static Map<String, String> labels(OrcaExperiment e, String role) {
        return Map.of(MANAGED_BY, OPERATOR, EXPERIMENT_LABEL, e.getMetadata().getName(), ROLE_LABEL, role);
    }

    /** Where results go on the volume: the spec's subPath, else the experiment's name. */
    public static String resultsPath(OrcaExperiment e) {
        var storage = e.getSpec().storage;
        return storage != null && storage.subPath != null ? storage.subPath : e.getMetadata().getName();
    }
}
