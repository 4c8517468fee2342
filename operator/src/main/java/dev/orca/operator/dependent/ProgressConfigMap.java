package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The progress channel ({@link dev.orca.crd.ProgressReport}): created empty by the operator, written by the
 * trainer, read by the operator. Created only, never updated, so the operator does not erase what the trainer wrote.
 */
@KubernetesDependent(informer = @Informer(name = ProgressConfigMap.EVENT_SOURCE, labelSelector = Names.ROLE_LABEL + "=progress"))
public class ProgressConfigMap extends KubernetesDependentResource<ConfigMap, OrcaExperiment>
        implements Creator<ConfigMap, OrcaExperiment>, GarbageCollected<OrcaExperiment> {
    public static final String EVENT_SOURCE = "progress";

    @Override
    protected ConfigMap desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName(Names.progress(experiment)).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, "progress")).endMetadata()
                // Present from the start: trial Jobs then each add their own key, none replaces the whole map.
                .withData(new java.util.LinkedHashMap<>())
                .build();
    }
}
