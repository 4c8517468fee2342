package dev.orca.trainer.tracking;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real MLflow tracking server (PyPI's mlflow, from {@code e2e/tools mlflow}) on loopback, with a SQLite store and the
 * artifact proxy in a directory of the test's, for as long as the test holds it.
 */
final class MlflowServer implements AutoCloseable {
    final String uri;
    private final Process process;
    private final Path log;

    private MlflowServer(String uri, Process process, Path log) {
        this.uri = uri;
        this.process = process;
        this.log = log;
    }

    static MlflowServer start(Path dir) throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Process tool = new ProcessBuilder(repo.resolve("e2e/tools").toString(), "mlflow").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String binary = new String(tool.getInputStream().readAllBytes()).strip();
        if (tool.waitFor() != 0 || binary.isEmpty()) {
            throw new IllegalStateException("e2e/tools mlflow failed: MLflow's server comes from PyPI");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("mlflow.log");
        Process p = new ProcessBuilder(List.of(binary, "server", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--workers", "1", "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db"),
                "--artifacts-destination", dir.resolve("artifacts").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String uri = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("mlflow server exited: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(uri + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return new MlflowServer(uri, p, log);
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        p.destroyForcibly();
        throw new IllegalStateException("mlflow server did not answer in 120 s: " + Files.readString(log));
    }

    @Override
    public void close() throws Exception {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
