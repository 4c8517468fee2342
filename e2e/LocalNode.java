import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test scaffolding in place of a kubelet, never product code: plays the one node of an e2e/cluster control plane
 * (which has none) by running the Pods of Orca's images as local processes. For each Pod that is not yet running:
 * the container's command and args from the Pod spec, its environment (field references resolved), its volumes as
 * local directories (a ConfigMap volume gets the ConfigMap's files, a claim a directory per claim, emptyDirs one per
 * pod; mount paths in args and env are rewritten to them), and the Pod's ServiceAccount credentials as a kubeconfig
 * with a token from the TokenRequest API. It writes the Pod's status as a kubelet does (Running, then Succeeded or
 * Failed with the exit code, the reason and, for a failure, the log's tail as the termination message), and ends
 * the process when the Pod is deleted (a suspended Job, a deleted experiment), then removes the Pod.
 *
 * <p>Images are mapped to local programs: the operator's image runs the packaged operator
 * (operator/target/quarkus-app) with the container's JAVA_OPTS_APPEND; the trainer's images run ./orca.
 *
 * <p>Run with the operator module's test classpath (Fabric8):
 * {@code java -cp "$(cat operator/target/e2e-classpath.txt)" e2e/LocalNode.java <repo> <state-dir> <namespace>...}.
 */
public final class LocalNode {

    private final KubernetesClient client;
    private final Path repo;
    private final Path state;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final Map<String, ProcessBuilder> builders = new ConcurrentHashMap<>();
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();

    LocalNode(KubernetesClient client, Path repo, Path state) {
        this.client = client;
        this.repo = repo;
        this.state = state;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]).toAbsolutePath();
        Path state = Path.of(args[1]).toAbsolutePath();
        List<String> namespaces = List.of(args).subList(2, args.length);
        KubernetesClient client = new KubernetesClientBuilder().build(); // KUBECONFIG: the admin's, as a kubelet's is privileged
        LocalNode node = new LocalNode(client, repo, state);
        Runtime.getRuntime().addShutdownHook(new Thread(node::stopAll));
        for (String ns : namespaces) {
            client.pods().inNamespace(ns).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    node.observe(action, pod);
                }

                @Override
                public void onClose(WatcherException cause) {
                    System.err.println("local-node: the watch of " + ns + " ended: " + cause);
                    System.exit(1);
                }
            });
            client.pods().inNamespace(ns).list().getItems().forEach(p -> node.observe(Watcher.Action.ADDED, p));
        }
        System.err.println("local-node: playing the kubelet for namespaces " + namespaces);
        Thread.currentThread().join();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    synchronized void observe(Watcher.Action action, Pod pod) {
        String key = key(pod);
        if (action == Watcher.Action.DELETED || pod.getMetadata().getDeletionTimestamp() != null) {
            Process p = running.remove(key);
            if (p != null) {
                System.err.println("local-node: " + key + " deleted: ending its process");
                p.destroy();
            }
            if (action != Watcher.Action.DELETED) {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
            }
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (running.containsKey(key) || !"Pending".equals(phase)) {
            return;
        }
        try {
            start(pod);
        } catch (IOException | RuntimeException e) {
            System.err.println("local-node: cannot run " + key + ": " + e);
            finished(pod, 128, "ContainerCannotRun", e.toString());
        }
    }

    private void start(Pod pod) throws IOException {
        String key = key(pod);
        String ns = pod.getMetadata().getNamespace();
        Container container = pod.getSpec().getContainers().get(0);
        Path podDir = state.resolve("pods").resolve(ns).resolve(pod.getMetadata().getName());
        Files.createDirectories(podDir);
        // Volumes: each mount path of the container maps to a local directory.
        Map<String, Path> volumes = new LinkedHashMap<>();
        for (Volume v : pod.getSpec().getVolumes()) {
            Path dir;
            if (v.getConfigMap() != null) {
                dir = podDir.resolve("configmap-" + v.getName());
                Files.createDirectories(dir);
                ConfigMap cm = client.configMaps().inNamespace(ns).withName(v.getConfigMap().getName()).get();
                if (cm != null && cm.getData() != null) {
                    for (var e : cm.getData().entrySet()) {
                        Files.writeString(dir.resolve(e.getKey()), e.getValue());
                    }
                }
            } else if (v.getPersistentVolumeClaim() != null) {
                dir = state.resolve("claims").resolve(ns).resolve(v.getPersistentVolumeClaim().getClaimName());
            } else if ("tmp".equals(v.getName())) {
                dir = state.resolve("tmp"); // shared by the node's pods: libtorch is extracted there once
            } else {
                dir = podDir.resolve("emptydir-" + v.getName());
            }
            Files.createDirectories(dir);
            volumes.put(v.getName(), dir);
        }
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount m : container.getVolumeMounts()) {
            mounts.put(m.getMountPath(), volumes.get(m.getName()));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            String value = e.getValue();
            if (value == null && e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                value = switch (e.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.namespace" -> ns;
                    case "metadata.name" -> pod.getMetadata().getName();
                    default -> null;
                };
            }
            if (value != null) {
                env.put(e.getName(), rewrite(value, mounts));
            }
        }
        env.put("KUBECONFIG", serviceAccountKubeconfig(pod, podDir).toString());
        List<String> command = new ArrayList<>();
        String image = container.getImage();
        if (image.contains("orca-operator")) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String opts = env.remove("JAVA_OPTS_APPEND");
            if (opts != null && !opts.isBlank()) {
                command.addAll(List.of(opts.trim().split("\\s+")));
            }
            command.addAll(List.of("-jar", repo.resolve("operator/target/quarkus-app/quarkus-run.jar").toString()));
            env.put("QUARKUS_HTTP_PORT", env.getOrDefault("QUARKUS_HTTP_PORT", "18080"));
        } else if (image.contains("orca-trainer")) {
            command.add(repo.resolve("orca").toString());
        } else {
            throw new IllegalArgumentException("no local program for image " + image);
        }
        for (String a : container.getArgs() == null ? List.<String>of() : container.getArgs()) {
            command.add(rewrite(a, mounts));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(podDir.toFile()).redirectErrorStream(true)
                .redirectOutput(podDir.resolve("log").toFile());
        builder.environment().putAll(env);
        builders.put(key, builder);
        Process process = builder.start();
        running.put(key, process);
        System.err.println("local-node: running " + key + " (" + image + ") as pid " + process.pid() + ", log " + podDir.resolve("log"));
        setRunning(pod);
        process.onExit().thenAccept(p -> {
            if ("Always".equals(pod.getSpec().getRestartPolicy()) && running.containsKey(key)) {
                // A Deployment's pod: a kubelet restarts the container in place (same pod, restartCount + 1).
                restart(pod, key, p.exitValue());
                return;
            }
            if (running.remove(key, p)) {
                String tail = tail(podDir.resolve("log"), 20);
                int code = p.exitValue();
                // A kubelet says OOMKilled only when the kernel's OOM killer ended the container; a local process has no
                // such cgroup, so every failure here is an Error with its exit code.
                finished(pod, code, code == 0 ? "Completed" : "Error", code == 0 ? null : tail);
                System.err.println("local-node: " + key + " exited " + code);
            }
        });
    }

    private synchronized void restart(Pod pod, String key, int exitCode) {
        if (!running.containsKey(key)) {
            return; // deleted meanwhile
        }
        int count = restarts.merge(key, 1, Integer::sum);
        System.err.println("local-node: " + key + " exited " + exitCode + ": restarting its container (restart " + count + ")");
        try {
            ProcessBuilder builder = builders.get(key);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(builder.redirectOutput().file()));
            Process process = builder.start();
            running.put(key, process);
            System.err.println("local-node: running " + key + " (restart " + count + ") as pid " + process.pid());
            process.onExit().thenAccept(p -> {
                if (running.get(key) == p) {
                    restart(pod, key, p.exitValue());
                }
            });
        } catch (IOException e) {
            running.remove(key);
            finished(pod, 128, "ContainerCannotRun", e.toString());
        }
    }

    /** Mount paths in a value replaced by the local directories, longest first. */
    private static String rewrite(String value, Map<String, Path> mounts) {
        String out = value;
        List<String> paths = new ArrayList<>(mounts.keySet());
        paths.sort((a, b) -> b.length() - a.length());
        for (String p : paths) {
            if (out.equals(p) || out.startsWith(p + "/")) {
                return mounts.get(p) + out.substring(p.length());
            }
            out = out.replace(p + "/", mounts.get(p) + "/");
        }
        return out;
    }

    /** The Pod's ServiceAccount identity, as the kubelet projects it: a short-lived token from the TokenRequest API. */
    private Path serviceAccountKubeconfig(Pod pod, Path podDir) throws IOException {
        String ns = pod.getMetadata().getNamespace();
        String account = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        String token = client.serviceAccounts().inNamespace(ns).withName(account)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L * 6).endSpec().build())
                .getStatus().getToken();
        Config admin = client.getConfiguration();
        Path file = podDir.resolve("serviceaccount.kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: %s
                  user: {token: "%s"}
                contexts:
                - name: local
                  context: {cluster: local, user: %s, namespace: %s}
                current-context: local
                """.formatted(admin.getMasterUrl(), admin.getCaCertFile(), account, token, account, ns));
        return file;
    }

    private void setRunning(Pod pod) {
        String now = Instant.now().toString();
        Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        if (fresh == null) {
            return;
        }
        Container c = fresh.getSpec().getContainers().get(0);
        fresh.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(now).withHostIP("127.0.0.1").withPodIP("127.0.0.1")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(now).build())
                .withContainerStatuses(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withImageID("")
                        .withReady(true).withRestartCount(0).withStarted(true)
                        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build()).build())
                .build());
        client.pods().inNamespace(fresh.getMetadata().getNamespace()).resource(fresh).updateStatus();
    }

    private void finished(Pod pod, int exitCode, String reason, String message) {
        String now = Instant.now().toString();
        Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        if (fresh == null) {
            return;
        }
        Container c = fresh.getSpec().getContainers().get(0);
        fresh.setStatus(new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed").withStartTime(now)
                .withContainerStatuses(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withImageID("")
                        .withReady(false).withRestartCount(0)
                        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
                                .withMessage(message).withStartedAt(now).withFinishedAt(now).endTerminated().build()).build())
                .build());
        client.pods().inNamespace(fresh.getMetadata().getNamespace()).resource(fresh).updateStatus();
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    void stopAll() {
        running.values().forEach(Process::destroy);
    }
}
