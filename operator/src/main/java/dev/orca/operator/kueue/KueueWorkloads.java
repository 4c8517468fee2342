package dev.orca.operator.kueue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Optional;

/**
 * Kueue's Workloads of the operator's Jobs, read and (for runPolicy.suspend) deactivated. Read on demand rather than
 * watched: Kueue is optional, its CRDs may be absent, and only experiments that name a queue ever ask. Deactivating the
 * Workload is how Kueue stops an admitted Job for good: a Job suspended by anyone else is started again by Kueue as long
 * as its Workload stays admitted.
 */
public final class KueueWorkloads {
    public static final String GROUP = "kueue.x-k8s.io";
    public static final String PLURAL = "workloads";
    /** What the operator does with Workloads (for its ClusterRole): a patch reads the object first. */
    public static final String[] VERBS = {"get", "list", "patch"};
    static final ResourceDefinitionContext WORKLOAD = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion("v1beta2").withPlural(PLURAL).withKind("Workload").withNamespaced(true).build();
    static final String JOB_UID = "kueue.x-k8s.io/job-uid";

    private KueueWorkloads() {}

    /** The Job's Workload, when Kueue has made it (and Kueue is installed). */
    public static Optional<GenericKubernetesResource> of(KubernetesClient client, Job job) {
        try {
            return client.genericKubernetesResources(WORKLOAD).inNamespace(job.getMetadata().getNamespace())
                    .withLabel(JOB_UID, job.getMetadata().getUid()).list().getItems().stream().findFirst();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty(); // no Kueue on this cluster
            }
            throw e;
        }
    }

    /** Where the Job stands in Kueue, naming a preempting workload's Job when it is in the same namespace. */
    public static Optional<QueueState> state(KubernetesClient client, Job job) {
        return of(client, job).map(w -> QueueState.of(w, uid -> client.genericKubernetesResources(WORKLOAD)
                .inNamespace(job.getMetadata().getNamespace()).list().getItems().stream()
                .filter(o -> uid.equals(o.getMetadata().getUid()))
                .flatMap(o -> o.getMetadata().getOwnerReferences().stream()).map(r -> r.getName()).findFirst()));
    }

    /** Whether the Job's Workload is active; empty while Kueue has not made it yet. */
    public static Optional<Boolean> active(KubernetesClient client, Job job) {
        return of(client, job).map(QueueState::active);
    }

    /** Activates or deactivates the Job's Workload (a merge patch of spec.active). */
    public static void setActive(KubernetesClient client, Job job, boolean active) {
        of(client, job).ifPresent(w -> client.genericKubernetesResources(WORKLOAD).inNamespace(w.getMetadata().getNamespace())
                .withName(w.getMetadata().getName())
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"active\":" + active + "}}"));
    }
}
