package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
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

    private static long otddGauges(SimpleMeterRegistry registry) {
        return registry.find("orca.experiment.otdd").gauges().size();
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
        assertEquals(2, otddGauges(registry));

        long t0 = 100 * SECOND;
        metrics.retainOnlyEvery(() -> List.of(kept), t0);
        assertEquals(1, otddGauges(registry), "the first look runs at once");
        metrics.record(deleted, aligning(4.0));
        metrics.retainOnlyEvery(() -> { throw new AssertionError("listed within the interval"); }, t0 + 29 * SECOND);
        assertEquals(2, otddGauges(registry), "within 30 s nothing is listed");
        metrics.retainOnlyEvery(() -> List.of(kept), t0 + 30 * SECOND);
        assertEquals(1, otddGauges(registry));
        assertEquals(1.0, registry.find("orca.experiments").tag("phase", "Aligning").gauge().value());
    }
}
