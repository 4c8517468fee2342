package dev.orca.operator.dependent;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** All the trainer may do on the API: read and update its own experiment's progress ConfigMap. */
// Only the trainers' own objects: without a selector the informer would cache every one in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER))
public class TrainerRole extends CRUDKubernetesDependentResource<Role, OrcaExperiment> {

    @Override
    protected Role desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return new RoleBuilder()
                .withNewMetadata().withName(Names.trainer(experiment)).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, "trainer")).endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withResourceNames(Names.progress(experiment)).withVerbs("get", "patch", "update").build())
                .build();
    }
}
