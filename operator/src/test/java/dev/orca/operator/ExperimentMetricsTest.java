package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExperimentMetricsTest {
    private static final long SECOND = 1_000_000_000L;

    private static OrcaExperiment experiment(String name) {
        try (var client = new KubernetesClientBuilder().build()) {
            return TestExperiments.valid(client, "ml", name);
        }
    }

    private static OrcaExperimentStatus aligning(double otdd) {
        OrcaExperimentStatus s = new OrcaExperimentStatus();
        s.phase = OrcaExperimentStatus.Phase.Aligning;
        s.otdd = new OrcaExperimentStatus.Otdd();
        s.otdd.current = otdd;
        return s;
    }

    private static long otddGauges(ExperimentMetrics metrics) {
        return metrics.gauges().collect().stream().filter(f -> f.name.equals(ExperimentGauges.OTDD)).mapToLong(f -> f.samples.size()).sum();
    }

    private static double sample(ExperimentMetrics metrics, String family, String name) {
        return metrics.gauges().collect().stream().filter(f -> f.name.equals(family)).flatMap(f -> f.samples.stream())
                .filter(s -> s.labelValues.equals(List.of(name, "ml"))).findFirst().orElseThrow().value;
    }

    /** Prometheus reads each experiment's current values; an experiment without them yet shows NaN, not zero. */
    @Test
    void eachExperimentsValuesAreWhatAScrapeReads() {
        var metrics = new ExperimentMetrics(new SimpleMeterRegistry());
        OrcaExperiment e = experiment("scraped");
        metrics.record(e, in(OrcaExperimentStatus.Phase.Pending));
        assertTrue(Double.isNaN(sample(metrics, ExperimentGauges.OTDD, "scraped")));
        metrics.record(e, aligning(3.5));
        assertEquals(3.5, sample(metrics, ExperimentGauges.OTDD, "scraped"));
        OrcaExperimentStatus evaluated = aligning(2.0);
        evaluated.metric = new OrcaExperimentStatus.MetricValue();
        evaluated.metric.value = 0.125;
        metrics.record(e, evaluated);
        assertEquals(2.0, sample(metrics, ExperimentGauges.OTDD, "scraped"));
        assertEquals(0.125, sample(metrics, ExperimentGauges.METRIC, "scraped"));
    }

    /** Registered on a real Prometheus registry, the gauges come out in its text format under the dashboard's names. */
    @Test
    void thePrometheusRegistryPublishesThemUnderTheDashboardsNames() {
        var prometheus = new io.micrometer.prometheus.PrometheusMeterRegistry(io.micrometer.prometheus.PrometheusConfig.DEFAULT);
        var metrics = new ExperimentMetrics(prometheus, java.util.Optional.of(prometheus));
        metrics.record(experiment("published"), aligning(1.5));
        String text = prometheus.scrape();
        assertTrue(text.contains("orca_experiment_otdd{name=\"published\",namespace=\"ml\",} 1.5"), text);
        assertTrue(text.contains("orca_experiment_metric{name=\"published\",namespace=\"ml\",} NaN"), text);
    }

    /** A deleted experiment's gauges go at the next look for deleted ones, which comes at most every 30 s. */
    @Test
    void deletedExperimentsLeaveTheirGaugesAtTheNextLook() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ExperimentMetrics(registry);
        OrcaExperiment kept = experiment("kept");
        OrcaExperiment deleted = experiment("deleted");
        metrics.record(kept, aligning(3.0));
        metrics.record(deleted, aligning(4.0));
        assertEquals(2, otddGauges(metrics));

        long t0 = 100 * SECOND;
        metrics.retainOnlyEvery(() -> Stream.of(ResourceID.fromResource(kept)), t0);
        assertEquals(1, otddGauges(metrics), "the first look runs at once");
        metrics.record(deleted, aligning(4.0));
        metrics.retainOnlyEvery(() -> { throw new AssertionError("listed within the interval"); }, t0 + 29 * SECOND);
        assertEquals(2, otddGauges(metrics), "within 30 s nothing is listed");
        metrics.retainOnlyEvery(() -> Stream.of(ResourceID.fromResource(kept)), t0 + 30 * SECOND);
        assertEquals(1, otddGauges(metrics));
        assertEquals(1.0, registry.find("orca.experiments").tag("phase", "Aligning").gauge().value());
    }

    private static OrcaExperimentStatus finished(OrcaExperimentStatus.Phase phase, String reason, int restarts) {
        OrcaExperimentStatus s = new OrcaExperimentStatus();
        s.phase = phase;
        s.restarts = restarts;
        s.startTime = "2026-12-04T10:00:00Z";
        s.completionTime = "2026-12-04T10:20:00Z";
        s.conditions = List.of(new io.fabric8.kubernetes.api.model.ConditionBuilder().withType(ExperimentStatusBuilder.READY)
                .withStatus(phase == OrcaExperimentStatus.Phase.Succeeded ? "True" : "False").withReason(reason).build());
        return s;
    }

    /** Outcomes are counted once, at the transition; a restarted operator that sees Succeeded again adds nothing. */
    @Test
    void finishedExperimentsAndRestartsAreCountedOnce() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ExperimentMetrics(registry);
        OrcaExperimentStatus running = aligning(3.0);
        running.restarts = 0;
        OrcaExperimentStatus restarted = aligning(3.0);
        restarted.restarts = 2;
        metrics.transition(running, restarted);
        OrcaExperimentStatus done = finished(OrcaExperimentStatus.Phase.Succeeded, "Succeeded", 2);
        metrics.transition(restarted, done);
        metrics.transition(done, done);
        metrics.transition(null, finished(OrcaExperimentStatus.Phase.Failed, "OOMKilled", 0));
        assertEquals(2.0, registry.find("orca.trainer.restarts").counter().count());
        assertEquals(1.0, registry.find("orca.experiments.finished").tags("outcome", "Succeeded", "reason", "Succeeded").counter().count());
        assertEquals(1.0, registry.find("orca.experiments.finished").tags("outcome", "Failed", "reason", "OOMKilled").counter().count());
        var duration = registry.find("orca.experiment.duration").tag("outcome", "Succeeded").summary();
        assertEquals(1, duration.count());
        assertEquals(1200.0, duration.totalAmount(), "20 minutes from the Job's start to the end");
    }

    private static OrcaExperimentStatus in(OrcaExperimentStatus.Phase phase) {
        OrcaExperimentStatus s = new OrcaExperimentStatus();
        s.phase = phase;
        return s;
    }

    /**
     * Each phase's seconds when it ends, from the moment this process saw it begin; a phase whose beginning it did not
     * see (the operator restarted within it) is not measured rather than measured short.
     */
    @Test
    void secondsPerPhaseAreMeasuredFromTheTransitionsThisProcessSaw() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ExperimentMetrics(registry);
        OrcaExperiment e = experiment("timed");
        java.time.Instant t0 = java.time.Instant.parse("2026-12-04T10:00:00Z");
        var pending = in(OrcaExperimentStatus.Phase.Pending);
        var aligning = in(OrcaExperimentStatus.Phase.Aligning);
        var tuning = in(OrcaExperimentStatus.Phase.FineTuning);
        metrics.transition(e, null, pending, t0);
        metrics.transition(e, pending, aligning, t0.plusSeconds(4));
        metrics.transition(e, aligning, aligning, t0.plusSeconds(50));
        metrics.transition(e, aligning, tuning, t0.plusSeconds(124));
        metrics.transition(e, tuning, in(OrcaExperimentStatus.Phase.Succeeded), t0.plusSeconds(424));
        assertEquals(4.0, registry.find("orca.experiment.phase").tag("phase", "Pending").summary().totalAmount());
        assertEquals(120.0, registry.find("orca.experiment.phase").tag("phase", "Aligning").summary().totalAmount(),
                "an unchanged phase is not a new beginning");
        assertEquals(300.0, registry.find("orca.experiment.phase").tag("phase", "FineTuning").summary().totalAmount());
        assertEquals(1, registry.find("orca.experiment.phase").tag("phase", "FineTuning").summary().count());

        var afterRestart = new SimpleMeterRegistry();
        var restarted = new ExperimentMetrics(afterRestart);
        restarted.transition(e, aligning, tuning, t0.plusSeconds(124));
        restarted.transition(e, tuning, in(OrcaExperimentStatus.Phase.Evaluating), t0.plusSeconds(200));
        assertEquals(null, afterRestart.find("orca.experiment.phase").tag("phase", "Aligning").summary(), "its beginning was not seen");
        assertEquals(76.0, afterRestart.find("orca.experiment.phase").tag("phase", "FineTuning").summary().totalAmount());
    }
}
