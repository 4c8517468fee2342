package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.TrainerCommand;
import dev.orca.operator.plan.ExperimentPlan;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Map;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * The paired comparison's runs ({@code spec.compare}), one Job each, all at once beside the experiment's own:
 * {@code orca compare … --comparison i} with its own directory and progress key. Each is a workload of its own for
 * Kueue and counts against the namespace's quota like any trainer Job.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.COMPARISON,
        itemStore = dev.orca.operator.cache.JobCopies.class))
public class ComparisonJobs extends PlannedJobs {

    public ComparisonJobs() {
        super(Names.COMPARISON);
    }

    @Override
    protected List<Job> planned(OrcaExperiment experiment, ExperimentPlan plan) {
        return plan.comparisonJobs().stream().map(run -> job(experiment, Names.comparisonJob(experiment, run),
                Map.of(Names.COMPARISON_LABEL, Integer.toString(run)),
                TrainerCommand.compare(SPEC, TrainerPods.DATA + "/" + Names.comparisonPath(experiment, run), run).args(),
                ProgressWriter.comparison(experiment, run))).toList();
    }
}
