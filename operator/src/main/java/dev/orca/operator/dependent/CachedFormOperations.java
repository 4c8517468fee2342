package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The SDK's create, update and server-side apply of a dependent's object, with what the SDK remembers of the write (and
 * returns) in the form the dependent's informer keeps ({@link PrunedWriteDependent#cachedForm}).
 *
 * <p>Why: the SDK (5.3.2) writes through {@link ResourceOperations}, which hands the server's whole answer, managedFields
 * included, to the event source's temporary cache, and it stays there until the informer delivers a later version or
 * a periodic check finds the informer past it. A dependent's own {@code onCreated} comes too late to replace it: the
 * cache already holds that version and keeps the first copy. On a saturated API server that was one full answer per
 * object written in the last minutes: a heap dump of the leader at 10 000 experiments found 5800 ServiceAccounts,
 * NetworkPolicies, ConfigMaps, Roles and RoleBindings there with their managedFields. The writes themselves are the
 * SDK's (the same requests, the same event filtering of the operator's own changes); only what is kept changes.
 */
final class CachedFormOperations<R extends HasMetadata> extends ResourceOperations<OrcaExperiment> {

    private final Context<OrcaExperiment> context;
    private final Class<R> type;
    private final UnaryOperator<R> cachedForm;

    CachedFormOperations(Context<OrcaExperiment> context, Class<R> type, UnaryOperator<R> cachedForm) {
        super(context);
        this.context = context;
        this.type = type;
        this.cachedForm = cachedForm;
    }

    /** {@code context} with these operations in place of the SDK's. */
    static <R extends HasMetadata> Context<OrcaExperiment> in(Context<OrcaExperiment> context, Class<R> type,
                                                              UnaryOperator<R> cachedForm) {
        return new WithOperations(context, new CachedFormOperations<>(context, type, cachedForm));
    }

    @Override
    public <T extends HasMetadata> T serverSideApply(T resource, InformerEventSource<T, OrcaExperiment> source) {
        return source == null ? super.serverSideApply(resource, null) : resourcePatch(resource, r -> kept(apply(r)), source);
    }

    @Override
    public <T extends HasMetadata> T create(T resource, InformerEventSource<T, OrcaExperiment> source) {
        return source == null ? super.create(resource, null)
                : resourcePatch(resource, r -> kept(context.getClient().resource(r).create()), source);
    }

    @Override
    public <T extends HasMetadata> T update(T resource, InformerEventSource<T, OrcaExperiment> source) {
        return source == null ? super.update(resource, null)
                : resourcePatch(resource, r -> kept(context.getClient().resource(r).update()), source);
    }

    /** The cached form of an answer of this dependent's kind; any other answer as it is. */
    @SuppressWarnings("unchecked")
    <T extends HasMetadata> T kept(T answer) {
        return type.isInstance(answer) ? (T) cachedForm.apply(type.cast(answer)) : answer;
    }

    /** The request the SDK's own server-side apply sends: forced, as the controller's field manager. */
    private <T extends HasMetadata> T apply(T resource) {
        return context.getClient().resource(resource).patch(new PatchContext.Builder().withForce(true)
                .withFieldManager(context.getControllerConfiguration().fieldManager())
                .withPatchType(PatchType.SERVER_SIDE_APPLY).build());
    }

    /** A reconcile's context, but for its resource operations. */
    private record WithOperations(Context<OrcaExperiment> context, ResourceOperations<OrcaExperiment> operations)
            implements Context<OrcaExperiment> {
        @Override
        public ResourceOperations<OrcaExperiment> resourceOperations() {
            return operations;
        }

        @Override
        public Optional<RetryInfo> getRetryInfo() {
            return context.getRetryInfo();
        }

        @Override
        public <T> Set<T> getSecondaryResources(Class<T> type, boolean deduplicate) {
            return context.getSecondaryResources(type, deduplicate);
        }

        @Override
        public <T> Stream<T> getSecondaryResourcesAsStream(Class<T> type, boolean deduplicate) {
            return context.getSecondaryResourcesAsStream(type, deduplicate);
        }

        @Override
        public <T> Optional<T> getSecondaryResource(Class<T> type, String eventSourceName) {
            return context.getSecondaryResource(type, eventSourceName);
        }

        @Override
        public ControllerConfiguration<OrcaExperiment> getControllerConfiguration() {
            return context.getControllerConfiguration();
        }

        @Override
        public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
            return context.managedWorkflowAndDependentResourceContext();
        }

        @Override
        public EventSourceRetriever<OrcaExperiment> eventSourceRetriever() {
            return context.eventSourceRetriever();
        }

        @Override
        public KubernetesClient getClient() {
            return context.getClient();
        }

        @Override
        public ExecutorService getWorkflowExecutorService() {
            return context.getWorkflowExecutorService();
        }

        @Override
        public OrcaExperiment getPrimaryResource() {
            return context.getPrimaryResource();
        }

        @Override
        public IndexedResourceCache<OrcaExperiment> getPrimaryCache() {
            return context.getPrimaryCache();
        }

        @Override
        public boolean isNextReconciliationImminent() {
            return context.isNextReconciliationImminent();
        }

        @Override
        public boolean isPrimaryResourceDeleted() {
            return context.isPrimaryResourceDeleted();
        }

        @Override
        public boolean isPrimaryResourceFinalStateUnknown() {
            return context.isPrimaryResourceFinalStateUnknown();
        }
    }
}
