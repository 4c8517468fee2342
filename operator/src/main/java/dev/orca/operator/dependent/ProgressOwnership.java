package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.plan.Names;
import dev.orca.operator.plan.ExperimentPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gives an experiment's progress ConfigMaps their owner back. A writer's Role lets it update its ConfigMap, so it could
 * strip the owner reference, and the garbage collector would then leave the ConfigMap behind the experiment. The
 * chart's admission policy refuses that (templates/owned-objects-policy.yaml); where it is not installed, the operator
 * restores the reference when it reconciles the experiment (which the stripping itself triggers: {@link PerWriter} maps
 * by label). Only ConfigMaps under a name the operator gives its writers are adopted, never one a tenant labelled.
 */
public final class ProgressOwnership {
    private ProgressOwnership() {}

    /** The experiment's writers' ConfigMaps among {@code progress} that lack its owner reference. */
    static List<ConfigMap> stripped(OrcaExperiment experiment, Collection<ConfigMap> progress, Set<String> writersConfigMaps) {
        return progress.stream()
                .filter(c -> experiment.getMetadata().getNamespace().equals(c.getMetadata().getNamespace())
                        && writersConfigMaps.contains(c.getMetadata().getName()) && !Names.ownedBy(c, experiment))
                .toList();
    }

    /** Restores the owner reference of each of the experiment's writers' ConfigMaps that lost it. */
    public static void restore(OrcaExperiment experiment, Collection<ConfigMap> progress, ExperimentPlan plan,
                               KubernetesClient client) {
        Set<String> names = ProgressWriter.current(experiment, plan).stream().map(ProgressWriter::configMap).collect(Collectors.toSet());
        for (ConfigMap c : stripped(experiment, progress, names)) {
            client.configMaps().inNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata().getName()).edit(current -> {
                current.addOwnerReference(experiment);
                return current;
            });
        }
    }
}
