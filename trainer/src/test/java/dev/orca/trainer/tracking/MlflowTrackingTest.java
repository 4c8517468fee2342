package dev.orca.trainer.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.TrainerStage;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.run.RunDirectory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.tracking.mlflow against a real MLflow tracking server: a real run is found there with its parameters, curves,
 * test figure and artifacts; a resumed run continues its MLflow run; a tracker that is down costs a warning, never the run.
 */
class MlflowTrackingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MlflowServer server;
    @TempDir
    static Path serverDir;
    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = MlflowServer.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String tiny(String uri, String experiment) {
        return """
                task: { type: classification, inputShape: [16, 24], numClasses: 10, metric: zeroOneError,
                        data: { generator: { name: listops, samples: 60, resolution: 24 }, validationFraction: 0.2, testFraction: 0.2 } }
                body: { checkpoint: "bundled:all-minilm-l6-v2" }
                mode: orca
                source: { dataset: "bundled:brown-corpus", samples: 60 }
                alignment: { epochs: 2, samplesPerClass: 8 }
                finetune: { epochs: 2, batchSize: 8, schedule: { warmupEpochs: 0 } }
                tracking: { mlflow: { uri: "%s", experiment: "%s" } }
                """.formatted(uri, experiment);
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.uri + path)).header("Content-Type", "application/json");
        r = body == null ? r.GET() : r.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> runsOf(String experiment) throws Exception {
        String id = call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + experiment, null)
                .path("experiment").path("experiment_id").asText();
        JsonNode runs = call("POST", "/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"" + id + "\"]}").path("runs");
        return StreamSupport.stream(runs.spliterator(), false).toList();
    }

    private static Map<String, Double> latest(JsonNode run, String list) {
        Map<String, Double> out = new java.util.TreeMap<>();
        run.path("data").path(list).forEach(m -> out.put(m.path("key").asText(), m.path("value").asDouble()));
        return out;
    }

    private static int orca(String... args) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return dev.orca.trainer.cli.Orca.run(args);
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void aRealRunIsOnTheServerWithItsParametersCurvesFigureAndReport() throws Exception {
        Path yaml = dir.resolve("tracked.yaml");
        Files.writeString(yaml, tiny(server.uri, "orca-tracked"));
        Path out = dir.resolve("tracked");
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, orca("run", yaml.toString(), "--out", out.toString()));

        List<JsonNode> runs = runsOf("orca-tracked");
        assertEquals(1, runs.size(), "one MLflow run for one Orca run");
        JsonNode run = runs.get(0);
        String id = run.path("info").path("run_id").asText();
        assertEquals("FINISHED", run.path("info").path("status").asText());
        assertEquals("tracked", run.path("info").path("run_name").asText(), "named after the output directory");

        JsonNode result = JSON.readTree(out.resolve("result.json").toFile());
        Map<String, Double> metrics = latest(run, "metrics");
        assertEquals(result.get("test").asDouble(), metrics.get("test/zeroOneError"), 1e-12, "the test figure is result.json's");
        assertEquals(result.get("validation").asDouble(), metrics.get("val/zeroOneError"), 1e-12);
        assertTrue(metrics.containsKey("finetune/loss") && metrics.containsKey("finetune/val_zeroOneError")
                && metrics.containsKey("seconds/aligning") && metrics.containsKey("seconds/fine-tuning"), metrics.toString());

        JsonNode history = call("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + id + "&metric_key=align/distance", null).path("metrics");
        List<Double> curve = new ArrayList<>();
        history.forEach(m -> curve.add(m.path("value").asDouble()));
        List<Double> recorded = new ArrayList<>();
        result.get("alignmentCurve").forEach(v -> recorded.add(v.asDouble()));
        assertEquals(recorded, curve, "the OTDD curve, one value per alignment epoch");

        Map<String, String> params = new java.util.TreeMap<>();
        run.path("data").path("params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        assertEquals("orca", params.get("mode"));
        assertEquals("2", params.get("alignment.epochs"));
        assertEquals("bundled:all-minilm-l6-v2", params.get("body.checkpoint"));
        assertTrue(params.keySet().stream().noneMatch(k -> k.startsWith("tracking")), "where the run went is not what it was");

        JsonNode files = call("GET", "/api/2.0/mlflow/artifacts/list?run_id=" + id, null).path("files");
        List<String> names = StreamSupport.stream(files.spliterator(), false).map(f -> f.path("path").asText()).sorted().toList();
        assertEquals(List.of("report.html", "result.json"), names);
    }

    @Test
    void aResumedRunContinuesItsMlflowRun() throws Exception {
        RunDirectory run = new RunDirectory(dir.resolve("resumed"));
        Files.createDirectories(run.root());
        for (int attempt = 0; attempt < 2; attempt++) {
            try (MlflowSink sink = new MlflowSink(MlflowRestClient.fromEnvironment(server.uri, Map.of(), Duration.ofSeconds(10)),
                    "orca-resumed", "resumed", Map.of(), Map.of("mode", "orca"), run, System.err)) {
                for (int epoch = 1 + 2 * attempt; epoch <= 2 + 2 * attempt; epoch++) {
                    sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, epoch, 4, epoch, 10.0 - epoch, 10.0 - epoch, 0L));
                }
            }
        }
        List<JsonNode> runs = runsOf("orca-resumed");
        assertEquals(1, runs.size(), "the second attempt logged into the first attempt's run");
        String id = runs.get(0).path("info").path("run_id").asText();
        JsonNode history = call("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + id + "&metric_key=align/distance", null).path("metrics");
        List<Long> steps = StreamSupport.stream(history.spliterator(), false).map(m -> m.path("step").asLong()).sorted().toList();
        assertEquals(List.of(1L, 2L, 3L, 4L), steps);
    }

    @Test
    void aTrackerThatIsDownCostsOneWarningNotTheRun() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String down = "http://127.0.0.1:" + port;
        Path yaml = dir.resolve("down.yaml");
        Files.writeString(yaml, tiny(down, "orca-down"));
        Path out = dir.resolve("down");
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, orca("run", yaml.toString(), "--out", out.toString()));
        assertTrue(Files.exists(out.resolve("result.json")));

        ByteArrayOutputStream warned = new ByteArrayOutputStream();
        RunDirectory run = new RunDirectory(dir.resolve("down-sink"));
        try (MlflowSink sink = new MlflowSink(MlflowRestClient.fromEnvironment(down, Map.of(), Duration.ofSeconds(2)), "orca-down",
                "down", Map.of(), Map.of(), run, new PrintStream(warned, true, StandardCharsets.UTF_8))) {
            for (int epoch = 1; epoch <= 5; epoch++) {
                sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, epoch, 5, epoch, 1.0 / epoch, null, 0L));
            }
        }
        List<String> lines = warned.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.contains("did not take")).count(), "one warning per outage: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("5 metric values were not sent")), lines.toString());
    }

    @Test
    void credentialsComeFromMlflowsEnvironmentVariables() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer fake = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", exchange -> {
            seen.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("none"));
            byte[] body = "{\"run\":{\"info\":{\"run_id\":\"r\",\"lifecycle_stage\":\"active\"}}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fake.start();
        try {
            String uri = "http://127.0.0.1:" + fake.getAddress().getPort();
            MlflowRestClient.fromEnvironment(uri, Map.of("MLFLOW_TRACKING_TOKEN", "t0k"), Duration.ofSeconds(5)).findRun("r");
            MlflowRestClient.fromEnvironment(uri, Map.of("MLFLOW_TRACKING_USERNAME", "ana", "MLFLOW_TRACKING_PASSWORD", "s3cret"),
                    Duration.ofSeconds(5)).findRun("r");
            MlflowRestClient.fromEnvironment(uri, Map.of(), Duration.ofSeconds(5)).findRun("r");
        } finally {
            fake.stop(0);
        }
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("ana:s3cret".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("Bearer t0k", basic, "none"), seen);
    }
}
