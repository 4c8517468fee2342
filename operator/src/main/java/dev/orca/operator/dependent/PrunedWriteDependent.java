package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * A dependent whose own writes the SDK remembers in the form its informer keeps them ({@link #cachedForm}), not as the
 * server answered them. The SDK holds each object the operator creates or updates (its temporary cache) until the
 * informer delivers that version, so that the next reconcile does not create it again; what it holds is the server's
 * whole answer, managedFields included. While the API server is busy its watch events come late, and those answers
 * piled up: at 10 000 experiments a class histogram of the leader found about 7000 of them (ConfigMaps, NetworkPolicies,
 * ServiceAccounts, Roles, with 7000 managedFields entries), a fifth of the live heap, on objects whose informers keep
 * only metadata.
 */
abstract class PrunedWriteDependent<R extends HasMetadata> extends KubernetesDependentResource<R, OrcaExperiment> {

    PrunedWriteDependent(Class<R> type) {
        super(type);
    }

    /** What the informer's store keeps of such an object (a new object: the server's answer is left as it is). */
    protected abstract R cachedForm(R written);

    @Override
    protected void onCreated(OrcaExperiment experiment, R created, Context<OrcaExperiment> context) {
        super.onCreated(experiment, cachedForm(created), context);
    }

    @Override
    protected void onUpdated(OrcaExperiment experiment, R updated, R actual, Context<OrcaExperiment> context) {
        super.onUpdated(experiment, cachedForm(updated), actual, context);
    }
}
