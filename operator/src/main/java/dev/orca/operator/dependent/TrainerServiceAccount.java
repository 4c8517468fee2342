package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.operator.cache.ReadOnlyCopies;

/** Each progress writer's own identity, so that its Role can name its own ConfigMap and nothing else. */
// Only the trainers' own objects: without a selector the informer would cache every one in the watched namespaces.
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER,
        itemStore = dev.orca.operator.cache.MetadataCopies.ServiceAccounts.class))
public class TrainerServiceAccount extends PerWriter<ServiceAccount> {

    public TrainerServiceAccount() {
        super(ServiceAccount.class, Names.TRAINER);
    }

    @Override
    protected ServiceAccount cachedForm(ServiceAccount written) {
        return dev.orca.operator.cache.MetadataCopies.metadataOnly(written, ServiceAccount::new);
    }

    @Override
    protected ServiceAccount desired(OrcaExperiment experiment, ProgressWriter writer) {
        return new ServiceAccountBuilder()
                .withNewMetadata().withName(writer.identity()).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(labels(experiment, Names.TRAINER, writer)).endMetadata()
                // The pod mounts a projected token itself (TrainerPods), in the trainer container only.
                .withAutomountServiceAccountToken(false)
                .build();
    }

    @Override
    protected String name(ProgressWriter writer) {
        return writer.identity();
    }
}
