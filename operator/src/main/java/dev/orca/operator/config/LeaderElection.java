package dev.orca.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Several operator replicas, one reconciling: a Lease ({@code orca.operator.lease-name} in
 * {@code orca.operator.lease-namespace}, the chart's release namespace) held by the pod that leads. Every replica
 * starts its informers (a standby's caches are warm); only the leader processes events, and a standby takes over once
 * the leader's lease lapses (15 s after it stopped renewing, the SDK's default). Active in the prod profile (the SDK
 * extension's {@code activate-leader-election-for-profiles}) unless {@code orca.operator.leader-election} is false (one
 * replica, or a process that must outlive an API server outage longer than the renew deadline: a leader that cannot
 * renew its lease exits, as controller-runtime's do, and its pod restarts); tests against the mock server run without.
 */
@Singleton
public class LeaderElection {

    /** The lease to elect on; null (no election) when switched off. */
    @Produces
    @Dependent // may be null
    @Unremovable // looked up by the SDK extension at start, not injected anywhere
    LeaderElectionConfiguration leaderElection(
            @ConfigProperty(name = "orca.operator.leader-election", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "orca.operator.lease-name", defaultValue = "orca-operator") String leaseName,
            @ConfigProperty(name = "orca.operator.lease-namespace") Optional<String> leaseNamespace) {
        // Without a namespace the SDK takes the client's (in a pod: its own); the chart names it to be explicit.
        return enabled ? new LeaderElectionConfiguration(leaseName, leaseNamespace.orElse(null)) : null;
    }
}
