package dev.orca.operator;

import dev.orca.operator.config.OperatorConfig;

import dev.orca.operator.plan.ExperimentPlanner;

import dev.orca.operator.plan.ExperimentPlan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.SpecValidation;
import dev.orca.operator.dependent.CandidateJobs;
import dev.orca.operator.dependent.ComparisonJobs;
import dev.orca.operator.dependent.Confinement;
import dev.orca.operator.dependent.ProgressConfigMap;
import dev.orca.operator.dependent.ProgressOwnership;
import dev.orca.operator.dependent.SpecConfigMap;
import dev.orca.operator.dependent.TrainerJob;
import dev.orca.operator.dependent.TrainerNetworkPolicy;
import dev.orca.operator.dependent.TrainerRole;
import dev.orca.operator.dependent.TrainerRoleBinding;
import dev.orca.operator.dependent.TrainerServiceAccount;
import dev.orca.operator.dependent.TrialJobs;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.quarkus.logging.Log;
import dev.orca.operator.kueue.KueueLabels;
import dev.orca.operator.kueue.KueueWorkloads;
import dev.orca.operator.kueue.QueueState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * observe → validate → reconcile → record status. An invalid experiment gets a Failed status naming the
 * field and no Job; a valid one gets its trainer objects (the dependents below, created in order), and its
 * status is computed from the Job, its pods and the trainer's progress ConfigMap. When the spec asks for body
 * selection or a search, {@link ExperimentPlanner} first decides, from the last status and what the candidate and
 * trial Jobs reported, which of those Jobs run now and whether the experiment's own Job may start. A finished
 * experiment is left alone, so a Job removed by its TTL is not run again, and gives back what only a running one needs
 * ({@link dev.orca.operator.dependent.RunOnlyObjects}). Only this class decides the status ({@link StatusWriter} writes it).
 */
@ControllerConfiguration(name = OrcaExperimentReconciler.NAME,
        informer = @io.javaoperatorsdk.operator.api.config.informer.Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
                itemStore = dev.orca.operator.cache.ExperimentCopies.class))
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = SpecConfigMap.EVENT_SOURCE, type = SpecConfigMap.class),
    @Dependent(name = ProgressConfigMap.EVENT_SOURCE, type = ProgressConfigMap.class),
    @Dependent(name = "service-account", type = TrainerServiceAccount.class),
    @Dependent(name = "role", type = TrainerRole.class),
    @Dependent(name = "role-binding", type = TrainerRoleBinding.class, dependsOn = {"role", "service-account"}),
    @Dependent(name = "network-policy", type = TrainerNetworkPolicy.class, reconcilePrecondition = TrainerNetworkPolicy.Enabled.class),
    @Dependent(name = "candidate-jobs", type = CandidateJobs.class, dependsOn = {"spec", "progress", "role-binding"}),
    @Dependent(name = "trial-jobs", type = TrialJobs.class, dependsOn = {"spec", "progress", "role-binding"}),
    @Dependent(name = "comparison-jobs", type = ComparisonJobs.class, dependsOn = {"spec", "progress", "role-binding"}),
    @Dependent(name = "job", type = TrainerJob.class, dependsOn = {"spec", "progress", "role-binding"},
            reconcilePrecondition = TrainerJob.FinalRunDecided.class)
})
public class OrcaExperimentReconciler implements Reconciler<OrcaExperiment> {
    public static final String NAME = "orcaexperiment";
    /** Resources watched beside the dependents' own informers (the RBAC rules are derived from these and the workflow). */
    public static final List<Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> WATCHED = List.of(Pod.class);
    /** How often a Job that Kueue holds is looked at again. */
    static final Duration QUEUE_RECHECK = Duration.ofSeconds(10);
    /**
     * How soon an experiment whose Jobs wait for its NetworkPolicy ({@link Confinement}) looks again: the policy's own
     * creation event is filtered out by the SDK (it is this controller's write), so nothing else would wake it.
     */
    static final Duration CONFINEMENT_RECHECK = Duration.ofSeconds(1);
    /**
     * How soon an experiment looks again after its status was written. The SDK (5.3.2) drops an edit that reaches its
     * cache while it writes the status when the edit's version is older than the write's (kubectl patch ... suspend:
     * true during a status write was never reconciled, until the ten-hour resync); one look shortly after each write
     * finds it. A look that finds nothing new writes nothing and schedules nothing.
     */
    static final Duration STATUS_WRITE_RECHECK = Duration.ofSeconds(2);

    private final OperatorConfig config;
    private final ExperimentEvents events;
    private final ExperimentMetrics metrics;
    private final Clock clock;

    public OrcaExperimentReconciler(OperatorConfig config, ExperimentEvents events, ExperimentMetrics metrics) {
        this.config = config;
        this.events = events;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, OrcaExperiment>> prepareEventSources(EventSourceContext<OrcaExperiment> context) {
        return List.of(TrainerPodEvents.source(context));
    }

    @Override
    public UpdateControl<OrcaExperiment> reconcile(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        OrcaExperimentStatus previous = experiment.getStatus();
        boolean finished = previous != null && previous.phase != null && previous.phase.finished()
                && java.util.Objects.equals(previous.observedGeneration, experiment.getMetadata().getGeneration());
        OrcaExperimentStatus next;
        boolean unconfined = false;
        @SuppressWarnings("unchecked")
        var progressSource = (io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<ConfigMap, OrcaExperiment>)
                context.eventSourceRetriever().getEventSourceFor(ConfigMap.class, ProgressConfigMap.EVENT_SOURCE);
        Set<ConfigMap> progress = progressSource.getSecondaryResources(experiment);
        if (finished) {
            next = previous;
            ProgressOwnership.restore(experiment, progress, null, context.getClient());
            dev.orca.operator.dependent.RunOnlyObjects.giveBack(experiment, context);
        } else {
            List<SpecValidation.Violation> violations = ExperimentValidation.validate(experiment, config);
            Map<String, ProgressReport> reports = ProgressReports.read(progress, experiment);
            ExperimentPlan plan = null;
            if (violations.isEmpty()) {
                Map<String, Job> jobs = ExperimentPlan.jobs(context)
                        .collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j, (a, b) -> a));
                plan = ExperimentPlanner.plan(experiment, previous, jobs, reports, clock.instant());
                context.managedWorkflowAndDependentResourceContext().put(ExperimentPlan.KEY, plan);
                context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
                unconfined = !Confinement.ready(experiment, context);
                ProgressOwnership.restore(experiment, progress, plan, context.getClient());
            }
            Optional<Job> trainer = ExperimentPlan.jobsWithRole(context, Names.TRAINER).values().stream().findFirst();
            // Kueue's word on a Job it holds suspended (read on demand: Kueue is optional and only queued experiments ask).
            Optional<QueueState> queue = trainer.filter(j -> KueueLabels.queued(experiment) && Boolean.TRUE.equals(j.getSpec().getSuspend()))
                    .map(j -> KueueWorkloads.state(context.getClient(), j).orElseGet(() -> QueueState.awaiting(KueueLabels.queue(experiment))));
            Observation observed = new Observation(experiment, violations, trainer,
                    List.copyOf(context.getSecondaryResources(Pod.class)), Optional.ofNullable(reports.get(ProgressReport.KEY)), plan, queue);
            next = ExperimentStatusBuilder.build(observed, previous, clock.instant(), config.stallFloor());
        }
        // Workloads are not watched: a queued experiment looks again for its admission (or a changed reason).
        Duration recheck = next.phase == OrcaExperimentStatus.Phase.Queued ? QUEUE_RECHECK : unconfined ? CONFINEMENT_RECHECK : null;
        // A hung trainer sends no event: look again when its silence would pass its bound.
        recheck = earliest(recheck, stallCheck(next));
        metrics.record(experiment, next);
        metrics.retainOnlyEvery(() -> context.getPrimaryCache().keys(), System.nanoTime());
        if (next.equals(previous)) {
            UpdateControl<OrcaExperiment> none = UpdateControl.noUpdate();
            return recheck == null ? none : none.rescheduleAfter(recheck);
        }
        events.transition(experiment, previous, next);
        events.stall(experiment, previous, next);
        events.disruption(experiment, previous, next);
        metrics.transition(experiment, previous, next, clock.instant());
        events.searchProgress(experiment, previous, next);
        experiment.setStatus(next);
        Duration after = earliest(recheck, STATUS_WRITE_RECHECK);
        if (StatusWriter.write(experiment, context)) {
            return UpdateControl.<OrcaExperiment>noUpdate().rescheduleAfter(after);
        }
        return UpdateControl.patchStatus(experiment).rescheduleAfter(after);
    }

    private static Duration earliest(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    /** How long until a running trainer that stays silent is overdue (null: not running, or already stalled). */
    private Duration stallCheck(OrcaExperimentStatus status) {
        boolean watched = status.condition(ExperimentStatusBuilder.STALLED).filter(c -> StallWatch.PROGRESSING.equals(c.getReason())).isPresent();
        if (!watched) return null;
        return StallWatch.overdueAt(status.progress).map(at -> Duration.between(clock.instant(), at))
                .map(d -> d.isNegative() ? Duration.ZERO : d.plusSeconds(1)).orElse(null);
    }

    @Override
    public ErrorStatusUpdateControl<OrcaExperiment> updateErrorStatus(OrcaExperiment experiment, Context<OrcaExperiment> context,
                                                                      Exception e) {
        Log.errorf(e, "reconciling %s/%s failed", experiment.getMetadata().getNamespace(), experiment.getMetadata().getName());
        events.error(experiment, e);
        ReconcileFailure failure = ReconcileFailure.of(e);
        if (failure.reason().equals(ReconcileFailure.NAME_COLLISION)) {
            // The owner must act (rename, or remove the other object): say so where kubectl wait and describe look.
            experiment.setStatus(ExperimentStatusBuilder.afterFailure(experiment.getStatus(), failure.reason(), failure.message(), clock.instant()));
            return ErrorStatusUpdateControl.patchStatus(experiment);
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

}
