package dev.orca.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.BadExperiments;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The malformed-experiment table against the operator. The mock server applies no schema, so this is the
 * operator's own line of defence: every case it can read must end Failed with a condition naming the
 * field, with no Job, and the operator must keep serving the valid experiment applied after them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BadExperimentsTest {
    static final String NS = "bad";

    @Inject
    KubernetesClient client;

    @Test
    void everyReadableBadExperimentFailsNamingTheFieldAndGetsNoJob() {
        List<BadExperiments.Case> applied = new ArrayList<>();
        for (BadExperiments.Case bad : BadExperiments.all()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) bad.resource().get("metadata")).put("namespace", NS);
            OrcaExperiment experiment;
            try {
                experiment = TestExperiments.of(client, bad.resource());
            } catch (IllegalArgumentException unreadable) {
                continue; // an unknown enum value: only the API server's schema can stop it, and does (CrdTest)
            }
            if (dev.orca.crd.SpecValidation.validate(experiment.getSpec()).isEmpty() && bad.rejectedBy() == BadExperiments.RejectedBy.schema) {
                continue; // e.g. a misspelt field: the API server rejects or prunes it before the operator could see it
            }
            client.resource(experiment).create();
            applied.add(bad);
        }
        assertTrue(applied.size() >= 30, "cases the operator itself must refuse: " + applied.size());
        assertTrue(applied.stream().anyMatch(c -> c.rejectedBy() == BadExperiments.RejectedBy.operator));

        client.resource(TestExperiments.valid(client, NS, "good")).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.batch().v1().jobs().inNamespace(NS).withName("good-trainer").get() != null);

        for (BadExperiments.Case bad : applied) {
            String name = bad.resource().get("metadata").get("name").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                OrcaExperiment e = client.resources(OrcaExperiment.class).inNamespace(NS).withName(name).get();
                return e.getStatus() != null && e.getStatus().phase == Phase.Failed;
            });
            OrcaExperiment failed = client.resources(OrcaExperiment.class).inNamespace(NS).withName(name).get();
            var specValid = failed.getStatus().conditions.stream().filter(c -> c.getType().equals("SpecValid")).findFirst().orElseThrow();
            assertEquals("False", specValid.getStatus(), bad.name());
            assertTrue(bad.named(specValid.getMessage()), bad.name() + ": " + bad.field() + " not named in " + specValid.getMessage());
            assertTrue(client.batch().v1().jobs().inNamespace(NS).withLabel(Names.EXPERIMENT_LABEL, name).list().getItems().isEmpty(),
                    bad.name() + " must not get a Job");
        }
    }
}
