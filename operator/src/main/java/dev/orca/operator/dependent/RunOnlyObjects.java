package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What only a running experiment needs, given back when it finishes: its writers' ServiceAccounts, Roles and
 * RoleBindings (no pod of it writes again), their progress ConfigMaps (the status keeps every figure), the spec
 * ConfigMap (the trainer's input) and the NetworkPolicy (its pods are done). The Jobs stay, until their own
 * runPolicy.ttlSecondsAfterFinished, for their logs. A GitOps suite keeps thousands of finished experiments for their
 * results; each then costs its status and its Jobs rather than seven or more objects per writer. Should a finished
 * experiment be reopened (a runPolicy change), the workflow makes them again.
 */
public final class RunOnlyObjects {
    private RunOnlyObjects() {}

    /** The kinds given back (the operator's ClusterRole may delete these; OperatorRbacTest derives that from here). */
    public static final List<Class<? extends HasMetadata>> KINDS = List.of(ServiceAccount.class, Role.class, RoleBinding.class,
            NetworkPolicy.class, ConfigMap.class);
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RunOnlyObjects.class);

    /** The experiment's run-only objects still in the operator's caches (its own, by owner reference). */
    public static List<HasMetadata> of(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        List<HasMetadata> out = new ArrayList<>();
        Stream.of(ServiceAccount.class, Role.class, RoleBinding.class)
                .forEach(type -> context.getSecondaryResourcesAsStream(type).forEach(out::add));
        if (dev.orca.operator.config.OperatorConfig.current().networkPolicy()) {
            context.getSecondaryResourcesAsStream(NetworkPolicy.class).forEach(out::add);
        }
        for (String source : List.of(ProgressConfigMap.EVENT_SOURCE, SpecConfigMap.EVENT_SOURCE)) {
            context.eventSourceRetriever().getEventSourceFor(ConfigMap.class, source).getSecondaryResources(experiment).forEach(out::add);
        }
        return out.stream().filter(o -> ofExperiment(o, experiment)).toList();
    }

    static boolean ofExperiment(HasMetadata o, OrcaExperiment experiment) {
        var labels = o.getMetadata().getLabels();
        return labels != null && experiment.getMetadata().getName().equals(labels.get(Names.EXPERIMENT_LABEL))
                && experiment.getMetadata().getNamespace().equals(o.getMetadata().getNamespace())
                && Names.ownedBy(o, experiment);
    }

    /**
     * Deletes them once none of the experiment's Jobs runs (a failed experiment's comparison Jobs may still: their pods keep
     * their confinement and channel until they end, whose event brings the experiment back here). Nothing is sent when
     * nothing is left, so a finished experiment's later looks cost no request.
     */
    public static int giveBack(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        boolean running = dev.orca.operator.plan.ExperimentPlan.jobs(context)
                .anyMatch(j -> !dev.orca.operator.plan.JobStates.complete(j) && !dev.orca.operator.plan.JobStates.failed(j));
        if (running) {
            return 0;
        }
        List<HasMetadata> left = of(experiment, context);
        for (HasMetadata o : left) {
            try {
                context.getClient().resource(o).withGracePeriod(0).delete();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                // A chart from before this change grants no delete: the objects stay (as they did), the reconcile goes on.
                LOG.warnf("%s/%s %s of finished experiment %s not given back: %s", o.getMetadata().getNamespace(),
                        o.getMetadata().getName(), o.getKind(), experiment.getMetadata().getName(), e.getMessage());
                return 0;
            }
        }
        return left.size();
    }
}
