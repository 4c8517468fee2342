package dev.orca.operator;

import dev.orca.operator.plan.ExperimentPlanner;

import dev.orca.operator.plan.ExperimentPlan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The largest experiment the CRD admits (every search list at its cap, the trial budget and parallelism at theirs)
 * costs one reconcile's plan and status a bounded amount of work: what one experiment can make the shared operator
 * do. Measured as bytes allocated (deterministic enough to assert); the time is printed, not asserted.
 */
class LargestExperimentTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aReconcileOfTheLargestAdmittedSearchAllocatesAFewMiB() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        OrcaExperimentSpec.Search search = new OrcaExperimentSpec.Search();
        search.trials = 200;
        search.parallelism = 64;
        search.reductionFactor = 2;
        search.minEpochs = 1;
        e.getSpec().finetune.epochs = OrcaExperimentSpec.MAX_EPOCHS;
        search.space.learningRates = new ArrayList<>();
        search.space.weightDecays = new ArrayList<>();
        search.space.batchSizes = new ArrayList<>();
        for (int i = 1; i <= OrcaExperimentSpec.Space.MAX_VALUES; i++) {
            search.space.learningRates.add(1e-6 * i);
            search.space.weightDecays.add(1e-4 * i);
            search.space.batchSizes.add(e.getSpec().finetune.batchSize * i);
        }
        e.getSpec().search = search;

        // Mid-search: 200 trials started, 64 running at rung 1 with their Jobs and reports, the rest waiting or stopped.
        OrcaExperimentStatus previous = new OrcaExperimentStatus();
        previous.search = new OrcaExperimentStatus.Search();
        previous.search.state = "Running";
        Map<String, Job> jobs = new HashMap<>();
        Map<String, ProgressReport> reports = new HashMap<>();
        for (int id = 0; id < 200; id++) {
            OrcaExperimentStatus.Trial t = new OrcaExperimentStatus.Trial();
            t.id = id;
            boolean running = id < 64;
            t.rung = running ? 1 : 0;
            t.state = running ? "Running" : "Waiting";
            t.results = new ArrayList<>(List.of(0.5 + id * 1e-3));
            previous.search.trials.add(t);
            if (running) {
                String name = Names.trialJob(e, id, 1);
                Map<String, String> labels = new HashMap<>(Names.labels(e, Names.TRIAL));
                labels.put(Names.TRIAL_LABEL, "" + id);
                labels.put(Names.RUNG_LABEL, "1");
                jobs.put(name, new JobBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withNewStatus()
                        .withActive(1).endStatus().build());
                List<Double> curve = new ArrayList<>();
                for (int epoch = 0; epoch < 2; epoch++) {
                    curve.add(0.4);
                }
                reports.put(ProgressReport.trialKey(id), new ProgressReport("fine-tuning", 2, 2, 0, 2, 0.5, null, "zeroOneError", 0.4,
                        "validation", null, 10L, null, 1, curve));
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OrcaExperimentStatus status = null;
        for (int warm = 0; warm < 5; warm++) { // class loading and the JIT are not the reconcile's cost
            status = reconcile(e, previous, jobs, reports);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        status = reconcile(e, previous, jobs, reports);
        double millis = (System.nanoTime() - start) / 1e6;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("largest admitted search: one plan + status: %.1f ms, %.2f MiB allocated%n", millis, allocated / 1048576.0);
        assertEquals(List.of(), dev.orca.crd.SpecValidation.validate(e.getSpec()), "the CRD and the CLI admit it");
        assertEquals(200, status.search.trials.size());
        assertTrue(allocated < 8L << 20, "one reconcile allocated " + allocated + " bytes");
    }

    private static OrcaExperimentStatus reconcile(OrcaExperiment e, OrcaExperimentStatus previous, Map<String, Job> jobs,
                                                  Map<String, ProgressReport> reports) {
        ExperimentPlan plan = ExperimentPlanner.plan(e, previous, jobs, reports, NOW);
        return ExperimentStatusBuilder.build(new Observation(e, dev.orca.crd.SpecValidation.validate(e.getSpec()), Optional.empty(), List.of(),
                Optional.empty(), plan), previous, NOW);
    }
}
