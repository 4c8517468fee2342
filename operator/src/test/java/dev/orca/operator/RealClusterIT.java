package dev.orca.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orca.crd.BadExperiments;
import dev.orca.crd.CrdAdmission;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.operator.cluster.OrcaInstall;
import dev.orca.operator.cluster.PackagedOperator;
import dev.orca.operator.cluster.RealCluster;
import dev.orca.operator.plan.Names;
import dev.orca.trainer.progress.ConfigMapProgressSink;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressReports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged operator (server-side apply on) against a real control plane — kube-apiserver with RBAC, etcd and
 * kube-controller-manager, built from Go modules by {@code e2e/cluster} — installed the way a user installs it:
 * the committed CRD, then the chart's rendered RBAC from {@code manifests/install}, the operator running as its
 * ServiceAccount with the Deployment's environment. There are no nodes: the test plays the kubelet by writing Pod
 * status, and the trainer by reporting through the trainer's own progress code as the trainer's ServiceAccount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LIVENESS_GRACE = Duration.ofSeconds(15);
    private RealCluster cluster;
    private PackagedOperator operator;
    private KubernetesClient admin;
    private List<HasMetadata> install;

    @BeforeAll
    void install() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        cluster = RealCluster.start(target.resolve("e2e-cluster"));
        admin = cluster.admin();
        install = OrcaInstall.applyCrdAndRbac(cluster);
        operator = startOperator(target.resolve("real-cluster-operator.log"));
    }

    /**
     * The packaged operator, with a short liveness grace so that the blind-informer test need not wait two minutes, and
     * as one process without leader election: these tests restart the API server under a running operator and expect the
     * same process to carry on, where a leader that cannot renew its lease exits (e2e/scenarios/failover covers that).
     */
    private PackagedOperator startOperator(Path log) {
        return OrcaInstall.startOperator(cluster, install, log, java.util.Map.of(
                "ORCA_OPERATOR_LIVENESS_INFORMER_GRACE", LIVENESS_GRACE.toString(), "ORCA_OPERATOR_LEADER_ELECTION", "false"));
    }

    @AfterAll
    void uninstall() {
        if (operator != null) {
            operator.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void namespace(String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).serverSideApply();
    }

    private OrcaExperiment experiment(String namespace, String name) {
        return admin.resources(OrcaExperiment.class).inNamespace(namespace).withName(name).get();
    }

    private Pod onlyPod(String namespace, String job) {
        var pods = admin.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
        return pods.size() == 1 ? pods.get(0) : null;
    }

    /** What the kubelet would write: the pod ran its container to {@code exitCode} (with {@code reason}). */
    private void podFinished(Pod pod, int exitCode, String reason) {
        podFinished(pod, exitCode, reason, null);
    }

    private void podFinished(Pod pod, int exitCode, String reason, String message) {
        var terminated = new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason).withMessage(message)
                .withStartedAt(Instant.now().toString()).withFinishedAt(Instant.now().toString()).endTerminated().build();
        pod.setStatus(new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
                        .withImage(pod.getSpec().getContainers().get(0).getImage()).withImageID("").withReady(false)
                        .withRestartCount(0).withState(terminated).build())
                .build());
        admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    }

    @Test
    void anExperimentGoesFromApplyToSucceededThroughTheJobControllerAndTheTrainersReports() {
        String ns = "e2e-lifecycle";
        namespace(ns);
        admin.resource(TestExperiments.valid(admin, ns, "listops")).create();

        await().atMost(WAIT).until(() -> admin.batch().v1().jobs().inNamespace(ns).withName("listops-trainer").get() != null);
        Job job = admin.batch().v1().jobs().inNamespace(ns).withName("listops-trainer").get();
        assertTrue(job.getMetadata().getManagedFields().stream().anyMatch(f -> "Apply".equals(f.getOperation())),
                "the Job was written with server-side apply: " + job.getMetadata().getManagedFields());
        // The Job controller makes the pod; with no node it stays Pending.
        await().atMost(WAIT).until(() -> onlyPod(ns, "listops-trainer") != null);
        assertEquals("Pending", onlyPod(ns, "listops-trainer").getStatus().getPhase());

        // The trainer's own reporting code, authenticated as the trainer's ServiceAccount, judged by the real authorizer.
        try (KubernetesClient trainer = cluster.clientAs(ns, "listops-trainer");
             ConfigMapProgressSink sink = new ConfigMapProgressSink(trainer, ns, ProgressReport.configMapName("listops"),
                     new ProgressReports(5, 3), Duration.ZERO)) {
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 2, 5, 2, 51.5, 51.5, 100L));
            await().atMost(WAIT).untilAsserted(() -> {
                var status = experiment(ns, "listops").getStatus();
                assertEquals(Phase.Aligning, status.phase);
                assertEquals(51.5, status.otdd.current);
            });
            sink.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, null, null, null, null,
                    null, "zeroOneError", 0.25, "test", 0L, null));
        }
        podFinished(onlyPod(ns, "listops-trainer"), 0, "Completed");
        await().atMost(WAIT).untilAsserted(() -> {
            var status = experiment(ns, "listops").getStatus();
            assertEquals(Phase.Succeeded, status.phase, () -> "status " + status.conditions);
            assertEquals(0.25, status.metric.value);
        });
        assertTrue(admin.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> "listops".equals(e.getInvolvedObject().getName()) && e.getMessage() != null
                        && e.getMessage().contains("Succeeded")), "an Event records the success");

        // Deleting the experiment lets the garbage collector remove everything it owns.
        admin.resources(OrcaExperiment.class).inNamespace(ns).withName("listops").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(admin.batch().v1().jobs().inNamespace(ns).list().getItems().isEmpty(), "Jobs collected");
            assertTrue(admin.configMaps().inNamespace(ns).withLabel(Names.EXPERIMENT_LABEL, "listops").list().getItems().isEmpty(),
                    "ConfigMaps collected");
            var sa = admin.serviceAccounts().inNamespace(ns).withName("listops-trainer").get();
            assertTrue(sa == null, () -> "ServiceAccount collected: " + (sa == null ? "" : sa.getMetadata()));
            assertTrue(admin.pods().inNamespace(ns).list().getItems().isEmpty(), "Pods collected");
        });
    }

    @Test
    void theTrainersIdentityMayWriteItsOwnProgressAndNothingElse() {
        String ns = "e2e-rbac";
        namespace(ns);
        admin.resource(TestExperiments.valid(admin, ns, "first")).create();
        admin.resource(TestExperiments.valid(admin, ns, "second")).create();
        await().atMost(WAIT).until(() -> admin.configMaps().inNamespace(ns).withName(ProgressReport.configMapName("second")).get() != null
                && admin.serviceAccounts().inNamespace(ns).withName("first-trainer").get() != null
                && admin.rbac().roleBindings().inNamespace(ns).withName("first-trainer").get() != null);
        try (KubernetesClient trainer = cluster.clientAs(ns, "first-trainer")) {
            ConfigMap own = trainer.configMaps().inNamespace(ns).withName(ProgressReport.configMapName("first")).get();
            own.setData(java.util.Map.of(ProgressReport.KEY, "{\"stage\":\"preparing\",\"sequence\":1}"));
            trainer.configMaps().inNamespace(ns).resource(own).update();

            forbidden(() -> trainer.configMaps().inNamespace(ns).withName(ProgressReport.configMapName("second")).get(),
                    "another experiment's progress");
            forbidden(() -> trainer.configMaps().inNamespace(ns).withName(ProgressReport.configMapName("second"))
                    .edit(c -> { c.setData(java.util.Map.of(ProgressReport.KEY, "{}")); return c; }), "another experiment's progress");
            forbidden(() -> trainer.resources(OrcaExperiment.class).inNamespace(ns).withName("first")
                    .editStatus(e -> { e.getStatus().phase = Phase.Succeeded; return e; }), "its experiment's status");
            forbidden(() -> trainer.secrets().inNamespace(ns).list(), "Secrets");
            forbidden(() -> trainer.batch().v1().jobs().inNamespace(ns).list(), "Jobs");
            forbidden(() -> trainer.batch().v1().jobs().inNamespace(ns).withName("first-trainer").delete(), "deleting its Job");
        }
        // A search: each trial has its own identity and ConfigMap; none can write another trial's figures or the run's.
        OrcaExperiment searching = TestExperiments.valid(admin, ns, "third");
        searching.getSpec().search = new dev.orca.crd.OrcaExperimentSpec.Search();
        searching.getSpec().search.trials = 4;
        searching.getSpec().search.parallelism = 2;
        admin.resource(searching).create();
        var t0 = dev.orca.operator.dependent.ProgressWriter.trial("third", 0);
        var t1 = dev.orca.operator.dependent.ProgressWriter.trial("third", 1);
        await().atMost(WAIT).until(() -> admin.configMaps().inNamespace(ns).withName(t1.configMap()).get() != null
                && admin.rbac().roleBindings().inNamespace(ns).withName(t0.identity()).get() != null
                && admin.batch().v1().jobs().inNamespace(ns).withName("third-t0-r0").get() != null);
        assertEquals(t0.identity(), admin.batch().v1().jobs().inNamespace(ns).withName("third-t0-r0").get().getSpec().getTemplate()
                .getSpec().getServiceAccountName(), "trial 0's pods run as trial 0");
        try (KubernetesClient trial = cluster.clientAs(ns, t0.identity())) {
            ConfigMap own = trial.configMaps().inNamespace(ns).withName(t0.configMap()).get();
            own.setData(java.util.Map.of(t0.key(), "{\"stage\":\"preparing\",\"sequence\":1}"));
            trial.configMaps().inNamespace(ns).resource(own).update();
            forbidden(() -> trial.configMaps().inNamespace(ns).withName(t1.configMap())
                    .edit(c -> { c.setData(java.util.Map.of(t1.key(), "{}")); return c; }), "another trial's progress");
            forbidden(() -> trial.configMaps().inNamespace(ns).withName(ProgressReport.configMapName("third"))
                    .edit(c -> { c.setData(java.util.Map.of(ProgressReport.KEY, "{}")); return c; }), "the experiment's own progress");
        }
    }

    private static void forbidden(Runnable request, String what) {
        try {
            request.run();
            fail("the trainer's ServiceAccount was allowed: " + what);
        } catch (KubernetesClientException e) {
            assertEquals(403, e.getCode(), what + ": " + e.getMessage());
        }
    }

    /** A new experiment {@code name} in its own namespace {@code ns}, and its trainer Job's first pod once the Job controller made it. */
    private Pod firstTrainerPod(String ns, String name, int backoffLimit) {
        namespace(ns);
        OrcaExperiment e = TestExperiments.valid(admin, ns, name);
        e.getSpec().runPolicy.backoffLimit = backoffLimit;
        admin.resource(e).create();
        await().atMost(WAIT).until(() -> onlyPod(ns, name + "-trainer") != null);
        return onlyPod(ns, name + "-trainer");
    }

    private static io.fabric8.kubernetes.api.model.Condition running(dev.orca.crd.OrcaExperimentStatus status) {
        return status.conditions.stream().filter(c -> c.getType().equals("Running")).findFirst().orElseThrow();
    }

    /** Whether an Event on experiment {@code name} in {@code ns} matches. */
    private boolean eventOn(String ns, String name, java.util.function.Predicate<io.fabric8.kubernetes.api.model.Event> match) {
        return admin.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(ev -> name.equals(ev.getInvolvedObject().getName()) && ev.getMessage() != null && match.test(ev));
    }

    @Test
    void anOomKilledTrainerFailsTheExperimentNamingTheReason() {
        String ns = "e2e-oom";
        podFinished(firstTrainerPod(ns, "big", 0), 137, "OOMKilled");
        await().atMost(WAIT).untilAsserted(() -> {
            var status = experiment(ns, "big").getStatus();
            assertEquals(Phase.Failed, status.phase);
            assertTrue(running(status).getMessage().contains("OOMKilled"), running(status).getMessage());
        });
        assertTrue(eventOn(ns, "big", ev -> ev.getMessage().contains("OOMKilled")), "an Event names OOMKilled");
    }

    /**
     * A node short of disk evicts the trainer: the Job controller replaces the pod without counting a failure (the pod
     * failure policy's DisruptionTarget rule), and the experiment says so in its status and a Warning Event, where the
     * Job's failure count would show nothing.
     */
    @Test
    void anEvictedTrainerIsReplacedWithoutCountingAFailureAndTheStatusSaysSo() {
        String ns = "e2e-evicted";
        Pod pod = firstTrainerPod(ns, "evicted", 0);
        // What the kubelet writes when it evicts a pod under disk pressure.
        pod.setStatus(new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: ephemeral-storage. Threshold quantity: 5Gi, available: 4Gi. ")
                .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason("TerminationByKubelet")
                .withMessage("The node was low on resource: ephemeral-storage.").withLastTransitionTime(Instant.now().toString()).endCondition()
                .build());
        admin.pods().inNamespace(ns).resource(pod).updateStatus();

        await().atMost(WAIT).untilAsserted(() -> {
            var status = experiment(ns, "evicted").getStatus();
            assertEquals(1, status.disruptions, () -> "status " + status.conditions);
            assertEquals(Phase.Pending, status.phase, "not failed, though backoffLimit is 0");
            assertTrue(running(status).getMessage().contains("pod " + pod.getMetadata().getName()
                    + ": Evicted: The node was low on resource: ephemeral-storage"), running(status).getMessage());
        });
        await().atMost(WAIT).untilAsserted(() -> assertEquals(2,
                admin.pods().inNamespace(ns).withLabel("job-name", "evicted-trainer").list().getItems().size(), "a replacement pod"));
        Job job = admin.batch().v1().jobs().inNamespace(ns).withName("evicted-trainer").get();
        assertTrue(job.getStatus().getFailed() == null || job.getStatus().getFailed() == 0, () -> "the Job counted " + job.getStatus());
        assertTrue(eventOn(ns, "evicted", ev -> "TrainerDisrupted".equals(ev.getReason()) && "Warning".equals(ev.getType())
                && ev.getMessage().contains("ephemeral-storage")), "a Warning Event names the eviction");
    }

    /** The trainer refused its input: the Job's pod failure policy fails it at once, no second pod, and the status says why. */
    @Test
    void invalidInputFailsTheJobAtOnceWithoutRetrying() {
        String ns = "e2e-invalid-input";
        Pod pod = firstTrainerPod(ns, "bad-data", 3);
        podFinished(pod, dev.orca.crd.TrainerExit.INVALID_INPUT, "Error",
                "/data/x.npy: the header claims 4294967280 bytes, the file has 27 after its start");
        await().atMost(WAIT).untilAsserted(() -> {
            var status = experiment(ns, "bad-data").getStatus();
            assertEquals(Phase.Failed, status.phase);
            assertEquals("InvalidInput", running(status).getReason());
            assertTrue(running(status).getMessage().contains("/data/x.npy"), running(status).getMessage());
        });
        assertEquals(1, admin.pods().inNamespace(ns).withLabel("job-name", "bad-data-trainer").list().getItems().size(),
                "no retry: the backoff limit of 3 was not spent");
        assertTrue(eventOn(ns, "bad-data", ev -> ev.getMessage().contains("/data/x.npy")), "an Event names the file");
    }

    @Test
    void suspendingRemovesThePodAndResumingMakesANewOne() {
        String ns = "e2e-suspend";
        namespace(ns);
        admin.resource(TestExperiments.valid(admin, ns, "pausable")).create();
        await().atMost(WAIT).until(() -> onlyPod(ns, "pausable-trainer") != null);
        String first = onlyPod(ns, "pausable-trainer").getMetadata().getUid();
        suspend(ns, "pausable", true);
        await().atMost(WAIT).untilAsserted(() -> {
            assertTrue(admin.pods().inNamespace(ns).withLabel("job-name", "pausable-trainer").list().getItems().stream()
                    .allMatch(p -> p.getMetadata().getDeletionTimestamp() != null), "the pod goes away");
            assertEquals(Phase.Suspended, experiment(ns, "pausable").getStatus().phase);
        });
        // Nothing runs on a node here, so the kubelet's part of a graceful deletion is ours.
        admin.pods().inNamespace(ns).withLabel("job-name", "pausable-trainer").withGracePeriod(0).delete();
        suspend(ns, "pausable", false);
        await().atMost(WAIT).untilAsserted(() -> {
            Pod again = onlyPod(ns, "pausable-trainer");
            assertTrue(again != null && !again.getMetadata().getUid().equals(first), "a new pod");
            assertFalse(experiment(ns, "pausable").getStatus().phase == Phase.Suspended);
        });
    }

    @Test
    void anOperatorKilledMidReconcileAndARestartedApiServerLoseNothingAndDuplicateNothing() {
        String ns = "e2e-restart";
        namespace(ns);
        int n = 50;
        for (int i = 0; i < n; i++) {
            admin.resource(TestExperiments.valid(admin, ns, "r" + i)).create();
        }
        java.util.Map<String, String> jobsBefore = new java.util.HashMap<>();
        long statusesBefore;
        try {
            // Mid-reconcile: killed as soon as the first Job exists, while others are still to be made.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> !admin.batch().v1().jobs().inNamespace(ns).list().getItems().isEmpty());
            operator.kill();
            admin.batch().v1().jobs().inNamespace(ns).list().getItems()
                    .forEach(j -> jobsBefore.put(j.getMetadata().getName(), j.getMetadata().getUid()));
            statusesBefore = admin.resources(OrcaExperiment.class).inNamespace(ns).list().getItems().stream()
                    .filter(e -> e.getStatus() != null && e.getStatus().jobName != null).count();
            cluster.restartApiServer();
        } finally {
            operator = startOperator(Path.of("target/real-cluster-operator-restarted.log").toAbsolutePath());
        }
        assertTrue(jobsBefore.size() < n || statusesBefore < n,
                "the operator was killed with work left: " + jobsBefore.size() + " Jobs, " + statusesBefore + " statuses of " + n);
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            var experiments = admin.resources(OrcaExperiment.class).inNamespace(ns).list().getItems();
            assertEquals(n, experiments.size(), "no experiment lost");
            for (OrcaExperiment e : experiments) {
                String name = e.getMetadata().getName();
                assertTrue(e.getStatus() != null && e.getStatus().phase == Phase.Pending && (name + "-trainer").equals(e.getStatus().jobName),
                        name + " converged: " + (e.getStatus() == null ? null : e.getStatus().phase));
                assertEquals(1, admin.batch().v1().jobs().inNamespace(ns).withLabel(Names.EXPERIMENT_LABEL, name).list().getItems().size(),
                        name + " has exactly one Job");
            }
        });
        jobsBefore.forEach((job, uid) -> assertEquals(uid, admin.batch().v1().jobs().inNamespace(ns).withName(job).get().getMetadata().getUid(),
                job + " was kept, not replaced"));
        assertTrue(operator.alive(), "the new operator runs");
    }

    @Test
    void theOperatorCarriesOnWhenARestartedApiServerDropsItsWatches() {
        String ns = "e2e-watch";
        namespace(ns);
        admin.resource(TestExperiments.valid(admin, ns, "before")).create();
        await().atMost(WAIT).until(() -> admin.batch().v1().jobs().inNamespace(ns).withName("before-trainer").get() != null);
        long pid = operator.pid();
        cluster.restartApiServer(); // every watch of the running operator ends here
        admin.resource(TestExperiments.valid(admin, ns, "after")).create();
        await().atMost(WAIT).until(() -> admin.batch().v1().jobs().inNamespace(ns).withName("after-trainer").get() != null);
        // A change to a dependent seen through the re-established watches: the progress ConfigMap.
        try (KubernetesClient trainer = cluster.clientAs(ns, "before-trainer");
             ConfigMapProgressSink sink = new ConfigMapProgressSink(trainer, ns, ProgressReport.configMapName("before"),
                     new ProgressReports(5, 3), Duration.ZERO)) {
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 1, 5, 1, 42.0, 42.0, 100L));
        }
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Phase.Aligning, experiment(ns, "before").getStatus().phase));
        assertEquals(pid, operator.pid(), "the same operator process, not a restarted one");
        assertEquals(1, admin.batch().v1().jobs().inNamespace(ns).withLabel(Names.EXPERIMENT_LABEL, "before").list().getItems().size());
    }

    /**
     * Liveness reflects the informers: the operator loses its right to watch pods and its watches are cut (an API server
     * restart), so its pod informer cannot watch again; {@code /q/health/live} stays UP through the grace, then goes DOWN
     * naming that informer (the kubelet would restart the pod), and comes back UP once the right is restored.
     */
    @Test
    void livenessGoesDownWhenAnInformerCannotWatchAndUpWhenItCanAgain() throws Exception {
        String role = "orca-system-orca-operator";
        var original = admin.rbac().clusterRoles().withName(role).get();
        // Started and watching (the operator may have been started just now).
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> liveness().statusCode() == 200);
        try {
            admin.rbac().clusterRoles().withName(role).edit(r -> {
                r.getRules().removeIf(rule -> rule.getResources().equals(List.of("pods")));
                return r;
            });
            cluster.restartApiServer();
            Instant cut = Instant.now();
            await().atMost(WAIT.plus(LIVENESS_GRACE)).pollInterval(Duration.ofSeconds(1)).until(() -> liveness().statusCode() == 503);
            var down = liveness();
            assertTrue(Duration.between(cut, Instant.now()).compareTo(LIVENESS_GRACE) >= 0, "not before the grace");
            assertTrue(down.body().contains("trainer-pods") && down.body().contains("no watch since"), down.body());
        } finally {
            admin.rbac().clusterRoles().withName(role).edit(r -> {
                r.setRules(original.getRules());
                return r;
            });
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> liveness().statusCode() == 200);
        assertTrue(operator.alive());
    }

    private java.net.http.HttpResponse<String> liveness() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + operator.httpPort() + "/q/health/live")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** As {@code kubectl patch --type merge} does it: no resourceVersion, so the operator's status writes cannot conflict. */
    private void suspend(String ns, String name, boolean suspend) {
        admin.resources(OrcaExperiment.class).inNamespace(ns).withName(name).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"runPolicy\":{\"suspend\":" + suspend + "}}}");
    }

    /**
     * Every case of the bad-experiment table against the real API server: what the table says the CRD refuses is
     * refused by Kubernetes with a message naming the field, and the in-JVM admission check (CrdAdmission, used by
     * the crds module's fast tests) agrees with the server on every case; the rest reach the operator and end Failed
     * with SpecValid=False naming the field, and no Job.
     */
    @Test
    void badExperimentsAreRefusedByTheServerOrFailedByTheOperatorNamingTheField() {
        String ns = "e2e-bad";
        namespace(ns);
        CrdAdmission inJvm = CrdAdmission.committed();
        List<String> disagreements = new ArrayList<>();
        List<BadExperiments.Case> reachedOperator = new ArrayList<>();
        for (BadExperiments.Case bad : BadExperiments.all()) {
            ObjectNode resource = bad.resource();
            ((ObjectNode) resource.get("metadata")).put("namespace", ns);
            List<String> jvmErrors = inJvm.create(resource);
            GenericKubernetesResource object = admin.getKubernetesSerialization().convertValue(resource, GenericKubernetesResource.class);
            String serverError = null;
            try {
                // Strict field validation, as kubectl apply sends it: an unknown field is an error, not a pruned warning.
                admin.genericKubernetesResources("orca.dev/v1alpha1", "OrcaExperiment").inNamespace(ns).resource(object)
                        .fieldValidation(io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation.STRICT).create();
            } catch (KubernetesClientException e) {
                serverError = e.getMessage();
            }
            boolean serverRefused = serverError != null;
            if (serverRefused != !jvmErrors.isEmpty()) {
                disagreements.add(bad.name() + ": server " + (serverRefused ? "refused (" + serverError + ")" : "admitted")
                        + ", in-JVM check " + (jvmErrors.isEmpty() ? "admitted" : "refused " + jvmErrors));
            }
            if (bad.rejectedBy() == BadExperiments.RejectedBy.schema) {
                assertTrue(serverRefused, bad.name() + ": the CRD should refuse it");
                assertTrue(bad.named(serverError), bad.name() + ": " + bad.field() + " not named in " + serverError);
            } else {
                assertFalse(serverRefused, bad.name() + ": the server refused what the operator should judge: " + serverError);
                reachedOperator.add(bad);
            }
        }
        assertEquals(List.of(), disagreements, "the in-JVM admission check and kube-apiserver disagree");
        assertFalse(reachedOperator.isEmpty());
        for (BadExperiments.Case bad : reachedOperator) {
            String name = bad.resource().get("metadata").get("name").asText();
            await().atMost(WAIT).untilAsserted(() -> {
                var status = experiment(ns, name).getStatus();
                assertTrue(status != null && status.phase == Phase.Failed, name + " fails");
                var valid = status.conditions.stream().filter(c -> c.getType().equals("SpecValid")).findFirst().orElseThrow();
                assertEquals("False", valid.getStatus(), name);
                assertTrue(bad.named(valid.getMessage()), bad.name() + ": " + bad.field() + " not named in " + valid.getMessage());
            });
            assertTrue(admin.batch().v1().jobs().inNamespace(ns).withLabel(Names.EXPERIMENT_LABEL, name).list().getItems().isEmpty(),
                    bad.name() + " must not get a Job");
        }
    }
}
