package dev.orca.operator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator (target/quarkus-app, prod profile) against the mock API: /q/metrics must show the
 * operator SDK's reconciliation metrics (quarkus-operator-sdk 7.7.3 publishes none in prod without our Metrics bean; fixed upstream in 7.8.0, not on Maven Central here) and ours.
 * The unit tests cannot catch that: in test mode the metrics appear either way.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(MockApiServer.class)
class PackagedMetricsIT {

    @Test
    void reconciliationAndExperimentMetricsArePublished() {
        KubernetesClient client = MockApiServer.server.createClient();
        // The packaged app keeps server-side apply on (a build-time choice), which the mock server lacks: an experiment
        // the operator refuses (more GPUs than it allows) reconciles without creating dependents.
        var experiment = TestExperiments.valid(client, "metrics", "counted");
        experiment.getSpec().resources.gpus = 64;
        client.resource(experiment).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("reconciliations_started_total{controller_name=\"orcaexperiment\"}"), "JOSDK reconciliation metrics in prod:\n" + head(metrics));
            assertTrue(metrics.contains("orca_experiments{phase=\"Failed\"} 1.0"), "experiments by phase");
            assertTrue(metrics.contains("orca_experiment_otdd{name=\"counted\",namespace=\"metrics\"}"), "per-experiment gauge");
        });
    }

    private static String head(String s) {
        return s.lines().filter(l -> !l.startsWith("#")).limit(60).reduce("", (a, b) -> a + b + "\n");
    }
}
