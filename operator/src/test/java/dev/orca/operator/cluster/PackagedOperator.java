package dev.orca.operator.cluster;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code target/quarkus-app}, prod profile: server-side apply on) as a process, configured
 * with the environment of the install YAML's Deployment and authenticated by a kubeconfig: what the Deployment's
 * pod runs, with this JVM standing in for the kubelet.
 */
public final class PackagedOperator implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int httpPort;

    private final String jvmOptions;

    private PackagedOperator(Process process, Path log, int httpPort, String jvmOptions) {
        this.jvmOptions = jvmOptions;
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts the operator with {@code kubeconfig}'s identity and the Deployment's environment, logging to {@code log}. */
    public static PackagedOperator start(Path kubeconfig, List<HasMetadata> install, Path log) {
        return start(kubeconfig, install, log, java.util.Map.of());
    }

    /** As {@link #start(Path, List, Path)}, with {@code environment} set over the Deployment's (a test's own settings). */
    public static PackagedOperator start(Path kubeconfig, List<HasMetadata> install, Path log, java.util.Map<String, String> environment) {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the integration tests run after the package phase");
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            int port = socket.getLocalPort();
            socket.close();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            for (HasMetadata object : install) {
                if (object instanceof Deployment d && "orca-operator".equals(d.getMetadata().getName())) {
                    for (EnvVar env : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                        if (env.getValue() == null) {
                            continue;
                        }
                        if (env.getName().equals("JAVA_OPTS_APPEND")) {
                            // The image's entrypoint passes these to the JVM (images/operator.Dockerfile); so does this launch.
                            command.addAll(1, List.of(env.getValue().trim().split("\\s+")));
                        } else {
                            builder.environment().put(env.getName(), env.getValue());
                        }
                    }
                }
            }
            // Benchmarks may add JVM options (last, so they win): -Dorca.operatorJvmArgs=...
            String extra = System.getProperty("orca.operatorJvmArgs", "");
            if (!extra.isBlank()) {
                command.addAll(command.size() - 2, List.of(extra.trim().split("\\s+")));
            }
            // Benchmarks may pin the operator to CPUs (-Dorca.operatorCpus=1; the control plane inherits the benchmark's own
            // affinity): taskset execs java, so the process and its pid stay the JVM's.
            String cpus = System.getProperty("orca.operatorCpus", "");
            if (!cpus.isBlank()) {
                List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus.trim()));
                pinned.addAll(command);
                builder.command(pinned);
            }
            builder.environment().putAll(environment);
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            return new PackagedOperator(builder.start(), log, port, String.join(" ", command.subList(1, command.size() - 2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM options it runs with (the Deployment's JAVA_OPTS_APPEND, then any a benchmark added). */
    public String jvmOptions() {
        return jvmOptions;
    }

    public int httpPort() {
        return httpPort;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Ends it at once, as a killed pod ends. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
