package dev.orca.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.TestExperiments;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadOnlyCopiesTest {

    @Test
    void experimentsAreKeptWithoutManagedFieldsOrTheLastAppliedCopy() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ml", "x");
        }
        e.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply").build()));
        e.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(ExperimentCopies.LAST_APPLIED, "{...the spec again...}",
                "team", "vision")));
        var store = new ExperimentCopies();
        store.put(store.getKey(e), e);
        OrcaExperiment kept = store.get("ml/x");
        assertNull(kept.getMetadata().getManagedFields());
        assertEquals(Map.of("team", "vision"), kept.getMetadata().getAnnotations(), "other annotations stay");
        assertNotNull(kept.getSpec(), "the spec is read by the reconciler");
    }

    @Test
    void podsAreKeptAsMetadataAndStatus() {
        Pod pod = new PodBuilder().withNewMetadata().withName("x-trainer-abc").withNamespace("ml")
                .withLabels(Map.of("orca.dev/experiment", "x")).withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").build())
                .endMetadata().withNewSpec().addNewContainer().withName("trainer").withImage("trainer:1").endContainer().endSpec()
                .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("trainer").withNewState().withNewTerminated()
                .withReason("OOMKilled").withExitCode(137).endTerminated().endState().endContainerStatus().endStatus().build();
        var store = new PodCopies();
        store.put(store.getKey(pod), pod);
        Pod kept = store.get("ml/x-trainer-abc");
        assertNull(kept.getSpec());
        assertNull(kept.getMetadata().getManagedFields());
        assertEquals("x", kept.getMetadata().getLabels().get("orca.dev/experiment"));
        assertEquals("OOMKilled", kept.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason());
        assertTrue(store.keySet().anyMatch("ml/x-trainer-abc"::equals));
    }
}
