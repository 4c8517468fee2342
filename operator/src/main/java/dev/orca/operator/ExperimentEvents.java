package dev.orca.operator;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Kubernetes Events on an experiment: one per phase transition (Warning for failures), so kubectl describe tells the story. */
@ApplicationScoped
public class ExperimentEvents {
    /** All this class does on the API: create Events (for the RBAC rules). */
    public static final String VERB = "create";
    private final KubernetesClient client;

    public ExperimentEvents(KubernetesClient client) {
        this.client = client;
    }

    public void transition(OrcaExperiment experiment, OrcaExperimentStatus before, OrcaExperimentStatus after) {
        Phase from = before == null ? null : before.phase;
        if (after.phase == from) {
            return;
        }
        String message = after.conditions.stream().filter(c -> ExperimentStatusBuilder.READY.equals(c.getType()))
                .map(c -> c.getMessage()).findFirst().orElse("");
        record(experiment, after.phase == Phase.Failed ? "Warning" : "Normal", after.phase.name(),
                (from == null ? "" : from + " -> ") + after.phase + ": " + message);
    }

    public void error(OrcaExperiment experiment, Exception e) {
        record(experiment, "Warning", "ReconcileError", String.valueOf(e.getMessage()));
    }

    private void record(OrcaExperiment experiment, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(experiment.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withName(experiment.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .withNamespace(experiment.getMetadata().getNamespace()).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(experiment.getApiVersion()).withKind(experiment.getKind())
                            .withName(experiment.getMetadata().getName()).withNamespace(experiment.getMetadata().getNamespace())
                            .withUid(experiment.getMetadata().getUid()).build())
                    .withType(type).withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("orca-operator").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // Events are a courtesy; the status carries the same facts.
            Log.warnf("could not record event %s on %s: %s", reason, experiment.getMetadata().getName(), e.getMessage());
        }
    }
}
