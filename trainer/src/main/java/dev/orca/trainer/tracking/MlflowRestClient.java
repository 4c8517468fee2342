package dev.orca.trainer.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of MLflow's tracking REST API ({@code /api/2.0/mlflow}) and artifact proxy ({@code /api/2.0/mlflow-artifacts})
 * a trainer needs. Written on the JDK's HTTP client rather than MLflow's Java client (org.mlflow:mlflow-client): that
 * client is not served by the registry this project builds from, and it would bring protobuf and Apache HttpClient for
 * six JSON calls of a documented, versioned API. Credentials are those MLflow's own clients read from the environment.
 */
public final class MlflowRestClient {
    /** MLflow's limits per log-batch request. */
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAMS_PER_BATCH = 100;
    /** MLflow's limit on a parameter's value (6000 since 2.x; 500 before). */
    static final int MAX_PARAM_VALUE = 6000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final Duration timeout;

    /** A call the server refused or that did not reach it. */
    public static final class TrackerException extends RuntimeException {
        private final int status;

        TrackerException(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** The HTTP status, 0 when the server was not reached. */
        public int status() {
            return status;
        }
    }

    /** A run as the server created it. */
    public record Run(String id, String experimentId, String artifactUri) {}

    /** One metric value at a step. */
    public record Metric(String key, double value, long timestamp, long step) {}

    public MlflowRestClient(String uri, Optional<String> authorization, Duration timeout) {
        this.base = URI.create(uri.endsWith("/") ? uri : uri + "/");
        this.authorization = authorization;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A client with the credentials of MLflow's environment variables: a token (bearer), else username and password (basic). */
    public static MlflowRestClient fromEnvironment(String uri, Map<String, String> env, Duration timeout) {
        String token = env.get(dev.orca.crd.OrcaExperimentSpec.Mlflow.ENV_TOKEN);
        String user = env.get(dev.orca.crd.OrcaExperimentSpec.Mlflow.ENV_USERNAME);
        String password = env.get(dev.orca.crd.OrcaExperimentSpec.Mlflow.ENV_PASSWORD);
        Optional<String> auth = token != null && !token.isEmpty() ? Optional.of("Bearer " + token)
                : user != null && !user.isEmpty() ? Optional.of("Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8)))
                : Optional.empty();
        return new MlflowRestClient(uri, auth, timeout);
    }

    public URI uri() {
        return base;
    }

    /** The id of experiment {@code name}, created when the server has none of that name. */
    public String experimentId(String name) {
        try {
            return get("api/2.0/mlflow/experiments/get-by-name?experiment_name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .path("experiment").path("experiment_id").asText();
        } catch (TrackerException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        ObjectNode body = JSON.createObjectNode().put("name", name);
        try {
            return post("api/2.0/mlflow/experiments/create", body).path("experiment_id").asText();
        } catch (TrackerException e) {
            // Another trainer created it between the two calls (a comparison's Jobs start together).
            if (e.status() == 400 || e.status() == 409) {
                return get("api/2.0/mlflow/experiments/get-by-name?experiment_name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                        .path("experiment").path("experiment_id").asText();
            }
            throw e;
        }
    }

    public Run createRun(String experimentId, String name, long startTime, Map<String, String> tags) {
        ObjectNode body = JSON.createObjectNode().put("experiment_id", experimentId).put("run_name", name).put("start_time", startTime);
        ArrayNode t = body.putArray("tags");
        tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
        return run(post("api/2.0/mlflow/runs/create", body).path("run").path("info"));
    }

    /** The run of that id, empty when the server has none (deleted, or another server). */
    public Optional<Run> findRun(String runId) {
        try {
            JsonNode info = get("api/2.0/mlflow/runs/get?run_id=" + URLEncoder.encode(runId, StandardCharsets.UTF_8)).path("run").path("info");
            return "deleted".equals(info.path("lifecycle_stage").asText()) ? Optional.empty() : Optional.of(run(info));
        } catch (TrackerException e) {
            if (e.status() == 404 || e.status() == 400) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Logs parameters and metrics, split into requests within MLflow's per-request limits. */
    public void logBatch(String runId, Map<String, String> params, List<Metric> metrics) {
        List<Map.Entry<String, String>> p = List.copyOf(params.entrySet());
        for (int i = 0; i < p.size(); i += MAX_PARAMS_PER_BATCH) {
            ObjectNode body = JSON.createObjectNode().put("run_id", runId);
            ArrayNode out = body.putArray("params");
            p.subList(i, Math.min(p.size(), i + MAX_PARAMS_PER_BATCH)).forEach(e -> out.addObject().put("key", e.getKey())
                    .put("value", e.getValue().length() > MAX_PARAM_VALUE ? e.getValue().substring(0, MAX_PARAM_VALUE) : e.getValue()));
            post("api/2.0/mlflow/runs/log-batch", body);
        }
        for (int i = 0; i < metrics.size(); i += MAX_METRICS_PER_BATCH) {
            ObjectNode body = JSON.createObjectNode().put("run_id", runId);
            ArrayNode out = body.putArray("metrics");
            metrics.subList(i, Math.min(metrics.size(), i + MAX_METRICS_PER_BATCH)).forEach(m -> out.addObject().put("key", m.key())
                    .put("value", m.value()).put("timestamp", m.timestamp()).put("step", m.step()));
            post("api/2.0/mlflow/runs/log-batch", body);
        }
    }

    /** RUNNING, FINISHED or FAILED; an end time with the last two. */
    public void setStatus(String runId, String status, Long endTime) {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId).put("status", status);
        if (endTime != null) {
            body.put("end_time", endTime);
        }
        post("api/2.0/mlflow/runs/update", body);
    }

    /**
     * Uploads {@code file} as artifact {@code name} through the server's artifact proxy. Only a run whose artifact URI is
     * the proxy's ({@code mlflow-artifacts:}) can take it this way; another store (s3:, gs:) would need that store's
     * credentials in the trainer, which Orca does not ask for.
     */
    public void uploadArtifact(Run run, String name, Path file) {
        String prefix = "mlflow-artifacts:";
        if (run.artifactUri() == null || !run.artifactUri().startsWith(prefix)) {
            throw new TrackerException("the run's artifacts go to " + run.artifactUri() + ", not through the server's artifact proxy"
                    + " (start the server with --serve-artifacts)", 0, null);
        }
        String path = run.artifactUri().substring(prefix.length());
        if (path.startsWith("//")) {
            int slash = path.indexOf('/', 2);
            path = slash < 0 ? "" : path.substring(slash);
        }
        path = path.replaceFirst("^/+", "");
        try {
            send(HttpRequest.newBuilder(base.resolve("api/2.0/mlflow-artifacts/artifacts/" + path + "/" + name))
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)));
        } catch (java.io.FileNotFoundException e) {
            throw new TrackerException(file + " is missing", 0, e);
        }
    }

    private static Run run(JsonNode info) {
        return new Run(info.path("run_id").asText(), info.path("experiment_id").asText(), info.path("artifact_uri").asText(null));
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private JsonNode post(String path, JsonNode body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpRequest built = request.timeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TrackerException(built.method() + " " + built.uri() + ": " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackerException(built.method() + " " + built.uri() + ": interrupted", 0, e);
        }
        if (response.statusCode() / 100 != 2) {
            String text = response.body() == null ? "" : response.body().strip();
            throw new TrackerException(built.method() + " " + built.uri().getPath() + ": HTTP " + response.statusCode() + " "
                    + (text.length() > 300 ? text.substring(0, 300) : text), response.statusCode(), null);
        }
        try {
            String text = response.body();
            return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new TrackerException(built.uri().getPath() + ": not JSON: " + e.getMessage(), response.statusCode(), e);
        }
    }
}
