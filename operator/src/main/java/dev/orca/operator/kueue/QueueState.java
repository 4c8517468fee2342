package dev.orca.operator.kueue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a Job stands in Kueue, read from its Workload: admitted or not, deactivated (the experiment suspended), and when
 * it waits, Kueue's own reason and words (which quota is short, or which workload preempted it).
 *
 * @param admitted   Kueue admitted the workload: it has started (or will start) the Job
 * @param active     {@code spec.active}: false once the operator deactivated it for {@code runPolicy.suspend}
 * @param reason     {@code Preempted}, {@code Deactivated} or {@code Queued}
 * @param message    Kueue's message for it
 */
public record QueueState(boolean admitted, boolean active, String reason, String message) {
    public static final String PREEMPTED = "Preempted";
    public static final String QUEUED = "Queued";
    public static final String DEACTIVATED = "Deactivated";

    /** A queued experiment's Job before Kueue has made its Workload. */
    public static QueueState awaiting(String queue) {
        return new QueueState(false, true, QUEUED, "waiting for Kueue to take the Job into queue " + queue);
    }

    /** Reads a Workload (kueue.x-k8s.io/v1beta2); {@code names} turns a workload UID into the name of the Job it runs. */
    public static QueueState of(GenericKubernetesResource workload, java.util.function.Function<String, Optional<String>> names) {
        boolean active = active(workload);
        List<Map<String, Object>> conditions = conditions(workload);
        boolean admitted = holds(conditions, "Admitted");
        Optional<Map<String, Object>> preempted = find(conditions, "Preempted").filter(c -> "True".equals(c.get("status")));
        if (preempted.isEmpty()) {
            preempted = find(conditions, "Evicted").filter(c -> "True".equals(c.get("status")) && PREEMPTED.equals(c.get("reason")));
        }
        if (!active) {
            return new QueueState(false, false, DEACTIVATED, "the workload is deactivated while spec.runPolicy.suspend is true");
        }
        if (!admitted && preempted.isPresent()) {
            return new QueueState(false, true, PREEMPTED, namePreemptor(String.valueOf(preempted.get().get("message")), names));
        }
        String waiting = find(conditions, "QuotaReserved").filter(c -> !"True".equals(c.get("status")))
                .map(c -> String.valueOf(c.get("message"))).orElse("waiting for Kueue to admit the workload");
        return new QueueState(admitted, true, QUEUED, waiting);
    }

    /** {@code spec.active}, true unless set false (Kueue's default). */
    static boolean active(GenericKubernetesResource workload) {
        return !Boolean.FALSE.equals(map(workload.getAdditionalProperties().get("spec")).get("active"));
    }

    /**
     * Kueue names the preempting workload by UID ("... (UID: u, JobUID: j) ..."); its Job's name, when it is known, goes
     * first, ahead of a long message the status clips.
     */
    static String namePreemptor(String message, java.util.function.Function<String, Optional<String>> names) {
        var m = java.util.regex.Pattern.compile("\\(UID: ([^,)]+)").matcher(message);
        if (m.find()) {
            Optional<String> job = names.apply(m.group(1).strip());
            if (job.isPresent()) {
                return "by Job " + job.get() + ": " + message;
            }
        }
        return message;
    }

    private static boolean holds(List<Map<String, Object>> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.get("status"))).orElse(false);
    }

    private static Optional<Map<String, Object>> find(List<Map<String, Object>> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> conditions(GenericKubernetesResource workload) {
        Object status = workload.getAdditionalProperties().get("status");
        Object conditions = status instanceof Map<?, ?> s ? s.get("conditions") : null;
        return conditions instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
