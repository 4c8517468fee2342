package dev.orca.trainer.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The trainer's side of the operator channel against a Kubernetes API (the Fabric8 mock server in CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class ConfigMapProgressSinkTest {
    KubernetesClient client;

    private ProgressReport read() throws Exception {
        String json = client.configMaps().inNamespace("ml").withName("exp-progress").get().getData().get(ProgressReport.KEY);
        return json == null ? null : new ObjectMapper().readValue(json, ProgressReport.class);
    }

    @Test
    void epochsAreCoalescedStageChangesAndTheEndAreNot() throws Exception {
        client.configMaps().inNamespace("ml").resource(new ConfigMapBuilder().withNewMetadata().withName("exp-progress")
                .addToLabels("orca.dev/role", "progress").endMetadata().build()).create();
        ProgressReports reports = new ProgressReports(3, 2);
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, "ml", "exp-progress", reports, Duration.ofHours(1))) {
            sink.accept(ProgressEvent.of(TrainerStage.PREPARING, "loading"));
            assertEquals("preparing", read().stage());
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 1, 3, 1, 9.0, 9.0, 60L));
            assertEquals("aligning", read().stage(), "a new stage is sent at once");
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 2, 3, 2, 7.0, 7.0, 50L));
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 3, 3, 3, 6.0, 6.0, 40L));
            assertEquals(1, read().epoch(), "epochs within the interval wait");
            sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 1, 2, 10, 0.7, null, 20L));
            ProgressReport tuning = read();
            assertEquals("fine-tuning", tuning.stage());
            assertEquals(java.util.List.of(9.0, 7.0, 6.0), tuning.otddCurve(), "the whole curve travels with every report");
            assertEquals(3, tuning.alignEpochs());
            sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 2, 2, 20, 0.5, null, 5L));
            assertEquals(1, read().epoch());
        }
        assertEquals(2, read().epoch(), "close flushes the last report");
        assertEquals(0.5, read().loss());
    }

    @Test
    void theOutcomeCarriesMetricAndValidation() throws Exception {
        client.configMaps().inNamespace("ml").resource(new ConfigMapBuilder().withNewMetadata().withName("exp-progress")
                .endMetadata().build()).create();
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, "ml", "exp-progress", new ProgressReports(0, 1), Duration.ZERO)) {
            sink.accept(ProgressEvent.of(TrainerStage.EVALUATING, "v").withMetric("zeroOneError", 0.4, "validation"));
            sink.accept(ProgressEvent.of(TrainerStage.SUCCEEDED, null).withMetric("zeroOneError", 0.3, "test"));
        }
        ProgressReport end = read();
        assertEquals("succeeded", end.stage());
        assertEquals(0.3, end.metricValue());
        assertEquals("test", end.split());
        assertEquals(0.4, end.validation());
        assertTrue(end.otddCurve().isEmpty());
    }

    @Test
    void aMissingConfigMapIsReportedNotThrown() {
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, "ml", "absent", new ProgressReports(0, 1), Duration.ZERO)) {
            sink.accept(ProgressEvent.of(TrainerStage.PREPARING, "x"));
        }
        assertNull(client.configMaps().inNamespace("ml").withName("absent").get(), "the trainer never creates the channel");
    }
}
