package dev.orca.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Several operator replicas, one reconciling: a Lease ({@link OperatorConfig#leaseName()} in
 * {@link OperatorConfig#leaseNamespace()}, the chart's release namespace) held by the pod that leads. Every replica
 * starts its informers (a standby's caches are warm); only the leader processes events, and a standby takes over once
 * the leader's lease lapses (15 s after it stopped renewing, the SDK's default). Active in the prod profile (the SDK
 * extension's {@code activate-leader-election-for-profiles}) unless {@link OperatorConfig#leaderElection()} is false (one
 * replica, or a process that must outlive an API server outage longer than the renew deadline: a leader that cannot
 * renew its lease exits, as controller-runtime's do, and its pod restarts); tests against the mock server run without.
 */
@Singleton
public class LeaderElection {

    /** The lease to elect on; null (no election) when switched off. */
    @Produces
    @Dependent // may be null
    @Unremovable // looked up by the SDK extension at start, not injected anywhere
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        // Without a namespace the SDK takes the client's (in a pod: its own); the chart names it to be explicit.
        return config.leaderElection() ? new LeaderElectionConfiguration(config.leaseName(), config.leaseNamespace().orElse(null)) : null;
    }
}
