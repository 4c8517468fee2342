package dev.orca.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orca.crd.BadExperiments;
import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Experiments for the operator's tests, from the same base the CRD tests use. */
public final class TestExperiments {
    private TestExperiments() {}

    public static OrcaExperiment valid(KubernetesClient client, String namespace, String name) {
        ObjectNode node = BadExperiments.base().deepCopy();
        ((ObjectNode) node.get("metadata")).put("name", name).put("namespace", namespace);
        return of(client, node);
    }

    public static OrcaExperiment of(KubernetesClient client, JsonNode node) {
        return client.getKubernetesSerialization().convertValue(node, OrcaExperiment.class);
    }
}
