package dev.orca.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.SpecValidation;
import dev.orca.operator.dependent.Names;
import dev.orca.operator.dependent.ProgressConfigMap;
import dev.orca.operator.dependent.SpecConfigMap;
import dev.orca.operator.dependent.TrainerJob;
import dev.orca.operator.dependent.TrainerRole;
import dev.orca.operator.dependent.TrainerRoleBinding;
import dev.orca.operator.dependent.TrainerServiceAccount;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkus.logging.Log;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * observe → validate → reconcile → record status. An invalid experiment gets a Failed status naming the
 * field and no Job; a valid one gets its trainer objects (the dependents below, created in order), and its
 * status is computed from the Job, its pods and the trainer's progress ConfigMap. A finished experiment is
 * left alone, so a Job removed by its TTL is not run again. Only this class writes the status.
 */
@ControllerConfiguration(name = OrcaExperimentReconciler.NAME)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = SpecConfigMap.EVENT_SOURCE, type = SpecConfigMap.class),
    @Dependent(name = ProgressConfigMap.EVENT_SOURCE, type = ProgressConfigMap.class),
    @Dependent(name = "service-account", type = TrainerServiceAccount.class),
    @Dependent(name = "role", type = TrainerRole.class),
    @Dependent(name = "role-binding", type = TrainerRoleBinding.class, dependsOn = {"role", "service-account"}),
    @Dependent(name = "job", type = TrainerJob.class, dependsOn = {"spec", "progress", "role-binding"})
})
public class OrcaExperimentReconciler implements Reconciler<OrcaExperiment> {
    public static final String NAME = "orcaexperiment";
    static final String POD_EVENT_SOURCE = "trainer-pods";
    /** Resources watched beside the dependents' own informers (the RBAC rules are derived from these and the workflow). */
    public static final List<Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> WATCHED = List.of(Pod.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        // Pods belong to the Job, not to the experiment: map them back by label, for their termination messages.
        var pods = InformerEventSourceConfiguration.from(Pod.class, OrcaExperiment.class)
                .withName(POD_EVENT_SOURCE)
                .withNamespacesInheritedFromController() // the chart binds the ClusterRole in the watched namespaces only
                .withLabelSelector(Names.ROLE_LABEL + "=trainer," + Names.EXPERIMENT_LABEL)
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(
                        pod.getMetadata().getLabels().get(Names.EXPERIMENT_LABEL), pod.getMetadata().getNamespace())))
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<OrcaExperiment> reconcile(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        OrcaExperimentStatus previous = experiment.getStatus();
        boolean finished = previous != null && previous.phase != null && previous.phase.finished()
                && java.util.Objects.equals(previous.observedGeneration, experiment.getMetadata().getGeneration());
        OrcaExperimentStatus next;
        if (finished) {
            next = previous;
        } else {
            List<SpecValidation.Violation> violations = ExperimentValidation.validate(experiment, config);
            if (violations.isEmpty()) {
                context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            }
            Observation observed = new Observation(experiment, violations, context.getSecondaryResource(Job.class),
                    List.copyOf(context.getSecondaryResources(Pod.class)),
                    context.getSecondaryResource(ConfigMap.class, ProgressConfigMap.EVENT_SOURCE).flatMap(this::report));
            next = ExperimentStatusBuilder.build(observed, previous, clock.instant());
        }
        metrics.record(experiment, next);
        metrics.retainOnly(context.getPrimaryCache().list().toList());
        if (next.equals(previous)) {
            return UpdateControl.noUpdate();
        }
        events.transition(experiment, previous, next);
        experiment.setStatus(next);
        return UpdateControl.patchStatus(experiment);
    }

    @Override
    public ErrorStatusUpdateControl<OrcaExperiment> updateErrorStatus(OrcaExperiment experiment, Context<OrcaExperiment> context,
                                                                      Exception e) {
        Log.errorf(e, "reconciling %s/%s failed", experiment.getMetadata().getNamespace(), experiment.getMetadata().getName());
        events.error(experiment, e);
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    /** The trainer's latest report; a malformed one is ignored (the Job's outcome still decides the phase). */
    private Optional<ProgressReport> report(ConfigMap map) {
        String json = map.getData() == null ? null : map.getData().get(ProgressReport.KEY);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, ProgressReport.class));
        } catch (JsonProcessingException e) {
            Log.warnf("unreadable progress report in %s: %s", map.getMetadata().getName(), e.getOriginalMessage());
            return Optional.empty();
        }
    }
}
