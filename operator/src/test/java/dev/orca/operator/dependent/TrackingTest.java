package dev.orca.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.operator.TestExperiments;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** spec.tracking in the trainer's pod: its run name and the Secret's credentials, and the one egress it adds. */
class TrackingTest {
    private static OrcaExperiment tracked(String uri, String secret) {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        e.getSpec().tracking = new OrcaExperimentSpec.Tracking();
        e.getSpec().tracking.mlflow = new OrcaExperimentSpec.Mlflow();
        e.getSpec().tracking.mlflow.uri = uri;
        e.getSpec().tracking.mlflow.credentialsSecret = secret;
        return e;
    }

    @Test
    void theTrainerGetsItsJobsNameAndTheSecretsCredentialsAsMlflowReadsThem() {
        OrcaExperiment e = tracked("http://10.1.2.3:5000", "mlflow-auth");
        var job = TrainerPods.job(e, dev.orca.operator.TestConfigs.chartDefaults(), "x-trainer", Names.labels(e, Names.TRAINER),
                List.of("run"), ProgressWriter.own(e));
        List<EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertEquals("x-trainer", env.stream().filter(v -> v.getName().equals(dev.orca.crd.TrainerCommand.ENV_RUN_NAME))
                .findFirst().orElseThrow().getValue());
        Map<String, String> fromSecret = new java.util.TreeMap<>();
        env.stream().filter(v -> v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null).forEach(v -> {
            var ref = v.getValueFrom().getSecretKeyRef();
            assertEquals("mlflow-auth", ref.getName());
            assertTrue(ref.getOptional(), v.getName() + ": a basic-auth Secret has no token, a token Secret no password");
            fromSecret.put(v.getName(), ref.getKey());
        });
        assertEquals(Map.of("MLFLOW_TRACKING_USERNAME", "username", "MLFLOW_TRACKING_PASSWORD", "password",
                "MLFLOW_TRACKING_TOKEN", "token"), fromSecret);

        OrcaExperiment plain = tracked("http://10.1.2.3:5000", null);
        assertTrue(TrainerPods.trackerCredentials(plain.getSpec()).isEmpty(), "no Secret, no secret references");
    }

    @Test
    void theTrackerIsReachableOnItsPortAtItsAddressOrTheAdministratorsCidrsAndNowhereElse() {
        assertEquals(Optional.of(new TrackerEgress(List.of("10.1.2.3/32"), 5000)),
                TrackerEgress.of(tracked("http://10.1.2.3:5000", null).getSpec(), List.of()));
        assertEquals(Optional.of(new TrackerEgress(List.of("10.8.0.0/16"), 443)),
                TrackerEgress.of(tracked("https://mlflow.example.org/team-a", null).getSpec(), List.of("10.8.0.0/16")));
        assertEquals(Optional.of(new TrackerEgress(List.of("10.8.0.0/16"), 80)),
                TrackerEgress.of(tracked("http://10.1.2.3", null).getSpec(), List.of("10.8.0.0/16")), "the administrator's CIDRs win");
        assertEquals(Optional.empty(), TrackerEgress.of(tracked("http://mlflow.mlflow.svc:5000", null).getSpec(), List.of()),
                "a name is not an address a NetworkPolicy can match");
        OrcaExperiment untracked;
        try (var client = new KubernetesClientBuilder().build()) {
            untracked = TestExperiments.valid(client, "ns", "x");
        }
        assertEquals(Optional.empty(), TrackerEgress.of(untracked.getSpec(), List.of("10.8.0.0/16")), "no tracking, no egress for it");

        var endpoints = List.of(new ApiServerEndpoints.Endpoint("10.244.0.1", 6443));
        var egress = TrainerNetworkPolicy.desired(tracked("http://10.1.2.3:5000", null), dev.orca.operator.TestConfigs.chartDefaults(),
                endpoints).getSpec().getEgress();
        assertEquals(List.of(List.of(6443), List.of(5000), List.of(53, 53)), egress.stream()
                .map(r -> r.getPorts().stream().map(p -> p.getPort().getIntVal()).toList()).toList());
        assertEquals("10.1.2.3/32", egress.get(1).getTo().get(0).getIpBlock().getCidr());
    }
}
