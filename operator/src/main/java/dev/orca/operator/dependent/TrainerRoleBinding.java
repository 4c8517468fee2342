package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.operator.cache.ReadOnlyCopies;

/** Binds each progress writer's Role to its ServiceAccount. */
// Only the trainers' own objects: without a selector the informer would cache every one in the watched namespaces.
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER,
        itemStore = dev.orca.operator.cache.MetadataCopies.RoleBindings.class))
public class TrainerRoleBinding extends PerWriter<RoleBinding> {

    public TrainerRoleBinding() {
        super(RoleBinding.class, Names.TRAINER);
    }

    @Override
    protected RoleBinding cachedForm(RoleBinding written) {
        return dev.orca.operator.cache.MetadataCopies.metadataOnly(written, RoleBinding::new);
    }

    @Override
    protected RoleBinding desired(OrcaExperiment experiment, ProgressWriter writer) {
        String namespace = experiment.getMetadata().getNamespace();
        return new RoleBindingBuilder()
                .withNewMetadata().withName(writer.identity()).withNamespace(namespace)
                .withLabels(labels(experiment, Names.TRAINER, writer)).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(writer.identity()).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(writer.identity()).withNamespace(namespace).endSubject()
                .build();
    }

    @Override
    protected String name(ProgressWriter writer) {
        return writer.identity();
    }
}
