package dev.orca.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.TrainerStage;
import dev.orca.operator.plan.Names;
import dev.orca.trainer.progress.ConfigMapProgressSink;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressReports;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operator is replaced mid-experiment (a rollout, a crash): the new instance starts with empty caches,
 * relists, and must neither create a second Job nor lose or reset the status the old one wrote.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(OperatorRestartTest.Isolated.class)
class OperatorRestartTest {
    /** Its own application instance, since this test stops the operator. */
    public static class Isolated implements QuarkusTestProfile {}

    static final String NS = "restart";

    @Inject
    KubernetesClient operatorClient;
    /** Our own client: stopping the operator closes the one it was given. */
    KubernetesClient client;
    @Inject
    Operator running;
    @Inject
    ExperimentMetrics metrics;

    private OrcaExperiment experiment() {
        return client.resources(OrcaExperiment.class).inNamespace(NS).withName("long-run").get();
    }

    @Test
    void aNewOperatorAdoptsTheRunningExperiment() {
        client = TestOperators.ownClient(operatorClient);
        client.resource(TestExperiments.valid(client, NS, "long-run")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.batch().v1().jobs().inNamespace(NS).withName("long-run-trainer").get() != null);
        ProgressReports reports = new ProgressReports(5, 3);
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, NS, "long-run-progress", reports, Duration.ZERO)) {
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 5, 5, 5, 4.0, 4.0, 90L));
            sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 1, 3, 9, 1.5, null, 60L));
            await().atMost(Duration.ofSeconds(30)).until(() -> experiment().getStatus() != null
                    && experiment().getStatus().phase == Phase.FineTuning);
            String jobUid = client.batch().v1().jobs().inNamespace(NS).withName("long-run-trainer").get().getMetadata().getUid();

            running.stop();
            Operator replacement = TestOperators.replacement(client, metrics);
            try {
                // Progress written while no operator ran, and after, reaches the status through the new instance.
                sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 2, 3, 18, 1.1, null, 30L));
                await().atMost(Duration.ofSeconds(30)).until(() -> experiment().getStatus().progress.epoch == 2);
                OrcaExperiment adopted = experiment();
                assertEquals(Phase.FineTuning, adopted.getStatus().phase);
                assertEquals(4.0, adopted.getStatus().otdd.finalValue, "alignment results survive the restart");
                assertEquals(1.1, adopted.getStatus().loss);
                assertEquals(1, client.batch().v1().jobs().inNamespace(NS).withLabel(Names.EXPERIMENT_LABEL, "long-run").list()
                        .getItems().size(), "no second Job");
                assertEquals(jobUid, client.batch().v1().jobs().inNamespace(NS).withName("long-run-trainer").get().getMetadata().getUid(),
                        "the same Job, not a replacement");
            } finally {
                replacement.stop();
            }
        } finally {
            client.close();
        }
    }
}
