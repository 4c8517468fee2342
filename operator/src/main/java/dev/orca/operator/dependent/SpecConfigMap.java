package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import java.util.stream.Stream;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * The experiment's spec as the file the trainer reads: mounted, never put on a command line. Compared by its
 * {@link DesiredStateHash}, so that the cache keeps its metadata, not a second copy of every experiment's YAML.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        name = SpecConfigMap.EVENT_SOURCE, labelSelector = Names.ROLE_LABEL + "=spec",
        itemStore = dev.orca.operator.cache.MetadataCopies.ConfigMaps.class))
public class SpecConfigMap extends PrunedWriteDependent<ConfigMap>
        implements Creator<ConfigMap, OrcaExperiment>, Updater<ConfigMap, OrcaExperiment>, GarbageCollected<OrcaExperiment> {
    public static final String EVENT_SOURCE = "spec";

    public SpecConfigMap() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap cachedForm(ConfigMap written) {
        return dev.orca.operator.cache.MetadataCopies.metadataOnly(written, ConfigMap::new);
    }

    @Override
    protected ConfigMap desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        String yaml = context.getClient().getKubernetesSerialization().asYaml(experiment.getSpec());
        return DesiredStateHash.stamp(new ConfigMapBuilder()
                .withNewMetadata().withName(Names.spec(experiment)).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, "spec")).endMetadata()
                .addToData(Names.SPEC_FILE, yaml)
                .build(), context.getClient().getKubernetesSerialization());
    }

    @Override
    public Matcher.Result<ConfigMap> match(ConfigMap actual, ConfigMap desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return DesiredStateHash.match(actual, desired);
    }

    @Override
    protected InformerEventSourceConfiguration.Builder<ConfigMap> informerConfigurationBuilder(
            EventSourceContext<OrcaExperiment> context) {
        return NamedSecondaries.byName(super.informerConfigurationBuilder(context), e -> Stream.of(Names.spec(e)));
    }
}
