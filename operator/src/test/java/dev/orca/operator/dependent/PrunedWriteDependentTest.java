package dev.orca.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the SDK is given to remember of each of the operator's own writes: the form the dependent's informer keeps,
 * never the server's answer with its managedFields (which the answer itself keeps: it is not changed).
 */
class PrunedWriteDependentTest {

    /** Metadata as the server answers a write: owner, labels, the desired-state hash, a version, managedFields. */
    private static ObjectMeta answered(String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace("team-a").withResourceVersion("7").withUid("u-" + name)
                .withLabels(Map.of("orca.dev/experiment", "exp", "orca.dev/role", "trainer"))
                .withAnnotations(Map.of("orca.dev/desired-state-hash", "abc"))
                .addNewOwnerReference().withName("exp").withKind("OrcaExperiment").withUid("owner").endOwnerReference()
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("orca-operator").withOperation("Apply").build())
                .build();
    }

    private static void assertEmpty(Object kept) {
        assertTrue(kept == null || (kept instanceof java.util.Collection<?> c && c.isEmpty()) || (kept instanceof Map<?, ?> m && m.isEmpty()),
                "not kept: " + kept);
    }

    private static <R extends HasMetadata> R keptOf(PrunedWriteDependent<R> dependent, R written) {
        return kept(dependent.cachedForm(written), written);
    }

    private static <R extends HasMetadata> R kept(R kept, R written) {
        assertNotSame(written, kept);
        assertNotSame(written.getMetadata(), kept.getMetadata());
        assertTrue(kept.getMetadata().getManagedFields() == null || kept.getMetadata().getManagedFields().isEmpty(),
                "no managedFields kept for " + kept.getKind());
        assertEquals(1, written.getMetadata().getManagedFields().size(), "the server's answer is left as it was");
        for (var field : List.<java.util.function.Function<ObjectMeta, Object>>of(ObjectMeta::getName, ObjectMeta::getNamespace,
                ObjectMeta::getResourceVersion, ObjectMeta::getUid, ObjectMeta::getLabels, ObjectMeta::getAnnotations,
                ObjectMeta::getOwnerReferences)) {
            assertEquals(field.apply(written.getMetadata()), field.apply(kept.getMetadata()), "what names and owns it is kept");
        }
        assertEquals(written.getKind(), kept.getKind());
        assertEquals(written.getApiVersion(), kept.getApiVersion());
        return kept;
    }

    @Test
    void metadataOnlyForWhatTheInformersKeepAsMetadata() {
        ConfigMap spec = new ConfigMapBuilder().withMetadata(answered("exp-spec")).addToData("orca.yaml", "x".repeat(4000)).build();
        assertEmpty(keptOf(new SpecConfigMap(), spec).getData());
        NetworkPolicy policy = new NetworkPolicyBuilder().withMetadata(answered("exp-policy")).withNewSpec()
                .withPolicyTypes("Egress").endSpec().build();
        assertNull(keptOf(new TrainerNetworkPolicy(), policy).getSpec());
        ServiceAccount account = new ServiceAccount();
        account.setMetadata(answered("exp-trainer"));
        account.setAutomountServiceAccountToken(false);
        assertNull(keptOf(new TrainerServiceAccount(), account).getAutomountServiceAccountToken());
        Role role = new Role();
        role.setMetadata(answered("exp-trainer"));
        role.setRules(List.of(new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder().withVerbs("get").build()));
        assertEmpty(keptOf(new TrainerRole(), role).getRules());
        RoleBinding binding = new RoleBinding();
        binding.setMetadata(answered("exp-trainer"));
        binding.setRoleRef(new io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder().withName("exp-trainer").build());
        assertNull(keptOf(new TrainerRoleBinding(), binding).getRoleRef());
    }

    @Test
    void progressKeepsItsDataAndJobsTheirSuspensionAndStatus() {
        ConfigMap progress = new ConfigMapBuilder().withMetadata(answered("exp-progress")).addToData("trainer", "{\"epoch\":3}").build();
        assertEquals(Map.of("trainer", "{\"epoch\":3}"), keptOf(new ProgressConfigMap(), progress).getData());

        Job job = new JobBuilder().withMetadata(answered("exp")).withNewSpec().withSuspend(true).withNewTemplate().withNewSpec()
                .addNewContainer().withName("trainer").withImage("orca-trainer").withArgs("run", "/spec/orca.yaml").endContainer()
                .endSpec().endTemplate().endSpec().withNewStatus().withActive(1).endStatus().build();
        // The Jobs' dependents read the operator's configuration when made, so their form is checked where it is defined.
        Job kept = kept(dev.orca.operator.cache.JobCopies.withoutPodTemplate(job), job);
        assertTrue(kept.getSpec().getSuspend());
        assertNull(kept.getSpec().getTemplate(), "the pod template is never read back");
        assertEquals(1, kept.getStatus().getActive());
        assertEquals("trainer", job.getSpec().getTemplate().getSpec().getContainers().get(0).getName());
    }

    @Test
    void theSdksOperationsKeepTheCachedFormOfTheirOwnKindOnly() {
        CachedFormOperations<ConfigMap> operations = new CachedFormOperations<>(null, ConfigMap.class, new SpecConfigMap()::cachedForm);
        ConfigMap spec = new ConfigMapBuilder().withMetadata(answered("exp-spec")).addToData("orca.yaml", "x".repeat(4000)).build();
        ConfigMap kept = kept(operations.kept(spec), spec);
        assertEmpty(kept.getData());
        assertEquals(4000, spec.getData().get("orca.yaml").length(), "the answer keeps its data");
        ServiceAccount other = new ServiceAccount();
        other.setMetadata(answered("exp-trainer"));
        assertSame(other, operations.kept(other), "an answer of another kind is left as it is");
    }
}
