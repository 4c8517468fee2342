package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.List;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import java.util.stream.Stream;
import dev.orca.operator.cache.ReadOnlyCopies;

/**
 * The experiment's pods (its own run, trials, candidates) run a user-chosen image on user data: they may reach the
 * API server (the progress channel) and cluster DNS, nothing else, and nothing may reach them. A NetworkPolicy cannot
 * name the API server: it is matched by its endpoints' addresses and ports (the kubernetes Service's EndpointSlice, what
 * the Service address is rewritten to before a policy applies), or by CIDRs the administrator configures (then on ports
 * 443 and 6443). When neither is known the pods get no egress to it at all: an egress rule without peers would admit
 * every address. An experiment with spec.tracking may also reach its tracker ({@link TrackerEgress}).
 */
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + TrainerNetworkPolicy.ROLE,
        itemStore = dev.orca.operator.cache.MetadataCopies.NetworkPolicies.class))
public class TrainerNetworkPolicy extends PrunedWriteDependent<NetworkPolicy>
        implements Creator<NetworkPolicy, OrcaExperiment>, Updater<NetworkPolicy, OrcaExperiment>, GarbageCollected<OrcaExperiment> {
    static final String ROLE = "network-policy";

    public TrainerNetworkPolicy() {
        super(NetworkPolicy.class);
    }

    @Override
    protected NetworkPolicy cachedForm(NetworkPolicy written) {
        return dev.orca.operator.cache.MetadataCopies.metadataOnly(written, NetworkPolicy::new);
    }

    @Override
    protected NetworkPolicy desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        OperatorConfig config = OperatorConfig.current();
        List<ApiServerEndpoints.Endpoint> endpoints = config.networkPolicyApiServerCidrs().map(c -> List.<ApiServerEndpoints.Endpoint>of())
                .orElseGet(() -> ApiServerEndpoints.of(context.getClient()));
        return DesiredStateHash.stamp(desired(experiment, config, endpoints), context.getClient().getKubernetesSerialization());
    }

    /**
     * By the {@link DesiredStateHash}: the cache keeps the policy's metadata only. A tenant's own edit of the policy in its
     * namespace is not reverted; re-asserting it would guard nothing, since whoever may edit it may add a policy of their
     * own and policies' allowances add up.
     */
    @Override
    public Matcher.Result<NetworkPolicy> match(NetworkPolicy actual, NetworkPolicy desired, OrcaExperiment primary,
                                               Context<OrcaExperiment> context) {
        return DesiredStateHash.match(actual, desired);
    }

    static NetworkPolicy desired(OrcaExperiment experiment, OperatorConfig config, List<ApiServerEndpoints.Endpoint> endpoints) {
        List<String> cidrs = config.networkPolicyApiServerCidrs().orElse(List.of());
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule> egress = new java.util.ArrayList<>();
        if (!cidrs.isEmpty()) {
            egress.add(new NetworkPolicyEgressRuleBuilder()
                    .withTo(cidrs.stream().map(TrainerNetworkPolicy::block).toList())
                    .withPorts(port("TCP", 443), port("TCP", 6443))
                    .build());
        } else {
            endpoints.stream().map(ApiServerEndpoints.Endpoint::port).distinct().sorted().forEach(p -> egress.add(
                    new NetworkPolicyEgressRuleBuilder()
                            .withTo(endpoints.stream().filter(e -> e.port() == p).map(e -> block(e.cidr())).distinct().toList())
                            .withPorts(port("TCP", p)).build()));
        }
        var dns = new NetworkPolicyEgressRuleBuilder()
                .withTo(new NetworkPolicyPeerBuilder().withNewNamespaceSelector().endNamespaceSelector()
                        .withNewPodSelector().addToMatchLabels("k8s-app", "kube-dns").endPodSelector().build())
                .withPorts(port("UDP", 53), port("TCP", 53))
                .build();
        TrackerEgress.of(experiment.getSpec(), config.networkPolicyTrackerCidrs().orElse(List.of())).ifPresent(t -> egress.add(
                new NetworkPolicyEgressRuleBuilder().withTo(t.cidrs().stream().map(TrainerNetworkPolicy::block).toList())
                        .withPorts(port("TCP", t.port())).build()));
        return new NetworkPolicyBuilder()
                .withNewMetadata().withName(Names.trainer(experiment)).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(Names.labels(experiment, ROLE)).endMetadata()
                .withNewSpec()
                .withNewPodSelector().addToMatchLabels(Names.EXPERIMENT_LABEL, experiment.getMetadata().getName())
                .addToMatchLabels(Names.MANAGED_BY, Names.OPERATOR).endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .withIngress(List.of())
                .withEgress(Stream.concat(egress.stream(), Stream.of(dns)).toList())
                .endSpec()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer block(String cidr) {
        return new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build();
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }

    /**
     * {@code orca.operator.network-policy} (the chart's networkPolicy.enabled), on by default; when off, the operator makes
     * no policy and removes those it made. A reconcile precondition, not an activation condition: the SDK (5.3.2) starts
     * an activated dependent's event source again on every reconcile, and each start walks that informer's whole cache
     * under a lock: at 10 000 experiments every reconcile waited on a walk of 10 000 policies (bench/run operator-scale,
     * reconciler threads blocked in InformerEventSource.start). The policies' informer runs either way; the chart's
     * ClusterRole grants the watch unconditionally.
     */
    public static class Enabled implements Condition<NetworkPolicy, OrcaExperiment> {
        @Override
        public boolean isMet(DependentResource<NetworkPolicy, OrcaExperiment> dependent, OrcaExperiment primary,
                             Context<OrcaExperiment> context) {
            return OperatorConfig.current().networkPolicy();
        }
    }

    @Override
    protected InformerEventSourceConfiguration.Builder<NetworkPolicy> informerConfigurationBuilder(
            EventSourceContext<OrcaExperiment> context) {
        return NamedSecondaries.byName(super.informerConfigurationBuilder(context), e -> Stream.of(Names.trainer(e)));
    }
}
