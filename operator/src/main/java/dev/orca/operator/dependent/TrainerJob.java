package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.TrainerCommand;
import dev.orca.operator.config.OperatorConfig;
import dev.orca.operator.plan.ExperimentPlan;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import java.util.stream.Stream;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * The experiment's own run: {@code orca run} on the mounted experiment file, with the body and the search
 * trial decided before it (when the spec asks for selection or search); writes checkpoints and results to the
 * volume and resumes from the checkpoint when Kubernetes restarts it (backoffLimit). Only suspension is
 * compared and updated.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER,
        itemStore = dev.orca.operator.cache.JobCopies.class))
public class TrainerJob extends PrunedWriteDependent<Job>
        implements Creator<Job, OrcaExperiment>, Updater<Job, OrcaExperiment>, GarbageCollected<OrcaExperiment> {

    /** Read from configuration, not injected: JOSDK, not CDI, may construct dependents (a second operator instance does). */
    private final OperatorConfig config = OperatorConfig.current();

    public TrainerJob() {
        super(Job.class);
    }

    @Override
    protected Job cachedForm(Job written) {
        return dev.orca.operator.cache.JobCopies.withoutPodTemplate(written);
    }

    @Override
    protected Job desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        ExperimentPlan plan = ExperimentPlan.of(context);
        List<String> args = TrainerCommand.run(Names.SPEC_DIR + "/" + Names.SPEC_FILE,
                TrainerPods.DATA + "/" + Names.resultsPath(experiment), plan.body(), plan.trial(),
                experiment.getSpec().compare != null).args(); // the comparison's runs are Jobs of their own (ComparisonJobs)
        return TrainerPods.job(experiment, config, Names.trainer(experiment), Names.labels(experiment, Names.TRAINER), args,
                ProgressWriter.own(experiment));
    }

    /**
     * Created once body selection and search (when the spec has them) have decided, and the experiment is confined
     * ({@link Confinement}); a Job that exists stays.
     */
    public static class FinalRunDecided implements io.javaoperatorsdk.operator.processing.dependent.workflow.Condition<Job, OrcaExperiment> {
        @Override
        public boolean isMet(io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource<Job, OrcaExperiment> dependent,
                             OrcaExperiment primary, Context<OrcaExperiment> context) {
            return ExperimentPlan.of(context).finalRun()
                    && (dependent.getSecondaryResource(primary, context).isPresent() || Confinement.ready(primary, context));
        }
    }

    @Override
    public Matcher.Result<Job> match(Job actual, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return TrainerPods.matchSuspension(primary, context, actual, desired(primary, context));
    }

    @Override
    public Job update(Job actual, Job desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return TrainerPods.updateSuspension(primary, context, actual, desired);
    }

    /**
     * Found by name ({@link NamedSecondaries}), so ownership is checked here: a Job of that name the experiment does not
     * own is not its run.
     */
    @Override
    protected java.util.Optional<Job> selectTargetSecondaryResource(java.util.Set<Job> jobs, OrcaExperiment primary,
                                                                   Context<OrcaExperiment> context) {
        return super.selectTargetSecondaryResource(jobs.stream().filter(j -> Names.ownedBy(j, primary))
                .collect(java.util.stream.Collectors.toSet()), primary, context);
    }

    @Override
    protected InformerEventSourceConfiguration.Builder<Job> informerConfigurationBuilder(
            EventSourceContext<OrcaExperiment> context) {
        return NamedSecondaries.byName(super.informerConfigurationBuilder(context), e -> Stream.of(Names.trainer(e)));
    }
}
