package dev.orca.operator;

import dev.orca.operator.config.OperatorConfig;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;

/** For tests that replace the running operator (a rollout, a crash) against the mock API server. */
final class TestOperators {
    private TestOperators() {}

    /** A client of the test's own: stopping the operator closes the one it was given. */
    static KubernetesClient ownClient(KubernetesClient operatorClient) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(operatorClient.getConfiguration()).build()).build();
    }

    /**
     * A second operator instance on {@code client}, started, with empty caches, as after a restart (no server-side
     * apply: the mock server lacks it). Its Events go through {@code client}: the injected ExperimentEvents holds the
     * stopped operator's closed client.
     */
    static Operator replacement(KubernetesClient client, ExperimentMetrics metrics) {
        Operator replacement = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false).withSSABasedCreateUpdateMatchForDependentResources(false));
        replacement.register(new OrcaExperimentReconciler(OperatorConfig.current(), new ExperimentEvents(client), metrics));
        replacement.start();
        return replacement;
    }
}
