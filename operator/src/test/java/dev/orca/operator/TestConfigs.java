package dev.orca.operator;

import dev.orca.operator.config.OperatorConfig;
import java.util.List;
import java.util.Optional;

/** The operator's configuration as the chart's defaults set it, with pull secrets and a tenant ceiling to vary. */
public final class TestConfigs {
    private TestConfigs() {}

    public static OperatorConfig chartDefaults() {
        return with(List.of(), List.of(), List.of());
    }

    /** Pull secrets, and priority classes and toleration keys some namespace's tenant policy allows. */
    public static OperatorConfig with(List<String> pullSecrets, List<String> priorityClasses, List<String> tolerationKeys) {
        return new OperatorConfig() {
            public String trainerImage() { return "ghcr.io/orca-dev/orca-trainer:0.1.0"; }
            public String trainerCpuImage() { return "127.0.0.1:5000/orca-dev/orca-trainer-cpu@sha256:" + "a".repeat(64); }
            public String imagePullPolicy() { return "IfNotPresent"; }
            public Optional<List<String>> imagePullSecrets() { return Optional.of(pullSecrets); }
            public int maxGpusPerExperiment() { return 8; }
            public boolean networkPolicy() { return true; }
            public Optional<List<String>> networkPolicyApiServerCidrs() { return Optional.empty(); }
            public Optional<List<String>> networkPolicyTrackerCidrs() { return Optional.empty(); }
            public Optional<List<String>> allowedImages() { return Optional.of(List.of("registry.example/team-a/")); }
            public Optional<List<String>> allowedPriorityClasses() { return Optional.of(priorityClasses); }
            public Optional<List<String>> allowedTolerationKeys() { return Optional.of(tolerationKeys); }
            public Optional<List<String>> allowedNodeSelectorKeys() { return Optional.empty(); }
            public long trainerUid() { return 1000; }
            public boolean leaderElection() { return false; }
            public String leaseName() { return "orca-operator"; }
            public Optional<String> leaseNamespace() { return Optional.empty(); }
            public java.time.Duration livenessInformerGrace() { return java.time.Duration.ofMinutes(2); }
            public java.time.Duration stallFloor() { return java.time.Duration.ofMinutes(10); }
        };
    }
}
