package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The trainer pods' informer keeps metadata and status only: the operator reads a pod's labels, creation time and
 * container states (for termination messages), never its spec (volumes, environment, the whole container), which the
 * Job already holds.
 */
public class PodCopies extends ReadOnlyCopies<Pod> {
    public PodCopies() {
        super(Pod.class, pod -> {
            pod.setSpec(null);
            return pod;
        });
    }
}
