package dev.orca.operator.bench;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.MockApiServer;
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
 * Not a test: {@code bench/run operator-scale [experiments=1000]}. Starts the mock API server (CRUD, with the
 * committed CRD), runs the packaged operator as its own process against it, applies N experiments and
 * reports the time until every one has its Job and a status, and the operator process's peak RSS (VmHWM).
 * The operator under test is packaged with server-side apply off (the mock server has none), as the tests run it.
 */
public final class ScaleBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Path app = Path.of(System.getProperty("orca.benchApp", "target/bench-app/quarkus-run.jar"));
        MockApiServer api = new MockApiServer();
        Map<String, String> config = api.start();
        Process operator = null;
        try (KubernetesClient client = MockApiServer.client()) {
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx1g", "-jar", app.toString());
            pb.environment().put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", config.get("quarkus.kubernetes-client.api-server-url"));
            pb.environment().put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
            pb.environment().put("QUARKUS_HTTP_PORT", "18080");
            pb.environment().put("QUARKUS_LOG_LEVEL", "WARN");
            pb.redirectErrorStream(true).redirectOutput(Path.of("target/bench-operator.log").toFile());
            operator = pb.start();
            awaitReady();
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

            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                client.resource(dev.orca.operator.TestExperiments.valid(client, "scale", "exp-" + i)).create();
            }
            double applied = (System.nanoTime() - start) / 1e9;
            int jobs = 0;
            long withStatus = 0;
            while (System.nanoTime() - start < Duration.ofMinutes(20).toNanos()) {
                jobs = client.batch().v1().jobs().inNamespace("scale").list().getItems().size();
                List<OrcaExperiment> all = client.resources(OrcaExperiment.class).inNamespace("scale").list().getItems();
                withStatus = all.stream().filter(e -> e.getStatus() != null && e.getStatus().phase != null).count();
                if (jobs == n && withStatus == n) {
                    break;
                }
                if (!operator.isAlive()) {
                    throw new IllegalStateException("the operator exited with " + operator.exitValue() + "; see target/bench-operator.log");
                }
                Thread.sleep(500);
            }
            double settled = (System.nanoTime() - start) / 1e9;
            sampler.interrupt();
            System.out.printf("operator-scale: %d experiments applied in %.1f s; all %d Jobs and %d statuses after %.1f s (%.1f ms each)%n",
                    n, applied, jobs, withStatus, settled, 1000 * settled / n);
            System.out.printf("operator peak RSS (VmHWM): %.0f MiB (idle after start: %.0f MiB); log: target/bench-operator.log%n",
                    peak.get() / 1024.0, idle / 1024.0);
            if (jobs != n || withStatus != n) {
                System.exit(1);
            }
        } finally {
            if (operator != null) {
                operator.destroy();
            }
            api.stop();
        }
    }

    private static void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:18080/q/health/ready")).build(),
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
