package dev.orca.operator;

import dev.orca.operator.kueue.QueueState;
import dev.orca.operator.plan.ExperimentPlan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.SpecValidation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler saw of one experiment in one pass: the resource, why it cannot run (if it cannot),
 * its trainer Job and pods, the trainer's latest report, what selection and search decided (null for an invalid spec),
 * and, while Kueue holds the Job suspended, where it stands in its queue.
 */
public record Observation(OrcaExperiment experiment, List<SpecValidation.Violation> violations, Optional<Job> job, List<Pod> pods,
                          Optional<ProgressReport> progress, ExperimentPlan plan, Optional<QueueState> queue) {

    /** An experiment outside Kueue. */
    public Observation(OrcaExperiment experiment, List<SpecValidation.Violation> violations, Optional<Job> job, List<Pod> pods,
                       Optional<ProgressReport> progress, ExperimentPlan plan) {
        this(experiment, violations, job, pods, progress, plan, Optional.empty());
    }
}
