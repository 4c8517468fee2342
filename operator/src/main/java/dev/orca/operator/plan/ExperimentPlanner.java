package dev.orca.operator.plan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One reconcile's decisions as a pure step, {@link BodySelectionPlanner} then {@link SearchPlanner}: from the status written last time, the candidate and trial Jobs
 * seen now and the trainers' progress reports, the next {@link ExperimentPlan}. No API calls. The status is the
 * record of every decision; what a crash may have lost between creating a Job and writing the status is recovered
 * from the Jobs themselves (their names and labels say which trial and rung, and trial i's configuration is a
 * function of the spec and i), so a restarted operator neither loses a result nor starts a trial twice.
 */
public final class ExperimentPlanner {
    private ExperimentPlanner() {}

    /**
     * @param jobs    the experiment's candidate and trial Jobs, by name
     * @param reports the progress ConfigMap's reports, by key
     */
    public static ExperimentPlan plan(OrcaExperiment experiment, OrcaExperimentStatus previous, Map<String, Job> jobs,
                                      Map<String, ProgressReport> reports, Instant now) {
        OrcaExperimentSpec spec = experiment.getSpec();
        if (spec.compare != null) { // admission refuses it beside candidates and search
            OrcaExperimentStatus.Comparison comparison = ComparisonPlanner.compare(experiment, previous == null ? null : previous.comparison,
                    jobs, reports, now);
            return ExperimentPlan.comparing(comparison, ComparisonPlanner.running(comparison));
        }
        if (spec.body.candidates == null && spec.search == null) {
            return ExperimentPlan.direct();
        }
        OrcaExperimentStatus.Selection selection = null;
        List<Integer> candidateJobs = List.of();
        String body = null;
        if (spec.body.candidates != null) {
            selection = BodySelectionPlanner.select(experiment, previous == null ? null : previous.selection, jobs, reports, now);
            candidateJobs = BodySelectionPlanner.running(selection);
            if (selection.chosen == null) {
                boolean failed = candidateJobs.isEmpty();
                return new ExperimentPlan(selection, null, candidateJobs, List.of(), null, null, false,
                        failed ? "body selection failed: " + selection.message : null, null, List.of());
            }
            body = selection.chosen;
        }
        if (spec.search == null) {
            return new ExperimentPlan(selection, null, List.of(), List.of(), body, null, true, null, null, List.of());
        }
        SearchPlanner.SearchStep step = SearchPlanner.search(experiment, previous == null ? null : previous.search, jobs, reports, now);
        boolean decided = JobStates.SUCCEEDED.equals(step.status().state);
        String failure = JobStates.FAILED.equals(step.status().state) ? "search failed: " + step.status().message : null;
        return new ExperimentPlan(selection, step.status(), List.of(), step.running(), body, decided ? step.status().best : null, decided,
                failure, null, List.of());
    }
}
