package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.operator.config.OperatorConfig;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * No pod of an experiment starts unconfined: a Job (the run, a trial, a candidate) is created only once the
 * experiment's NetworkPolicy, when the operator makes them, is in the cache and is this experiment's own (an object of
 * that name made by someone else does not confine these pods). Only creation waits; a Job that exists is never
 * deleted for it.
 */
public final class Confinement {
    private Confinement() {}

    public static boolean ready(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        if (!OperatorConfig.current().networkPolicy()) {
            return true;
        }
        return context.getSecondaryResources(NetworkPolicy.class).stream()
                .anyMatch(p -> Names.trainer(experiment).equals(p.getMetadata().getName()) && Names.ownedBy(p, experiment));
    }
}
