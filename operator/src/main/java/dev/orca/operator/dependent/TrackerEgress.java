package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperimentSpec;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where an experiment's pods may send its tracking: the tracker URL's port, at the CIDRs the administrator names for
 * trackers, or at the URL's own address when it is one. A host name is not resolved here: what it resolves to from the
 * operator (a Service's virtual address) is not what a NetworkPolicy matches after the node rewrites it.
 */
record TrackerEgress(List<String> cidrs, int port) {

    static Optional<TrackerEgress> of(OrcaExperimentSpec spec, List<String> trackerCidrs) {
        if (spec == null || spec.tracking == null || spec.tracking.mlflow == null || spec.tracking.mlflow.uri == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(spec.tracking.mlflow.uri);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (uri.getHost() == null) {
            return Optional.empty();
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        List<String> cidrs = !trackerCidrs.isEmpty() ? trackerCidrs : address(uri.getHost()).map(List::of).orElse(List.of());
        return cidrs.isEmpty() ? Optional.empty() : Optional.of(new TrackerEgress(cidrs, port));
    }

    /** The host as a one-address CIDR when it is an IPv4 or bracketed IPv6 literal. */
    private static Optional<String> address(String host) {
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.of(host + "/32");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return Optional.of(host.substring(1, host.length() - 1) + "/128");
        }
        return Optional.empty();
    }
}
