package dev.orca.operator.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.search.Asha;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner's recovery paths, which a live operator rarely takes: Jobs created just before a crash, late reports. */
class ExperimentPlannerTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static OrcaExperiment experiment() {
        OrcaExperiment e = new OrcaExperiment();
        e.getMetadata().setName("x");
        e.getMetadata().setNamespace("ns");
        OrcaExperimentSpec spec = new OrcaExperimentSpec();
        spec.finetune.epochs = 2;
        spec.search = new OrcaExperimentSpec.Search();
        spec.search.trials = 4;
        spec.search.parallelism = 2;
        spec.search.reductionFactor = 2;
        e.setSpec(spec);
        return e;
    }

    private static Job job(String name, int trial, int rung, String condition, Instant completed) {
        Map<String, String> labels = new HashMap<>(Names.labels(experiment(), Names.TRIAL));
        labels.put(Names.TRIAL_LABEL, "" + trial);
        labels.put(Names.RUNG_LABEL, "" + rung);
        JobBuilder b = new JobBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata();
        if (condition != null) {
            b.withNewStatus().withCompletionTime(completed == null ? null : completed.toString())
                    .addNewCondition().withType(condition).withStatus("True").endCondition().endStatus();
        }
        return b.build();
    }

    @Test
    void jobsCreatedBeforeACrashAreAdoptedNotDuplicated() {
        // The status knew nothing yet, but both first trial Jobs exist: the plan adopts them and starts none.
        Map<String, Job> jobs = Map.of("x-t0-r0", job("x-t0-r0", 0, 0, null, null), "x-t1-r0", job("x-t1-r0", 1, 0, null, null));
        ExperimentPlan plan = ExperimentPlanner.plan(experiment(), null, jobs, Map.of(), NOW);
        assertEquals(List.of(new Asha.Job(0, 0, false), new Asha.Job(1, 0, false)), plan.trialJobs());
        assertEquals(2, plan.search().trials.size());
        assertFalse(plan.finalRun());
    }

    @Test
    void aPromotionCreatedBeforeACrashIsAdopted() {
        OrcaExperimentStatus previous = new OrcaExperimentStatus();
        previous.search = new OrcaExperimentStatus.Search();
        previous.search.state = "Running";
        for (int id = 0; id < 4; id++) {
            OrcaExperimentStatus.Trial t = new OrcaExperimentStatus.Trial();
            t.id = id;
            t.rung = 0;
            t.state = "Waiting";
            t.results = List.of(0.1 * (id + 1));
            previous.search.trials.add(t);
        }
        // t0 won rung 0 and its rung-1 Job was created, but the status still says Waiting.
        Map<String, Job> jobs = Map.of("x-t0-r1", job("x-t0-r1", 0, 1, null, null));
        ExperimentPlan plan = ExperimentPlanner.plan(experiment(), previous, jobs, Map.of(), NOW);
        // Adopted as running at rung 1; the second worker promotes t1 (top ⌊4/2⌋ = 2 of rung 0 is {t0, t1}).
        assertEquals(List.of(new Asha.Job(0, 1, true), new Asha.Job(1, 1, true)), plan.trialJobs());
        assertEquals("Running", plan.search().trials.get(0).state);
    }

    @Test
    void aFinishedJobWaitsForItsReportThenFailsWithoutIt() {
        Map<String, Job> jobs = Map.of("x-t0-r0", job("x-t0-r0", 0, 0, "Complete", NOW.minusSeconds(30)),
                "x-t1-r0", job("x-t1-r0", 1, 0, null, null));
        ExperimentPlan waiting = ExperimentPlanner.plan(experiment(), null, jobs, Map.of(), NOW);
        assertEquals("Running", waiting.search().trials.get(0).state, "within the grace period the report may still come");

        ExperimentPlan late = ExperimentPlanner.plan(experiment(), null, jobs, Map.of(), NOW.plus(JobStates.REPORT_GRACE));
        assertEquals("Failed", late.search().trials.get(0).state);
        assertTrue(late.search().trials.get(0).message.contains("without a validation figure"));

        ProgressReport report = new ProgressReport("succeeded", 1, 2, 0, 2, 0.5, null, "relativeL2", 0.4, "validation", 0.4, 0L,
                null, 3, List.of(0.4));
        ExperimentPlan recorded = ExperimentPlanner.plan(experiment(), null, jobs, Map.of(ProgressReport.trialKey(0), report), NOW);
        assertEquals(List.of(0.4), recorded.search().trials.get(0).results);
        assertEquals("Waiting", recorded.search().trials.get(0).state);
    }
}
