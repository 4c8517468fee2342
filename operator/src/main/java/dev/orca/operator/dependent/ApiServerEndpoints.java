package dev.orca.operator.dependent;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the API server actually is: the addresses and ports of the {@code kubernetes} Service's EndpointSlice in the
 * {@code default} namespace (what kube-proxy rewrites the Service address to, and so what a NetworkPolicy sees). Read
 * at most once per {@link #TTL} (control planes rarely move), by name, with the chart's Role for that one object.
 */
final class ApiServerEndpoints {
    /** One reachable API server: an address and the port it serves on. */
    record Endpoint(String address, int port) {
        String cidr() {
            return address + (address.contains(":") ? "/128" : "/32");
        }
    }

    static final Duration TTL = Duration.ofMinutes(5);
    private static final AtomicReference<Cached> CACHE = new AtomicReference<>();

    private record Cached(List<Endpoint> endpoints, Instant at) {}

    private ApiServerEndpoints() {}

    /** The API server's endpoints; empty when they cannot be read (then no egress to it is allowed: fail closed). */
    static List<Endpoint> of(KubernetesClient client) {
        Cached cached = CACHE.get();
        if (cached != null && cached.at().plus(TTL).isAfter(Instant.now())) {
            return cached.endpoints();
        }
        List<Endpoint> out = new ArrayList<>();
        try {
            EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes").get();
            if (slice != null && slice.getPorts() != null && slice.getEndpoints() != null) {
                for (var endpoint : slice.getEndpoints()) {
                    for (String address : endpoint.getAddresses()) {
                        slice.getPorts().stream().filter(p -> p.getPort() != null)
                                .forEach(p -> out.add(new Endpoint(address, p.getPort())));
                    }
                }
            }
        } catch (KubernetesClientException e) {
            Log.warnf("the API server's endpoints (default/kubernetes EndpointSlice) cannot be read: %s;"
                    + " experiments' pods get no egress to it", e.getMessage());
        }
        CACHE.set(new Cached(List.copyOf(out), Instant.now()));
        return List.copyOf(out);
    }
}
