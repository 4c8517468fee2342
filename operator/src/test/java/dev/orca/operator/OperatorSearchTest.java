package dev.orca.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orca.crd.BadExperiments;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.operator.dependent.ProgressWriter;
import dev.orca.operator.plan.Names;
import dev.orca.trainer.progress.ConfigMapProgressSink;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressReports;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * ASHA trials and body-selection candidates as Jobs against the mock API server, the tests playing the trainer:
 * they write each Job's progress under its key, in its writer's own ConfigMap, and set the Job's outcome.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(OperatorSearchTest.Isolated.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OperatorSearchTest {
    /** Its own application instance: the search test stops the operator mid-search. */
    public static class Isolated implements QuarkusTestProfile {}

    static final String NS = "search";

    @Inject
    KubernetesClient operatorClient;
    @Inject
    Operator running;
    @Inject
    ExperimentMetrics metrics;

    private KubernetesClient client() {
        return TestOperators.ownClient(operatorClient);
    }

    private static OrcaExperiment experiment(KubernetesClient client, String name, String specPatch) {
        ObjectNode node = BadExperiments.base().deepCopy();
        ((ObjectNode) node.get("metadata")).put("name", name).put("namespace", NS);
        ObjectNode spec = (ObjectNode) node.get("spec");
        try {
            ObjectNode patch = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(specPatch);
            patch.fields().forEachRemaining(f -> {
                if (f.getValue().isObject() && spec.has(f.getKey()) && spec.get(f.getKey()).isObject()) {
                    ((ObjectNode) spec.get(f.getKey())).setAll((ObjectNode) f.getValue());
                } else {
                    spec.set(f.getKey(), f.getValue());
                }
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return TestExperiments.of(client, node);
    }

    private static OrcaExperiment get(KubernetesClient client, String name) {
        return client.resources(OrcaExperiment.class).inNamespace(NS).withName(name).get();
    }

    private static OrcaExperiment awaitStatus(KubernetesClient client, String name, Predicate<OrcaExperiment> condition) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            OrcaExperiment e = get(client, name);
            return e != null && e.getStatus() != null && condition.test(e);
        });
        return get(client, name);
    }

    private static Map<String, Job> jobs(KubernetesClient client, String experiment) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel(Names.EXPERIMENT_LABEL, experiment).list().getItems().stream()
                .collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j));
    }

    private static void awaitJobs(KubernetesClient client, String experiment, String... names) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs(client, experiment).keySet().containsAll(List.of(names)));
    }

    /** The trainer of trial {@code trial} reports its validation figure after each epoch of the rung, then succeeds. */
    private static void finishRung(KubernetesClient client, String experiment, int trial, int fromEpoch, int toEpoch, double validation) {
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, NS, ProgressWriter.trial(experiment, trial).configMap(), ProgressReport.trialKey(trial),
                new ProgressReports(0, 2), Duration.ZERO)) {
            for (int epoch = fromEpoch; epoch <= toEpoch; epoch++) {
                sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, epoch, 2, epoch, 1.0, null, 10L)
                        .withMetric("zeroOneError", epoch == toEpoch ? validation : validation + 0.1, "validation"));
            }
            sink.accept(ProgressEvent.of(TrainerStage.SUCCEEDED, null).withMetric("zeroOneError", validation, "validation"));
        }
        outcome(client, experiment + "-t" + trial + "-r" + (toEpoch == 1 ? 0 : 1), "Complete");
    }

    private static void outcome(KubernetesClient client, String job, String type) {
        Job j = client.batch().v1().jobs().inNamespace(NS).withName(job).get();
        String now = Instant.now().toString();
        j.setStatus(new JobStatusBuilder().withStartTime(now).withFailed("Failed".equals(type) ? 1 : 0)
                .withCompletionTime("Complete".equals(type) ? now : null)
                .withConditions(new JobConditionBuilder().withType(type).withStatus("True").withReason(type)
                        .withMessage("Failed".equals(type) ? "BackoffLimitExceeded: the pod was OOMKilled" : null)
                        .withLastTransitionTime(now).build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(j).updateStatus();
    }

    private static OrcaExperimentStatus.Trial trial(OrcaExperiment e, int id) {
        return e.getStatus().search.trials.stream().filter(t -> t.id == id).findFirst().orElseThrow();
    }

    /**
     * Budget 4, two at a time, η = 2, rungs of 1 and 2 epochs. By hand: t0, t1 start; t0 = .6 → t2 starts (rung 0
     * holds one result, ⌊1/2⌋ = 0 promotable); t1 fails → t3 starts; t2 = .3 → t2 is the top half of {.6, .3}: promoted.
     * The operator is replaced; t3 = .5 is reported while none runs. The new one records it, starts nothing more
     * (budget spent, rung 0's top half {t2} already promoted); t2 = .25 at rung 1 completes the search: best t2, the
     * experiment's Job runs with it, t0 and t3 are stopped without a second rung.
     */
    /** The candidate {@code index} aligns: its distance per epoch, then success. */
    private static void aligned(KubernetesClient client, String experiment, int index, List<Double> curve) {
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, NS, ProgressWriter.candidate(experiment, index).configMap(), ProgressReport.candidateKey(index),
                new ProgressReports(curve.size(), 0), Duration.ZERO)) {
            for (int epoch = 1; epoch <= curve.size(); epoch++) {
                sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, epoch, curve.size(), epoch, curve.get(epoch - 1),
                        curve.get(epoch - 1), 10L));
            }
            sink.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, null, null, null, null,
                    curve.get(curve.size() - 1), null, null, null, 0L, null));
        }
        outcome(client, experiment + "-body-" + index, "Complete");
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void candidatesAlignInParallelAndTheSmallestFinalDistanceWins() {
        KubernetesClient client = client();
        try {
            String name = "pick";
            client.resource(experiment(client, name, """
                    {"body": {"candidates": ["bundled:all-minilm-l6-v2", "bundled:bge-small-en-v1.5", "bundled:e5-small-v2"]}}
                    """)).create();
            awaitJobs(client, name, "pick-body-0", "pick-body-1", "pick-body-2");
            OrcaExperiment selecting = awaitStatus(client, name, e -> e.getStatus().phase == Phase.Selecting);
            assertEquals(3, selecting.getStatus().selection.candidates.size());
            assertNull(selecting.getStatus().selection.chosen);
            assertEquals(3, jobs(client, name).size(), "every candidate at once, and no experiment Job before the choice");
            assertEquals(List.of("align", "/etc/orca/experiment.yaml", "--candidate", "1", "--out", "/data/pick/bodies/1"),
                    jobs(client, name).get("pick-body-1").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());

            aligned(client, name, 0, List.of(5.0, 3.0));
            outcome(client, "pick-body-1", "Failed");
            OrcaExperiment partial = awaitStatus(client, name, e -> "Failed".equals(e.getStatus().selection.candidates.get(1).state)
                    && "Succeeded".equals(e.getStatus().selection.candidates.get(0).state));
            assertEquals(3.0, partial.getStatus().selection.candidates.get(0).otdd);
            assertEquals(Phase.Selecting, partial.getStatus().phase, "a failed candidate does not end the selection");

            aligned(client, name, 2, List.of(4.0, 2.5));
            OrcaExperiment chosen = awaitStatus(client, name, e -> e.getStatus().selection.chosen != null);
            assertEquals("bundled:e5-small-v2", chosen.getStatus().selection.chosen);
            assertTrue(chosen.getStatus().selection.message.contains("bundled:bge-small-en-v1.5 failed"), chosen.getStatus().selection.message);
            awaitJobs(client, name, "pick-trainer");
            List<String> args = jobs(client, name).get("pick-trainer").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
            assertEquals(List.of("--body", "bundled:e5-small-v2"), args.subList(args.size() - 2, args.size()));

            String doomed = "doomed";
            client.resource(experiment(client, doomed, """
                    {"body": {"candidates": ["bundled:all-minilm-l6-v2", "bundled:bge-small-en-v1.5"]}}
                    """)).create();
            awaitJobs(client, doomed, "doomed-body-0", "doomed-body-1");
            outcome(client, "doomed-body-0", "Failed");
            outcome(client, "doomed-body-1", "Failed");
            OrcaExperiment failed = awaitStatus(client, doomed, e -> e.getStatus().phase == Phase.Failed);
            assertTrue(failed.getStatus().conditions.stream().anyMatch(c -> "SelectionFailed".equals(c.getReason())));
            assertTrue(jobs(client, doomed).keySet().stream().noneMatch(n -> n.endsWith("-trainer")));
        } finally {
            client.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void trialsRunAsJobsUpToTheParallelismAndTheBestReachesTheRun() {
        KubernetesClient client = client();
        String name = "asha";
        client.resource(experiment(client, name, """
                {"finetune": {"epochs": 2},
                 "search": {"trials": 4, "parallelism": 2, "reductionFactor": 2, "minEpochs": 1, "maxEpochs": 2,
                            "space": {"optimizers": ["adamw", "sgd"], "learningRates": [0.001, 0.0001], "weightDecays": [0.0]}}}
                """)).create();
        awaitJobs(client, name, "asha-t0-r0", "asha-t1-r0");
        OrcaExperiment searching = awaitStatus(client, name, e -> e.getStatus().phase == Phase.Searching && e.getStatus().search.trials.size() == 2);
        assertEquals(List.of(1, 2), searching.getStatus().search.rungs);
        assertEquals(4, searching.getStatus().search.budget);
        assertEquals(2, jobs(client, name).size(), "no more trial Jobs than the parallelism, and no experiment Job yet");
        Job t0 = jobs(client, name).get("asha-t0-r0");
        List<String> args = t0.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertEquals(List.of("trial", "/etc/orca/experiment.yaml", "--trial", "0", "--rung", "0", "--out", "/data/asha/trials/t0"), args);
        assertTrue(t0.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .anyMatch(v -> v.getName().equals(ProgressReport.ENV_KEY) && v.getValue().equals("trial-0.json")));
        assertTrue(t0.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .anyMatch(v -> v.getName().equals("OMP_NUM_THREADS") && v.getValue().equals("4")), "threads follow the CPU limit");

        finishRung(client, name, 0, 1, 1, 0.6);
        awaitJobs(client, name, "asha-t2-r0");
        outcome(client, "asha-t1-r0", "Failed");
        awaitJobs(client, name, "asha-t3-r0");
        OrcaExperiment afterFailure = awaitStatus(client, name, e -> "Failed".equals(trial(e, 1).state));
        assertTrue(trial(afterFailure, 1).message.contains("OOMKilled"), trial(afterFailure, 1).message);
        assertEquals(Phase.Searching, afterFailure.getStatus().phase, "a failed trial does not stop the search");
        assertEquals(List.of(0.6), trial(afterFailure, 0).results);

        finishRung(client, name, 2, 1, 1, 0.3);
        awaitJobs(client, name, "asha-t2-r1");
        OrcaExperiment promoted = awaitStatus(client, name, e -> "Running".equals(trial(e, 2).state) && trial(e, 2).rung == 1);
        assertEquals("Waiting", trial(promoted, 0).state);
        assertEquals(5, jobs(client, name).size());

        // The operator is replaced mid-search; a rung finishes while none runs.
        running.stop();
        finishRung(client, name, 3, 1, 1, 0.5);
        Operator replacement = TestOperators.replacement(client, metrics);
        try {
            OrcaExperiment adopted = awaitStatus(client, name, e -> trial(e, 3).results.equals(List.of(0.5)));
            assertEquals(List.of(0.6), trial(adopted, 0).results, "results recorded before the restart are kept");
            assertEquals("Failed", trial(adopted, 1).state);
            assertEquals(List.of(0.3), trial(adopted, 2).results);
            assertEquals(5, jobs(client, name).size(), "no trial started twice, none started beyond the budget");

            finishRung(client, name, 2, 2, 2, 0.25);
            OrcaExperiment decided = awaitStatus(client, name, e -> "Succeeded".equals(e.getStatus().search.state));
            assertEquals(2, decided.getStatus().search.best);
            assertEquals(List.of(0.3, 0.25), trial(decided, 2).results);
            assertEquals("Completed", trial(decided, 2).state);
            assertEquals("Stopped", trial(decided, 0).state, "losers get no second rung");
            assertEquals("Stopped", trial(decided, 3).state);
            awaitJobs(client, name, "asha-trainer");
            List<String> finalArgs = jobs(client, name).get("asha-trainer").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
            assertEquals(List.of("--trial", "2"), finalArgs.subList(finalArgs.size() - 2, finalArgs.size()),
                    "the experiment runs with the best configuration: " + finalArgs);
            assertEquals(6, jobs(client, name).size());
            assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                    .anyMatch(ev -> "TrialFailed".equals(ev.getReason()) && ev.getMessage().contains("trial 1")));
        } finally {
            replacement.stop();
            client.close();
        }
    }
}
