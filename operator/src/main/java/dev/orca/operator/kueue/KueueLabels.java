package dev.orca.operator.kueue;

import dev.orca.crd.OrcaExperiment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kueue's conventions on an experiment: the LocalQueue it waits in ({@code kueue.x-k8s.io/queue-name}) and its
 * WorkloadPriorityClass ({@code kueue.x-k8s.io/priority-class}), given as the experiment's labels the way a Job, a
 * JobSet or a Kubeflow TrainJob names them, and carried onto every Job the operator makes for it (run, trials,
 * candidates), so that Kueue admits each one as a workload of its own.
 */
public final class KueueLabels {
    public static final String QUEUE = "kueue.x-k8s.io/queue-name";
    public static final String PRIORITY_CLASS = "kueue.x-k8s.io/priority-class";

    private KueueLabels() {}

    /** The experiment waits in a Kueue queue: its Jobs are created suspended and only Kueue starts them. */
    public static boolean queued(OrcaExperiment experiment) {
        return queue(experiment) != null;
    }

    public static String queue(OrcaExperiment experiment) {
        Map<String, String> labels = experiment.getMetadata().getLabels();
        return labels == null ? null : labels.get(QUEUE);
    }

    /** The labels a Job of this experiment carries for Kueue (none when it names no queue). */
    public static Map<String, String> forJob(OrcaExperiment experiment) {
        Map<String, String> labels = experiment.getMetadata().getLabels();
        Map<String, String> out = new LinkedHashMap<>();
        if (labels != null && labels.get(QUEUE) != null) {
            out.put(QUEUE, labels.get(QUEUE));
            if (labels.get(PRIORITY_CLASS) != null) {
                out.put(PRIORITY_CLASS, labels.get(PRIORITY_CLASS));
            }
        }
        return out;
    }
}
