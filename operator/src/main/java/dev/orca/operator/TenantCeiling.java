package dev.orca.operator;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.SpecValidation;
import dev.orca.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's own check of what an experiment asks of the cluster, behind the API server's per-namespace admission
 * policy (the chart's tenant-policy.yaml): the union of what any namespace may ask for. An experiment admitted before the
 * policy existed, or on a cluster where it was turned off, still cannot reach a pod with an image, priority class,
 * toleration or node selector that no namespace is allowed; such an experiment fails validation naming the field.
 */
final class TenantCeiling {
    private TenantCeiling() {}

    static List<SpecValidation.Violation> check(OrcaExperimentSpec spec, OperatorConfig config) {
        List<SpecValidation.Violation> out = new ArrayList<>();
        if (spec.image != null && !imageAllowed(spec.image, allowedImages(config))) {
            out.add(new SpecValidation.Violation("spec.image", spec.image + " is not an image this operator runs (rule images)"));
        }
        OrcaExperimentSpec.Resources r = spec.resources;
        if (r == null) {
            return out;
        }
        List<String> priorities = config.allowedPriorityClasses().orElse(List.of());
        if (r.priorityClassName != null && !priorities.contains(r.priorityClassName)) {
            out.add(new SpecValidation.Violation("spec.resources.priorityClassName", r.priorityClassName
                    + " is not a priority class this operator grants (rule priorityClasses)"));
        }
        List<String> taints = config.allowedTolerationKeys().orElse(List.of());
        for (int i = 0; i < r.tolerations.size(); i++) {
            String key = r.tolerations.get(i).key;
            if (key == null || !taints.contains(key)) {
                out.add(new SpecValidation.Violation("spec.resources.tolerations[" + i + "].key", (key == null ? "a toleration without a key"
                        : key) + " is not a taint this operator lets experiments tolerate (rule tolerationKeys)"));
            }
        }
        List<String> labels = config.allowedNodeSelectorKeys().orElse(List.of());
        r.nodeSelector.keySet().stream().filter(k -> !labels.contains(k)).forEach(k -> out.add(new SpecValidation.Violation(
                "spec.resources.nodeSelector." + k, "is not a node label this operator lets experiments select on (rule nodeSelectorKeys)")));
        return out;
    }

    /** The chart's own trainer images always, plus any configured repository or prefix ending in '/'. */
    private static List<String> allowedImages(OperatorConfig config) {
        List<String> out = new ArrayList<>(config.allowedImages().orElse(List.of()));
        out.add(repository(config.trainerImage()));
        out.add(repository(config.trainerCpuImage()));
        return out;
    }

    static boolean imageAllowed(String image, List<String> allowed) {
        return allowed.stream().anyMatch(p -> image.equals(p) || image.startsWith(p + ":") || image.startsWith(p + "@")
                || (p.endsWith("/") && image.startsWith(p)));
    }

    /** An image reference without its tag or digest (a registry's port is not a tag). */
    static String repository(String image) {
        int at = image.indexOf('@');
        String name = at >= 0 ? image.substring(0, at) : image;
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }
}
