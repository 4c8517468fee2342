package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.plan.ExperimentPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;

/**
 * One object of a kind per {@link ProgressWriter} of the experiment. Writers only ever join (trials start, none
 * un-start), so an object that is no longer desired is left to the garbage collector with the experiment. Objects map
 * to their experiment by its label, not by owner reference: one whose owner reference was stripped (a writer may update
 * its progress ConfigMap) still wakes its experiment, which puts the reference back ({@link ProgressOwnership}).
 */
abstract class PerWriter<R extends HasMetadata> extends PrunedWriteDependent<R>
        implements BulkDependentResource<R, OrcaExperiment, ResourceID>, Creator<R, OrcaExperiment>, GarbageCollected<OrcaExperiment>,
        SecondaryToPrimaryMapper<R> {

    private final Class<R> type;
    private final String role;

    PerWriter(Class<R> type, String role) {
        super(type);
        this.type = type;
        this.role = role;
    }

    protected abstract R desired(OrcaExperiment experiment, ProgressWriter writer);

    /** The name of the writer's object of this kind. */
    protected abstract String name(ProgressWriter writer);

    /**
     * The objects of writers that do not have theirs yet. They are created once and never updated, so an existing one
     * needs no desired state: at 200 trials, building all of them on every reconcile would cost megabytes for nothing.
     */
    @Override
    public Map<ResourceID, R> desiredResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        java.util.Set<String> existing = new java.util.HashSet<>();
        getSecondaryResources(experiment, context).keySet().forEach(id -> existing.add(id.getName()));
        Map<ResourceID, R> out = new LinkedHashMap<>();
        for (ProgressWriter w : ProgressWriter.current(experiment, ExperimentPlan.of(context))) {
            if (!existing.contains(name(w))) {
                R r = desired(experiment, w);
                out.put(ResourceID.fromResource(r), r);
            }
        }
        return out;
    }

    @Override
    public Map<ResourceID, R> getSecondaryResources(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        Map<ResourceID, R> out = new LinkedHashMap<>();
        context.getSecondaryResourcesAsStream(type)
                .filter(r -> r.getMetadata().getLabels() != null && role.equals(r.getMetadata().getLabels().get(Names.ROLE_LABEL))
                        && experiment.getMetadata().getName().equals(r.getMetadata().getLabels().get(Names.EXPERIMENT_LABEL)))
                .forEach(r -> out.put(ResourceID.fromResource(r), r));
        return out;
    }

    @Override
    public java.util.Set<ResourceID> toPrimaryResourceIDs(R object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String experiment = labels == null ? null : labels.get(Names.EXPERIMENT_LABEL);
        return experiment == null ? java.util.Set.of() : java.util.Set.of(new ResourceID(experiment, object.getMetadata().getNamespace()));
    }

    /** An existing writer's object is absent from the desired map (see above): it stays. */
    @Override
    public void deleteTargetResource(OrcaExperiment experiment, R resource, ResourceID id, Context<OrcaExperiment> context) {
    }

    /** Labels of a writer's object: the experiment's, its role, and which writer. */
    static Map<String, String> labels(OrcaExperiment experiment, String role, ProgressWriter writer) {
        Map<String, String> labels = new LinkedHashMap<>(Names.labels(experiment, role));
        labels.put(ProgressWriter.LABEL, writer.id());
        return labels;
    }

    @Override
    protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
            EventSourceContext<OrcaExperiment> context) {
        return NamedSecondaries.byName(super.informerConfigurationBuilder(context), this::names);
    }

    /** Where the experiment's objects of this kind are looked for: those of every writer it has or may have. */
    java.util.stream.Stream<String> names(OrcaExperiment experiment) {
        return ProgressWriter.known(experiment).stream().map(this::name);
    }
}
