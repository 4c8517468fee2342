package dev.orca.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 12, 6, 2, 0, 0, 0, ZoneOffset.UTC);

    private static Lease heldBy(String holder) {
        return new LeaseBuilder().withNewMetadata().withName("orca-operator").withNamespace("orca-system").withResourceVersion("41")
                .endMetadata().withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(15).withLeaseTransitions(3)
                .withAcquireTime(NOW.minusMinutes(5)).withRenewTime(NOW.minusSeconds(1)).endSpec().build();
    }

    @Test
    void aLeaseThisReplicaHoldsIsLeftFreeAtTheVersionRead() {
        Lease released = LeaderElection.released(heldBy("orca-operator-0"), "orca-operator-0", NOW).orElseThrow();
        assertEquals("", released.getSpec().getHolderIdentity(), "free for the standby's next try");
        assertEquals(1, released.getSpec().getLeaseDurationSeconds());
        assertEquals(3, released.getSpec().getLeaseTransitions(), "the standby counts its own acquisition");
        assertEquals("41", released.getMetadata().getResourceVersion(), "written only if nobody took it since");
        assertEquals(NOW, released.getSpec().getRenewTime());
    }

    @Test
    void aLeaseAnotherReplicaHoldsOrNoLeaseIsLeftAlone() {
        assertTrue(LeaderElection.released(heldBy("orca-operator-1"), "orca-operator-0", NOW).isEmpty());
        assertTrue(LeaderElection.released(heldBy(""), "orca-operator-0", NOW).isEmpty());
        assertTrue(LeaderElection.released(null, "orca-operator-0", NOW).isEmpty());
    }

    @Test
    void theIdentityIsThePodsNameOrARandomOne() {
        assertEquals("orca-operator-7c9d-x2", LeaderElection.identity("orca-operator-7c9d-x2"));
        assertNotEquals(LeaderElection.identity(""), LeaderElection.identity(null), "two replicas outside pods differ");
    }

    @Test
    void theSdkLeavesTheEndOfLeadingToLeaseRelease() {
        OperatorConfig defaults = dev.orca.operator.TestConfigs.chartDefaults();
        OperatorConfig config = (OperatorConfig) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {OperatorConfig.class},
                (proxy, method, args) -> method.getName().equals("leaderElection") ? true : method.invoke(defaults, args));
        try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
            var election = new LeaderElection().leaderElection(config, new LeaseRelease(config, client));
            // An SDK exit here would run inside the JVM's shutdown and block it until the pod is killed.
            org.junit.jupiter.api.Assertions.assertFalse(election.isExitOnStopLeading());
            assertTrue(election.getLeaderCallbacks().isPresent());
            assertEquals(LeaderElection.IDENTITY, election.getIdentity().orElseThrow());
        }
    }
}
