package dev.orca.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * API errors a real server cannot be made to return on demand, injected on chosen requests of the Fabric8 mock
 * server (its expectations take precedence over its CRUD store): the reconciler retries, converges, and never
 * makes a second Job. The real-server tests (RealClusterIT) cover restarts and dropped watches.
 */
@QuarkusTest
@QuarkusTestResource(MockApiServer.class)
class ApiFaultsTest {

    @Inject
    KubernetesClient client;

    private static KubernetesMockServer server() {
        return MockApiServer.server;
    }

    private static io.fabric8.kubernetes.api.model.Status status(int code, String reason) {
        return new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason).withMessage("injected " + code).build();
    }

    private void assertConverges(String ns, String name) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            OrcaExperiment e = client.resources(OrcaExperiment.class).inNamespace(ns).withName(name).get();
            assertTrue(e.getStatus() != null && e.getStatus().phase == Phase.Pending && (name + "-trainer").equals(e.getStatus().jobName),
                    name + ": " + (e.getStatus() == null ? "no status" : e.getStatus().phase + " " + e.getStatus().jobName));
            assertEquals(1, client.batch().v1().jobs().inNamespace(ns).withLabel(Names.EXPERIMENT_LABEL, name).list().getItems().size(),
                    "exactly one Job");
        });
    }

    /** Requests the server saw so far whose method and path start as given. */
    private List<String> seen(String method, String pathPrefix) throws InterruptedException {
        List<String> out = new ArrayList<>();
        var mock = server();
        assertEquals(mock.url("/"), client.getMasterUrl().toString(), "the operator and this test talk to the faulty server");
        int count = mock.getRequestCount();
        for (int i = 0; i < count; i++) {
            RecordedRequest r = mock.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (r == null) {
                break;
            }
            if (r.getMethod().equals(method) && r.getPath().startsWith(pathPrefix)) {
                out.add(r.getPath());
            }
        }
        return out;
    }

    @Test
    void aServerErrorOnJobCreationIsRetried() throws Exception {
        String ns = "fault-500";
        server().expect().post().withPath("/apis/batch/v1/namespaces/" + ns + "/jobs").andReturn(500, status(500, "InternalError")).once();
        client.resource(TestExperiments.valid(client, ns, "e500")).create();
        assertConverges(ns, "e500");
        assertTrue(seen("POST", "/apis/batch/v1/namespaces/" + ns + "/jobs").size() >= 2, "the injected error was served, then a retry");
    }

    @Test
    void aConflictOnTheStatusWriteIsRetried() throws Exception {
        String ns = "fault-409";
        String path = "/apis/orca.dev/v1alpha1/namespaces/" + ns + "/orcaexperiments/e409/status";
        server().expect().patch().withPath(path).andReturn(409, status(409, "Conflict")).times(2);
        server().expect().put().withPath(path).andReturn(409, status(409, "Conflict")).times(2);
        client.resource(TestExperiments.valid(client, ns, "e409")).create();
        assertConverges(ns, "e409");
        List<String> writes = seen("PATCH", path);
        writes.addAll(seen("PUT", path));
        assertTrue(writes.size() >= 3, "two injected conflicts, then a write that landed: " + writes);
    }

    @Test
    void tooManyRequestsOnConfigMapsAreRetried() throws Exception {
        String ns = "fault-429";
        server().expect().post().withPath("/api/v1/namespaces/" + ns + "/configmaps").andReturn(429, status(429, "TooManyRequests"))
                .withHeader("Retry-After", "1").times(3);
        client.resource(TestExperiments.valid(client, ns, "e429")).create();
        assertConverges(ns, "e429");
        assertTrue(seen("POST", "/api/v1/namespaces/" + ns + "/configmaps").size() >= 5, "three injected 429s, then both creates");
        assertEquals(2, client.configMaps().inNamespace(ns).withLabel(Names.EXPERIMENT_LABEL, "e429").list().getItems().size(),
                "the spec and progress ConfigMaps, once each");
    }
}
