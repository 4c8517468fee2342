package dev.orca.operator.bench;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.TestExperiments;
import dev.orca.operator.cluster.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;

/**
 * A kube-apiserver restart once {@link ScaleBenchmark}'s experiments are settled, as a control-plane upgrade does it:
 * every watch of the operator ends and its informers list and watch again from the new server. Timed: until the server
 * serves again, and until an experiment applied right then has its Job and a status (the operator has caught up: its
 * informers are back and it reconciles). Counted: what the new server served meanwhile, by verb and resource; its
 * counters start with it, so they hold the catch-up alone, of every client (both replicas, the controller manager and
 * this benchmark's watches and polls). A leader that cannot renew its Lease while the server is away exits; the
 * benchmark starts it again as the kubelet would ({@link LeaderFailover#restartExited()}).
 */
final class ApiServerRestart {
    private ApiServerRestart() {}

    static String measure(RealCluster cluster, KubernetesClient client, String namespace, LeaderFailover replicas) throws Exception {
        long start = System.nanoTime();
        cluster.restartApiServerServing();
        double serving = (System.nanoTime() - start) / 1e9;
        String name = "after-restart";
        client.resource(TestExperiments.valid(client, namespace, name)).create();
        double caughtUp = Double.NaN;
        while (System.nanoTime() - start < Duration.ofMinutes(10).toNanos()) {
            replicas.restartExited();
            OrcaExperiment e = client.resources(OrcaExperiment.class).inNamespace(namespace).withName(name).get();
            boolean job = client.batch().v1().jobs().inNamespace(namespace).withName(name + "-trainer").get() != null;
            if (job && e != null && e.getStatus() != null && e.getStatus().phase != null) {
                caughtUp = (System.nanoTime() - start) / 1e9;
                break;
            }
            Thread.sleep(250);
        }
        if (Double.isNaN(caughtUp)) {
            throw new IllegalStateException("no Job and status for an experiment applied after the API server restart within 10 minutes");
        }
        return String.format("kube-apiserver restart: serving again after %.1f s; an experiment applied then had its Job and status %.1f s"
                        + " after the restart (leader: %s; %s); requests the new server served meanwhile (all clients): %s",
                serving, caughtUp, replicas.holderName(), replicas.summary(), ScaleBenchmark.requestCounts(client));
    }
}
