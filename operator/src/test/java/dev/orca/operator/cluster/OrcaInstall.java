package dev.orca.operator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Orca installed on a {@link RealCluster} the way a user installs it: the committed CRD, the namespace and the
 * chart's rendered RBAC from {@code manifests/install}, and the packaged operator running as its ServiceAccount with
 * the rendered Deployment's environment (this process stands in for the Deployment's pod).
 */
public final class OrcaInstall {
    private OrcaInstall() {}

    public static final String OPERATOR_NAMESPACE = "orca-system";
    public static final String OPERATOR_ACCOUNT = "orca-operator";

    /** Applies the CRD, the operator's identity and permissions and its lease's FlowSchema; returns the install YAML's objects. */
    public static List<HasMetadata> applyCrdAndRbac(RealCluster cluster) {
        Path repo = cluster.repository();
        cluster.kubectl("apply", "--server-side", "-f", repo.resolve("crds/orcaexperiments.orca.dev-v1.yml").toString());
        cluster.kubectl("wait", "--for=condition=Established", "crd/orcaexperiments.orca.dev", "--timeout=60s");
        cluster.kubectl("apply", "-f", repo.resolve("manifests/install/namespace.yaml").toString());
        List<HasMetadata> install;
        try (var in = new FileInputStream(repo.resolve("manifests/install/orca-operator.yaml").toFile())) {
            install = cluster.admin().load(in).items();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (HasMetadata object : install) {
            // The FlowSchema too: how the API server ranks the leader's lease renewals is part of running the operator.
            if (Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "FlowSchema").contains(object.getKind())) {
                cluster.admin().resource(object).serverSideApply();
            }
        }
        return install;
    }

    /** The packaged operator as its ServiceAccount, logging to {@code log}. */
    public static PackagedOperator startOperator(RealCluster cluster, List<HasMetadata> install, Path log) {
        return startOperator(cluster, install, log, java.util.Map.of());
    }

    /** As {@link #startOperator(RealCluster, List, Path)}, with {@code environment} over the Deployment's. */
    public static PackagedOperator startOperator(RealCluster cluster, List<HasMetadata> install, Path log, java.util.Map<String, String> environment) {
        return PackagedOperator.start(cluster.kubeconfigAs(OPERATOR_NAMESPACE, OPERATOR_ACCOUNT), install, log, environment);
    }
}
