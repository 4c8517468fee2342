package dev.orca.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.TestExperiments;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadOnlyCopiesTest {

    private static void assertNoManagedFields(io.fabric8.kubernetes.api.model.HasMetadata kept) {
        var managed = kept.getMetadata().getManagedFields();
        assertTrue(managed == null || managed.isEmpty(), "managedFields dropped: " + managed);
    }

    @Test
    void readsAreCopiesAndAPutReturnsWhatItReplaced() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ml").withResourceVersion("1").endMetadata()
                .withNewStatus().withPhase("Pending").endStatus().build();
        var store = new PodCopies();
        assertNull(store.put(store.getKey(pod), pod));
        store.get("ml/p").getStatus().setPhase("Changed by a caller");
        assertEquals("Pending", store.get("ml/p").getStatus().getPhase(), "a caller cannot change the cache");
        Pod next = new PodBuilder(pod).editMetadata().withResourceVersion("2").endMetadata().editStatus().withPhase("Running").endStatus().build();
        assertEquals("1", store.put("ml/p", next).getMetadata().getResourceVersion(), "the informer's update event needs the old object");
        assertEquals("Running", store.get("ml/p").getStatus().getPhase());
        assertEquals(1, store.size());
        assertEquals("2", store.remove("ml/p").getMetadata().getResourceVersion());
        assertEquals(0, store.size());
    }

    @Test
    void experimentsAreKeptWithoutManagedFieldsOrTheLastAppliedCopy() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ml", "x");
        }
        e.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply").build()));
        e.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(ExperimentCopies.LAST_APPLIED, "{...the spec again...}",
                "team", "vision")));
        var store = new ExperimentCopies();
        store.put(store.getKey(e), e);
        OrcaExperiment kept = store.get("ml/x");
        assertNoManagedFields(kept);
        assertEquals(Map.of("team", "vision"), kept.getMetadata().getAnnotations(), "other annotations stay");
        assertNotNull(kept.getSpec(), "the spec is read by the reconciler");
    }

    @Test
    void podsAreKeptAsMetadataAndStatus() {
        Pod pod = new PodBuilder().withNewMetadata().withName("x-trainer-abc").withNamespace("ml")
                .withLabels(Map.of("orca.dev/experiment", "x")).withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").build())
                .endMetadata().withNewSpec().addNewContainer().withName("trainer").withImage("trainer:1").endContainer().endSpec()
                .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("trainer").withNewState().withNewTerminated()
                .withReason("OOMKilled").withExitCode(137).endTerminated().endState().endContainerStatus().endStatus().build();
        var store = new PodCopies();
        store.put(store.getKey(pod), pod);
        Pod kept = store.get("ml/x-trainer-abc");
        assertNull(kept.getSpec());
        assertNoManagedFields(kept);
        assertEquals("x", kept.getMetadata().getLabels().get("orca.dev/experiment"));
        assertEquals("OOMKilled", kept.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason());
        assertTrue(store.keySet().anyMatch("ml/x-trainer-abc"::equals));
    }

    private static Pod pod(String name, String experiment) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ml").withLabels(Map.of("orca.dev/experiment", experiment))
                .endMetadata().build();
    }

    /**
     * A Job's pods are named {@code <job>-} cut to 58 characters plus five random ones: a neighbour whose Job name
     * extends this one ({@code x-trainer-trainer}) is not taken for it, nor is a Job whose cut name is the same.
     */
    @Test
    void aJobsPodsAreFoundByTheirGeneratedNames() {
        var store = new PodCopies();
        String longJob = "e".repeat(52) + "-trainer"; // 60 characters: its pods' names are cut
        String twin = "e".repeat(52) + "-trainerz"; // another experiment's Job, cut to the same 58 characters
        for (Pod p : List.of(pod("x-trainer-ab3cd", "x"), pod("x-trainer-zz9yy", "x"), pod("x-trainer-trainer-ab3cd", "x-trainer"),
                pod("x-trainer-short", "x-other"), pod("y-trainer-ab3cd", "y"),
                pod(longJob.substring(0, 58) + "k7m2p", "e".repeat(52)), pod(twin.substring(0, 58) + "q4w5e", "twin"))) {
            store.put(store.getKey(p), p);
        }
        assertEquals(java.util.Set.of("ml/x-trainer-ab3cd", "ml/x-trainer-zz9yy"),
                store.ofJob("ml", "x-trainer", "orca.dev/experiment", "x").collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of("ml/" + longJob.substring(0, 58) + "k7m2p"),
                store.ofJob("ml", longJob, "orca.dev/experiment", "e".repeat(52)).toList());
        assertEquals(List.of(), store.ofJob("other", "x-trainer", "orca.dev/experiment", "x").toList(), "another namespace's");
        assertEquals(7, store.values().count(), "the store itself keeps every pod");
    }

    /** While one store decodes all its entries, another waits: their whole-store lists are not built side by side. */
    @Test
    void storesDecodeWholeOneAtATime() throws Exception {
        var store = new PodCopies();
        Pod p = pod("x-trainer-ab3cd", "x");
        store.put(store.getKey(p), p);
        var listing = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Long> count;
            synchronized (ReadOnlyCopies.WHOLE_STORE_DECODE) { // another store's decode in progress
                count = listing.submit(() -> store.values().count());
                Thread.sleep(300);
                assertTrue(!count.isDone(), "the listing waited for the other store's decode");
            }
            assertEquals(1L, count.get(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            listing.shutdownNow();
        }
    }

    @Test
    void jobsAreKeptWithoutTheirPodTemplateButWithTheirSuspensionAndStatus() {
        Job job = new JobBuilder().withNewMetadata().withName("x-trainer").withNamespace("ml").withLabels(Map.of("orca.dev/experiment", "x"))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("orcaexperiment").build()).endMetadata()
                .withNewSpec().withSuspend(true).withBackoffLimit(2).withNewTemplate().withNewSpec().addNewContainer().withName("trainer")
                .withImage("trainer:1").withArgs("run", "/etc/orca/experiment.yaml").endContainer().endSpec().endTemplate().endSpec()
                .withNewStatus().withFailed(1).addNewCondition().withType("Failed").withStatus("True").endCondition().endStatus().build();
        var store = new JobCopies();
        store.put(store.getKey(job), job);
        Job kept = store.get("ml/x-trainer");
        assertNull(kept.getSpec().getTemplate(), "the pod template is never read back");
        assertNoManagedFields(kept);
        assertTrue(kept.getSpec().getSuspend(), "the suspension is matched");
        assertEquals("Failed", kept.getStatus().getConditions().get(0).getType());
        assertEquals("x", kept.getMetadata().getLabels().get("orca.dev/experiment"));
    }

    @Test
    void identitiesAreKeptAsTheirMetadataAlone() {
        Role role = new RoleBuilder().withNewMetadata().withName("x-trainer").withNamespace("ml").withUid("u1")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("orcaexperiment").build())
                .addNewOwnerReference().withUid("experiment-uid").withKind("OrcaExperiment").withName("x").endOwnerReference().endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withResourceNames("x-progress").withVerbs("get", "update").endRule()
                .build();
        var store = new MetadataCopies.Roles();
        store.put(store.getKey(role), role);
        Role kept = store.get("ml/x-trainer");
        assertEquals(List.of(), kept.getRules(), "rules are never read back");
        assertNoManagedFields(kept);
        assertEquals("experiment-uid", kept.getMetadata().getOwnerReferences().get(0).getUid(), "ownership is read (Confinement, RunOnlyObjects)");
        assertEquals("Role", kept.getKind(), "a kept copy can still be deleted by kind and name");
        assertEquals("rbac.authorization.k8s.io/v1", kept.getApiVersion());
    }

    private static Role binding(String experiment, String uid) {
        return new RoleBuilder().withNewMetadata().withName(experiment + "-trainer").withNamespace("team-vision").withUid(uid)
                .withResourceVersion(String.valueOf(uid.hashCode() & 0xffff)).withCreationTimestamp("2026-12-05T22:10:0" + (uid.length() % 10) + "Z")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "orca-operator", "orca.dev/experiment", experiment, "orca.dev/role", "trainer"))
                .addNewOwnerReference().withApiVersion("orca.dev/v1alpha1").withKind("OrcaExperiment").withName(experiment)
                .withUid(uid + "-owner").withController(true).withBlockOwnerDeletion(true).endOwnerReference().endMetadata().build();
    }

    @Test
    void siblingsCostAFractionOfTheirJsonAndEveryEntryReadsBackAfterTheFirstIsGone() {
        var store = new MetadataCopies.Roles();
        store.put("team-vision/exp-0-trainer", binding("exp-0", "5f0c3a9e-1d2b-4c8e-9a7f-0b1c2d3e4f50"));
        Role sibling = binding("exp-4711", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
        int json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asJson(sibling).length();
        store.put("team-vision/exp-4711-trainer", sibling);
        int kept = store.storedBytes("team-vision/exp-4711-trainer");
        assertTrue(kept * 5 < json, "a sibling is kept in " + kept + " bytes, its JSON has " + json);
        store.remove("team-vision/exp-0-trainer");
        Role read = store.get("team-vision/exp-4711-trainer");
        assertEquals("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-owner", read.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("exp-4711", read.getMetadata().getLabels().get("orca.dev/experiment"));
    }

    @Test
    void objectsUnlikeTheFirstStillReadBackWhole() {
        var experiments = new ExperimentCopies();
        OrcaExperiment tiny = new OrcaExperiment();
        tiny.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("tiny").withNamespace("other-team").build());
        experiments.put("other-team/tiny", tiny);
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "other-team", "a-much-longer-experiment-name-than-the-first");
        }
        experiments.put(experiments.getKey(e), e);
        var json = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
        assertEquals(json.asJson(e.getSpec()), json.asJson(experiments.get("other-team/a-much-longer-experiment-name-than-the-first").getSpec()));
        assertEquals("tiny", experiments.get("other-team/tiny").getMetadata().getName());
    }
}
