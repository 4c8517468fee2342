package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.ProgressReport;
import dev.orca.operator.ExperimentPlan;
import dev.orca.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search's trial Jobs, one per (trial, rung) the plan runs now: {@code orca trial … --trial i --rung k}, with
 * the trial's directory on the volume (a promotion resumes the rung before it) and its own progress key. A Job
 * that is no longer planned has finished, and its outcome is in the status: it is kept for its logs (until its
 * TTL or the experiment's deletion), never deleted here.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.ROLE_LABEL + "=" + Names.TRIAL))
public class TrialJobs extends KubernetesDependentResource<Job, OrcaExperiment>
        implements BulkDependentResource<Job, OrcaExperiment, ResourceID>, Creator<Job, OrcaExperiment>,
        BulkUpdater<Job, OrcaExperiment>, GarbageCollected<OrcaExperiment> {

    private final OperatorConfig config = OperatorConfig.current();

    @Override
    public Map<ResourceID, Job> desiredResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        ExperimentPlan plan = ExperimentPlan.of(context);
        Map<ResourceID, Job> out = new LinkedHashMap<>();
        for (var job : plan.trialJobs()) {
            Map<String, String> labels = new LinkedHashMap<>(Names.labels(experiment, Names.TRIAL));
            labels.put(Names.TRIAL_LABEL, Integer.toString(job.trial()));
            labels.put(Names.RUNG_LABEL, Integer.toString(job.rung()));
            List<String> args = new ArrayList<>(List.of("trial", Names.SPEC_DIR + "/" + Names.SPEC_FILE,
                    "--trial", Integer.toString(job.trial()), "--rung", Integer.toString(job.rung()),
                    "--out", TrainerPods.DATA + "/" + Names.trialPath(experiment, job.trial())));
            if (plan.body() != null) {
                args.addAll(List.of("--body", plan.body()));
            }
            Job desired = TrainerPods.job(experiment, config, Names.trialJob(experiment, job.trial(), job.rung()), labels, args,
                    ProgressReport.trialKey(job.trial()));
            out.put(ResourceID.fromResource(desired), desired);
        }
        return out;
    }

    @Override
    public Map<ResourceID, Job> getSecondaryResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return ExperimentPlan.jobsWithRole(context, Names.TRIAL);
    }

    /** Finished trial Jobs stay: their outcome is recorded, their logs are worth keeping. */
    @Override
    public void deleteTargetResource(OrcaExperiment experiment, Job job, ResourceID id, Context<OrcaExperiment> context) {
    }

    @Override
    public Matcher.Result<Job> match(Job actual, Job desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return TrainerPods.matchSuspension(actual, desired);
    }

    @Override
    public Job update(Job actual, Job desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return TrainerPods.updateSuspension(context, actual, desired);
    }
}
