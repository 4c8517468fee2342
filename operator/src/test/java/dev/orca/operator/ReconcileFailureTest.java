package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a tenant reads of a failed reconcile: the cause, never a stack trace or the API server's address. */
class ReconcileFailureTest {

    private static KubernetesClientException apiError(int code, String message) {
        var status = new StatusBuilder().withCode(code).withMessage(message).build();
        return new KubernetesClientException("Failure executing: POST at: https://10.0.0.1:443/apis/networking.k8s.io/v1/namespaces/web/"
                + "networkpolicies. Message: " + message + ". Received status: " + status + ".", code, status);
    }

    @Test
    void anotherOwnersObjectIsANameCollisionNamingIt() {
        Exception e = new AggregatedOperatorException("Exception(s) during workflow execution.", Map.of("network-policy",
                apiError(409, "networkpolicies.networking.k8s.io \"web-trainer\" already exists")));
        ReconcileFailure f = ReconcileFailure.of(e);
        assertEquals("NameCollision", f.reason());
        assertTrue(f.message().startsWith("networkpolicies/web-trainer already exists and is not this experiment's"), f.message());
        assertFalse(f.message().contains("https://") || f.message().contains("\tat ") || f.message().contains("10.0.0.1"), f.message());
    }

    @Test
    void otherApiErrorsKeepTheServersWordsWithoutTheRequestLine() {
        ReconcileFailure f = ReconcileFailure.of(new RuntimeException(apiError(403, "jobs.batch is forbidden: User \"x\" cannot create")));
        assertEquals("ApiError", f.reason());
        assertEquals("HTTP 403: jobs.batch is forbidden: User \"x\" cannot create", f.message());
    }

    @Test
    void aCollisionSetsReadyFalseAndKeepsTheRestOfTheStatus() {
        var before = new dev.orca.crd.OrcaExperimentStatus();
        before.phase = dev.orca.crd.OrcaExperimentStatus.Phase.Pending;
        var after = ExperimentStatusBuilder.afterFailure(before, "NameCollision", "networkpolicies/web-trainer already exists",
                Instant.parse("2026-12-04T10:00:00Z"));
        assertEquals(dev.orca.crd.OrcaExperimentStatus.Phase.Pending, after.phase);
        var ready = after.conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
        assertEquals("False", ready.getStatus());
        assertEquals("NameCollision", ready.getReason());
    }
}
