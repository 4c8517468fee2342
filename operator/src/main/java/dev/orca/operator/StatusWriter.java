package dev.orca.operator;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.cache.ExperimentCopies;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Optional;

/**
 * Writes an experiment's status by server-side apply, the request the SDK's {@code UpdateControl.patchStatus} sends
 * (the whole object to /status, the controller's field manager, forced, with its resourceVersion so that a status
 * computed from a stale copy is refused), and differs in what it leaves in the controller's cache.
 *
 * <p>Why not the SDK's: 5.3.2 keeps what each write returned in a temporary cache until the informer delivers a newer
 * version, and when the write's own event arrived first (usual under load) the entry stays until the experiment next
 * changes: an idle experiment's full copy, managedFields included, for as long as it exists. At 1000 experiments that
 * was about 1000 such copies. Here a copy goes to that cache only while the informer has not yet seen the write (what
 * the cache is for: the next reconcile must not read the status from before it), and pruned as the informer's store
 * keeps it.
 */
final class StatusWriter {
    private StatusWriter() {
    }

    /**
     * Writes the status already set on {@code experiment}; false when the operator does not use server-side apply for
     * its primary resource (the mock API server in tests), where the SDK's own status write must be used instead.
     */
    static boolean write(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        var configuration = context.getControllerConfiguration();
        if (!configuration.getConfigurationService().useSSAToPatchPrimaryResource()) return false;
        experiment.getMetadata().setManagedFields(null);
        OrcaExperiment written = context.getClient().resource(experiment).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager(configuration.fieldManager()).withForce(true).build());
        var cache = context.eventSourceRetriever().getControllerEventSource();
        ResourceID id = ResourceID.fromResource(written);
        if (!seen(cache.get(id), written)) {
            cache.handleRecentResourceUpdate(id, ExperimentCopies.pruned(written), experiment);
        }
        return true;
    }

    /**
     * Whether the informer already holds {@code written} or a later version. Resource versions are compared as numbers,
     * as the SDK compares them (comparable resource versions, its default); one that is not a number counts as unseen,
     * which costs only a cache entry.
     */
    static boolean seen(Optional<? extends HasMetadata> cached, HasMetadata written) {
        if (cached.isEmpty()) return false;
        try {
            return Long.parseLong(cached.get().getMetadata().getResourceVersion())
                    >= Long.parseLong(written.getMetadata().getResourceVersion());
        } catch (NumberFormatException | NullPointerException e) {
            return false;
        }
    }
}
