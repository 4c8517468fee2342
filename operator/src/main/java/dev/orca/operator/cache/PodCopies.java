package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The trainer pods' informer keeps metadata and status only: the operator reads a pod's labels, creation time and
 * container states (for termination messages), never its spec (volumes, environment, the whole container), which the
 * Job already holds.
 *
 * <p>Its keys are kept sorted, so that an experiment finds its pods by the name the Job controller gives them
 * ({@link #ofJob}) rather than through the SDK's index from each experiment to its pods, which at 10 000 experiments
 * held 8 MB of the leader's heap (a concurrent set per experiment). Each match is decoded once more to check its label;
 * a reconcile has one or two.
 */
public class PodCopies extends ReadOnlyCopies<Pod> {
    /**
     * The Job controller names a Job's pods {@code generateName = <job>-}, which the API server cuts to this length
     * before it appends {@link #GENERATED_SUFFIX} random characters (apiserver's {@code names.SimpleNameGenerator}).
     */
    static final int GENERATE_NAME_BASE = 58;
    static final int GENERATED_SUFFIX = 5;

    private final ConcurrentNavigableMap<String, byte[]> sorted;

    public PodCopies() {
        this(new ConcurrentSkipListMap<>());
    }

    private PodCopies(ConcurrentSkipListMap<String, byte[]> sorted) {
        super(Pod.class, pod -> {
            pod.setSpec(null);
            return pod;
        }, sorted);
        this.sorted = sorted;
    }

    /**
     * The keys of the pods that Job {@code job} in {@code namespace} made and that carry {@code label}={@code value}: the
     * names the Job controller generates for it, checked against the label because a cut name may be another Job's too.
     */
    public Stream<String> ofJob(String namespace, String job, String label, String value) {
        String base = job + "-";
        String prefix = namespace + "/" + base.substring(0, Math.min(base.length(), GENERATE_NAME_BASE));
        return sorted.subMap(prefix, true, prefix + Character.MAX_VALUE, false).keySet().stream()
                .filter(key -> key.length() == prefix.length() + GENERATED_SUFFIX)
                .filter(key -> {
                    Pod pod = get(key);
                    Map<String, String> labels = pod == null ? null : pod.getMetadata().getLabels();
                    return labels != null && Objects.equals(labels.get(label), value);
                });
    }
}
