package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * The progress channel ({@link dev.orca.crd.ProgressReport}), one ConfigMap per {@link ProgressWriter}: created empty by
 * the operator, written by that writer's pods only, read by the operator. Created only, never updated, so the operator
 * does not erase what the trainer wrote.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        name = ProgressConfigMap.EVENT_SOURCE, labelSelector = Names.ROLE_LABEL + "=" + ProgressConfigMap.ROLE,
        itemStore = dev.orca.operator.cache.ProgressCopies.class))
public class ProgressConfigMap extends PerWriter<ConfigMap> {
    public static final String EVENT_SOURCE = "progress";
    static final String ROLE = "progress";

    public ProgressConfigMap() {
        super(ConfigMap.class, ROLE);
    }

    @Override
    protected ConfigMap cachedForm(ConfigMap written) {
        return dev.orca.operator.cache.ProgressCopies.withoutManagedFields(written);
    }

    @Override
    protected ConfigMap desired(OrcaExperiment experiment, ProgressWriter writer) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName(writer.configMap()).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(labels(experiment, ROLE, writer)).endMetadata()
                .withData(new java.util.LinkedHashMap<>())
                .build();
    }

    @Override
    protected String name(ProgressWriter writer) {
        return writer.configMap();
    }
}
