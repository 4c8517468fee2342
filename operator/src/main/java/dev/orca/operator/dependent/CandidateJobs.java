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
 * Body selection's alignment Jobs, one per candidate still running, all at once: {@code orca align … --candidate i}
 * with its own directory and progress key.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.CANDIDATE,
        itemStore = dev.orca.operator.cache.JobCopies.class))
public class CandidateJobs extends PlannedJobs {

    public CandidateJobs() {
        super(Names.CANDIDATE);
    }

    @Override
    protected List<Job> planned(OrcaExperiment experiment, ExperimentPlan plan) {
        return plan.candidateJobs().stream().map(candidate -> job(experiment, Names.candidateJob(experiment, candidate),
                Map.of(Names.CANDIDATE_LABEL, Integer.toString(candidate)),
                TrainerCommand.align(SPEC, TrainerPods.DATA + "/" + Names.candidatePath(experiment, candidate), candidate).args(),
                ProgressWriter.candidate(experiment, candidate))).toList();
    }
}
