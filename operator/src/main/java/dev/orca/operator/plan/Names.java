package dev.orca.operator.plan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/** Names and labels of the objects an experiment owns: one place, so that dependents, informers and tests agree. */
public final class Names {
    private Names() {}

    public static final String EXPERIMENT_LABEL = "orca.dev/experiment";
    public static final String ROLE_LABEL = "orca.dev/role";
    /** On trial and candidate Jobs: which trial and rung, or which candidate, so that a restarted operator can adopt them. */
    public static final String TRIAL_LABEL = "orca.dev/trial";
    public static final String RUNG_LABEL = "orca.dev/rung";
    public static final String CANDIDATE_LABEL = "orca.dev/candidate";
    /** On comparison Jobs: which run of the paired comparison ({@code dev.orca.search.Comparisons}). */
    public static final String COMPARISON_LABEL = "orca.dev/comparison";
    /** Values of {@link #ROLE_LABEL}. */
    public static final String TRAINER = "trainer";
    public static final String TRIAL = "trial";
    public static final String CANDIDATE = "candidate";
    public static final String COMPARISON = "comparison";
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

    /** The Job of one ASHA rung of one search trial. */
    public static String trialJob(OrcaExperiment e, int trial, int rung) {
        return e.getMetadata().getName() + "-t" + trial + "-r" + rung;
    }

    /** The alignment Job of one body-selection candidate. */
    public static String candidateJob(OrcaExperiment e, int candidate) {
        return e.getMetadata().getName() + "-body-" + candidate;
    }

    /**
     * The Job of one run of the paired comparison. "-cmp-" and at most two digits: no longer than "-trainer", so the
     * name limit the experiment's own Job sets holds for these too.
     */
    public static String comparisonJob(OrcaExperiment e, int run) {
        return e.getMetadata().getName() + "-cmp-" + run;
    }

    /**
     * Whether the experiment owns {@code object} (its owner reference, by uid). Objects are found by name or label
     * ({@code NamedSecondaries}, {@code PerWriter}); in a tenant's namespace an object of the same name or labels may be
     * someone else's.
     */
    public static boolean ownedBy(HasMetadata object, OrcaExperiment experiment) {
        String uid = experiment.getMetadata().getUid();
        return uid != null && object.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid()));
    }

    public static Map<String, String> labels(OrcaExperiment e, String role) {
        return Map.of(MANAGED_BY, OPERATOR, EXPERIMENT_LABEL, e.getMetadata().getName(), ROLE_LABEL, role);
    }

    /** Where results go on the volume: the spec's subPath, else the experiment's name. */
    public static String resultsPath(OrcaExperiment e) {
        var storage = e.getSpec().storage;
        return storage != null && storage.subPath != null ? storage.subPath : e.getMetadata().getName();
    }

    /** Where a trial's checkpoints and figures go: beside the experiment's results, so a promotion resumes them. */
    public static String trialPath(OrcaExperiment e, int trial) {
        return resultsPath(e) + "/" + TrainerCommand.trialDirectory(trial);
    }

    public static String candidatePath(OrcaExperiment e, int candidate) {
        return resultsPath(e) + "/" + TrainerCommand.candidateDirectory(candidate);
    }

    public static String comparisonPath(OrcaExperiment e, int run) {
        return resultsPath(e) + "/" + TrainerCommand.comparisonDirectory(run);
    }
}
