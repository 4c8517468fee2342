package dev.orca.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A Fabric8 mock API server (CRUD mode) for tests that run the packaged operator in its own process: the
 * operator is pointed at it through configuration, and the test reaches it through {@link #server}.
 */
public class MockApiServer implements QuarkusTestResourceLifecycleManager {
    public static volatile KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        // CRUD store plus expectations (which take precedence): ApiFaultsTest injects API errors on chosen requests.
        var responses = new java.util.HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
                responses, new io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher(responses), true);
        server.init();
        // The API server serves a custom resource once its CRD exists: install the committed one, as a cluster admin would.
        try (var client = server.createClient();
             var crd = java.nio.file.Files.newInputStream(java.nio.file.Path.of("../crds", dev.orca.crd.CrdAdmission.CRD_FILE))) {
            client.apiextensions().v1().customResourceDefinitions().load(crd).create();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // One packaged operator without leader election: the mock server has no SelfSubjectRulesReview for its lease check.
        return Map.of("quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "default",
                "orca.operator.leader-election", "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
