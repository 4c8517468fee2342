package dev.orca.operator.plan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.search.Asha;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What one reconcile decided before the dependents run: body selection and search state (as they go into the
 * status), the candidate and trial Jobs that should exist now, and whether the experiment's own run may start,
 * with which body and trial configuration. Computed by {@link ExperimentPlanner}; the dependents read it from the
 * reconcile's context.
 *
 * @param candidateJobs indexes of candidates whose alignment Job should run
 * @param trialJobs     (trial, rung) segments that should run
 * @param body          the chosen body, null when the spec has no candidates
 * @param trial         the best trial, null when the spec has no search
 * @param finalRun      selection and search are decided: the experiment's own Job may run
 * @param failure       why the experiment cannot go on (every candidate or every trial failed), else null
 * @param comparison    the paired comparison's runs and gaps (spec.compare), else null
 * @param comparisonJobs indexes of comparison runs whose Job should run
 */
public record ExperimentPlan(OrcaExperimentStatus.Selection selection, OrcaExperimentStatus.Search search, List<Integer> candidateJobs,
                             List<Asha.Job> trialJobs, String body, Integer trial, boolean finalRun, String failure,
                             OrcaExperimentStatus.Comparison comparison, List<Integer> comparisonJobs) {
    public static final String KEY = "orca.plan";

    /** Nothing to select or search: the experiment's own run goes ahead. */
    public static ExperimentPlan direct() {
        return new ExperimentPlan(null, null, List.of(), List.of(), null, null, true, null, null, List.of());
    }

    public static ExperimentPlan of(Context<OrcaExperiment> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ExperimentPlan.class);
    }

    /** Nothing to select or search, and a paired comparison whose runs go ahead beside the experiment's own. */
    public static ExperimentPlan comparing(OrcaExperimentStatus.Comparison comparison, List<Integer> comparisonJobs) {
        return new ExperimentPlan(null, null, List.of(), List.of(), null, null, true, null, comparison, comparisonJobs);
    }

    /** Whether runs of the paired comparison have not finished yet (their Jobs are the ones still wanted). */
    public boolean comparing() {
        return !comparisonJobs.isEmpty();
    }

    /** The experiment's Jobs, all roles: those of the informers' that it owns. */
    public static java.util.stream.Stream<Job> jobs(Context<OrcaExperiment> context) {
        OrcaExperiment experiment = context.getPrimaryResource();
        return context.getSecondaryResourcesAsStream(Job.class).filter(j -> Names.ownedBy(j, experiment));
    }

    /** The experiment's Jobs of one role ({@link Names#TRIAL}, {@link Names#CANDIDATE}, {@link Names#TRAINER}), by id. */
    public static Map<ResourceID, Job> jobsWithRole(Context<OrcaExperiment> context, String role) {
        return jobs(context)
                .filter(j -> j.getMetadata().getLabels() != null && role.equals(j.getMetadata().getLabels().get(Names.ROLE_LABEL)))
                .collect(Collectors.toMap(ResourceID::fromResource, Function.identity(), (a, b) -> a));
    }
}
