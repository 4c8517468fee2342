package dev.orca.operator;

import dev.orca.operator.plan.ExperimentPlan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.SpecValidation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status computation alone: no API server, no operator. */
class ExperimentStatusBuilderTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private final OrcaExperiment experiment = experiment();

    private static OrcaExperiment experiment() {
        try (var client = new KubernetesClientBuilder().build()) {
            OrcaExperiment e = TestExperiments.valid(client, "ns", "x");
            e.getMetadata().setGeneration(4L);
            return e;
        }
    }

    private static Job job() {
        return new JobBuilder().withNewMetadata().withName("x-trainer").endMetadata().withNewStatus().withActive(1).endStatus().build();
    }

    private static ProgressReport report(String stage, int epoch, int epochs, List<Double> curve) {
        return new ProgressReport(stage, epoch, epochs, 10, 20, 0.5, curve, null, null, null, null, 100L, null, epoch, null);
    }

    @Test
    void theSameObservationGivesAnEqualStatusSoNothingIsWritten() {
        Observation o = new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(report("fine-tuning", 5, 20, List.of(3.0, 2.0))), ExperimentPlan.direct());
        OrcaExperimentStatus first = ExperimentStatusBuilder.build(o, null, T0);
        OrcaExperimentStatus again = ExperimentStatusBuilder.build(o, first, T0.plusSeconds(60));
        assertEquals(first, again, "a later pass keeps the transition times");
        assertEquals(Phase.FineTuning, first.phase);
        assertEquals(50, first.progress.percent, "10 alignment + 5 of 20 fine-tuning epochs");
        assertEquals(2.0, first.otdd.finalValue);
        assertEquals(4L, first.observedGeneration);
    }

    /**
     * A trainer that stops reporting (hung, SIGSTOPped) is Stalled once its silence passes three epochs at its own
     * pace (ETA 100 s over 15 fine-tuning epochs left: 6 s an epoch, 18 s) or the floor, whichever is longer; a new
     * report clears it.
     */
    @Test
    void aSilentTrainerIsStalledAfterThreeEpochsAtItsPaceOrTheFloor() {
        Observation o = new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(report("fine-tuning", 5, 20, List.of(3.0, 2.0))), ExperimentPlan.direct());
        java.time.Duration floor = java.time.Duration.ofSeconds(10);
        OrcaExperimentStatus seen = ExperimentStatusBuilder.build(o, null, T0, floor);
        assertEquals(18L, seen.progress.stallAfterSeconds, "3 x 100 s / 15 epochs left");
        assertEquals(T0.toString(), seen.progress.lastUpdateTime);
        assertEquals("Progressing", condition(seen, ExperimentStatusBuilder.STALLED).getReason());
        assertEquals("False", condition(seen, ExperimentStatusBuilder.STALLED).getStatus());

        OrcaExperimentStatus quiet = ExperimentStatusBuilder.build(o, seen, T0.plusSeconds(17), floor);
        assertEquals(seen, quiet, "silent within the bound: nothing changes, nothing is written");
        OrcaExperimentStatus hung = ExperimentStatusBuilder.build(o, quiet, T0.plusSeconds(18), floor);
        assertEquals("True", condition(hung, ExperimentStatusBuilder.STALLED).getStatus());
        assertEquals("NoProgress", condition(hung, ExperimentStatusBuilder.STALLED).getReason());
        assertTrue(condition(hung, ExperimentStatusBuilder.STALLED).getMessage().contains(T0.toString()));
        assertEquals(Phase.FineTuning, hung.phase, "stalled is a condition, not a failure");

        Observation next = new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(report("fine-tuning", 6, 20, List.of(3.0, 2.0))), ExperimentPlan.direct());
        OrcaExperimentStatus again = ExperimentStatusBuilder.build(next, hung, T0.plusSeconds(30), floor);
        assertEquals("False", condition(again, ExperimentStatusBuilder.STALLED).getStatus());
        assertEquals(T0.plusSeconds(30).toString(), again.progress.lastUpdateTime, "a new report (sequence 6) restarts the clock");

        // A floor longer than three epochs wins; a report without an ETA gets the floor.
        assertEquals(600L, ExperimentStatusBuilder.build(o, null, T0, java.time.Duration.ofMinutes(10)).progress.stallAfterSeconds);
        Observation preparing = new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(new ProgressReport("preparing", null, null, 10, 20, null, null, null, null, null, null, null, "loading", 1, null)),
                ExperimentPlan.direct());
        assertEquals(10L, ExperimentStatusBuilder.build(preparing, null, T0, floor).progress.stallAfterSeconds);
    }

    @Test
    void withoutARunningTrainerNothingIsStalled() {
        Observation o = new Observation(experiment, List.of(), Optional.of(finished("Complete", null)), List.of(),
                Optional.of(report("fine-tuning", 20, 20, List.of(3.0, 2.0))), ExperimentPlan.direct());
        OrcaExperimentStatus done = ExperimentStatusBuilder.build(o, null, T0.plusSeconds(3600), java.time.Duration.ofSeconds(1));
        assertEquals("False", condition(done, ExperimentStatusBuilder.STALLED).getStatus());
        assertEquals("NotRunning", condition(done, ExperimentStatusBuilder.STALLED).getReason());
    }

    /**
     * With spec.compare, the experiment's own finished run leaves it Comparing (not Succeeded, not stalled, its progress
     * the comparison's runs) until every comparison run has finished; then it succeeds and says the gap.
     */
    @Test
    void anExperimentWithAComparisonSucceedsOnlyWithItsLastRun() {
        ProgressReport tested = new ProgressReport("succeeded", 20, 20, 10, 20, 0.4, List.of(3.0, 2.0), "zeroOneError", 0.2, "test",
                0.21, 0L, null, 30, null);
        OrcaExperimentStatus.Comparison running = comparison("Running");
        Observation o = new Observation(experiment, List.of(), Optional.of(finished("Complete", null)), List.of(), Optional.of(tested),
                ExperimentPlan.comparing(running, List.of(0)));
        OrcaExperimentStatus comparing = ExperimentStatusBuilder.build(o, null, T0.plusSeconds(3600), java.time.Duration.ofSeconds(1));
        assertEquals(Phase.Comparing, comparing.phase);
        assertNull(comparing.completionTime);
        assertEquals("False", condition(comparing, ExperimentStatusBuilder.COMPLETE).getStatus());
        assertEquals("Comparing", condition(comparing, ExperimentStatusBuilder.READY).getReason());
        assertEquals("NotRunning", condition(comparing, ExperimentStatusBuilder.STALLED).getReason(),
                "the experiment's own trainer has finished: its silence is no stall");
        assertEquals(50, comparing.progress.percent, "1 of 2 runs finished");
        assertEquals(running, comparing.comparison);

        OrcaExperimentStatus.Comparison done = comparison("Succeeded");
        Observation after = new Observation(experiment, List.of(), Optional.of(finished("Complete", null)), List.of(), Optional.of(tested),
                ExperimentPlan.comparing(done, List.of()));
        OrcaExperimentStatus succeeded = ExperimentStatusBuilder.build(after, comparing, T0.plusSeconds(3700));
        assertEquals(Phase.Succeeded, succeeded.phase);
        assertTrue(condition(succeeded, ExperimentStatusBuilder.COMPLETE).getMessage().contains("comparison: 2/2 runs finished"),
                condition(succeeded, ExperimentStatusBuilder.COMPLETE).getMessage());
    }

    private static OrcaExperimentStatus.Comparison comparison(String secondState) {
        OrcaExperimentStatus.Comparison c = new OrcaExperimentStatus.Comparison();
        for (String state : List.of("Succeeded", secondState)) {
            OrcaExperimentStatus.ComparedRun r = new OrcaExperimentStatus.ComparedRun();
            r.mode = c.runs.isEmpty() ? "orca" : "finetune";
            r.seed = 0L;
            r.state = state;
            c.runs.add(r);
        }
        c.message = ("Running".equals(secondState) ? "1/2" : "2/2") + " runs finished";
        return c;
    }

    @Test
    void aLongAlignmentCurveIsThinnedKeepingBothEnds() {
        List<Double> curve = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            curve.add(100.0 - i * 0.2);
        }
        OrcaExperimentStatus s = ExperimentStatusBuilder.build(new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(report("aligning", 400, 400, curve)), ExperimentPlan.direct()), null, T0);
        assertEquals(OrcaExperimentStatus.OTDD_CURVE_POINTS, s.otdd.curve.size());
        assertEquals(100.0, s.otdd.curve.get(0));
        assertEquals(curve.get(399), s.otdd.curve.get(OrcaExperimentStatus.OTDD_CURVE_POINTS - 1));
        assertNull(s.otdd.finalValue, "still aligning");
    }

    @Test
    void anInvalidSpecFailsWithEveryFieldNamedAndNoRunningCondition() {
        OrcaExperimentStatus s = ExperimentStatusBuilder.build(new Observation(experiment,
                List.of(new SpecValidation.Violation("spec.a", "bad"), new SpecValidation.Violation("spec.b", "worse")),
                Optional.empty(), List.of(), Optional.empty(), null), null, T0);
        assertEquals(Phase.Failed, s.phase);
        String message = s.conditions.stream().filter(c -> c.getType().equals("SpecValid")).findFirst().orElseThrow().getMessage();
        assertTrue(message.contains("spec.a: bad") && message.contains("spec.b: worse"), message);
        assertNull(s.jobName);
    }

    @Test
    void theNewestPodsTerminationMessageExplainsAFailure() {
        Pod old = pod("2026-11-28T10:00:00Z", "first attempt: out of memory");
        Pod newest = pod("2026-11-28T11:00:00Z", "alignment: OTDD became NaN at epoch 7");
        assertEquals(Optional.of("alignment: OTDD became NaN at epoch 7"), ExperimentStatusBuilder.terminationMessage(List.of(old, newest)));
        assertEquals(Optional.empty(), ExperimentStatusBuilder.terminationMessage(List.of()));
    }

    @Test
    void aResumedTrainerThatReportsNoDistanceKeepsTheOneMeasuredBeforeTheRestart() {
        OrcaExperimentStatus before = new OrcaExperimentStatus();
        before.otdd = new OrcaExperimentStatus.Otdd();
        before.otdd.initial = 100.3;
        before.otdd.current = 86.9;
        before.otdd.finalValue = 86.9;
        ProgressReport resumed = new ProgressReport("fine-tuning", 3, 6, 15, 6, 1.9, null, null, null, null, null, 60L, null, 7, null);
        OrcaExperimentStatus s = ExperimentStatusBuilder.build(new Observation(experiment, List.of(), Optional.empty(), List.of(),
                Optional.of(resumed), null), before, T0);
        assertEquals(86.9, s.otdd.finalValue);
        assertEquals(100.3, s.otdd.initial);
    }

    @Test
    void aContainerEndedByTheKernelIsNamedByItsReasonWhenItLeftNoMessage() {
        var oom = new io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder().withExitCode(137).withReason("OOMKilled").build();
        assertEquals(Optional.of("OOMKilled (exit code 137)"), ExperimentStatusBuilder.describe(oom));
        var oomWithMessage = new io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder().withExitCode(137)
                .withReason("OOMKilled").withMessage("fine-tuning epoch 3").build();
        assertEquals(Optional.of("OOMKilled: fine-tuning epoch 3"), ExperimentStatusBuilder.describe(oomWithMessage));
        var plainError = new io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder().withExitCode(1).withReason("Error").build();
        assertEquals(Optional.empty(), ExperimentStatusBuilder.describe(plainError), "nothing more than the Job's own message");
    }

    /**
     * Pods a full disk evicted: the Job replaces them without counting a failure, so the status counts them and the
     * Running condition names the latest, where the Job's own count stays at zero.
     */
    @Test
    void evictedTrainerPodsAreCountedAndTheLatestNamedWhileTheJobReplacesThem() {
        Pod first = evicted("x-trainer-aaaaa", "2026-11-28T10:00:00Z", "The node was low on resource: memory. ");
        Pod second = evicted("x-trainer-bbbbb", "2026-11-28T10:05:00Z", "The node was low on resource: ephemeral-storage. ");
        Pod failedOtherwise = pod("2026-11-28T10:07:00Z", "alignment: OTDD became NaN at epoch 7");
        failedOtherwise.getStatus().setPhase("Failed");
        Pod replacement = new PodBuilder().withNewMetadata().withName("x-trainer-ccccc").withCreationTimestamp("2026-11-28T10:10:00Z")
                .endMetadata().withNewStatus().withPhase("Pending").endStatus().build();
        Observation o = new Observation(experiment, List.of(), Optional.of(job()), List.of(second, replacement, failedOtherwise, first),
                Optional.of(new ProgressReport("preparing", null, null, null, null, null, null, null, null, null, null, null,
                        "loading data", 1, null)), ExperimentPlan.direct());
        OrcaExperimentStatus s = ExperimentStatusBuilder.build(o, null, T0);

        assertEquals(2, s.disruptions);
        assertEquals(0, s.restarts, "the Job counts no failure for them");
        assertEquals(Phase.Pending, s.phase);
        String running = condition(s, ExperimentStatusBuilder.RUNNING).getMessage();
        assertTrue(running.endsWith("2 trainer pods disrupted and replaced, the last pod x-trainer-bbbbb: Evicted: "
                + "The node was low on resource: ephemeral-storage."), running);

        // Evicted through the API, a pod is deleted once the Job has counted it: the count stays.
        OrcaExperimentStatus later = ExperimentStatusBuilder.build(new Observation(experiment, List.of(), Optional.of(job()),
                List.of(replacement, failedOtherwise), Optional.empty(), ExperimentPlan.direct()), s, T0.plusSeconds(60));
        assertEquals(2, later.disruptions);
        assertTrue(condition(later, ExperimentStatusBuilder.RUNNING).getMessage().endsWith("2 trainer pods disrupted and replaced"));

        OrcaExperimentStatus none = ExperimentStatusBuilder.build(new Observation(experiment, List.of(), Optional.of(job()),
                List.of(replacement, failedOtherwise), Optional.empty(), ExperimentPlan.direct()), null, T0);
        assertEquals(0, none.disruptions, "a pod that failed on its own is a restart, not a disruption");
        assertEquals("the trainer Job is starting", condition(none, ExperimentStatusBuilder.RUNNING).getMessage());
    }

    /** What the kubelet leaves of a pod it evicted under node pressure. */
    private static Pod evicted(String name, String created, String message) {
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created).endMetadata()
                .withNewStatus().withPhase("Failed").withReason("Evicted").withMessage(message)
                .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason("TerminationByKubelet")
                .withMessage("The node was low on resource").endCondition().endStatus().build();
    }

    private static Pod pod(String created, String message) {
        return new PodBuilder().withNewMetadata().withCreationTimestamp(created).endMetadata().withNewStatus().addNewContainerStatus()
                .withNewState().withNewTerminated().withMessage(message).endTerminated().endState().endContainerStatus().endStatus().build();
    }

    @Test
    void suspensionWinsOverProgressUntilTheJobFinishes() {
        experiment.getSpec().runPolicy.suspend = true;
        OrcaExperimentStatus s = ExperimentStatusBuilder.build(new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(report("aligning", 2, 10, List.of(5.0))), ExperimentPlan.direct()), null, T0);
        assertEquals(Phase.Suspended, s.phase);
        assertEquals("False", s.conditions.stream().filter(c -> c.getType().equals("Running")).findFirst().orElseThrow().getStatus());
    }

    private static io.fabric8.kubernetes.api.model.Condition condition(OrcaExperimentStatus s, String type) {
        return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    private static Job finished(String type, String reason) {
        return new JobBuilder().withNewMetadata().withName("x-trainer").endMetadata().withNewStatus()
                .withCompletionTime("Complete".equals(type) ? "2026-11-28T11:00:00Z" : null)
                .addNewCondition().withType(type).withStatus("True").withReason(reason)
                .withLastTransitionTime("2026-11-28T11:00:00Z").endCondition().endStatus().build();
    }

    /**
     * Complete and Failed, as a Job has them, so that {@code kubectl wait --for=condition=...} works: both False while
     * the run goes on, the one that happened True with the cause as its reason, each stamped with the generation.
     */
    @Test
    void completeAndFailedConditionsTellTheOutcomeWithItsCause() {
        OrcaExperimentStatus running = ExperimentStatusBuilder.build(new Observation(experiment, List.of(), Optional.of(job()), List.of(),
                Optional.of(report("fine-tuning", 5, 20, List.of(3.0, 2.0))), ExperimentPlan.direct()), null, T0);
        assertEquals("False", condition(running, "Complete").getStatus());
        assertEquals("False", condition(running, "Failed").getStatus());

        OrcaExperimentStatus done = ExperimentStatusBuilder.build(new Observation(experiment, List.of(),
                Optional.of(finished("Complete", "CompletionsReached")), List.of(), Optional.empty(), ExperimentPlan.direct()), running, T0.plusSeconds(60));
        assertEquals("True", condition(done, "Complete").getStatus());
        assertEquals("Succeeded", condition(done, "Complete").getReason());
        assertEquals("False", condition(done, "Failed").getStatus());
        assertEquals(T0.toString(), condition(done, "Failed").getLastTransitionTime(), "Failed was False throughout");

        OrcaExperimentStatus refused = ExperimentStatusBuilder.build(new Observation(experiment, List.of(),
                Optional.of(finished("Failed", "PodFailurePolicy")), List.of(), Optional.empty(), ExperimentPlan.direct()), running, T0.plusSeconds(60));
        assertEquals("True", condition(refused, "Failed").getStatus());
        assertEquals("InvalidInput", condition(refused, "Failed").getReason());
        assertEquals("False", condition(refused, "Complete").getStatus());

        OrcaExperimentStatus invalid = ExperimentStatusBuilder.build(new Observation(experiment,
                List.of(new SpecValidation.Violation("spec.a", "bad")), Optional.empty(), List.of(), Optional.empty(), null), null, T0);
        assertEquals("True", condition(invalid, "Failed").getStatus());
        assertEquals("InvalidSpec", condition(invalid, "Failed").getReason());
        for (OrcaExperimentStatus s : List.of(running, done, refused, invalid)) {
            s.conditions.forEach(c -> assertEquals(4L, c.getObservedGeneration(), c.getType()));
        }
    }
}
