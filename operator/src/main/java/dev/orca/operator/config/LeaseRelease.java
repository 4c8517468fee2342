package dev.orca.operator.config;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What this replica does when it stops leading. When it is being stopped (a rollout, a drain, a deleted pod) it gives
 * the Lease back, so that the standby takes over at its next try (the SDK retries every 2 s) rather than once the lease
 * lapses. When it loses the Lease while running (it could not renew it in time) it exits, so that only the new leader
 * reconciles, and its pod restarts.
 * <p>
 * Not the SDK's own handling: JOSDK 5.3.2 exits on every end of leading, also the one its own shutdown causes, and that
 * System.exit inside the JVM's shutdown blocks until the process is killed (bench/run operator-scale: the deleted leader
 * hung until its kill, 20 s, and the standby waited for the lease to lapse); and it builds its elector without
 * client-go's release-on-cancel. The SDK ends leading last as it stops, after its controllers and their running
 * reconciles: nothing of this replica reconciles once the Lease is free.
 */
@Singleton
public class LeaseRelease {
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final OperatorConfig config;
    private final KubernetesClient client;

    LeaseRelease(OperatorConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
    }

    /** Before the SDK extension stops the operator: that observer has the default priority, which comes later. */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 400) ShutdownEvent event) {
        stopping.set(true);
    }

    LeaderCallbacks callbacks() {
        return new LeaderCallbacks(() -> { }, this::stoppedLeading, leader -> { });
    }

    private void stoppedLeading() {
        if (!stopping.get()) {
            Log.error("lost the Lease while running (not renewed in time); exiting so that only the new leader reconciles");
            System.exit(1);
        }
        String namespace = config.leaseNamespace().orElse(client.getNamespace());
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(config.leaseName()).get();
            LeaderElection.released(lease, LeaderElection.IDENTITY, ZonedDateTime.now(ZoneOffset.UTC)).ifPresent(released -> {
                client.resource(released).update(); // at the resourceVersion read: a 409 if a standby took it meanwhile
                Log.infof("gave the Lease %s/%s back as %s", namespace, config.leaseName(), LeaderElection.IDENTITY);
            });
        } catch (KubernetesClientException e) {
            // A conflict (a standby took it) or an unreachable API server: the Lease lapses on its own.
            Log.infof("Lease %s/%s not given back (%s); it lapses on its own", namespace, config.leaseName(), e.getMessage());
        }
    }
}
