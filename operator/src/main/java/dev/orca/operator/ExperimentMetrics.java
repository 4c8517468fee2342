package dev.orca.operator;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.OrcaExperimentStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Prometheus metrics at /q/metrics: gauges of experiments per phase ({@code orca_experiments}) and, per experiment, the
 * current alignment distance ({@code orca_experiment_otdd}) and task metric ({@code orca_experiment_metric}; both in
 * {@link ExperimentGauges}); counters
 * and histograms of outcomes and of the seconds spent in each phase ({@link #transition}). The chart's Grafana dashboard
 * (charts/orca-operator/dashboards/orca.json) reads these names; e2e/observe checks every panel against a real Prometheus.
 */
@ApplicationScoped
public class ExperimentMetrics {
    private final MeterRegistry registry;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private final ExperimentGauges gauges = new ExperimentGauges();
    /** When this process saw each experiment enter its current phase (unknown after a restart, then not measured). */
    private final Map<String, java.time.Instant> phaseSince = new ConcurrentHashMap<>();

    /** Without Prometheus (unit tests): the per-experiment gauges are kept but published nowhere. */
    public ExperimentMetrics(MeterRegistry registry) {
        this(registry, java.util.Optional.empty());
    }

    @jakarta.inject.Inject
    public ExperimentMetrics(MeterRegistry registry, jakarta.enterprise.inject.Instance<PrometheusMeterRegistry> prometheus) {
        this(registry, prometheus.isResolvable() ? java.util.Optional.of(prometheus.get()) : java.util.Optional.empty());
    }

    ExperimentMetrics(MeterRegistry registry, java.util.Optional<PrometheusMeterRegistry> prometheus) {
        this.registry = registry;
        prometheus.ifPresent(p -> p.getPrometheusRegistry().register(gauges));
        for (Phase phase : Phase.values()) {
            Gauge.builder("orca.experiments", phases, m -> m.values().stream().filter(p -> p == phase).count())
                    .description("OrcaExperiments by phase").tag("phase", phase.name()).register(registry);
        }
        // Registered at zero, so that "no restarts" is a value on a dashboard rather than no data.
        registry.counter(TRAINER_RESTARTS);
    }

    private static final String TRAINER_RESTARTS = "orca.trainer.restarts";

    public void record(OrcaExperiment experiment, OrcaExperimentStatus status) {
        String key = key(experiment);
        phases.put(key, status.phase);
        gauges.set(key, experiment.getMetadata().getNamespace(), experiment.getMetadata().getName(),
                status.otdd != null && status.otdd.current != null ? status.otdd.current : Double.NaN,
                status.metric != null && status.metric.value != null ? status.metric.value : Double.NaN);
    }

    /** The per-experiment gauges, as Prometheus collects them. */
    ExperimentGauges gauges() {
        return gauges;
    }

    /** Seconds an experiment ran, as histogram buckets: a minute to a day. */
    private static final double[] DURATION_BUCKETS = {60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600};
    /** Seconds in one phase: a second (a Pending that found its Job at once) to a day. */
    private static final double[] PHASE_BUCKETS = {1, 5, 15, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600};

    /**
     * Counters and a histogram of what changed between two statuses the operator wrote:
     * {@code orca_experiments_finished_total{outcome, reason}} when an experiment finishes,
     * {@code orca_experiment_duration_seconds{outcome}} (from the Job's start to completion) and
     * {@code orca_trainer_restarts_total} for each new trainer pod failure. Counted at the transition the operator
     * observes, so a restarted operator (whose statuses already say Succeeded) does not count again.
     */
    public void transition(OrcaExperiment experiment, OrcaExperimentStatus before, OrcaExperimentStatus after, java.time.Instant now) {
        phaseChange(key(experiment), before, after, now);
        transition(before, after);
    }

    /**
     * {@code orca_experiment_phase_seconds{phase}}: how long the experiment was in the phase it leaves, when this process
     * saw it enter that phase (Aligning and FineTuning are the alignment's and the fine-tuning's seconds, Pending the wait
     * for a pod, Queued the wait for Kueue).
     */
    private void phaseChange(String key, OrcaExperimentStatus before, OrcaExperimentStatus after, java.time.Instant now) {
        Phase from = before == null ? null : before.phase;
        if (after.phase == from) {
            return;
        }
        java.time.Instant since = phaseSince.remove(key);
        if (from != null && since != null) {
            io.micrometer.core.instrument.DistributionSummary.builder("orca.experiment.phase").baseUnit("seconds")
                    .description("Seconds an experiment spent in a phase").serviceLevelObjectives(PHASE_BUCKETS)
                    .tag("phase", from.name()).register(registry).record(java.time.Duration.between(since, now).toMillis() / 1000.0);
        }
        if (after.phase != null && !after.phase.finished()) {
            phaseSince.put(key, now);
        }
    }

    void transition(OrcaExperimentStatus before, OrcaExperimentStatus after) {
        boolean wasFinished = before != null && before.phase != null && before.phase.finished();
        if (after.phase != null && after.phase.finished() && !wasFinished) {
            String reason = after.condition(ExperimentStatusBuilder.READY).map(io.fabric8.kubernetes.api.model.Condition::getReason).orElse("");
            registry.counter("orca.experiments.finished", "outcome", after.phase.name(), "reason", reason).increment();
            seconds(after.startTime, after.completionTime).ifPresent(seconds -> io.micrometer.core.instrument.DistributionSummary
                    .builder("orca.experiment.duration").baseUnit("seconds").description("Seconds from the trainer Job's start to the experiment's end")
                    .serviceLevelObjectives(DURATION_BUCKETS).tag("outcome", after.phase.name()).register(registry).record(seconds));
        }
        int restarts = (after.restarts == null ? 0 : after.restarts) - (before == null || before.restarts == null ? 0 : before.restarts);
        if (restarts > 0) {
            registry.counter(TRAINER_RESTARTS).increment(restarts);
        }
    }

    private static java.util.Optional<Double> seconds(String start, String end) {
        try {
            return start == null || end == null ? java.util.Optional.empty()
                    : java.util.Optional.of(java.time.Duration.between(java.time.Instant.parse(start), java.time.Instant.parse(end)).toMillis() / 1000.0)
                    .filter(s -> s >= 0);
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    /** How often {@link #retainOnlyEvery} looks for deleted experiments. */
    static final java.time.Duration RETAIN_INTERVAL = java.time.Duration.ofSeconds(30);
    private final java.util.concurrent.atomic.AtomicLong lastRetain = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    /**
     * {@link #retainOnly} at most once per {@link #RETAIN_INTERVAL}: listing every experiment on every reconcile cost
     * O(n) each, O(n^2) for a burst of n (10 000 experiments: 10^8 entries walked); a deleted experiment's gauges may
     * linger that long instead. It takes the cache's keys, not its experiments: the cache keeps each experiment deflated
     * ({@code cache.ExperimentCopies}), and a listing of experiments decodes all of them at once, which at 10 000 is
     * tens of MB of garbage every 30 s in a 128 MiB heap.
     */
    public void retainOnlyEvery(java.util.function.Supplier<Stream<ResourceID>> existing, long nowNanos) {
        long last = lastRetain.get();
        if (last != Long.MIN_VALUE && nowNanos - last < RETAIN_INTERVAL.toNanos()) return;
        if (lastRetain.compareAndSet(last, nowNanos)) retainOnly(existing.get());
    }

    /** Drops experiments that no longer exist (the primary cache is the truth; no finalizer is needed for metrics). */
    public void retainOnly(Stream<ResourceID> existing) {
        Set<String> keys = existing.map(id -> key(id.getNamespace().orElse(""), id.getName())).collect(Collectors.toSet());
        phases.keySet().retainAll(keys);
        phaseSince.keySet().retainAll(keys);
        gauges.retainOnly(keys);
    }

    private static String key(OrcaExperiment e) {
        return key(e.getMetadata().getNamespace(), e.getMetadata().getName());
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
