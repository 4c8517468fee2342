package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.config.OperatorConfig;
import dev.orca.operator.plan.ExperimentPlan;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Jobs of one role that the reconcile's {@link ExperimentPlan} wants running now (body-selection candidates,
 * search trials). A Job that is no longer planned has finished and its outcome is in the status: it is kept for its
 * logs (until its TTL or the experiment's deletion), never deleted here. Only suspension is updated.
 */
abstract class PlannedJobs extends PrunedWriteDependent<Job>
        implements BulkDependentResource<Job, OrcaExperiment, ResourceID>, Creator<Job, OrcaExperiment>,
        BulkUpdater<Job, OrcaExperiment>, GarbageCollected<OrcaExperiment> {

    /** Read from configuration, not injected: JOSDK, not CDI, constructs dependents. */
    protected final OperatorConfig config = OperatorConfig.current();
    private final String role;

    PlannedJobs(String role) {
        super(Job.class);
        this.role = role;
    }

    @Override
    protected Job cachedForm(Job written) {
        return dev.orca.operator.cache.JobCopies.withoutPodTemplate(written);
    }

    /** The Jobs the plan wants running now. */
    protected abstract List<Job> planned(OrcaExperiment experiment, ExperimentPlan plan);

    /**
     * One Job of this role: the experiment's labels, this role's and the given ones (which trial, candidate or run, so
     * that a restarted operator can adopt it), the trainer command, and the writer its pod reports as.
     */
    protected Job job(OrcaExperiment experiment, String name, Map<String, String> extraLabels, List<String> args,
                      ProgressWriter writer) {
        Map<String, String> labels = new LinkedHashMap<>(Names.labels(experiment, role));
        labels.putAll(extraLabels);
        return TrainerPods.job(experiment, config, name, labels, args, writer);
    }

    /** Where the trainer finds the experiment file. */
    protected static final String SPEC = Names.SPEC_DIR + "/" + Names.SPEC_FILE;

    @Override
    public Map<ResourceID, Job> desiredResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        Map<ResourceID, Job> out = new LinkedHashMap<>();
        boolean confined = Confinement.ready(experiment, context);
        Map<ResourceID, Job> existing = confined ? Map.of() : getSecondaryResources(experiment, context);
        for (Job job : planned(experiment, ExperimentPlan.of(context))) {
            // Not yet confined: only the Jobs that already run are kept (and matched); none is created.
            if (confined || existing.containsKey(ResourceID.fromResource(job))) {
                out.put(ResourceID.fromResource(job), job);
            }
        }
        return out;
    }

    @Override
    public Map<ResourceID, Job> getSecondaryResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return ExperimentPlan.jobsWithRole(context, role);
    }

    /** Finished Jobs stay: their outcome is recorded, their logs are worth keeping. */
    @Override
    public void deleteTargetResource(OrcaExperiment experiment, Job job, ResourceID id, Context<OrcaExperiment> context) {
    }

    @Override
    public Matcher.Result<Job> match(Job actual, Job desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return TrainerPods.matchSuspension(primary, context, actual, desired);
    }

    @Override
    public Job update(Job actual, Job desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return TrainerPods.updateSuspension(primary, context, actual, desired);
    }
}
