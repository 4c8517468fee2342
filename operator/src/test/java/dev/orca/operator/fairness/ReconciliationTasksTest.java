package dev.orca.operator.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Constructor;
import org.junit.jupiter.api.Test;

/** The namespace is read from the SDK's own task class, as the SDK builds it (no event processor needed to hold it). */
class ReconciliationTasksTest {

    private static Runnable sdkTask(ResourceID id) throws ReflectiveOperationException {
        Class<?> type = Class.forName(ReconciliationTasks.SDK_TASK);
        Constructor<?> constructor = type.getDeclaredConstructors()[0];
        constructor.setAccessible(true);
        Object[] arguments = new Object[constructor.getParameterCount()];
        for (int i = 0; i < arguments.length; i++) {
            if (constructor.getParameterTypes()[i] == ResourceID.class) arguments[i] = id;
        }
        return (Runnable) constructor.newInstance(arguments); // the enclosing processor and the scope stay null
    }

    @Test
    void theSdksTaskNamesItsNamespace() throws ReflectiveOperationException {
        assertTrue(ReconciliationTasks.namespacesKnown(), "the SDK's task still holds its resource as expected");
        assertEquals(EventProcessor.class, Class.forName(ReconciliationTasks.SDK_TASK).getEnclosingClass());
        assertEquals("team-a", ReconciliationTasks.namespaceOf(sdkTask(new ResourceID("exp", "team-a"))));
        assertEquals(ReconciliationTasks.UNKNOWN, ReconciliationTasks.namespaceOf(sdkTask(new ResourceID("cluster-scoped"))));
    }

    @Test
    void otherTasksShareOneTurn() {
        assertEquals(ReconciliationTasks.UNKNOWN, ReconciliationTasks.namespaceOf(() -> {}));
    }
}
