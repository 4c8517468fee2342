package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.SpecValidation;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's own refusal of what no namespace may ask for, behind the API server's admission policy. */
class TenantCeilingTest {

    private static OrcaExperiment experiment() {
        try (var client = new KubernetesClientBuilder().build()) {
            return TestExperiments.valid(client, "team-a", "x");
        }
    }

    private static List<String> fields(OrcaExperiment e) {
        return ExperimentValidation.validate(e, TestConfigs.with(List.of(), List.of("research-low"), List.of("nvidia.com/gpu")))
                .stream().map(SpecValidation.Violation::field).toList();
    }

    /** An experiment asking for an image, a priority class and a toleration (of every taint when the key is null). */
    private static OrcaExperiment asking(String image, String priorityClass, String taintKey) {
        OrcaExperiment e = experiment();
        e.getSpec().image = image;
        e.getSpec().resources.priorityClassName = priorityClass;
        OrcaExperimentSpec.Toleration toleration = new OrcaExperimentSpec.Toleration();
        toleration.key = taintKey;
        toleration.operator = "Exists";
        e.getSpec().resources.tolerations = List.of(toleration);
        return e;
    }

    @Test
    void whatTheHostileTenantAskedForFailsValidationNamingEachField() {
        OrcaExperiment e = asking("docker.io/evil/miner:latest", "system-node-critical", null);
        e.getSpec().resources.nodeSelector = Map.of("node-role.kubernetes.io/control-plane", "");
        assertEquals(List.of("spec.image", "spec.resources.priorityClassName", "spec.resources.tolerations[0].key",
                "spec.resources.nodeSelector.node-role.kubernetes.io/control-plane"), fields(e));
    }

    @Test
    void whatSomeNamespaceMayUsePasses() {
        OrcaExperiment e = asking("registry.example/team-a/trainer:2", "research-low", "nvidia.com/gpu");
        assertEquals(List.of(), fields(e));
        e.getSpec().image = "127.0.0.1:5000/orca-dev/orca-trainer-cpu:0.2.0";
        assertEquals(List.of(), fields(e), "the chart's own image repository, under another tag, behind a registry port");
    }

    @Test
    void aRepositoryIsTheReferenceWithoutTagOrDigest() {
        assertEquals("127.0.0.1:5000/orca-dev/orca-trainer-cpu", TenantCeiling.repository("127.0.0.1:5000/orca-dev/orca-trainer-cpu@sha256:ab"));
        assertEquals("ghcr.io/orca-dev/orca-trainer", TenantCeiling.repository("ghcr.io/orca-dev/orca-trainer:0.1.0"));
        assertEquals("localhost:5000/x", TenantCeiling.repository("localhost:5000/x"));
        assertTrue(TenantCeiling.imageAllowed("ghcr.io/orca-dev/orca-trainer@sha256:ab", List.of("ghcr.io/orca-dev/orca-trainer")));
        assertTrue(!TenantCeiling.imageAllowed("ghcr.io/orca-dev/orca-trainer-evil:1", List.of("ghcr.io/orca-dev/orca-trainer")),
                "a repository is not a prefix unless it ends in /");
    }
}
