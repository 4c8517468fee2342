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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Body selection's alignment Jobs, one per candidate still running, all at once: {@code orca align … --candidate i}
 * with its own directory and progress key. Finished ones are kept for their logs, as trial Jobs are.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.ROLE_LABEL + "=" + Names.CANDIDATE))
public class CandidateJobs extends KubernetesDependentResource<Job, OrcaExperiment>
        implements BulkDependentResource<Job, OrcaExperiment, ResourceID>, Creator<Job, OrcaExperiment>,
        BulkUpdater<Job, OrcaExperiment>, GarbageCollected<OrcaExperiment> {

    private final OperatorConfig config = OperatorConfig.current();

    @Override
    public Map<ResourceID, Job> desiredResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        ExperimentPlan plan = ExperimentPlan.of(context);
        Map<ResourceID, Job> out = new LinkedHashMap<>();
        for (int candidate : plan.candidateJobs()) {
            Map<String, String> labels = new LinkedHashMap<>(Names.labels(experiment, Names.CANDIDATE));
            labels.put(Names.CANDIDATE_LABEL, Integer.toString(candidate));
            List<String> args = List.of("align", Names.SPEC_DIR + "/" + Names.SPEC_FILE, "--candidate", Integer.toString(candidate),
                    "--out", TrainerPods.DATA + "/" + Names.candidatePath(experiment, candidate));
            Job desired = TrainerPods.job(experiment, config, Names.candidateJob(experiment, candidate), labels, args,
                    ProgressReport.candidateKey(candidate));
            out.put(ResourceID.fromResource(desired), desired);
        }
        return out;
    }

    @Override
    public Map<ResourceID, Job> getSecondaryResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return ExperimentPlan.jobsWithRole(context, Names.CANDIDATE);
    }

    /** Finished candidate Jobs stay: their outcome is recorded, their logs are worth keeping. */
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
