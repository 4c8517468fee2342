package dev.orca.operator.bench;

import dev.orca.operator.cluster.OrcaInstall;
import dev.orca.operator.cluster.PackagedOperator;
import dev.orca.operator.cluster.RealCluster;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Not a test: {@code bench/run operator-scale [experiments=1000] [parallel clients=8]}. Starts a real control plane ({@code e2e/cluster}:
 * etcd, kube-apiserver, kube-controller-manager), installs Orca as a user would (committed CRD, the chart's RBAC), runs
 * the packaged operator (prod: server-side apply on) as its ServiceAccount in the chart's two replicas
 * ({@link LeaderFailover}: the leader is deleted once half the statuses are written), applies N experiments and reports
 * the time until every one has its Job and a status, the failover, a kube-apiserver restart at that size
 * ({@link ApiServerRestart}), and the operators' peak RSS (VmHWM). The Job controller
 * makes a Pod per Job meanwhile (Pending: no nodes), as on a cluster.
 */
public final class ScaleBenchmark {

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception | Error e) {
            // The HTTP clients' threads would keep the JVM (and so bench/run) alive after a failure.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Path target = Path.of("target").toAbsolutePath();
        int exit = 0;
        try (RealCluster cluster = RealCluster.start(target.resolve("scale-cluster"))) {
            KubernetesClient client = cluster.admin();
            var install = OrcaInstall.applyCrdAndRbac(cluster);
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("scale")
                    .endMetadata().build()).serverSideApply();
            try (LeaderFailover replicas = new LeaderFailover(cluster, install, target)) {
                for (PackagedOperator replica : replicas.replicas()) awaitReady(replica);
                PackagedOperator operator = replicas.leader();
                long pid = operator.pid();
                long idle = hwmKiB(pid);
                long idleHeap = HeapHistogram.of(pid).totalBytes();
                Path pids = target.resolve("scale-cluster/pids");
                Map<String, Double> cpuAtStart = cpu(pids, replicas);

                long start = System.nanoTime();
                // Applied by `parallel` clients at once, as a GitOps tool syncs a directory (1: kubectl apply -f, one by one).
                var pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
                List<java.util.concurrent.Future<?>> creates = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int index = i;
                    creates.add(pool.submit(() -> client.resource(dev.orca.operator.TestExperiments.valid(client, "scale", "exp-" + index)).create()));
                }
                for (var create : creates) {
                    create.get();
                }
                pool.shutdown();
                double applied = (System.nanoTime() - start) / 1e9;
                int jobs = 0;
                long withStatus = 0;
                // Watched, not polled: listing 1000 experiments every half second would load the API server more than
                // the operator does.
                try (var jobInformer = client.batch().v1().jobs().inNamespace("scale").inform();
                     var experimentInformer = client.resources(OrcaExperiment.class).inNamespace("scale").inform()) {
                    // 20 minutes, or 200 ms per experiment where that is longer: 10 000 took 1075-1200 s on two cores.
                    Duration deadline = Duration.ofMillis(Math.max(Duration.ofMinutes(20).toMillis(), 200L * n));
                    while (System.nanoTime() - start < deadline.toNanos()) {
                        jobs = jobInformer.getStore().list().size();
                        withStatus = experimentInformer.getStore().list().stream()
                                .filter(e -> e.getStatus() != null && e.getStatus().phase != null).count();
                        if (jobs == n && withStatus == n) {
                            break;
                        }
                        replicas.observe(withStatus, n);
                        if (!replicas.anyAlive()) {
                            throw new IllegalStateException("every operator replica exited; see target/bench-orca-operator-*.log");
                        }
                        Thread.sleep(100);
                    }
                }
                double settled = (System.nanoTime() - start) / 1e9;
                operator = replicas.leader();
                pid = operator.pid();
                long pods = client.pods().inNamespace("scale").list().getItems().size();
                System.out.printf("operator-scale (real kube-apiserver, server-side apply, JVM: %s; %d clients applying): %d experiments applied in %.1f s;"
                        + " all %d Jobs and %d statuses after %.1f s (%.1f ms each); %d Pods made by the Job controller%n",
                        operator.jvmOptions(), parallel, n, applied, jobs, withStatus, settled, 1000 * settled / n, pods);
                // Settled: the operator's backlog (status rechecks, confinement looks) worked off, as a cluster sees it
                // after a burst. VmHWM is the kernel's own high-water mark, so one read afterwards covers the whole run.
                double quietAfter = awaitQuiet(pid, Duration.ofMinutes(5), replicas::readPeaks);
                // A leader that exited meanwhile (a Lease renewed late on the saturated cores, or out of heap): what
                // settles is the replica leading after it, restarted as the kubelet would restart the exited one.
                for (int tries = 0; !operator.alive() && tries < 3; tries++) {
                    replicas.restartExited();
                    operator = replicas.leader();
                    pid = operator.pid();
                    System.out.println("settling: the leader exited (see the failover line for why); " + replicas.holderName() + " leads now");
                    quietAfter += awaitQuiet(pid, Duration.ofMinutes(5), replicas::readPeaks);
                }
                long peakKiB = Math.max(hwmKiB(pid), replicas.peakKiB());
                System.out.printf("operator peak RSS (VmHWM, the higher of the two leaders'): %.0f MiB (idle after start: %.0f MiB);"
                        + " logs: target/bench-orca-operator-{0,1}.log%n", peakKiB / 1024.0, idle / 1024.0);
                System.out.println("failover: " + replicas.summary());
                if (System.getProperty("orca.operatorJvmArgs", "").contains("NativeMemoryTracking")) {
                    // Where the memory goes, by the JVM's own account (heap, metaspace, code, threads, GC, Netty's direct buffers).
                    HeapHistogram.jcmd(pid, "VM.native_memory", "summary", "scale=MB").stream()
                            .filter(l -> l.contains("committed=") && (l.startsWith("Total") || l.startsWith("-")))
                            .forEach(l -> System.out.println("  " + l.strip()));
                }
                // Then its resident size, and what its heap holds per experiment (the histogram's full GC comes after).
                long settledRss = rssKiB(pid);
                HeapHistogram heap = HeapHistogram.of(pid);
                System.out.printf("operator settled: quiet %.0f s after the last status; RSS %.0f MiB; live heap %.1f MiB, %.1f MiB at idle:"
                        + " %.1f KiB per experiment (jcmd GC.class_histogram):%n", quietAfter, settledRss / 1024.0,
                        heap.totalBytes() / 1048576.0, idleHeap / 1048576.0, (heap.totalBytes() - idleHeap) / 1024.0 / n);
                heap.print(Integer.getInteger("orca.histogramRows", 8), System.getProperty("orca.histogramFocus"));
                System.out.println("API requests by verb and resource (kube-apiserver's apiserver_request_total, top 12): "
                        + requestCounts(client));
                System.out.println("CPU seconds during the run: " + cpuSeconds(pids, replicas, cpuAtStart));
                System.out.println(ApiServerRestart.measure(cluster, client, "scale", replicas));
                operator = replicas.leader();
                peakKiB = Math.max(peakKiB, hwmKiB(operator.pid()));
                boolean complete = jobs == n && withStatus == n;
                // The one line only for a run that finished; otherwise what was missing when the time ran out.
                System.out.printf(complete ? "operator-scale: %5$d experiments in %1$.1f s, peak RSS %2$.0f MiB, failover %3$.1f s%n"
                                : "operator-scale: NOT DONE: %6$d of %5$d statuses and %4$d Jobs after %1$.1f s, peak RSS %2$.0f MiB, failover %3$.1f s%n",
                        settled, peakKiB / 1024.0, replicas.failoverSeconds(), jobs, n, withStatus);
                if (!complete || !replicas.happened() || Double.isNaN(replicas.failoverSeconds())) {
                    exit = 1;
                }
            }
        }
        // The HTTP clients' event loops are not daemon threads: end the JVM explicitly.
        System.exit(exit);
    }

    static String requestCounts(KubernetesClient client) {
        Map<String, Double> counts = new java.util.HashMap<>();
        var pattern = java.util.regex.Pattern.compile("^apiserver_request_total\\{(.*)\\} (\\S+)$");
        for (String line : client.raw("/metrics").lines().toList()) {
            var m = pattern.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new java.util.HashMap<>();
            for (String kv : m.group(1).split(",")) {
                String[] p = kv.split("=", 2);
                labels.put(p[0], p[1].replace("\"", ""));
            }
            String key = labels.get("verb") + " " + labels.get("resource") + (labels.get("subresource").isEmpty() ? "" : "/" + labels.get("subresource"));
            counts.merge(key, Double.parseDouble(m.group(2)), Double::sum);
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .map(e -> e.getKey() + " " + e.getValue().longValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** user + system CPU seconds of the control-plane processes and the operator replicas since {@code before}. */
    private static String cpuSeconds(Path pidsFile, LeaderFailover replicas, Map<String, Double> before) throws IOException {
        Map<String, Double> now = cpu(pidsFile, replicas);
        StringBuilder out = new StringBuilder();
        now.forEach((name, seconds) -> out.append(String.format("%s %.1f  ", name, seconds - before.getOrDefault(name, 0.0))));
        return out.toString().strip();
    }

    private static Map<String, Double> cpu(Path pidsFile, LeaderFailover replicas) throws IOException {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(pidsFile)) {
            String[] pidAndName = line.trim().split("\\s+");
            out.put(pidAndName[1], cpuOf(Long.parseLong(pidAndName[0])));
        }
        out.putAll(replicas.cpuSeconds());
        out.put("benchmark", cpuOf(ProcessHandle.current().pid()));
        return out;
    }

    static double cpuOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ = 100)
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static void awaitReady(PackagedOperator operator) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + operator.httpPort() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("operator not ready; see target/bench-orca-operator-*.log");
    }

    /**
     * Seconds until the process used under 5 % of a core over 5 s (or {@code limit} passed): the operator's reconciles
     * after the last status was written (rechecks two seconds after each write, confinement looks) are done.
     */
    private static double awaitQuiet(long pid, Duration limit, Runnable eachPoll) throws InterruptedException {
        long start = System.nanoTime();
        double before = cpuOf(pid);
        while (System.nanoTime() - start < limit.toNanos()) {
            Thread.sleep(5000);
            eachPoll.run();
            double now = cpuOf(pid);
            if (now - before < 0.25) break;
            before = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long rssKiB(long pid) {
        return statusKiB(pid, "VmRSS:");
    }

    static long hwmKiB(long pid) {
        return statusKiB(pid, "VmHWM:");
    }

    private static long statusKiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return 0;
    }
}
