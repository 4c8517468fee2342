package dev.orca.operator.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paired comparison's runs as the planner reads them from Jobs and reports: which Jobs still run, each run's test
 * figure, and the gap once both modes finished on a seed; a finished run is never re-read.
 */
class ComparisonPlannerTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static OrcaExperiment experiment() {
        OrcaExperiment e = new OrcaExperiment();
        e.getMetadata().setName("x");
        e.getMetadata().setNamespace("ns");
        OrcaExperimentSpec spec = new OrcaExperimentSpec();
        spec.seed = 5;
        spec.compare = new OrcaExperimentSpec.Compare();
        spec.compare.modes = List.of(OrcaExperimentSpec.Mode.FINETUNE);
        spec.compare.seeds = 2;
        e.setSpec(spec);
        return e;
    }

    private static Job job(String name, String condition) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName(name).endMetadata();
        if (condition != null) {
            b.withNewStatus().withCompletionTime(NOW.minusSeconds(10).toString())
                    .addNewCondition().withType(condition).withStatus("True").withMessage("BackoffLimitExceeded").endCondition().endStatus();
        }
        return b.build();
    }

    private static ProgressReport tested(double test) {
        return new ProgressReport("succeeded", 2, 2, 1, 2, 0.3, null, "zeroOneError", test, "test", test + 0.01, 0L, null, 9, null);
    }

    @Test
    void everyRunIsReadFromItsOwnJobAndReportAndTheGapPairsSeeds() {
        OrcaExperiment e = experiment();
        // Runs: own (orca, 5); comparison 0 = (orca, 6), 1 = (finetune, 5), 2 = (finetune, 6).
        Map<String, Job> jobs = new HashMap<>(Map.of("x-trainer", job("x-trainer", "Complete"), "x-cmp-0", job("x-cmp-0", "Complete"),
                "x-cmp-1", job("x-cmp-1", "Complete"), "x-cmp-2", job("x-cmp-2", null)));
        Map<String, ProgressReport> reports = new HashMap<>(Map.of(ProgressReport.KEY, tested(0.10), ProgressReport.comparisonKey(0), tested(0.20),
                ProgressReport.comparisonKey(1), tested(0.16)));
        ExperimentPlan plan = ExperimentPlanner.plan(e, null, jobs, reports, NOW);

        OrcaExperimentStatus.Comparison c = plan.comparison();
        assertEquals(4, c.runs.size());
        assertEquals(List.of("orca", "orca", "finetune", "finetune"), c.runs.stream().map(r -> r.mode).toList());
        assertEquals(List.of(5L, 6L, 5L, 6L), c.runs.stream().map(r -> r.seed).toList());
        assertEquals(List.of("x-trainer", "x-cmp-0", "x-cmp-1", "x-cmp-2"), c.runs.stream().map(r -> r.jobName).toList());
        assertEquals(0.16, c.runs.get(2).test);
        assertEquals(List.of(2), plan.comparisonJobs(), "only the running comparison Job is still wanted");
        assertTrue(plan.comparing());
        assertTrue(plan.finalRun(), "the experiment's own run goes ahead beside its comparison");
        assertEquals(1, c.gaps.size());
        assertEquals(1, c.gaps.get(0).seeds, "seed 6 of finetune has not finished");
        assertEquals(-0.06, c.gaps.get(0).mean, 1e-12, "orca 0.10 - finetune 0.16 on seed 5");
        assertNull(c.gaps.get(0).std, "one pair has no spread");
        assertEquals("unresolved", c.gaps.get(0).verdict);

        // The last run fails; the finished ones keep their figures although their reports are gone (an operator restart
        // that read the status, not the ConfigMaps, of finished runs).
        OrcaExperimentStatus previous = new OrcaExperimentStatus();
        previous.comparison = c;
        jobs.put("x-cmp-2", job("x-cmp-2", "Failed"));
        ExperimentPlan after = ExperimentPlanner.plan(e, previous, jobs, Map.of(), NOW);
        assertEquals("Failed", after.comparison().runs.get(3).state);
        assertEquals("BackoffLimitExceeded", after.comparison().runs.get(3).message);
        assertEquals(0.20, after.comparison().runs.get(1).test);
        assertTrue(after.comparisonJobs().isEmpty());
        assertFalse(after.comparing());
        assertTrue(after.comparison().message.startsWith("4/4 runs finished (1 failed)"), after.comparison().message);
    }

    @Test
    void aCompletedJobWithoutItsTestFigureWaitsForTheReportThenFails() {
        OrcaExperiment e = experiment();
        Map<String, Job> jobs = Map.of("x-cmp-1", job("x-cmp-1", "Complete"));
        OrcaExperimentStatus.Comparison waiting = ExperimentPlanner.plan(e, null, jobs, Map.of(), NOW).comparison();
        assertEquals("Running", waiting.runs.get(2).state, "within the grace the report may still arrive");
        OrcaExperimentStatus.Comparison late = ExperimentPlanner.plan(e, null, jobs, Map.of(), NOW.plus(JobStates.REPORT_GRACE)).comparison();
        assertEquals("Failed", late.runs.get(2).state);
        assertEquals("the Job finished without reporting its test figure", late.runs.get(2).message);
    }
}
