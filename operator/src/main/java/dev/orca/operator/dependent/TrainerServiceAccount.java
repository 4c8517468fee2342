package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The trainer's own identity, so that its Role can name one experiment's progress ConfigMap and nothing else. */
public class TrainerServiceAccount extends CRUDKubernetesDependentResource<ServiceAccount, OrcaExperiment> {

    @Override
    protected ServiceAccount desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        return new ServiceAccountBuilder()
                .withNewMetadata().withName(Names.trainer(experiment)).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, "trainer")).endMetadata()
                .build();
    }
}
