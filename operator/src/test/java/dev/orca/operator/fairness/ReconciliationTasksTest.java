package dev.orca.operator.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Constructor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The namespace is read from the SDK's own task class, as the SDK builds it (no event processor needed to hold it). */
class ReconciliationTasksTest {

    private static Runnable sdkTask(ResourceID id) throws ReflectiveOperationException {
        return sdkTask(id, null);
    }

    /** The SDK's task as its event processor makes it; {@code primary} null leaves the scope out too. */
    private static Runnable sdkTask(ResourceID id, HasMetadata primary) throws ReflectiveOperationException {
        Class<?> type = Class.forName(ReconciliationTasks.SDK_TASK);
        Constructor<?> constructor = type.getDeclaredConstructors()[0];
        constructor.setAccessible(true);
        Object[] arguments = new Object[constructor.getParameterCount()];
        for (int i = 0; i < arguments.length; i++) {
            Class<?> parameter = constructor.getParameterTypes()[i];
            if (parameter == ResourceID.class) arguments[i] = id;
            else if (primary != null && parameter.getSimpleName().equals("ExecutionScope")) {
                Constructor<?> scope = parameter.getDeclaredConstructors()[0];
                scope.setAccessible(true);
                arguments[i] = scope.newInstance(primary, null, false, false);
            }
        }
        return (Runnable) constructor.newInstance(arguments); // the enclosing processor stays null
    }

    private static OrcaExperiment experiment() {
        var experiment = new OrcaExperiment();
        experiment.setMetadata(new ObjectMetaBuilder().withName("exp").withNamespace("team-a").withUid("u-1")
                .withResourceVersion("42").withGeneration(3L).withLabels(Map.of("suite", "nb360"))
                .withAnnotations(Map.of("note", "x".repeat(4096))).build());
        experiment.setSpec(new OrcaExperimentSpec());
        experiment.setStatus(new OrcaExperimentStatus());
        return experiment;
    }

    @Test
    void aQueuedTaskKeepsOnlyWhatNamesItsPrimary() throws ReflectiveOperationException {
        assertTrue(ReconciliationTasks.primariesDropped(), "the SDK's task still holds an ExecutionScope as expected");
        OrcaExperiment full = experiment();
        Runnable task = sdkTask(ResourceID.fromResource(full), full);
        assertSame(full, ReconciliationTasks.primaryOf(task));

        assertSame(task, ReconciliationTasks.withoutPrimary(task), "the same task is queued, only lighter");
        HasMetadata kept = ReconciliationTasks.primaryOf(task);
        assertNotNull(kept);
        assertEquals(OrcaExperiment.class, kept.getClass());
        assertEquals(ResourceID.fromResource(full), ResourceID.fromResource(kept), "the SDK names the task by it");
        assertEquals("u-1", kept.getMetadata().getUid());
        assertEquals("42", kept.getMetadata().getResourceVersion());
        assertEquals(3L, kept.getMetadata().getGeneration());
        assertEquals("orca.dev/v1alpha1", kept.getApiVersion());
        assertNull(((OrcaExperiment) kept).getSpec());
        assertNull(((OrcaExperiment) kept).getStatus());
        assertTrue(kept.getMetadata().getAnnotations() == null || kept.getMetadata().getAnnotations().isEmpty(),
                "what only the reconcile reads is not kept while queued");
        assertTrue(kept.getMetadata().getLabels() == null || kept.getMetadata().getLabels().isEmpty());
        assertEquals(4096, full.getMetadata().getAnnotations().get("note").length(), "the cache's copy is untouched");
    }

    @Test
    void otherTasksAreQueuedAsTheyAre() throws ReflectiveOperationException {
        Runnable plain = () -> {};
        assertSame(plain, ReconciliationTasks.withoutPrimary(plain));
        Runnable noScope = sdkTask(new ResourceID("exp", "team-a"));
        assertSame(noScope, ReconciliationTasks.withoutPrimary(noScope));
        assertNull(ReconciliationTasks.primaryOf(noScope));
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
