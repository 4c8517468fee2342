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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: {@code bench/run operator-scale [experiments=1000] [parallel clients=8]}. Starts a real control plane ({@code e2e/cluster}:
 * etcd, kube-apiserver, kube-controller-manager), installs Orca as a user would (committed CRD, the chart's RBAC), runs
 * the packaged operator (prod: server-side apply on) as its ServiceAccount, applies N experiments and reports the
 * time until every one has its Job and a status, and the operator process's peak RSS (VmHWM). The Job controller
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
            try (PackagedOperator operator = OrcaInstall.startOperator(cluster, install, target.resolve("bench-operator.log"))) {
                awaitReady(operator);
                long pid = operator.pid();
                AtomicLong peak = new AtomicLong();
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.set(Math.max(peak.get(), hwmKiB(pid)));
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.setDaemon(true);
                sampler.start();
                long idle = hwmKiB(pid);
                Map<String, Double> cpuAtStart = cpu(target.resolve("scale-cluster/pids"), pid);

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
                    while (System.nanoTime() - start < Duration.ofMinutes(20).toNanos()) {
                        jobs = jobInformer.getStore().list().size();
                        withStatus = experimentInformer.getStore().list().stream()
                                .filter(e -> e.getStatus() != null && e.getStatus().phase != null).count();
                        if (jobs == n && withStatus == n) {
                            break;
                        }
                        if (!operator.alive()) {
                            throw new IllegalStateException("the operator exited; see target/bench-operator.log");
                        }
                        Thread.sleep(100);
                    }
                }
                double settled = (System.nanoTime() - start) / 1e9;
                sampler.interrupt();
                long pods = client.pods().inNamespace("scale").list().getItems().size();
                System.out.printf("operator-scale (real kube-apiserver, server-side apply, JVM: %s; %d clients applying): %d experiments applied in %.1f s;"
                        + " all %d Jobs and %d statuses after %.1f s (%.1f ms each); %d Pods made by the Job controller%n",
                        operator.jvmOptions(), parallel, n, applied, jobs, withStatus, settled, 1000 * settled / n, pods);
                System.out.printf("operator peak RSS (VmHWM): %.0f MiB (idle after start: %.0f MiB); log: target/bench-operator.log%n",
                        peak.get() / 1024.0, idle / 1024.0);
                if (System.getProperty("orca.operatorJvmArgs", "").contains("NativeMemoryTracking")) {
                    // Where the memory goes, by the JVM's own account (heap, metaspace, code, threads, GC, Netty's direct buffers).
                    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            Long.toString(pid), "VM.native_memory", "summary", "scale=MB").redirectErrorStream(true).start();
                    new String(jcmd.getInputStream().readAllBytes()).lines()
                            .filter(l -> l.contains("committed=") && (l.startsWith("Total") || l.startsWith("-")))
                            .forEach(l -> System.out.println("  " + l.strip()));
                }
                System.out.println("API requests by verb and resource (kube-apiserver's apiserver_request_total, top 12): "
                        + requestCounts(client));
                System.out.println("CPU seconds during the run: " + cpuSeconds(target.resolve("scale-cluster/pids"), pid, cpuAtStart));
                if (jobs != n || withStatus != n) {
                    exit = 1;
                }
            }
        }
        // The HTTP clients' event loops are not daemon threads: end the JVM explicitly.
        System.exit(exit);
    }

    private static String requestCounts(KubernetesClient client) {
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

    /** user + system CPU seconds of the control-plane processes and the operator since {@code before}. */
    private static String cpuSeconds(Path pidsFile, long operatorPid, Map<String, Double> before) throws IOException {
        Map<String, Double> now = cpu(pidsFile, operatorPid);
        StringBuilder out = new StringBuilder();
        now.forEach((name, seconds) -> out.append(String.format("%s %.1f  ", name, seconds - before.getOrDefault(name, 0.0))));
        return out.toString().strip();
    }

    private static Map<String, Double> cpu(Path pidsFile, long operatorPid) throws IOException {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(pidsFile)) {
            String[] pidAndName = line.trim().split("\\s+");
            out.put(pidAndName[1], cpuOf(Long.parseLong(pidAndName[0])));
        }
        out.put("operator", cpuOf(operatorPid));
        out.put("benchmark", cpuOf(ProcessHandle.current().pid()));
        return out;
    }

    private static double cpuOf(long pid) {
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
        throw new IllegalStateException("operator not ready; see target/bench-operator.log");
    }

    private static long hwmKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return 0;
    }
}
