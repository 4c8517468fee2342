package dev.orca.trainer.tracking;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.TrainerStage;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.run.RunDirectory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sends a run to an MLflow tracking server: its parameters when it starts, its metrics as they come
 * ({@link TrackedMetrics}), its result and report as artifacts and its outcome when it ends. Every call runs on a thread
 * of its own, so a slow or absent tracker never holds up training; a tracker that is down costs one warning per outage,
 * and what it missed is sent when it answers again. The MLflow run's id is kept in the run directory, so that a resumed
 * run (a restarted pod) continues the same MLflow run rather than starting another.
 */
public final class MlflowSink implements ProgressSink {
    /** How long each call may take; the run's end waits at most {@link #DRAIN} for what is still queued. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DRAIN = Duration.ofSeconds(60);
    /** The run's files that go to MLflow as artifacts, when the run wrote them. */
    private static final List<String> ARTIFACTS = List.of("result.json", "report.html", "trial.json", "alignment.json");

    /** What {@code tracking.json} keeps: the tracker and the run this directory's run logs to. */
    public record Tracked(String uri, String runId) {}

    private final MlflowRestClient client;
    private final String experiment;
    private final String runName;
    private final Map<String, String> tags;
    private final Map<String, String> params;
    private final RunDirectory directory;
    private final PrintStream warnings;
    private final TrackedMetrics metrics = new TrackedMetrics();
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mlflow");
        t.setDaemon(true);
        return t;
    });
    // Touched by the calls thread only.
    private final List<MlflowRestClient.Metric> pending = new ArrayList<>();
    private MlflowRestClient.Run run;
    private boolean paramsSent;
    private String outage;

    public MlflowSink(MlflowRestClient client, String experiment, String runName, Map<String, String> tags, Map<String, String> params,
                      RunDirectory directory, PrintStream warnings) {
        this.client = client;
        this.experiment = experiment;
        this.runName = runName;
        this.tags = Map.copyOf(tags);
        this.params = Map.copyOf(params);
        this.directory = directory;
        this.warnings = warnings;
    }

    /** The sink {@code spec.tracking} asks for, named {@code runName}; empty when the spec tracks nothing. */
    public static Optional<ProgressSink> of(OrcaExperimentSpec spec, String runName, Map<String, String> tags, Path out,
                                            Map<String, String> env) {
        if (spec.tracking == null || spec.tracking.mlflow == null) {
            return Optional.empty();
        }
        OrcaExperimentSpec.Mlflow m = spec.tracking.mlflow;
        Map<String, String> allTags = new java.util.TreeMap<>(tags);
        allTags.put("orca.mode", OrcaExperimentSpec.wireName(spec.mode));
        allTags.put("orca.body", spec.body.checkpoint);
        allTags.put("orca.seed", Long.toString(spec.seed));
        return Optional.of(new MlflowSink(MlflowRestClient.fromEnvironment(m.uri, env, CALL_TIMEOUT), m.experimentName(), runName,
                allTags, TrackedParameters.of(spec), new RunDirectory(out), System.err));
    }

    @Override
    public void accept(ProgressEvent event) {
        List<MlflowRestClient.Metric> next = metrics.of(event);
        TrainerStage stage = event.stage();
        submit(() -> {
            pending.addAll(next);
            if (stage.finished()) {
                finish(stage == TrainerStage.SUCCEEDED ? "FINISHED" : "FAILED");
            } else if (!next.isEmpty() || run == null) {
                send();
            }
        });
    }

    /** Waits for what is queued, at most {@link #DRAIN}; what the tracker did not take by then is reported, not retried. */
    @Override
    public void close() {
        submit(() -> {
            if (!pending.isEmpty() && run != null) {
                send();
            }
            if (!pending.isEmpty()) {
                warnings.println("orca: tracking: " + pending.size() + " metric values were not sent to " + client.uri());
            }
        });
        calls.shutdown();
        try {
            if (!calls.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
                warnings.println("orca: tracking: " + client.uri() + " did not answer within " + DRAIN.toSeconds() + " s; stopped waiting");
                calls.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            calls.shutdownNow();
        }
    }

    private void submit(Runnable call) {
        try {
            calls.execute(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // after close: nothing more is tracked
        }
    }

    /** Sends what is pending; false (and one warning per outage) when the tracker did not take it. */
    private boolean send() {
        try {
            if (run == null) {
                run = resumeOrCreate();
            }
            if (!paramsSent) {
                client.logBatch(run.id(), params, List.of());
                paramsSent = true;
            }
            client.logBatch(run.id(), Map.of(), pending);
            pending.clear();
            if (outage != null) {
                warnings.println("orca: tracking: " + client.uri() + " answers again; the run is " + run.id());
                outage = null;
            }
            return true;
        } catch (RuntimeException e) {
            if (outage == null) {
                warnings.println("orca: tracking: MLflow at " + client.uri() + " did not take the run's figures (" + e.getMessage()
                        + "); training goes on, and they are sent when it answers");
            }
            outage = e.getMessage();
            return false;
        }
    }

    private void finish(String status) {
        if (!send()) {
            return;
        }
        for (String name : ARTIFACTS) {
            Path file = directory.root().resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    client.uploadArtifact(run, name, file);
                } catch (RuntimeException e) {
                    warnings.println("orca: tracking: artifact " + name + " not uploaded: " + e.getMessage());
                }
            }
        }
        try {
            client.setStatus(run.id(), status, System.currentTimeMillis());
        } catch (RuntimeException e) {
            warnings.println("orca: tracking: the run's outcome (" + status + ") was not recorded: " + e.getMessage());
        }
    }

    private MlflowRestClient.Run resumeOrCreate() {
        Path file = directory.tracking();
        if (Files.isRegularFile(file)) {
            try {
                Tracked earlier = AtomicFiles.readJson(file, Tracked.class);
                if (client.uri().toString().equals(earlier.uri())) {
                    Optional<MlflowRestClient.Run> found = client.findRun(earlier.runId());
                    if (found.isPresent()) {
                        client.setStatus(found.get().id(), "RUNNING", null);
                        return found.get();
                    }
                }
            } catch (java.io.UncheckedIOException e) {
                warnings.println("orca: tracking: " + file + " is unreadable; this attempt starts a new MLflow run");
            }
        }
        String experimentId = client.experimentId(experiment);
        MlflowRestClient.Run created = client.createRun(experimentId, runName, System.currentTimeMillis(), tags);
        AtomicFiles.writeJson(file, new Tracked(client.uri().toString(), created.id()));
        return created;
    }
}
