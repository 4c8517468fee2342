package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.TrainerCommand;
import dev.orca.operator.plan.ExperimentPlan;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Map;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * The search's trial Jobs, one per (trial, rung) the plan runs now: {@code orca trial … --trial i --rung k}, with
 * the trial's directory on the volume (a promotion resumes the rung before it) and its own progress key.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.TRIAL,
        itemStore = dev.orca.operator.cache.JobCopies.class))
public class TrialJobs extends PlannedJobs {

    public TrialJobs() {
        super(Names.TRIAL);
    }

    @Override
    protected List<Job> planned(OrcaExperiment experiment, ExperimentPlan plan) {
        return plan.trialJobs().stream().map(job -> job(experiment, Names.trialJob(experiment, job.trial(), job.rung()),
                Map.of(Names.TRIAL_LABEL, Integer.toString(job.trial()), Names.RUNG_LABEL, Integer.toString(job.rung())),
                TrainerCommand.trial(SPEC, TrainerPods.DATA + "/" + Names.trialPath(experiment, job.trial()), job.trial(), job.rung(),
                        plan.body()).args(),
                ProgressWriter.trial(experiment, job.trial()))).toList();
    }
}
