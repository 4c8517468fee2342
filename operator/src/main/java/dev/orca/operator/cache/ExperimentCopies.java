package dev.orca.operator.cache;

import dev.orca.crd.OrcaExperiment;
import java.util.Map;

/**
 * The experiments' informer keeps them without managedFields and without {@code kubectl apply}'s
 * last-applied-configuration annotation (a second copy of the whole spec): the reconciler reads spec, status, labels
 * and generation, and writes only the status.
 */
public class ExperimentCopies extends ReadOnlyCopies<OrcaExperiment> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    public ExperimentCopies() {
        super(OrcaExperiment.class, ExperimentCopies::pruned);
    }

    /** The experiment as this store keeps it (changed in place): what the operator's own status write leaves cached too. */
    public static OrcaExperiment pruned(OrcaExperiment experiment) {
        experiment.getMetadata().setManagedFields(null);
        Map<String, String> annotations = experiment.getMetadata().getAnnotations();
        if (annotations != null) annotations.remove(LAST_APPLIED);
        return experiment;
    }
}
