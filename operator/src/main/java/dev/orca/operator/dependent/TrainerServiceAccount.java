package dev.orca.operator.dependent;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The trainer's own identity, so that its Role can name one experiment's progress ConfigMap and nothing else. */
// Only the trainers' own objects: without a selector the informer would cache every one in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER))
public class TrainerServiceAccount extends CRUDKubernetesDependentResource<ServiceAccount, OrcaExperiment> {

    @Override
    protected ServiceAccount desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return new ServiceAccountBuilder()
                .withNewMetadata().withName(Names.trainer(experiment)).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, "trainer")).endMetadata()
                .build();
    }
}
