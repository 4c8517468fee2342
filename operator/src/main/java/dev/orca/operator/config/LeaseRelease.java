package dev.orca.operator.config;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A leader that is stopped (a rollout, a drain, a deleted pod) gives its Lease back, so that the standby takes over at
 * its next try (the SDK retries every 2 s) rather than when the lease lapses: 20 s of no reconciling at each rollout
 * (bench/run operator-scale). JOSDK 5.3.2 builds its elector without client-go's release-on-cancel, so that it always
 * hears it stopped leading; this does that release itself. It runs after the SDK extension has stopped the operator
 * (that observer has the default priority, this one a later one), and the SDK waits for running reconciles as it stops:
 * nothing of this replica reconciles once the Lease is free. Only a Lease this replica still holds is written, at the
 * version read, so a standby that has taken it meanwhile keeps it.
 */
@Singleton
public class LeaseRelease {

    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) ShutdownEvent event, OperatorConfig config,
                KubernetesClient client) {
        if (!config.leaderElection() || !io.quarkus.runtime.LaunchMode.current().equals(io.quarkus.runtime.LaunchMode.NORMAL)) {
            return; // the SDK extension elects only in the prod profile
        }
        String namespace = config.leaseNamespace().orElse(client.getNamespace());
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(config.leaseName()).get();
            LeaderElection.released(lease, LeaderElection.IDENTITY, ZonedDateTime.now(ZoneOffset.UTC)).ifPresent(released -> {
                client.resource(released).update(); // at the resourceVersion read: a 409 if a standby took it
                Log.infof("gave the Lease %s/%s back as %s", namespace, config.leaseName(), LeaderElection.IDENTITY);
            });
        } catch (KubernetesClientException e) {
            // A conflict (a standby took it) or an unreachable API server: the Lease lapses on its own.
            Log.infof("Lease %s/%s not given back (%s); it lapses on its own", namespace, config.leaseName(), e.getMessage());
        }
    }
}
