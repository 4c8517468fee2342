package dev.orca.operator;

import dev.orca.operator.plan.ExperimentPlanner;

import dev.orca.operator.plan.ExperimentPlan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.ProgressReport;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The progress ConfigMap is written by trainer pods, which run user code: whatever it holds, the experiment still
 * finishes and its status stays finite and small.
 */
class UntrustedProgressTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OrcaExperiment experiment(int trials) {
        try (var client = new KubernetesClientBuilder().build()) {
            OrcaExperiment e = TestExperiments.valid(client, "ns", "x");
            if (trials > 0) {
                e.getSpec().search = new OrcaExperimentSpec.Search();
                e.getSpec().search.trials = trials;
                e.getSpec().search.parallelism = 64;
                e.getSpec().search.space.learningRates = List.of(1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 2e-1, 2e-2, 2e-3, 2e-4,
                        2e-5, 2e-6, 2e-7, 2e-8);
            }
            return e;
        }
    }

    private static ConfigMap progress(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build();
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    @Test
    void aReportWithoutAStageNeitherThrowsNorStopsTheExperimentFinishing() {
        OrcaExperiment e = experiment(0);
        Map<String, ProgressReport> reports = ProgressReports.read(List.of(progress("x-progress", Map.of(ProgressReport.KEY,
                "{\"epoch\": 3, \"epochs\": 5, \"sequence\": 9}"))), e);
        Job running = new JobBuilder().withNewMetadata().withName("x-trainer").endMetadata().withNewStatus().withActive(1).endStatus().build();
        OrcaExperimentStatus during = ExperimentStatusBuilder.build(new Observation(e, List.of(), Optional.of(running), List.of(),
                Optional.ofNullable(reports.get(ProgressReport.KEY)), ExperimentPlan.direct()), null, NOW);
        assertEquals(Phase.Pending, during.phase, "no stage: not a phase the trainer claimed");
        Job done = new JobBuilder(running).editStatus().withActive(0).addNewCondition().withType("Complete").withStatus("True").endCondition()
                .endStatus().build();
        OrcaExperimentStatus after = ExperimentStatusBuilder.build(new Observation(e, List.of(), Optional.of(done), List.of(),
                Optional.ofNullable(reports.get(ProgressReport.KEY)), ExperimentPlan.direct()), during, NOW);
        assertEquals(Phase.Succeeded, after.phase);
    }

    /** Each writer's report is read from its own ConfigMap only: a trial cannot put figures in another's name. */
    @Test
    void aReportIsReadOnlyFromItsWritersOwnConfigMap() {
        OrcaExperiment e = experiment(4);
        String good = "{\"stage\": \"succeeded\", \"validationCurve\": [0.1], \"sequence\": 1}";
        Map<String, ProgressReport> reports = ProgressReports.read(List.of(
                progress("x-progress-t1", Map.of(ProgressReport.trialKey(1), good, ProgressReport.trialKey(2), good,
                        ProgressReport.KEY, good)),
                progress("x-progress", Map.of(ProgressReport.trialKey(3), good)),
                progress("x-progress-t4", Map.of(ProgressReport.trialKey(4), good))), e); // beyond the 4 trials of the spec
        assertEquals(java.util.Set.of(ProgressReport.trialKey(1)), reports.keySet());
        assertEquals(List.of("x-progress-t0", "x-progress-t1", "x-progress-t2", "x-progress-t3"),
                dev.orca.operator.dependent.ProgressWriter.possible(e).stream().skip(1)
                        .map(dev.orca.operator.dependent.ProgressWriter::configMap).toList());
    }

    @Test
    void unknownKeysOversizedValuesAndNonFiniteNumbersAreDroppedOrBounded() {
        OrcaExperiment e = experiment(4);
        Map<String, String> own = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            own.put("junk-" + i + ".json", "{\"stage\": \"succeeded\"}");
        }
        Map<String, String> data = new HashMap<>();
        data.put(ProgressReport.trialKey(0), "{\"stage\": \"" + repeat('x', ProgressReport.MAX_JSON_CHARS) + "\"}");
        // Within the 64 KiB a value may have: a validation curve longer than any run, infinities, long strings.
        StringBuilder curve = new StringBuilder("[1e999");
        for (int i = 1; i < 11_000; i++) {
            curve.append(",1");
        }
        String otdd = "[3, 1e999, 2, -1e999, 1]";
        data.put(ProgressReport.trialKey(1), "{\"stage\": \"fine-tuning\", \"epoch\": -4, \"loss\": 1e999, \"metric\": \""
                + repeat('m', 5000) + "\", \"metricValue\": -1e999, \"split\": \"evil\", \"message\": \"" + repeat('w', 10_000)
                + "\", \"otddCurve\": " + otdd + ", \"validationCurve\": " + curve + "], \"sequence\": 1}");
        own.put(ProgressReport.KEY, "{\"stage\": \"dancing\", \"sequence\": 1}");
        data.put(ProgressReport.trialKey(2), "not json");

        List<ConfigMap> maps = new java.util.ArrayList<>();
        maps.add(progress("x-progress", own));
        data.forEach((key, json) -> maps.add(progress("x-progress-t" + key.replaceAll("[^0-9]", ""), Map.of(key, json))));
        Map<String, ProgressReport> reports = ProgressReports.read(maps, e);
        assertEquals(java.util.Set.of(ProgressReport.KEY, ProgressReport.trialKey(1)), reports.keySet(),
                "only this experiment's keys, each within the length bound and parseable");
        assertNull(reports.get(ProgressReport.KEY).stage(), "an unknown stage is no stage");
        ProgressReport r = reports.get(ProgressReport.trialKey(1));
        assertNull(r.epoch());
        assertNull(r.loss());
        assertNull(r.metricValue());
        assertNull(r.split());
        assertEquals(ProgressReport.MAX_NAME_CHARS, r.metric().length());
        assertEquals(ProgressReport.MAX_MESSAGE_CHARS, r.message().length());
        assertEquals(ProgressReport.MAX_CURVE_POINTS, r.validationCurve().size(), "cut, and indexed by epoch: non-finite become null");
        assertNull(r.validationCurve().get(0));
        assertEquals(1.0, r.validationCurve().get(1));
        assertEquals(List.of(3.0, 2.0, 1.0), r.otddCurve(), "a display series keeps its finite points");
    }

    /** 200 trials, every one failed with the longest message a report may carry: the status stays finite and under 256 KiB. */
    @Test
    void theStatusStaysSmallAndFiniteAtTwoHundredHostileTrials() throws Exception {
        OrcaExperiment e = experiment(200);
        OrcaExperimentStatus previous = new OrcaExperimentStatus();
        previous.search = new OrcaExperimentStatus.Search();
        previous.search.state = "Running";
        Map<String, Job> jobs = new HashMap<>();
        List<ConfigMap> maps = new java.util.ArrayList<>();
        for (int id = 0; id < 200; id++) {
            OrcaExperimentStatus.Trial t = new OrcaExperimentStatus.Trial();
            t.id = id;
            t.rung = 0;
            t.state = "Running";
            previous.search.trials.add(t);
            String name = Names.trialJob(e, id, 0);
            Map<String, String> labels = new HashMap<>(Names.labels(e, Names.TRIAL));
            labels.put(Names.TRIAL_LABEL, "" + id);
            labels.put(Names.RUNG_LABEL, "0");
            jobs.put(name, new JobBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withNewStatus()
                    .addNewCondition().withType("Failed").withStatus("True").withMessage(repeat('j', 100_000)).endCondition().endStatus()
                    .build());
            maps.add(progress("x-progress-t" + id, Map.of(ProgressReport.trialKey(id), "{\"stage\": \"failed\", \"message\": \""
                    + repeat('z', 60_000) + "\", \"loss\": 1e999, \"validationCurve\": [1e999, 0.5], \"sequence\": 2}")));
        }
        Map<String, ProgressReport> reports = ProgressReports.read(maps, e);
        ExperimentPlan plan = ExperimentPlanner.plan(e, previous, jobs, reports, NOW);
        OrcaExperimentStatus status = ExperimentStatusBuilder.build(new Observation(e, List.of(), Optional.empty(), List.of(),
                Optional.empty(), plan), previous, NOW);
        assertEquals(Phase.Failed, status.phase, "every trial failed: the search fails, and so the experiment");
        assertEquals(200, status.search.trials.size());
        byte[] json = JSON.writeValueAsBytes(status);
        assertTrue(json.length < 256 * 1024, "status is " + json.length + " bytes");
        assertTrue(allFinite(JSON.readTree(json)), "every number in the status is finite");
    }

    private static boolean allFinite(JsonNode node) {
        if (node.isNumber()) {
            return Double.isFinite(node.asDouble());
        }
        for (JsonNode child : node) {
            if (!allFinite(child)) {
                return false;
            }
        }
        return true;
    }
}
