package dev.orca.trainer.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.ProgressReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;

/**
 * The trainer's side of the operator channel: writes {@link ProgressReport}s into the experiment's progress
 * ConfigMap, the one object the trainer's Role lets it update. Epoch reports are coalesced to one write per
 * {@code minInterval} (stage changes and the end go at once; {@link #close} flushes the last), so a fast
 * run does not flood the API server. A failed write is reported and dropped: progress is advisory, and the
 * operator still learns the outcome from the Job.
 */
public final class ConfigMapProgressSink implements ProgressSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String namespace;
    private final String name;
    private final String key;
    private final ProgressReports reports;
    private final long minIntervalNanos;
    private ProgressReport sent;
    private ProgressReport pending;
    private long lastWrite;

    public ConfigMapProgressSink(KubernetesClient client, String namespace, String name, ProgressReports reports, Duration minInterval) {
        this(client, false, namespace, name, ProgressReport.KEY, reports, minInterval);
    }

    /** Writes under {@code key}: search trials and body-selection alignments share the experiment's ConfigMap. */
    public ConfigMapProgressSink(KubernetesClient client, String namespace, String name, String key, ProgressReports reports,
                                 Duration minInterval) {
        this(client, false, namespace, name, key, reports, minInterval);
    }

    private ConfigMapProgressSink(KubernetesClient client, boolean ownsClient, String namespace, String name, String key,
                                  ProgressReports reports, Duration minInterval) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.namespace = namespace;
        this.name = name;
        this.key = key;
        this.reports = reports;
        this.minIntervalNanos = minInterval.toNanos();
    }

    /** In a trainer pod the operator sets {@link ProgressReport#ENV_CONFIG_MAP}; elsewhere there is no channel. */
    public static java.util.Optional<ConfigMapProgressSink> fromEnvironment(ProgressReports reports) {
        String name = System.getenv(ProgressReport.ENV_CONFIG_MAP);
        String namespace = System.getenv(ProgressReport.ENV_NAMESPACE);
        if (name == null || namespace == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ConfigMapProgressSink(new KubernetesClientBuilder().build(), true, namespace, name,
                java.util.Objects.requireNonNullElse(System.getenv(ProgressReport.ENV_KEY), ProgressReport.KEY), reports,
                Duration.ofSeconds(5)));
    }

    @Override
    public void accept(ProgressEvent event) {
        ProgressReport next = reports.add(event);
        boolean due = System.nanoTime() - lastWrite >= minIntervalNanos;
        if (ProgressReports.milestone(sent, next) || due) {
            write(next);
        } else {
            pending = next;
        }
    }

    @Override
    public void close() {
        if (pending != null) {
            write(pending);
        }
        if (ownsClient) {
            client.close();
        }
    }

    private void write(ProgressReport report) {
        String json;
        try {
            json = JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            client.configMaps().inNamespace(namespace).withName(name).edit(cm -> {
                cm.setData(cm.getData() == null ? new HashMap<>() : new HashMap<>(cm.getData()));
                cm.getData().put(key, json);
                return cm;
            });
            sent = report;
            pending = null;
            lastWrite = System.nanoTime();
        } catch (KubernetesClientException e) {
            pending = report;
            System.err.println("orca: progress report to configmap " + namespace + "/" + name + " failed: " + e.getMessage());
        }
    }
}
