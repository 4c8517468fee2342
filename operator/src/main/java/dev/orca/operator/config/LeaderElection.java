package dev.orca.operator.config;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Several operator replicas, one reconciling: a Lease ({@link OperatorConfig#leaseName()} in
 * {@link OperatorConfig#leaseNamespace()}, the chart's release namespace) held by the pod that leads. Every replica
 * starts its informers (a standby's caches are warm); only the leader processes events, and a standby takes over once
 * the leader gives the Lease back as it stops ({@link LeaseRelease}), or, when it could not (killed, cut off), once the
 * lease lapses (15 s after it stopped renewing, the SDK's default). Active in the prod profile (the SDK
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
    LeaderElectionConfiguration leaderElection(OperatorConfig config, LeaseRelease release) {
        if (!config.leaderElection()) {
            return null;
        }
        // Without a namespace the SDK takes the client's (in a pod: its own); the chart names it to be explicit.
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
                .withLeaseNamespace(config.leaseNamespace().orElse(null)).withIdentity(IDENTITY)
                .withLeaderCallbacks(release.callbacks())
                .build(); // the builder's configuration does not exit on the end of leading: LeaseRelease decides
    }

    /**
     * This replica's name on the Lease: its pod's name, as the SDK would take it, or a random one outside a pod. Set here
     * rather than left to the SDK, so that {@link LeaseRelease} knows which holder is this replica.
     */
    static final String IDENTITY = identity(System.getenv("HOSTNAME"));

    static String identity(String hostname) {
        return hostname == null || hostname.isBlank() ? java.util.UUID.randomUUID().toString() : hostname;
    }

    /**
     * The Lease as a leader leaves it when it stops: no holder, a one-second duration, the transitions kept (what
     * client-go's release writes); empty when {@code identity} does not hold it, since then it is not this replica's to
     * give back.
     */
    static java.util.Optional<Lease> released(Lease lease, String identity, java.time.ZonedDateTime now) {
        if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new LeaseBuilder(lease).editSpec().withHolderIdentity("").withLeaseDurationSeconds(1)
                .withAcquireTime(now).withRenewTime(now).endSpec().build());
    }
}
