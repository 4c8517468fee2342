package dev.orca.operator.bench;

import dev.orca.operator.cluster.OrcaInstall;
import dev.orca.operator.cluster.PackagedOperator;
import dev.orca.operator.cluster.RealCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The chart's two operator replicas for {@link ScaleBenchmark}: both started as the Deployment's pods would be (each
 * with its own pod name, which the SDK takes as its identity on the Lease), one leading. Mid-run the leader is deleted
 * as a pod is (SIGTERM, then a kill after the grace period) and the time until the other replica writes the next
 * status is measured: the failover a user sees. A third replica then starts in the deleted one's place, as the
 * Deployment's ReplicaSet would start a new pod.
 */
final class LeaderFailover implements AutoCloseable {
    /** The install's Deployment sets these; the Lease is named after it, in the release namespace. */
    private static final String LEASE = "orca-operator";
    private static final String LEASE_NAMESPACE = "orca-system";

    private final KubernetesClient admin;
    private final Map<String, PackagedOperator> replicas = new java.util.LinkedHashMap<>();
    /** Replicas started again after exiting on their own, once per restart. */
    private final List<Exit> restarted = new java.util.ArrayList<>();

    /** A replica's exit: its pod, and whether it ran out of heap (-XX:+ExitOnOutOfMemoryError) rather than lost its Lease. */
    private record Exit(String pod, boolean outOfMemory) {
        @Override
        public String toString() {
            return outOfMemory ? pod + " (OutOfMemoryError)" : pod;
        }
    }
    private String deleted;
    private long deletedAtNanos;
    private long statusesAtDeletion = -1;
    private double failoverSeconds = Double.NaN;
    private double leaseSeconds = Double.NaN;
    private double cpuSecondsOfDeleted;
    /**
     * CPU seconds by pod name: the latest reading of its running process, and the sum of the last readings of its
     * processes that have exited (a dead process's /proc entry is gone, so the last reading stands for it, short by at
     * most one observation's interval).
     */
    private final Map<String, Double> cpuLastRead = new java.util.HashMap<>();
    private final Map<String, Double> cpuOfExited = new java.util.HashMap<>();
    /** The highest VmHWM read of any replica, the deleted leader's included (read again as it is deleted), in KiB. */
    private long peakKiB;

    private final RealCluster cluster;
    private final List<HasMetadata> install;
    private final Path logDir;

    LeaderFailover(RealCluster cluster, List<HasMetadata> install, Path logDir) {
        this.admin = cluster.admin();
        this.cluster = cluster;
        this.install = install;
        this.logDir = logDir;
        for (String pod : List.of("orca-operator-0", "orca-operator-1")) {
            start(pod);
        }
    }

    private PackagedOperator start(String pod) {
        long earlier = restarted.stream().filter(exit -> exit.pod().equals(pod)).count();
        Path log = logDir.resolve("bench-" + pod + (earlier == 0 ? "" : "-restart-" + earlier) + ".log");
        PackagedOperator replica = OrcaInstall.startOperator(cluster, install, log, Map.of("HOSTNAME", pod));
        replicas.put(pod, replica);
        return replica;
    }

    Iterable<PackagedOperator> replicas() {
        return replicas.values();
    }

    /** The replica named on the Lease, once one is (waits up to two minutes). */
    PackagedOperator leader() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until) {
            String holder = holder();
            if (holder != null && !holder.equals(deleted) && replicas.containsKey(holder) && replicas.get(holder).alive()) {
                return replicas.get(holder);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no replica holds the Lease " + LEASE_NAMESPACE + "/" + LEASE);
    }

    /** Who holds the Lease now (a replica's pod name), for reports. */
    String holderName() {
        return holder();
    }

    private String holder() {
        Lease lease = admin.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Whether any replica still runs: a leader that loses its Lease exits, and a standby takes over. */
    boolean anyAlive() {
        return replicas.values().stream().anyMatch(PackagedOperator::alive);
    }

    /**
     * A replica that exited on its own (a leader that could not renew its Lease in time exits, as during an API-server
     * restart at size) is started again under its pod name, as the kubelet restarts the container (here at once, where
     * the kubelet backs off from 10 s).
     */
    void restartExited() {
        for (var replica : List.copyOf(replicas.entrySet())) {
            String pod = replica.getKey();
            if (pod.equals(deleted)) continue;
            if (replica.getValue().alive()) {
                double seconds = ScaleBenchmark.cpuOf(replica.getValue().pid());
                if (seconds > 0) cpuLastRead.put(pod, seconds);
            } else {
                cpuOfExited.merge(pod, cpuLastRead.getOrDefault(pod, 0.0), Double::sum);
                cpuLastRead.remove(pod);
                restarted.add(new Exit(pod, replica.getValue().log().contains("OutOfMemoryError")));
                start(pod);
            }
        }
    }

    /** The highest VmHWM seen of any replica, in KiB (read at each observation, so a replica that exited counts too). */
    long peakKiB() {
        return peakKiB;
    }

    /** Reads each running replica's VmHWM into {@link #peakKiB()} (a replica that exits later still counts). */
    void readPeaks() {
        for (PackagedOperator replica : replicas.values()) {
            if (replica.alive()) peakKiB = Math.max(peakKiB, ScaleBenchmark.hwmKiB(replica.pid()));
        }
    }

    /** Deletes the leader once half the statuses are written (once); then records when the next status appears. */
    void observe(long statuses, long total) throws InterruptedException {
        restartExited();
        readPeaks();
        if (deleted == null && statuses >= total / 2 && statuses < total) {
            PackagedOperator leader = leader();
            deleted = replicas.entrySet().stream().filter(e -> e.getValue() == leader).findFirst().orElseThrow().getKey();
            peakKiB = Math.max(peakKiB, ScaleBenchmark.hwmKiB(leader.pid()));
            cpuSecondsOfDeleted = ScaleBenchmark.cpuOf(leader.pid());
            statusesAtDeletion = statuses;
            deletedAtNanos = System.nanoTime();
            leader.close();
            // The ReplicaSet replaces the deleted pod at once: a standby again, for what comes later (ApiServerRestart).
            start("orca-operator-2");
        } else if (deleted != null) {
            long since = System.nanoTime() - deletedAtNanos;
            if (Double.isNaN(leaseSeconds)) {
                String holder = holder();
                if (holder != null && !holder.equals(deleted)) leaseSeconds = since / 1e9;
            }
            if (Double.isNaN(failoverSeconds) && statuses > statusesAtDeletion) failoverSeconds = since / 1e9;
        }
    }

    boolean happened() {
        return deleted != null;
    }

    double failoverSeconds() {
        return failoverSeconds;
    }

    String summary() {
        return deleted == null ? "no failover: the run ended before half its statuses"
                : String.format("deleted the leader %s at %d statuses; the Lease changed hands after %.1f s, the next status after %.1f s%s",
                        deleted, statusesAtDeletion, leaseSeconds, failoverSeconds,
                        restarted.isEmpty() ? "" : "; restarted after exiting on their own (a Lease not renewed in time, unless marked): " + restarted);
    }

    /** CPU seconds of each replica's pod so far, its restarted processes' together (the deleted one's until its deletion). */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        replicas.forEach((pod, replica) -> out.put(pod, pod.equals(deleted) ? cpuSecondsOfDeleted
                : cpuOfExited.getOrDefault(pod, 0.0) + ScaleBenchmark.cpuOf(replica.pid())));
        return out;
    }

    @Override
    public void close() {
        replicas.values().forEach(PackagedOperator::close);
    }
}
