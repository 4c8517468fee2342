package dev.orca.operator;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.cache.PodCopies;
import dev.orca.operator.cache.ReadOnlyCopies;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The trainer Job's pods, watched for their termination messages. They belong to the Job, not to the experiment: an
 * event maps back to the experiment by its label, and an experiment finds its pods by the names the Job controller
 * generates for them ({@link PodCopies#ofJob}), not through the SDK's per-experiment index.
 */
final class TrainerPodEvents {
    static final String NAME = "trainer-pods";

    private TrainerPodEvents() {}

    static InformerEventSource<Pod, OrcaExperiment> source(EventSourceContext<OrcaExperiment> context) {
        var store = new PodCopies();
        var configuration = InformerEventSourceConfiguration.from(Pod.class, OrcaExperiment.class)
                .withName(NAME)
                .withNamespacesInheritedFromController() // the chart binds the ClusterRole in the watched namespaces only
                .withLabelSelector(Names.ROLE_LABEL + "=" + Names.TRAINER + "," + Names.EXPERIMENT_LABEL)
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(
                        pod.getMetadata().getLabels().get(Names.EXPERIMENT_LABEL), pod.getMetadata().getNamespace())))
                .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<OrcaExperiment>) experiment -> pods(store, experiment))
                .withItemStore(store)
                .withInformerListLimit(ReadOnlyCopies.LIST_PAGE)
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    static Set<ResourceID> pods(PodCopies store, OrcaExperiment experiment) {
        String namespace = experiment.getMetadata().getNamespace();
        return store.ofJob(namespace, Names.trainer(experiment), Names.EXPERIMENT_LABEL, experiment.getMetadata().getName())
                .map(key -> new ResourceID(key.substring(namespace.length() + 1), namespace)).collect(Collectors.toSet());
    }
}
