package dev.orca.operator;

import dev.orca.crd.ProgressReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The trainer pods a disruption ended: evicted by the kubelet (a node short of disk or memory) or through the Eviction
 * API, preempted, or lost with their node. Kubernetes marks them with the {@code DisruptionTarget} condition, and the
 * trainer Job's pod failure policy replaces them without counting against {@code runPolicy.backoffLimit} — so a node that
 * evicts every trainer would retry forever with nothing in the Job's failure count. These pods are how the status and
 * the Events say so (a CI run once sat in "preparing" for an hour while a full disk evicted pod after pod).
 */
final class TrainerDisruptions {
    /** The pod condition Kubernetes sets on a pod a disruption ends (the pod failure policy's Ignore rule matches it). */
    static final String CONDITION = "DisruptionTarget";

    private TrainerDisruptions() {}

    /** The disrupted pods among {@code pods}, oldest first. */
    static List<Pod> of(List<Pod> pods) {
        return pods.stream().filter(TrainerDisruptions::disrupted)
                .sorted(Comparator.comparing((Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")))
                .toList();
    }

    /**
     * What ended the newest of {@code disrupted} (as {@link #of} returns them), in the kubelet's words: "pod x: Evicted:
     * The node was low on resource: ...".
     */
    static Optional<String> latest(List<Pod> disrupted) {
        if (disrupted.isEmpty()) {
            return Optional.empty();
        }
        Pod pod = disrupted.get(disrupted.size() - 1);
        PodCondition condition = condition(pod).orElseThrow();
        String reason = firstNonBlank(pod.getStatus().getReason(), condition.getReason());
        String message = firstNonBlank(pod.getStatus().getMessage(), condition.getMessage());
        return Optional.of(ProgressReport.clip("pod " + pod.getMetadata().getName() + ": " + reason
                + (message.isEmpty() ? "" : ": " + message.strip()), ProgressReport.MAX_MESSAGE_CHARS));
    }

    private static boolean disrupted(Pod pod) {
        return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase()) && condition(pod).isPresent();
    }

    private static Optional<PodCondition> condition(Pod pod) {
        return pod.getStatus().getConditions() == null ? Optional.empty() : pod.getStatus().getConditions().stream()
                .filter(c -> CONDITION.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b == null ? "" : b;
    }
}
