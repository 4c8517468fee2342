package dev.orca.operator;

import dev.orca.operator.plan.JobStates;

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
        String message = after.condition(ExperimentStatusBuilder.READY).map(c -> c.getMessage()).orElse("");
        // A failed experiment's Event names the cause (InvalidInput, InvalidSpec, BackoffLimitExceeded, DeadlineExceeded,
        // the Failed condition's reason) and a queued one Kueue's (Preempted, Deactivated or Queued), not the phase.
        String reason = switch (after.phase) {
            case Failed -> reasonOf(after, ExperimentStatusBuilder.FAILED, "Failed");
            case Queued -> reasonOf(after, ExperimentStatusBuilder.RUNNING, "Queued");
            default -> after.phase.name();
        };
        record(experiment, after.phase == Phase.Failed || "Preempted".equals(reason) ? "Warning" : "Normal", reason,
                (from == null ? "" : from + " -> ") + after.phase + ": " + message);
    }

    /** A Warning when a running trainer goes silent past its bound, and a Normal Event when it reports again. */
    public void stall(OrcaExperiment experiment, OrcaExperimentStatus before, OrcaExperimentStatus after) {
        var now = after.condition(ExperimentStatusBuilder.STALLED);
        boolean was = before != null && before.condition(ExperimentStatusBuilder.STALLED).filter(c -> "True".equals(c.getStatus())).isPresent();
        boolean is = now.filter(c -> "True".equals(c.getStatus())).isPresent();
        if (is && !was) {
            record(experiment, "Warning", "Stalled", now.get().getMessage());
        } else if (was && !is && now.filter(c -> StallWatch.PROGRESSING.equals(c.getReason())).isPresent()) {
            record(experiment, "Normal", StallWatch.PROGRESSING, "the trainer reports again");
        }
    }

    /**
     * A Warning for each new disruption of the trainer (the Job replaces the pod without counting it as a failure, so
     * only this says that a node keeps evicting it).
     */
    public void disruption(OrcaExperiment experiment, OrcaExperimentStatus before, OrcaExperimentStatus after) {
        int was = before == null || before.disruptions == null ? 0 : before.disruptions;
        if (after.disruptions != null && after.disruptions > was) {
            record(experiment, "Warning", "TrainerDisrupted", after.condition(ExperimentStatusBuilder.RUNNING)
                    .map(c -> c.getMessage()).orElse(after.disruptions + " trainer pods disrupted"));
        }
    }

    private static String reasonOf(OrcaExperimentStatus status, String conditionType, String otherwise) {
        return status.condition(conditionType).map(c -> c.getReason()).filter(r -> r != null && !r.isBlank()).orElse(otherwise);
    }

    /** Search and selection milestones: a trial or candidate failed (Warning), the body was chosen, the search decided. */
    public void searchProgress(OrcaExperiment experiment, OrcaExperimentStatus before, OrcaExperimentStatus after) {
        if (after.search != null) {
            java.util.Set<Integer> failedBefore = before == null || before.search == null ? java.util.Set.of()
                    : before.search.trials.stream().filter(t -> JobStates.FAILED.equals(t.state)).map(t -> t.id).collect(java.util.stream.Collectors.toSet());
            after.search.trials.stream().filter(t -> JobStates.FAILED.equals(t.state) && !failedBefore.contains(t.id)).forEach(t ->
                    record(experiment, "Warning", "TrialFailed", "trial " + t.id + " (rung " + t.rung + ") failed: " + t.message
                            + "; the search goes on"));
            String was = before == null || before.search == null ? null : before.search.state;
            if (!java.util.Objects.equals(was, after.search.state) && !JobStates.RUNNING.equals(after.search.state)) {
                record(experiment, JobStates.FAILED.equals(after.search.state) ? "Warning" : "Normal", "Search" + after.search.state,
                        after.search.message);
            }
        }
        if (after.selection != null) {
            for (int i = 0; i < after.selection.candidates.size(); i++) {
                var c = after.selection.candidates.get(i);
                var was = before == null || before.selection == null || i >= before.selection.candidates.size() ? null
                        : before.selection.candidates.get(i).state;
                if (JobStates.FAILED.equals(c.state) && !JobStates.FAILED.equals(was)) {
                    record(experiment, "Warning", "CandidateFailed", c.body + ": " + c.message);
                }
            }
            String chosenBefore = before == null || before.selection == null ? null : before.selection.chosen;
            if (after.selection.chosen != null && chosenBefore == null) {
                record(experiment, "Normal", "BodySelected", after.selection.chosen + " (" + after.selection.message + ")");
            }
        }
    }

    /** A failed reconcile: its cause in words ({@link ReconcileFailure}), no stack trace, no API server address. */
    public void error(OrcaExperiment experiment, Exception e) {
        ReconcileFailure failure = ReconcileFailure.of(e);
        record(experiment, "Warning", failure.reason(), failure.message());
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
