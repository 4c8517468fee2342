package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.TrainerExit;
import dev.orca.operator.TestExperiments;
import dev.orca.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerPodsTest {
    @Test
    void threadsFollowTheCpuLimitRoundedUp() {
        assertEquals(1, TrainerPods.threads("500m"));
        assertEquals(2, TrainerPods.threads("2"));
        assertEquals(3, TrainerPods.threads("2500m"));
        assertEquals(1, TrainerPods.threads("0.1"));
    }

    private static final OperatorConfig CONFIG = dev.orca.operator.TestConfigs.with(List.of("regcred"), List.of(), List.of());

    private static Job trialJob(OrcaExperiment e) {
        return TrainerPods.job(e, CONFIG, "x-t3-r0", Names.labels(e, Names.TRIAL), List.of("trial"), ProgressWriter.trial(e, 3));
    }

    /** A trial's pod: its own identity and channel, the token only in the trainer container, bounded scratch space. */
    @Test
    void aTrialPodRunsAsItsOwnWriterWithAProjectedTokenAndBoundedScratch() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        PodSpec pod = trialJob(e).getSpec().getTemplate().getSpec();
        assertEquals("x-t3", pod.getServiceAccountName());
        assertFalse(pod.getAutomountServiceAccountToken(), "no token for every container");
        assertEquals(List.of("regcred"), pod.getImagePullSecrets().stream().map(r -> r.getName()).toList(),
                "the chart's pull secrets reach every trainer pod");
        var env = pod.getContainers().get(0).getEnv().stream().filter(v -> v.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(v -> v.getName(), v -> v.getValue()));
        assertEquals("x-progress-t3", env.get(dev.orca.crd.ProgressReport.ENV_CONFIG_MAP));
        Volume token = pod.getVolumes().stream().filter(v -> v.getProjected() != null).findFirst().orElseThrow();
        var source = token.getProjected().getSources().stream().filter(s -> s.getServiceAccountToken() != null).findFirst().orElseThrow();
        assertTrue(source.getServiceAccountToken().getExpirationSeconds() <= 3600, "short-lived");
        assertTrue(pod.getContainers().get(0).getVolumeMounts().stream().anyMatch(m -> m.getName().equals(token.getName())));
        pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null)
                .forEach(v -> assertNotNull(v.getEmptyDir().getSizeLimit(), v.getName() + " is bounded"));

        var rules = trialJob(e).getSpec().getPodFailurePolicy().getRules();
        assertEquals("FailJob", rules.get(0).getAction());
        assertEquals(List.of(TrainerExit.INVALID_INPUT), rules.get(0).getOnExitCodes().getValues());
    }

    /** Under Kueue: the queue and priority labels on the Job (Kueue reads them there), and the Job created suspended. */
    @Test
    void aQueuedExperimentsJobCarriesKueuesLabelsAndStartsSuspended() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        assertFalse(trialJob(e).getSpec().getSuspend(), "outside Kueue the Job runs at once");
        e.getMetadata().setLabels(Map.of(dev.orca.operator.kueue.KueueLabels.QUEUE, "gpus",
                dev.orca.operator.kueue.KueueLabels.PRIORITY_CLASS, "orca-low"));
        Job job = trialJob(e);
        assertTrue(job.getSpec().getSuspend(), "Kueue starts it on admission");
        assertEquals("gpus", job.getMetadata().getLabels().get(dev.orca.operator.kueue.KueueLabels.QUEUE));
        assertEquals("orca-low", job.getMetadata().getLabels().get(dev.orca.operator.kueue.KueueLabels.PRIORITY_CLASS));
        assertFalse(job.getSpec().getTemplate().getMetadata().getLabels().containsKey(dev.orca.operator.kueue.KueueLabels.QUEUE),
                "the pods are the Job's, not workloads of their own");
    }

    /** The experiment's pods: no ingress, egress to the API server's endpoints (address and port) and DNS only. */
    @Test
    void theNetworkPolicyLetsTheExperimentsPodsReachTheApiServersEndpointsAndDnsOnly() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        var endpoints = List.of(new ApiServerEndpoints.Endpoint("10.244.0.1", 37493), new ApiServerEndpoints.Endpoint("10.244.0.9", 37493));
        var policy = TrainerNetworkPolicy.desired(e, CONFIG, endpoints).getSpec();
        assertEquals(Map.of(Names.EXPERIMENT_LABEL, "x", Names.MANAGED_BY, Names.OPERATOR), policy.getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), policy.getPolicyTypes());
        assertTrue(policy.getIngress().isEmpty());
        assertEquals(List.of(List.of(37493), List.of(53, 53)), policy.getEgress().stream()
                .map(r -> r.getPorts().stream().map(p -> p.getPort().getIntVal()).toList()).toList());
        assertEquals(List.of("10.244.0.1/32", "10.244.0.9/32"), policy.getEgress().get(0).getTo().stream()
                .map(t -> t.getIpBlock().getCidr()).toList(), "the API server's addresses, not any address");
    }

    /** Nothing known of the API server: no rule for it at all (a rule without peers would admit every address). */
    @Test
    void withoutTheApiServersEndpointsThePodsGetNoEgressToIt() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        var egress = TrainerNetworkPolicy.desired(e, CONFIG, List.of()).getSpec().getEgress();
        assertEquals(1, egress.size(), "DNS only");
        assertTrue(egress.stream().allMatch(r -> r.getTo() != null && !r.getTo().isEmpty()), "every egress rule names its peers");
    }
}
