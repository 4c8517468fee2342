package dev.orca.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.TrainerStage;
import dev.orca.operator.plan.Names;
import dev.orca.trainer.progress.ConfigMapProgressSink;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressReports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** An experiment's life against the Fabric8 mock API server (CRUD mode): it runs no pods, so the tests play the kubelet. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorLifecycleTest {
    static final String NS = "ml";

    @Inject
    KubernetesClient client;

    @Inject
    dev.orca.operator.fairness.FairReconciliation fairReconciliation;

    @Inject
    io.javaoperatorsdk.operator.Operator operator;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private OrcaExperiment create(String name) {
        return client.resource(TestExperiments.valid(client, NS, name)).create();
    }

    private OrcaExperiment awaitExperiment(String name, Predicate<OrcaExperiment> condition) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            OrcaExperiment e = client.resources(OrcaExperiment.class).inNamespace(NS).withName(name).get();
            return e != null && e.getStatus() != null && condition.test(e);
        });
        return client.resources(OrcaExperiment.class).inNamespace(NS).withName(name).get();
    }

    private Job awaitJob(String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.batch().v1().jobs().inNamespace(NS).withName(name + "-trainer").get() != null);
        return client.batch().v1().jobs().inNamespace(NS).withName(name + "-trainer").get();
    }

    private void jobFinished(String name, String type, String reason) {
        Job job = client.batch().v1().jobs().inNamespace(NS).withName(name + "-trainer").get();
        job.setStatus(new JobStatusBuilder().withStartTime("2026-11-28T10:00:00Z").withFailed("Failed".equals(type) ? 3 : 0)
                .withCompletionTime("Complete".equals(type) ? "2026-11-28T11:00:00Z" : null)
                .withConditions(new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
                        .withLastTransitionTime("2026-11-28T11:00:00Z").build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
    }

    @Test
    void theJobRunsTheMountedSpecWithLeastPrivilege() throws Exception {
        create("listops");
        Job job = awaitJob("listops");
        OrcaExperiment pending = awaitExperiment("listops", e -> e.getStatus().phase == Phase.Pending);
        assertEquals(1L, pending.getStatus().observedGeneration);
        assertEquals("pvc://orca-data/listops", pending.getStatus().results);

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container trainer = pod.getContainers().get(0);
        assertEquals(new Quantity("1"), trainer.getResources().getLimits().get(dev.orca.operator.dependent.TrainerPods.GPU));
        assertEquals(new Quantity("16Gi"), trainer.getResources().getLimits().get("memory"));
        assertEquals(List.of("run", "/etc/orca/experiment.yaml", "--out", "/data/listops"), trainer.getArgs(),
                "the spec is a mounted file, never part of a command");
        assertEquals("orca-data", pod.getVolumes().stream().filter(v -> v.getName().equals("data")).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertTrue(trainer.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(trainer.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), trainer.getSecurityContext().getCapabilities().getDrop());
        assertEquals("listops-trainer", pod.getServiceAccountName());
        assertEquals(2, job.getSpec().getBackoffLimit());

        // Everything the experiment owns is owned by it (the cluster's garbage collector deletes it with the experiment;
        // the mock server has no collector, so the owner references are what can be checked here).
        List<HasMetadata> owned = List.of(job, client.configMaps().inNamespace(NS).withName("listops-spec").get(),
                client.configMaps().inNamespace(NS).withName("listops-progress").get(),
                client.serviceAccounts().inNamespace(NS).withName("listops-trainer").get(),
                client.rbac().roles().inNamespace(NS).withName("listops-trainer").get(),
                client.rbac().roleBindings().inNamespace(NS).withName("listops-trainer").get());
        for (HasMetadata o : owned) {
            assertEquals(pending.getMetadata().getUid(), o.getMetadata().getOwnerReferences().get(0).getUid(), o.getKind());
            assertEquals("OrcaExperiment", o.getMetadata().getOwnerReferences().get(0).getKind(), o.getKind());
        }

        // The trainer may touch its own progress ConfigMap and nothing else.
        Role role = client.rbac().roles().inNamespace(NS).withName("listops-trainer").get();
        assertEquals(1, role.getRules().size());
        assertEquals(List.of("listops-progress"), role.getRules().get(0).getResourceNames());
        assertEquals(List.of("configmaps"), role.getRules().get(0).getResources());

        // The mounted file is the spec, and the trainer's strict reader takes it.
        String yaml = client.configMaps().inNamespace(NS).withName("listops-spec").get().getData().get(Names.SPEC_FILE);
        OrcaExperimentSpec mounted = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(yaml, OrcaExperimentSpec.class);
        assertEquals(5, mounted.alignment.epochs);
        assertEquals("bundled:brown-corpus", mounted.source.dataset);
    }

    @Test
    void theTrainersProgressBecomesTheStatus() {
        create("reporting");
        awaitJob("reporting");
        awaitExperiment("reporting", e -> e.getStatus().phase == Phase.Pending);
        // The trainer's own reporting code, against the API, as in the pod.
        try (ConfigMapProgressSink sink = new ConfigMapProgressSink(client, NS, "reporting-progress", new ProgressReports(5, 3), Duration.ZERO)) {
            sink.accept(ProgressEvent.of(TrainerStage.PREPARING, "loading"));
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 1, 5, 1, 12.5, 12.5, 300L));
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 2, 5, 2, 9.0, 9.0, 250L));
            OrcaExperiment aligning = awaitExperiment("reporting", e -> e.getStatus().otdd != null && e.getStatus().otdd.current == 9.0);
            assertEquals(Phase.Aligning, aligning.getStatus().phase);
            assertEquals(12.5, aligning.getStatus().otdd.initial);
            assertNull(aligning.getStatus().otdd.finalValue);
            assertEquals(25, aligning.getStatus().progress.percent, "2 of 5 + 3 epochs");
            assertEquals(250L, aligning.getStatus().progress.etaSeconds);

            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 5, 5, 5, 7.0, 7.0, 200L));
            sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 1, 3, 10, 2.1, null, 100L));
            OrcaExperiment tuning = awaitExperiment("reporting", e -> e.getStatus().phase == Phase.FineTuning);
            assertEquals(7.0, tuning.getStatus().otdd.finalValue);
            assertEquals(List.of(12.5, 9.0, 7.0), tuning.getStatus().otdd.curve);
            assertEquals(2.1, tuning.getStatus().loss);
            assertEquals("fine-tuning", tuning.getStatus().stage);

            sink.accept(ProgressEvent.of(TrainerStage.EVALUATING, "v").withMetric("zeroOneError", 0.41, "validation"));
            sink.accept(ProgressEvent.of(TrainerStage.SUCCEEDED, null).withMetric("zeroOneError", 0.38, "test"));
        }
        awaitExperiment("reporting", e -> e.getStatus().phase == Phase.Evaluating);
        jobFinished("reporting", "Complete", null);
        OrcaExperiment done = awaitExperiment("reporting", e -> e.getStatus().phase == Phase.Succeeded);
        assertEquals("zeroOneError", done.getStatus().metric.name);
        assertEquals(0.38, done.getStatus().metric.value);
        assertEquals(0.41, done.getStatus().metric.validation);
        assertEquals("test", done.getStatus().metric.split);
        assertEquals(100, done.getStatus().progress.percent);
        assertEquals("2026-11-28T11:00:00Z", done.getStatus().completionTime);
        assertTrue(done.getStatus().conditions.stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(ev -> ev.getInvolvedObject().getName().equals("reporting") && ev.getReason().equals("Succeeded")));
        var finishedCounter = registry.find("orca.experiments.finished").tags("outcome", "Succeeded", "reason", "Succeeded").counter();
        assertTrue(finishedCounter != null && finishedCounter.count() >= 1, "orca_experiments_finished_total counts the success");
    }

    /** Finished is final: the Job's TTL deletion, then any change to the experiment, does not start the run again. */
    @Test
    void aFinishedExperimentIsNotRunAgainWhenItsJobGoes() {
        create("finished");
        awaitJob("finished");
        awaitExperiment("finished", e -> e.getStatus().phase == Phase.Pending && e.getStatus().jobName != null);
        jobFinished("finished", "Complete", null);
        awaitExperiment("finished", e -> e.getStatus().phase == Phase.Succeeded);
        client.batch().v1().jobs().inNamespace(NS).withName("finished-trainer").delete();
        client.resources(OrcaExperiment.class).inNamespace(NS).withName("finished")
                .edit(e -> { e.getMetadata().getLabels().put("touched", "yes"); return e; });
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() ->
                client.batch().v1().jobs().inNamespace(NS).withName("finished-trainer").get() == null
                        && client.resources(OrcaExperiment.class).inNamespace(NS).withName("finished").get().getStatus().phase
                        == Phase.Succeeded);
    }

    private long objectsOf(String name, Class<? extends HasMetadata> type) {
        return client.resources(type).inNamespace(NS).withLabel(Names.EXPERIMENT_LABEL, name).list().getItems().size();
    }

    /**
     * A finished experiment gives back its writers' identities and RBAC, its ConfigMaps and its NetworkPolicy; its Job
     * (for the logs, until its TTL) and its status stay.
     */
    @Test
    void aFinishedExperimentGivesBackWhatOnlyARunNeeds() {
        create("thrifty");
        awaitJob("thrifty");
        awaitExperiment("thrifty", e -> e.getStatus().phase == Phase.Pending && e.getStatus().jobName != null);
        List<Class<? extends HasMetadata>> runOnly = List.of(io.fabric8.kubernetes.api.model.ServiceAccount.class, Role.class,
                io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, ConfigMap.class,
                io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        long before = runOnly.stream().mapToLong(t -> objectsOf("thrifty", t)).sum();
        assertEquals(6, before, "a ServiceAccount, Role, RoleBinding, two ConfigMaps and a NetworkPolicy while it runs");
        jobFinished("thrifty", "Complete", null);
        awaitExperiment("thrifty", e -> e.getStatus().phase == Phase.Succeeded);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> runOnly.stream().mapToLong(t -> objectsOf("thrifty", t)).sum() == 0);
        assertEquals(1, objectsOf("thrifty", Job.class), "the Job stays for its logs");
        assertEquals(Phase.Succeeded, client.resources(OrcaExperiment.class).inNamespace(NS).withName("thrifty").get().getStatus().phase);
    }

    @Test
    void aFailedJobFailsTheExperimentWithThePodsMessage() {
        create("darcy");
        awaitJob("darcy");
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("darcy-trainer-x1b2c") // the Job controller appends five characters
                .withCreationTimestamp(Instant.now().toString())
                .addToLabels(Names.ROLE_LABEL, "trainer").addToLabels(Names.EXPERIMENT_LABEL, "darcy").endMetadata()
                .withNewSpec().addNewContainer().withName("trainer").withImage("x").endContainer().endSpec()
                .withNewStatus().addNewContainerStatus().withName("trainer").withNewState().withNewTerminated().withExitCode(1)
                .withMessage("fine-tuning: loss became NaN at epoch 3; checkpoints kept").endTerminated().endState()
                .endContainerStatus().endStatus().build()).create();
        jobFinished("darcy", "Failed", "BackoffLimitExceeded");
        OrcaExperiment failed = awaitExperiment("darcy", e -> e.getStatus().phase == Phase.Failed);
        assertEquals(3, failed.getStatus().restarts);
        var ready = failed.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
        assertEquals("BackoffLimitExceeded", ready.getReason());
        assertTrue(ready.getMessage().contains("loss became NaN at epoch 3"), ready.getMessage());
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(ev -> ev.getInvolvedObject().getName().equals("darcy") && ev.getType().equals("Warning")
                        && ev.getReason().equals("BackoffLimitExceeded")), "the Event names the cause, not the phase");
        assertTrue(failed.getStatus().conditions.stream().anyMatch(c -> c.getType().equals("Failed") && c.getStatus().equals("True")
                && c.getReason().equals("BackoffLimitExceeded")), "kubectl wait --for=condition=Failed has a condition to wait on");
    }

    /** The SDK's reconciliations run on the namespace-fair executor, which tells this namespace's tasks apart. */
    @Test
    void reconcilingTakesTurnsByNamespace() {
        create("fair");
        awaitJob("fair");
        assertTrue(fairReconciliation.executor().startedPerKey().getOrDefault(NS, 0L) > 0,
                "reconciliations started per namespace: " + fairReconciliation.executor().startedPerKey());
    }

    /** The experiments' informer keeps trimmed copies (the extension honours the configured store). */
    @Test
    void theExperimentsCacheKeepsTrimmedCopies() {
        var controller = operator.getRegisteredController(OrcaExperimentReconciler.NAME).orElseThrow();
        assertTrue(controller.getConfiguration().getInformerConfig().getItemStore() instanceof dev.orca.operator.cache.ExperimentCopies,
                "item store: " + controller.getConfiguration().getInformerConfig().getItemStore());
    }

    @Test
    void suspendAndResume() {
        create("pausable");
        assertFalse(awaitJob("pausable").getSpec().getSuspend());
        client.resources(OrcaExperiment.class).inNamespace(NS).withName("pausable")
                .edit(e -> { e.getSpec().runPolicy.suspend = true; return e; });
        await().atMost(Duration.ofSeconds(30)).until(() -> client.batch().v1().jobs().inNamespace(NS).withName("pausable-trainer").get()
                .getSpec().getSuspend());
        awaitExperiment("pausable", e -> e.getStatus().phase == Phase.Suspended);
        client.resources(OrcaExperiment.class).inNamespace(NS).withName("pausable")
                .edit(e -> { e.getSpec().runPolicy.suspend = false; return e; });
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.batch().v1().jobs().inNamespace(NS).withName("pausable-trainer").get()
                .getSpec().getSuspend());
        OrcaExperiment resumed = awaitExperiment("pausable", e -> e.getStatus().phase == Phase.Pending);
        assertEquals(3L, resumed.getStatus().observedGeneration, "two spec edits, each observed");
        assertEquals(1, client.batch().v1().jobs().inNamespace(NS).withLabel(Names.EXPERIMENT_LABEL, "pausable").list().getItems().size());
    }

    /**
     * The spec ConfigMap is cached as metadata and compared by its desired-state hash: an edit of the experiment still
     * reaches the mounted file, and a look that changes nothing writes nothing to it.
     */
    @Test
    void anEditedSpecReachesTheMountedFileAndAnUnchangedOneIsNotWritten() {
        create("edited");
        awaitJob("edited");
        String before = client.configMaps().inNamespace(NS).withName("edited-spec").get().getMetadata().getResourceVersion();
        client.resources(OrcaExperiment.class).inNamespace(NS).withName("edited").edit(e -> {
            e.getSpec().alignment.epochs = 7;
            return e;
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> client.configMaps().inNamespace(NS)
                .withName("edited-spec").get().getData().get(Names.SPEC_FILE).contains("epochs: 7"));
        String after = client.configMaps().inNamespace(NS).withName("edited-spec").get().getMetadata().getResourceVersion();
        assertNotEquals(before, after);
        // Other events (an annotation on the experiment) bring it back to the reconciler; the ConfigMap stays as it is.
        client.resources(OrcaExperiment.class).inNamespace(NS).withName("edited").edit(e -> {
            e.getMetadata().setAnnotations(java.util.Map.of("poke", "1"));
            return e;
        });
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> after.equals(
                client.configMaps().inNamespace(NS).withName("edited-spec").get().getMetadata().getResourceVersion()));
    }

    @Test
    void unchangedObservationsWriteNoStatus() throws Exception {
        create("quiet");
        awaitJob("quiet");
        // Settled: the Job has been observed (a first status may be written before the Job's informer sees it).
        awaitExperiment("quiet", e -> e.getStatus().phase == Phase.Pending && e.getStatus().jobName != null);
        // Settled: no status write for half a second.
        String[] version = {""};
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> {
            String now = client.resources(OrcaExperiment.class).inNamespace(NS).withName("quiet").get().getMetadata().getResourceVersion();
            boolean same = now.equals(version[0]);
            version[0] = now;
            return same;
        });
        OrcaExperiment first = client.resources(OrcaExperiment.class).inNamespace(NS).withName("quiet").get();
        // Unrelated changes trigger reconciliations; the status (and so the resourceVersion) must not move.
        for (int i = 0; i < 3; i++) {
            final int n = i;
            client.configMaps().inNamespace(NS).withName("quiet-spec").edit(c -> {
                c.getMetadata().getAnnotations().put("poke", Integer.toString(n)); // the operator's own annotation stays
                return c;
            });
        }
        String settled = first.getMetadata().getResourceVersion();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> settled.equals(
                client.resources(OrcaExperiment.class).inNamespace(NS).withName("quiet").get().getMetadata().getResourceVersion()));
        OrcaExperiment later = client.resources(OrcaExperiment.class).inNamespace(NS).withName("quiet").get();
        assertNotNull(later.getStatus().conditions.get(0).getLastTransitionTime());
    }

    /**
     * A writer strips its progress ConfigMap's owner reference (its Role lets it update that ConfigMap): the operator puts
     * it back, so the garbage collector still removes the ConfigMap with the experiment; a ConfigMap someone else labelled
     * as the experiment's is not adopted.
     */
    @Test
    void aStrippedOwnerReferenceOfAProgressConfigMapIsPutBack() {
        OrcaExperiment experiment = create("tamper");
        awaitJob("tamper");
        client.configMaps().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withName("forged").withLabels(java.util.Map.of(Names.EXPERIMENT_LABEL, "tamper", Names.ROLE_LABEL, "progress"))
                .endMetadata().build()).create();
        client.configMaps().inNamespace(NS).withName("tamper-progress").edit(c -> {
            c.getMetadata().setOwnerReferences(new java.util.ArrayList<>());
            return c;
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> client.configMaps().inNamespace(NS)
                .withName("tamper-progress").get().getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> r.getUid().equals(experiment.getMetadata().getUid())));
        assertTrue(client.configMaps().inNamespace(NS).withName("forged").get().getMetadata().getOwnerReferences().isEmpty(),
                "a ConfigMap the operator did not make is not adopted");
    }
}
