package dev.orca.operator.kueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.operator.ExperimentStatusBuilder;
import dev.orca.operator.Observation;
import dev.orca.operator.TestExperiments;
import dev.orca.operator.plan.ExperimentPlan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kueue's conventions on the operator's side, without a cluster: labels, the Workload's reading, the Queued status. */
class KueueAdmissionTest {

    private static OrcaExperiment experiment(Map<String, String> labels) {
        try (var client = new KubernetesClientBuilder().build()) {
            OrcaExperiment e = TestExperiments.valid(client, "team-a", "x");
            e.getMetadata().setLabels(labels);
            e.getMetadata().setGeneration(1L);
            return e;
        }
    }

    private static GenericKubernetesResource workload(String yaml) {
        return Serialization.unmarshal("apiVersion: kueue.x-k8s.io/v1beta2\nkind: Workload\nmetadata: {name: job-x-trainer-1a2b3, namespace: team-a}\n"
                + yaml, GenericKubernetesResource.class);
    }

    @Test
    void theQueueAndPriorityLabelsReachTheJobWhichStartsSuspended() {
        OrcaExperiment queued = experiment(Map.of(KueueLabels.QUEUE, "gpus", KueueLabels.PRIORITY_CLASS, "orca-high", "team", "a"));
        assertEquals(Map.of(KueueLabels.QUEUE, "gpus", KueueLabels.PRIORITY_CLASS, "orca-high"), KueueLabels.forJob(queued),
                "only Kueue's labels, not the experiment's others");
        OrcaExperiment plain = experiment(Map.of(KueueLabels.PRIORITY_CLASS, "orca-high"));
        assertEquals(Map.of(), KueueLabels.forJob(plain), "a priority class without a queue means nothing to Kueue");
        assertFalse(KueueLabels.queued(plain));
    }

    @Test
    void aWorkloadShortOfQuotaSaysWhichQuota() {
        QueueState s = QueueState.of(workload("""
                spec: {active: true}
                status:
                  conditions:
                  - {type: QuotaReserved, status: "False", reason: Pending,
                     message: "couldn't assign flavors to pod set main: insufficient unused quota for nvidia.com/gpu in flavor gpu, 1 more needed"}
                """), uid -> Optional.empty());
        assertFalse(s.admitted());
        assertEquals(QueueState.QUEUED, s.reason());
        assertTrue(s.message().contains("insufficient unused quota for nvidia.com/gpu"), s.message());
    }

    @Test
    void aPreemptedWorkloadNamesThePreemptingJob() {
        QueueState s = QueueState.of(workload("""
                status:
                  conditions:
                  - {type: QuotaReserved, status: "False", reason: Pending, message: "waiting"}
                  - {type: Evicted, status: "True", reason: Preempted, message: "Preempted to accommodate a workload (UID: u-7, JobUID: j-7) due to prioritization in the ClusterQueue"}
                  - {type: Preempted, status: "True", reason: InClusterQueue, message: "Preempted to accommodate a workload (UID: u-7, JobUID: j-7) due to prioritization in the ClusterQueue"}
                """), uid -> uid.equals("u-7") ? Optional.of("urgent-trainer") : Optional.empty());
        assertEquals(QueueState.PREEMPTED, s.reason());
        assertTrue(s.message().startsWith("by Job urgent-trainer: Preempted to accommodate"), s.message());
        QueueState readmitted = QueueState.of(workload("""
                status:
                  conditions:
                  - {type: QuotaReserved, status: "True", reason: QuotaReserved, message: ok}
                  - {type: Admitted, status: "True", reason: Admitted, message: ok}
                  - {type: Preempted, status: "False", reason: InClusterQueue, message: "earlier"}
                """), uid -> Optional.empty());
        assertTrue(readmitted.admitted(), "admitted again after a preemption");
    }

    @Test
    void aDeactivatedWorkloadIsTheExperimentsOwnSuspension() {
        QueueState s = QueueState.of(workload("spec: {active: false}\n"), uid -> Optional.empty());
        assertEquals(QueueState.DEACTIVATED, s.reason());
        assertFalse(s.active());
    }

    @Test
    void aJobThatKueueHoldsMakesTheExperimentQueuedWithKueuesReason() {
        OrcaExperiment e = experiment(Map.of(KueueLabels.QUEUE, "gpus"));
        Job held = new JobBuilder().withNewMetadata().withName("x-trainer").endMetadata().withNewSpec().withSuspend(true).endSpec()
                .withNewStatus().endStatus().build();
        QueueState preempted = new QueueState(false, true, QueueState.PREEMPTED, "by Job urgent-trainer: Preempted to accommodate a workload");
        OrcaExperimentStatus s = ExperimentStatusBuilder.build(new Observation(e, List.of(), Optional.of(held), List.of(),
                Optional.empty(), ExperimentPlan.direct(), Optional.of(preempted)), null, Instant.parse("2026-12-04T10:00:00Z"));
        assertEquals(Phase.Queued, s.phase);
        var running = s.conditions.stream().filter(c -> c.getType().equals(ExperimentStatusBuilder.RUNNING)).findFirst().orElseThrow();
        assertEquals("False", running.getStatus());
        assertEquals(QueueState.PREEMPTED, running.getReason());
        assertTrue(running.getMessage().contains("urgent-trainer"));

        OrcaExperimentStatus admitted = ExperimentStatusBuilder.build(new Observation(e, List.of(), Optional.of(held), List.of(),
                Optional.empty(), ExperimentPlan.direct(), Optional.of(new QueueState(true, true, QueueState.QUEUED, "ok"))), s,
                Instant.parse("2026-12-04T10:01:00Z"));
        assertEquals(Phase.Pending, admitted.phase, "admitted: the Job starts");
        assertNull(admitted.completionTime);
    }
}
