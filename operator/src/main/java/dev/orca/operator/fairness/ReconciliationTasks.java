package dev.orca.operator.fairness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The namespace a reconciliation task is for. The SDK hands its executor a private {@code Runnable}
 * ({@code EventProcessor.ReconcilerExecutor}) that holds the primary's {@link ResourceID} and offers no accessor, so
 * the field is read reflectively; {@code ReconciliationTasksTest} runs the SDK's own task through this, so an SDK
 * upgrade that moves the field fails the build instead of silently dropping fairness. Anything else (or a task whose
 * field cannot be read) shares one key, which is the SDK's own first-come order.
 *
 * <p>The same task also carries the primary as the cache held it when the task was made, decoded in full, although the
 * SDK reads the primary from the cache again when the task starts ({@code ReconcilerExecutor.run}) and uses the one it
 * was made with only to name the resource. During a burst nearly every experiment has such a task waiting (about 970 at
 * 1000 experiments, 9948 at 10 000: class histograms during bench/run operator-scale), each holding a decoded experiment
 * (2.6 KiB of heap for the spec alone, more with its status). {@link #withoutPrimary} swaps it for a copy that keeps
 * only what names it.
 */
public final class ReconciliationTasks {
    private static final Logger LOG = Logger.getLogger(ReconciliationTasks.class);
    static final String SDK_TASK = EventProcessor.class.getName() + "$ReconcilerExecutor";
    /** The key of tasks whose namespace is unknown (cluster-scoped primaries too). */
    public static final String UNKNOWN = "";
    private static final Optional<Field> RESOURCE_ID = resourceIdField();
    private static final Optional<ScopeAccess> SCOPE = scopeAccess();

    private ReconciliationTasks() {}

    public static String namespaceOf(Runnable task) {
        if (RESOURCE_ID.isEmpty() || !task.getClass().getName().equals(SDK_TASK)) return UNKNOWN;
        try {
            Object id = RESOURCE_ID.get().get(task);
            return id instanceof ResourceID resource ? resource.getNamespace().orElse(UNKNOWN) : UNKNOWN;
        } catch (IllegalAccessException e) {
            return UNKNOWN;
        }
    }

    /** Whether tasks are told apart at all (false: the SDK changed its task and reconciling is first come, first served). */
    public static boolean namespacesKnown() {
        return RESOURCE_ID.isPresent();
    }

    /**
     * The task, its primary replaced by a copy with the same kind, name, namespace, uid, resourceVersion and generation
     * and nothing else; any other task, or one whose scope cannot be read, is returned as it was (it then just costs
     * the memory it would have cost anyway).
     */
    public static Runnable withoutPrimary(Runnable task) {
        if (SCOPE.isEmpty() || !task.getClass().getName().equals(SDK_TASK)) return task;
        try {
            SCOPE.get().lighten(task);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("A queued reconciliation keeps its primary in full: %s", e);
        }
        return task;
    }

    /** Whether queued tasks can be lightened (false: the SDK changed its task or its scope). */
    public static boolean primariesDropped() {
        return SCOPE.isPresent();
    }

    /** The primary a task holds (for tests). */
    static HasMetadata primaryOf(Runnable task) throws ReflectiveOperationException {
        return SCOPE.orElseThrow().primary(task);
    }

    /** Reads and replaces the primary held by the task's {@code ExecutionScope}, a package-private class of the SDK's. */
    private record ScopeAccess(Field scope, Method get, Method set) {
        HasMetadata primary(Runnable task) throws ReflectiveOperationException {
            Object executionScope = scope.get(task);
            return executionScope == null ? null : (HasMetadata) get.invoke(executionScope);
        }

        void lighten(Runnable task) throws ReflectiveOperationException {
            Object executionScope = scope.get(task);
            if (executionScope == null) return;
            HasMetadata full = (HasMetadata) get.invoke(executionScope);
            if (full == null || full.getMetadata() == null) return;
            set.invoke(executionScope, identityOf(full));
        }
    }

    @SuppressWarnings("unchecked")
    static HasMetadata identityOf(HasMetadata full) throws ReflectiveOperationException {
        HasMetadata identity = full.getClass().getDeclaredConstructor().newInstance();
        if (identity instanceof CustomResource<?, ?> resource) {
            ((CustomResource<Object, Object>) resource).setSpec(null); // made by initSpec(): defaults, not the user's
            ((CustomResource<Object, Object>) resource).setStatus(null);
        }
        ObjectMeta meta = full.getMetadata();
        identity.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
                .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withGeneration(meta.getGeneration())
                .build());
        return identity;
    }

    private static Optional<ScopeAccess> scopeAccess() {
        try {
            Field field = Class.forName(SDK_TASK).getDeclaredField("executionScope");
            Class<?> scopeType = field.getType();
            Method get = scopeType.getDeclaredMethod("getResource");
            Method set = scopeType.getDeclaredMethod("setResource", HasMetadata.class);
            field.setAccessible(true);
            get.setAccessible(true);
            set.setAccessible(true);
            return Optional.of(new ScopeAccess(field, get, set));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Queued reconciliations keep their experiment in full: the operator SDK's task no longer holds an"
                    + " ExecutionScope as expected (%s)", e.toString());
            return Optional.empty();
        }
    }

    private static Optional<Field> resourceIdField() {
        try {
            Field field = Class.forName(SDK_TASK).getDeclaredField("resourceID");
            if (!ResourceID.class.equals(field.getType())) throw new NoSuchFieldException("resourceID is a " + field.getType());
            field.setAccessible(true);
            return Optional.of(field);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Reconciliation is first come, first served across namespaces: the operator SDK's task no longer"
                    + " names its resource as %s.resourceID expected (%s)", SDK_TASK, e.toString());
            return Optional.empty();
        }
    }
}
