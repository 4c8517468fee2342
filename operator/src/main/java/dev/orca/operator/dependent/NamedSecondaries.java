package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An experiment finds its objects of one informer by the names it gives them ({@link dev.orca.operator.plan.Names},
 * {@link ProgressWriter}), looked up in that informer's cache, instead of through the SDK's index from each experiment to
 * its objects. JOSDK (5.3.2) keeps that index per informer as a concurrent set per experiment holding a ResourceID per
 * object, fed from every event: with the seven objects of each experiment it was the largest thing on the operator's heap
 * after the caches themselves (25 MB of 117 at 10 000 experiments, bench/run operator-scale, jcmd GC.class_histogram).
 * A lookup by name also sees an object the operator has just created and its informer has not delivered yet (the SDK's
 * temporary cache answers by name), as the index did. The trainer's Pods, named by the Job controller, are found by
 * those names' prefix ({@code cache.PodCopies#ofJob}); Jobs whose names the plan does not fix in advance (a search's
 * trial Jobs, one per rung reached) keep the index, which holds entries only for objects that exist.
 */
final class NamedSecondaries {
    private NamedSecondaries() {}

    /** {@code builder} with the experiment's objects of this informer found at {@code names}, in its namespace. */
    static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> byName(
            InformerEventSourceConfiguration.Builder<R> builder, Function<OrcaExperiment, Stream<String>> names) {
        return builder.withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<OrcaExperiment>) experiment -> ids(experiment, names));
    }

    static Set<ResourceID> ids(OrcaExperiment experiment, Function<OrcaExperiment, Stream<String>> names) {
        String namespace = experiment.getMetadata().getNamespace();
        return names.apply(experiment).map(name -> new ResourceID(name, namespace)).collect(Collectors.toSet());
    }
}
