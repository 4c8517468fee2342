package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import dev.orca.operator.cache.ReadOnlyCopies;

/** All a progress writer may do on the API: read and update its own ConfigMap. */
// Only the trainers' own objects: without a selector the informer would cache every one in the watched namespaces.
@KubernetesDependent(informer = @Informer(informerListLimit = ReadOnlyCopies.LIST_PAGE,
        labelSelector = Names.ROLE_LABEL + "=" + Names.TRAINER,
        itemStore = dev.orca.operator.cache.MetadataCopies.Roles.class))
public class TrainerRole extends PerWriter<Role> {

    public TrainerRole() {
        super(Role.class, Names.TRAINER);
    }

    @Override
    protected Role cachedForm(Role written) {
        return dev.orca.operator.cache.MetadataCopies.metadataOnly(written, Role::new);
    }

    @Override
    protected Role desired(OrcaExperiment experiment, ProgressWriter writer) {
        return new RoleBuilder()
                .withNewMetadata().withName(writer.identity()).withNamespace(experiment.getMetadata().getNamespace())
                .withLabels(labels(experiment, Names.TRAINER, writer)).endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withResourceNames(writer.configMap()).withVerbs("get", "patch", "update").build())
                .build();
    }

    @Override
    protected String name(ProgressWriter writer) {
        return writer.identity();
    }
}
