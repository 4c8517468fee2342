package dev.orca.operator.fairness;

import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Field;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The namespace a reconciliation task is for. The SDK hands its executor a private {@code Runnable}
 * ({@code EventProcessor.ReconcilerExecutor}) that holds the primary's {@link ResourceID} and offers no accessor, so
 * the field is read reflectively; {@code ReconciliationTasksTest} runs the SDK's own task through this, so an SDK
 * upgrade that moves the field fails the build instead of silently dropping fairness. Anything else (or a task whose
 * field cannot be read) shares one key, which is the SDK's own first-come order.
 */
public final class ReconciliationTasks {
    private static final Logger LOG = Logger.getLogger(ReconciliationTasks.class);
    static final String SDK_TASK = EventProcessor.class.getName() + "$ReconcilerExecutor";
    /** The key of tasks whose namespace is unknown (cluster-scoped primaries too). */
    public static final String UNKNOWN = "";
    private static final Optional<Field> RESOURCE_ID = resourceIdField();

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
