package dev.orca.operator.dependent;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** Binds the trainer's Role to the trainer's ServiceAccount. */
// Only the trainers' own objects: without a selector the informer would cache every one in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER))
public class TrainerRoleBinding extends CRUDKubernetesDependentResource<RoleBinding, OrcaExperiment> {

    @Override
    protected RoleBinding desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        String name = Names.trainer(experiment);
        return new RoleBindingBuilder()
                .withNewMetadata().withName(name).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, "trainer")).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(experiment.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
