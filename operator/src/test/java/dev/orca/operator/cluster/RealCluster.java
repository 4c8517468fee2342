package dev.orca.operator.cluster;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real control plane (etcd, kube-apiserver with RBAC, kube-controller-manager) started by {@code e2e/cluster},
 * the tooling a newcomer uses too, so that the tests and people poke at the same thing. The binaries are built from
 * Go modules on first use (e2e/build-control-plane) and cached outside the work tree.
 */
public final class RealCluster implements AutoCloseable {

    private final Path repository;
    private final Path state;
    private final Path adminKubeconfig;
    private final Path kubectl;
    private final KubernetesClient admin;

    private RealCluster(Path repository, Path state, Path adminKubeconfig, Path kubectl) {
        this.repository = repository;
        this.state = state;
        this.adminKubeconfig = adminKubeconfig;
        this.kubectl = kubectl;
        this.admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(adminKubeconfig))).build();
    }

    /** Starts a cluster whose state lives in {@code state} (a fresh one each time). */
    public static RealCluster start(Path state) {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        List<String> out = run(repository, state, List.of(repository.resolve("e2e/cluster").toString(), "start"), 900);
        String last = out.isEmpty() ? "" : out.get(out.size() - 1);
        if (!last.startsWith("KUBECONFIG=")) {
            throw new IllegalStateException("e2e/cluster start did not end with KUBECONFIG=: " + String.join("\n", out));
        }
        Path bin = Path.of(read(state.resolve("bin")).strip());
        return new RealCluster(repository, state, Path.of(last.substring("KUBECONFIG=".length())), bin.resolve("kubectl"));
    }

    public KubernetesClient admin() {
        return admin;
    }

    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    public Path repository() {
        return repository;
    }

    /** {@code kubectl} (the control plane's own build) as the admin; returns its output, fails on a non-zero exit. */
    public List<String> kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", adminKubeconfig.toString()));
        command.addAll(List.of(args));
        return run(repository, state, command, 120);
    }

    /**
     * Ends kube-apiserver and starts it again on the same port with etcd's data kept; returns once it serves and the
     * controller manager acts on new objects again (e2e/cluster's probe Job).
     */
    public void restartApiServer() {
        run(repository, state, List.of(repository.resolve("e2e/cluster").toString(), "restart-apiserver"), 360);
    }

    /**
     * As {@link #restartApiServer()}, returning once the server serves, without waiting for the controller manager:
     * for a benchmark timing the operator's own catch-up, which needs no controller (at 10 000 Jobs the Job
     * controller's relist kept e2e/cluster's probe Job waiting longer than it allows).
     */
    public void restartApiServerServing() {
        run(repository, state, List.of(repository.resolve("e2e/cluster").toString(), "restart-apiserver", "--serving"), 360);
    }

    /** A short-lived token of a ServiceAccount, from the API server's TokenRequest (as the kubelet gets one for a pod). */
    public String token(String namespace, String serviceAccount) {
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** A client that authenticates as a ServiceAccount, so that the real authorizer judges every request. */
    public KubernetesClient clientAs(String namespace, String serviceAccount) {
        Config admin = this.admin.getConfiguration();
        Config config = new ConfigBuilder().withMasterUrl(admin.getMasterUrl()).withCaCertData(admin.getCaCertData())
                .withCaCertFile(admin.getCaCertFile()).withOauthToken(token(namespace, serviceAccount))
                .withNamespace(namespace).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A kubeconfig file for a ServiceAccount, for a process (the packaged operator) to run as that identity. */
    public Path kubeconfigAs(String namespace, String serviceAccount) {
        Config admin = this.admin.getConfiguration();
        String ca = admin.getCaCertFile();
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: orca-e2e
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: %s
                  user: {token: "%s"}
                contexts:
                - name: orca-e2e
                  context: {cluster: orca-e2e, user: %s, namespace: %s}
                current-context: orca-e2e
                """.formatted(admin.getMasterUrl(), ca, serviceAccount, token(namespace, serviceAccount), serviceAccount, namespace);
        Path file = state.resolve(namespace + "-" + serviceAccount + ".kubeconfig");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        admin.close();
        run(repository, state, List.of(repository.resolve("e2e/cluster").toString(), "stop"), 120);
    }

    private static List<String> run(Path directory, Path state, List<String> command, int seconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(false);
            builder.environment().put("ORCA_E2E_STATE", state.toString());
            // The control plane alone: these tests run the operator themselves and assert on API objects, and a real
            // node would start every Job's trainer (e2e/run is where pods run).
            builder.environment().put("ORCA_E2E_NODE", "none");
            // This JVM uses the cluster (e2e/claim.sh): another run may neither share nor stop it while the tests go on.
            builder.environment().put("ORCA_E2E_OWNER", Long.toString(ProcessHandle.current().pid()));
            Path errors = Files.createTempFile("orca-e2e", ".err");
            builder.redirectError(errors.toFile());
            Process process = builder.start();
            List<String> out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + seconds + " s");
            }
            String err = Files.readString(errors);
            Files.delete(errors);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + err
                        + String.join("\n", out));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
